"""Numbers a scenario cannot take: infinities, absurd magnitudes, regions too large for memory,
municipalities too large for their own jobs, seeds outside what the tables store."""

from __future__ import annotations

import pytest

import sim
from sim import MAX_SEED, ScenarioError, SeedError, load_scenario
from sim.labour.population import check_memory, memory_needed
from sim.scenario.base import MAX_MAGNITUDE, check_magnitude

SHORT = {"simulation.burn_in_months": 1}


@pytest.mark.parametrize("item, words", [
    ("organisers.benefit_eur_per_month=inf", "organisers.benefit_eur_per_month"),
    ("labour.monthly_separation_rate=nan", "labour.monthly_separation_rate"),
    ("firms.firms_per_1000_residents=inf", "firms.firms_per_1000_residents"),
    ("municipalities.Rantala.land_area_km2=inf", "municipalities[1] (Rantala).land_area_km2"),
    ("organisers.municipal_benefit_share=[[0.0, 0.1], [3.0, inf]]",
     "organisers.municipal_benefit_share[1][1]"),
])
def test_infinities_and_nan_are_refused_with_the_key(item, words):
    with pytest.raises(ScenarioError) as err:
        load_scenario("tiny", [item])
    assert words in str(err.value) and "finite number" in str(err.value)


@pytest.mark.parametrize("item, words", [
    ("organisers.region_budget_eur_per_resident=1e308",
     "organisers.region_budget_eur_per_resident"),
    ("organisers.municipal_budgets.Rantala=1e13", "organisers.municipal_budgets: Rantala"),
])
def test_absurd_magnitudes_are_refused_with_the_key(item, words):
    with pytest.raises(ScenarioError) as err:
        load_scenario("tiny", [item])
    assert words in str(err.value) and "1e+12" in str(err.value)


def test_magnitude_check_names_the_entry_of_lists_and_tables():
    check_magnitude({"a": [1.0, MAX_MAGNITUDE]})
    with pytest.raises(ValueError, match=r"^a\[1\]: must be a finite number"):
        check_magnitude({"a": [1.0, 2 * MAX_MAGNITUDE]})
    with pytest.raises(ValueError, match="finite"):
        check_magnitude([float("nan")])


def test_runs_longer_than_a_century_are_refused():
    with pytest.raises(ScenarioError, match="simulation.months"):
        load_scenario("tiny", ["simulation.months=100000"])


def test_a_municipality_whose_own_jobs_are_out_of_reach_is_refused():
    with pytest.raises(ScenarioError) as err:
        load_scenario("tiny", ["municipalities.Rantala.land_area_km2=100000"])
    message = str(err.value)
    assert "municipalities[1] (Rantala).land_area_km2" in message
    assert "matching.commuting_reach_km" in message
    load_scenario("tiny", ["municipalities.Rantala.land_area_km2=10000"])  # Inari is 15,000


def test_a_synthetic_region_too_sparse_for_its_jobs_is_refused():
    with pytest.raises(ScenarioError, match="synthetic_region"):
        load_scenario("finland-synthetic", ["synthetic_region.municipalities=1",
                                            "synthetic_region.regions=1"])


def test_memory_estimate_grows_with_persons_firms_and_areas():
    tiny, persons, firms = memory_needed(load_scenario("tiny"))
    bigger, persons2, firms2 = memory_needed(
        load_scenario("tiny", ["municipalities.Rantala.population=250000"]))
    assert persons2 > persons and firms2 > firms and bigger > tiny
    check_memory(load_scenario("tiny"), available=tiny)  # exactly enough is enough
    with pytest.raises(ScenarioError, match="GiB of memory"):
        check_memory(load_scenario("tiny"), available=tiny - 1)


def test_a_population_that_cannot_fit_in_memory_is_refused_before_allocating():
    scenario = load_scenario("tiny", ["municipalities.Rantala.population=1000000000000"])
    with pytest.raises(ScenarioError) as err:
        sim.GrowthServicesModel(scenario, seed=1)
    message = str(err.value)
    assert "persons" in message and "GiB of memory" in message
    assert "municipalities[].population" in message


@pytest.mark.parametrize("seed", [-1, MAX_SEED + 1, 1.5, True])
def test_seeds_outside_the_stored_range_are_refused(seed):
    with pytest.raises(SeedError, match=str(MAX_SEED)):
        sim.run("tiny", seed, months=1, overrides=SHORT)


def test_the_largest_seeds_run_and_are_stored_exactly():
    from analysis import replicate

    runs = replicate("tiny", reps=2, seed=MAX_SEED - 1, months=1, overrides=SHORT)
    seeds = runs.tables["timeseries"]["seed"]
    assert seeds.dtype == "int64"
    assert sorted(int(s) for s in seeds.unique()) == [MAX_SEED - 1, MAX_SEED]
    with pytest.raises(SeedError, match="seeds"):
        replicate("tiny", reps=2, seed=MAX_SEED, months=1, overrides=SHORT)
