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


def _initial_persons(*overrides):
    from sim.labour.population import build_geography, build_persons

    scenario = load_scenario("tiny", list(overrides))
    persons = build_persons(scenario, build_geography(scenario), np.random.default_rng(5))
    return scenario.labour, persons


def test_without_prior_months_only_the_current_spell_scars():
    """At 0 the initial scars are the current spell's: the employed and persons outside
    start at their base employability."""
    from sim.labour.population import EMPLOYED, UNEMPLOYED

    lab, p = _initial_persons("labour.initial_prior_unemployment_months=0")
    unemployed = p.status == UNEMPLOYED
    expected = np.maximum(p.base_employability * (1 - lab.scarring_rate)
                          ** p.unemployment_months, lab.employability_floor)
    assert np.array_equal(p.employability[unemployed], expected[unemployed])
    assert np.array_equal(p.employability[~unemployed], p.base_employability[~unemployed])
    assert (p.status == EMPLOYED).any() and unemployed.any()


def test_prior_months_out_of_work_scar_everyone_not_employed():
    """Jobseekers and persons outside carry a geometric number of earlier months out of
    work with the parameter's mean; the employed none, and the current spell is unchanged."""
    from sim.labour.population import EMPLOYED, OUTSIDE, UNEMPLOYED

    lab, p = _initial_persons("labour.initial_prior_unemployment_months=30",
                              "labour.employability_floor=0")
    employed = p.status == EMPLOYED
    assert np.array_equal(p.employability[employed], p.base_employability[employed])
    assert (p.unemployment_months[p.status == OUTSIDE] == 0).all()
    out = ~employed
    months = np.log(p.employability[out] / p.base_employability[out]) / np.log(
        1 - lab.scarring_rate) - p.unemployment_months[out]
    prior = np.rint(months)
    assert np.allclose(months, prior, atol=1e-6) and prior.min() == 0
    assert out.sum() > 1000 and abs(prior.mean() - 30) < 3  # SE about 30 / √n ≈ 0.9
    assert (p.status == UNEMPLOYED).any() and (p.status == OUTSIDE).any()
