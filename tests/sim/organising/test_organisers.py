"""Organisers: budgets and mixes from the scenario, the areas each answers for, and the
region and municipalities as Mesa agents.

The tiny region has 5,200, 1,900 and 1,100 residents (8,200 in all); by default the region
budgets 120 EUR and each municipality 30 EUR per resident and year.
"""

from __future__ import annotations

from types import SimpleNamespace

import mesa
import numpy as np
import pytest

from sim import load_scenario
from sim.labour.population import build_geography
from sim.organising.organisers import REGION_INDEX, Municipality, Organisers, Region
from sim.scenario import SERVICES


def from_tiny(overrides=(), homes=(0, 0, 0, 1, 2, 2)):
    """The tiny region's organisers with a labour force living in ``homes``."""
    scenario = load_scenario("tiny", overrides)
    persons = SimpleNamespace(home=np.array(homes, dtype=np.int32))
    return Organisers.from_scenario(scenario, build_geography(scenario), persons), scenario


def test_names_and_indices_put_the_region_first():
    orgs, _ = from_tiny()
    assert orgs.names == ["region", "Keskikylä", "Rantala", "Metsälä"]
    assert orgs.index_of == {"region": 0, "Keskikylä": 1, "Rantala": 2, "Metsälä": 3}
    assert REGION_INDEX == 0 and orgs.n_munis == 3


def test_budgets_per_resident_are_monthly():
    orgs, _ = from_tiny()
    # 120 × 8,200 / 12 and 30 × residents / 12.
    assert orgs.budget.tolist() == pytest.approx([82_000.0, 13_000.0, 4_750.0, 2_750.0])


def test_named_budgets_override_the_per_resident_rule():
    orgs, _ = from_tiny(["organisers.region_budget_eur_per_year=600000.0",
                         "organisers.municipal_budgets.Rantala=120000.0"])
    assert orgs.budget.tolist() == pytest.approx([50_000.0, 13_000.0, 10_000.0, 2_750.0])


def test_mixes_follow_the_plans_in_service_order():
    orgs, scenario = from_tiny()
    plans = scenario.organisers
    assert orgs.mix.shape == (4, len(SERVICES))
    for service, share in plans.region_mix.items():
        assert orgs.mix[0, SERVICES.index(service)] == share
    for row in orgs.mix[1:]:
        assert {s: row[k] for k, s in enumerate(SERVICES) if row[k]} == plans.municipal_mix
    assert orgs.mix.sum(axis=1) == pytest.approx([1.0] * 4)


def test_labour_force_is_counted_by_home():
    orgs, _ = from_tiny(homes=(0, 0, 0, 2, 2))
    # Rantala's count is 0, not missing.
    assert orgs.labour_force_by_home.tolist() == [3.0, 0.0, 2.0]


def test_municipalities_and_areas_of_members():
    orgs, _ = from_tiny()
    assert orgs.municipalities([0, 1, 3]) == [0, 2]
    assert orgs.areas([0, 1, 3]).tolist() == [True, False, True]
    assert orgs.areas([2]).tolist() == [False, True, False]
    # The region alone answers for the whole region.
    assert orgs.areas([REGION_INDEX]).tolist() == [True, True, True]


def test_region_and_municipalities_are_mesa_agents():
    model = mesa.Model(rng=0)
    towns = [Municipality(model, 0, "A", 1000, 61.0, 23.0, "North"),
             Municipality(model, 1, "B", 250, 61.5, 23.5)]
    region = Region(model, "R", towns)
    assert region.population == 1250
    assert list(model.agents) == [*towns, region]
    assert repr(towns[0]) == "Municipality('A')" and towns[1].sub_region == ""
