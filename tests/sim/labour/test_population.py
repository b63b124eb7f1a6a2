"""Geography and populations (sim.labour.population): synthetic regions.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import load_scenario


def test_synthetic_regions_group_municipalities_around_their_centres():
    """``regions`` groups a synthetic country's municipalities, one centre per region."""
    from sim.labour.population import build_geography

    scenario = load_scenario("finland")
    geo = build_geography(scenario)
    regions = sorted(set(geo.sub_region))
    assert len(geo.names) == 309 and len(regions) == 19
    # The 19 largest municipalities are the centres, one in each region.
    assert sorted(geo.sub_region[:19]) == regions
    assert geo.population[:19].min() >= geo.population[19:].max()
    # Each region's members sit nearer their own centre than the mean distance between
    # centres, and every alliance lists exactly one region's municipalities.
    centre = {geo.sub_region[k]: k for k in range(19)}
    own = [geo.distance_km[k, centre[r]] for k, r in enumerate(geo.sub_region)]
    between = geo.distance_km[:19, :19][~np.eye(19, dtype=bool)].mean()
    assert np.mean(own) < 0.5 * between
    members = [sorted(m for m in a.members if m != "region") for a in scenario.all_alliances]
    by_region = [sorted(n for n, r in zip(geo.names, geo.sub_region, strict=True) if r == reg)
                 for reg in regions]
    assert members == by_region
    assert all(all(a.levers.values()) for a in scenario.all_alliances)


def test_more_regions_than_municipalities_is_an_input_error():
    from sim.scenario import ScenarioError

    with pytest.raises(ScenarioError, match="regions"):
        load_scenario("finland-synthetic", ["synthetic_region.regions=400"])


def test_one_region_keeps_the_plain_layout():
    """Without ``regions`` the layout is the plain one: no region names."""
    from sim.labour.population import build_geography

    geo = build_geography(load_scenario("finland-synthetic"))
    assert set(geo.sub_region) == {""}
