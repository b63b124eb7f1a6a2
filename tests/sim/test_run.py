"""The boundary: sim.run and sim.simulate; overrides as Python values, checked as --set
checks them; the model released however a simulation ends.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest
from frame_checks import COUNTS, check_frame

from analysis.cli import main
from analysis.cli.options import EXIT_BAD_INPUT
from sim import GrowthServicesModel, ScenarioError, load_scenario, run, simulate
from sim.collect import METRICS, REGION_AREA
from sim.labour import applications, set_matching_threads
from sim.run import TABLES


def test_run_returns_every_metric_for_every_area(tiny):
    result = run(tiny, seed=3, months=4)
    frame = result.timeseries
    assert list(frame.columns) == ["month", "area", *METRICS]
    assert sorted(frame["month"].unique()) == [0, 1, 2, 3, 4]
    assert set(frame["area"]) == {m.name for m in tiny.municipalities} | {REGION_AREA}
    assert all(frame[c].dtype == np.int64 for c in COUNTS)
    assert result.seed == 3
    assert result.region().index.tolist() == [0, 1, 2, 3, 4]
    check_frame(frame)


def test_run_takes_the_scenario_seed_and_months_by_default(tiny):
    short = tiny.model_copy(
        update={"simulation": tiny.simulation.model_copy(update={"months": 2, "seed": 11})}
    )
    result = run(short)
    assert result.seed == 11
    assert result.region().index.tolist() == [0, 1, 2]
    pd.testing.assert_frame_equal(result.timeseries, run(short, seed=11, months=2).timeseries)


def test_run_loads_a_scenario_by_name():
    result = run("tiny", seed=2, months=0)
    assert result.scenario.name == "tiny"
    assert result.timeseries["month"].unique().tolist() == [0]


def test_run_rejects_negative_months(tiny):
    with pytest.raises(ValueError, match="months"):
        run(tiny, months=-1)


def test_on_month_is_called_after_each_month(tiny):
    seen = []
    run(tiny, seed=1, months=3, on_month=seen.append)
    assert seen == [1, 2, 3]


def test_same_seed_same_time_series(tiny):
    first = run(tiny, seed=42, months=6).timeseries
    second = run(tiny, seed=42, months=6).timeseries
    pd.testing.assert_frame_equal(first, second)


def test_same_seed_same_numbers_on_any_number_of_threads(tiny, monkeypatch):
    """Job matching runs on every thread; the month's numbers do not depend on how many.
    Parts of any size here (tiny's rounds are far below the size worth sharing)."""
    monkeypatch.setattr(applications, "MIN_PART", 1)
    frames = []
    try:
        for threads in (1, 2, 7):
            set_matching_threads(threads)
            result = run(tiny, seed=42, months=6)
            frames.append((result.timeseries, result.providers))
    finally:
        set_matching_threads(None)
    for other in frames[1:]:
        pd.testing.assert_frame_equal(frames[0][0], other[0])
        pd.testing.assert_frame_equal(frames[0][1], other[1])


def test_different_seeds_differ(tiny):
    first = run(tiny, seed=42, months=6).timeseries
    second = run(tiny, seed=43, months=6).timeseries
    assert not first[COUNTS].equals(second[COUNTS])
    # Not only the start: the months after month 0 differ too.
    later = first["month"] > 0
    assert not first.loc[later, "hires"].equals(second.loc[later, "hires"])


def test_finished_runs_are_freed(tiny):
    """A long sweep must not keep every finished model alive (Mesa's agent-id counter)."""
    import gc

    def live():
        gc.collect()
        return {id(o) for o in gc.get_objects() if isinstance(o, GrowthServicesModel)}

    before = live()  # models other tests still hold
    for seed in (1, 2):
        run(tiny, seed=seed, months=1)
    assert not live() - before


def assert_same_results(a, b):
    """Two runs' scenarios, seeds and every table are equal."""
    assert a.scenario == b.scenario and a.seed == b.seed
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)


OVERRIDES = {
    "simulation.burn_in_months": 1,
    "labour.monthly_separation_rate": 0.012,
    "municipalities.Rantala.population": 2500,
    "organisers.municipal_budgets.Metsälä": 50000.0,
}


def test_overrides_equal_the_same_values_set_as_strings():
    strings = ["simulation.burn_in_months=1", "labour.monthly_separation_rate=0.012",
               "municipalities.Rantala.population=2500",
               "organisers.municipal_budgets.Metsälä=50000.0"]
    by_mapping = run("tiny", seed=4, months=3, overrides=OVERRIDES)
    by_strings = run(load_scenario("tiny", strings), seed=4, months=3)
    assert_same_results(by_mapping, by_strings)
    assert by_mapping.scenario.labour.monthly_separation_rate == 0.012
    assert by_mapping.scenario.organisers.municipal_budgets == {"Metsälä": 50000.0}
    # The values took effect: Rantala's labour force grew with its population.
    plain = run("tiny", seed=4, months=0, overrides={"simulation.burn_in_months": 1})
    grown = by_mapping.timeseries.set_index(["month", "area"]).loc[(0, "Rantala")]
    assert grown["labour_force"] > plain.timeseries.set_index(["month", "area"]).loc[
        (0, "Rantala"), "labour_force"]


@pytest.mark.parametrize(("mapping", "setting", "fragment"), [
    ({"labour.no_such_rate": 0.1}, "labour.no_such_rate=0.1",
     "labour.no_such_rate: no such key in the scenario schema"),
    ({"labour.monthly_separation_rate": 1.5}, "labour.monthly_separation_rate=1.5",
     "labour.monthly_separation_rate: Input should be less than or equal to 1 (got 1.5)"),
    ({"matching.applications_per_month": "four"}, 'matching.applications_per_month="four"',
     "matching.applications_per_month: Input should be a valid integer"),
    ({"municipalities.Nowhere.population": 10}, "municipalities.Nowhere.population=10",
     "municipalities.Nowhere: no such element"),
    ({"municipalities.Rantala.population": -5}, "municipalities.Rantala.population=-5",
     "municipalities[1] (Rantala).population: Input should be greater than 0 (got -5)"),
])
def test_bad_overrides_raise_the_message_of_set(mapping, setting, fragment, capsys, tmp_path):
    with pytest.raises(ScenarioError) as by_run:
        run("tiny", seed=1, months=1, overrides=mapping)
    with pytest.raises(ScenarioError) as by_set:
        load_scenario("tiny", [setting])
    assert str(by_run.value) == str(by_set.value)
    assert fragment in str(by_run.value) and "tiny.toml" in str(by_run.value)
    # kasvu run --set says the same, exits 2 and writes nothing.
    out = tmp_path / "never"
    assert main(["run", "tiny", "--quiet", "--out", str(out), "--set", setting]) \
        == EXIT_BAD_INPUT
    assert capsys.readouterr().err == f"kasvu: error: {by_set.value}\n"
    assert not out.exists()


def test_bad_overrides_of_a_scenario_object_name_the_scenario():
    scenario = load_scenario("tiny")
    with pytest.raises(ScenarioError) as by_run:
        run(scenario, months=1, overrides={"labour.monthly_separation_rate": 1.5})
    with pytest.raises(ScenarioError) as by_method:
        scenario.with_overrides(["labour.monthly_separation_rate=1.5"])
    assert str(by_run.value) == str(by_method.value)
    assert str(by_run.value).startswith("scenario 'tiny': labour.monthly_separation_rate")


def test_simulate_yields_the_model_after_each_month(tiny):
    seen = []
    with simulate(tiny, seed=6, months=3, on_month=seen.append) as months:
        start = months.model
        assert start.month == 0 and months.months == 3
        stepped = [(model is start, model.month) for model in months]
        results = months.results()
    assert stepped == [(True, 1), (True, 2), (True, 3)] and seen == [1, 2, 3]
    assert_same_results(results, run(tiny, seed=6, months=3))


def test_simulate_gives_the_tables_so_far(tiny):
    with simulate(tiny, seed=6, months=3) as months:
        for model in months:
            if model.month == 2:
                break
        partial = months.results()
        rest = months.run()  # steps the month that is left
    assert partial.timeseries["month"].unique().tolist() == [0, 1, 2]
    assert_same_results(rest, run(tiny, seed=6, months=3))


def test_simulate_releases_the_model_when_the_block_ends(tiny):
    with simulate(tiny, seed=1, months=1) as months:
        model = months.model
        assert model in mesa.Agent._ids  # Mesa counts its agents' ids while it runs
        months.run()
    assert model not in mesa.Agent._ids
    assert model.month == 1  # the tables stay readable


def test_simulate_releases_the_model_when_the_block_raises(tiny):
    class Stop(Exception):
        pass

    with pytest.raises(Stop), simulate(tiny, seed=1, months=2) as months:
        model = months.model
        for _ in months:
            raise Stop
    assert model not in mesa.Agent._ids and model.month == 1


def test_simulate_checks_its_arguments_before_building(tiny):
    with pytest.raises(ValueError, match="months must be >= 0"), simulate(tiny, months=-1):
        pass
    with pytest.raises(ScenarioError, match="no such key"), \
            simulate(tiny, overrides={"labour.nothing": 1}):
        pass
