"""Mesa's conventions: the model is built by keywords from a built-in name, a path or a
scenario; ``mesa.batch_run`` runs it like any Mesa model; its ``datacollector`` holds the
region's metrics; ``running`` and ``run_model()`` stop after the run's last month.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mesa
import pandas as pd
import pytest

import scenarios as builtin
import sim
from sim import GrowthServicesModel, load_scenario, run
from sim.collect import METRICS

SHORT = {"simulation.burn_in_months": 1}
REGION_METRICS = ["employed", "unemployed", "unemployment_rate", "long_term_unemployed",
                  "firm_employment"]


def region_rows(model: GrowthServicesModel) -> pd.DataFrame:
    """The region's rows the model has recorded, indexed by month."""
    frame = model.collector.to_frame()
    return frame[frame["area"] == "ALL"].set_index("month")


def stepped(model: GrowthServicesModel, months: int) -> GrowthServicesModel:
    """``model`` after ``months`` more steps."""
    for _ in range(months):
        model.step()
    return model


@pytest.mark.parametrize("source", ["name", "path", "scenario"])
def test_the_model_is_built_by_keywords_from_any_scenario_source(source):
    scenario = {"name": "tiny", "path": builtin.path("tiny"),
                "scenario": load_scenario("tiny")}[source]
    model = stepped(GrowthServicesModel(scenario=scenario, seed=1, overrides=SHORT), 2)
    assert model.scenario == load_scenario("tiny", SHORT)
    assert (model.seed, model.month, model.steps) == (1, 2, 2)
    expected = run("tiny", seed=1, months=2, overrides=SHORT).region()
    pd.testing.assert_frame_equal(region_rows(model), expected)


def test_the_seed_and_months_default_to_the_scenarios():
    model = GrowthServicesModel(scenario="tiny", overrides={**SHORT, "simulation.seed": 7})
    assert model.seed == 7 and model.months == 24
    assert GrowthServicesModel("tiny", overrides=SHORT, months=3).months == 3


def test_overrides_reach_the_built_model():
    model = GrowthServicesModel(scenario="tiny", seed=1, overrides={
        **SHORT, "municipalities.Rantala.population": 3800})
    assert model.scenario.simulation.burn_in_months == 1
    assert [m.population for m in model.municipalities] == [5200, 3800, 1100]
    assert model.month == 0 and model.collector.array.shape[0] == 1


@pytest.fixture(scope="module")
def batch():
    """``mesa.batch_run`` of the tiny scenario with seeds 1 and 2, six steps."""
    rows = mesa.batch_run(GrowthServicesModel, parameters={"scenario": ["tiny"], "seed": [1, 2]},
                          max_steps=6, number_processes=1, data_collection_period=1,
                          display_progress=False)
    return pd.DataFrame(rows)


def test_batch_run_returns_the_regions_metrics_for_every_step(batch):
    assert set(REGION_METRICS) <= set(batch.columns)
    assert set(METRICS) <= set(batch.columns)
    for seed in (1, 2):
        rows = batch[batch["seed"] == seed]
        assert rows["Step"].tolist() == list(range(7)), seed
        assert set(rows["scenario"]) == {"tiny"}


@pytest.mark.parametrize("seed", [1, 2])
def test_batch_run_rows_equal_the_region_rows_of_a_run(batch, seed):
    rows = batch[batch["seed"] == seed].set_index("Step")[list(METRICS)]
    expected = run("tiny", seed, months=6).region()[list(METRICS)].astype(float)
    pd.testing.assert_frame_equal(rows, expected, check_names=False)


def test_the_datacollector_holds_the_region_rows():
    model = stepped(GrowthServicesModel("tiny", seed=3, overrides=SHORT), 4)
    assert isinstance(model.datacollector, mesa.DataCollector)
    collected = model.datacollector.get_model_vars_dataframe()
    assert collected.columns.tolist() == list(METRICS)
    expected = region_rows(model)[list(METRICS)].astype(float)
    pd.testing.assert_frame_equal(collected, expected, check_names=False,
                                  check_index_type=False)
    assert len(collected) == 5  # month 0 and four steps


def test_running_stops_after_the_last_month():
    model = GrowthServicesModel("tiny", seed=1, months=3, overrides=SHORT)
    seen = [model.running]
    for _ in range(3):
        model.step()
        seen.append(model.running)
    assert seen == [True, True, True, False]


def test_run_model_runs_to_the_last_month():
    model = GrowthServicesModel("tiny", seed=1, months=3, overrides=SHORT)
    model.run_model()
    assert (model.month, model.steps, model.running) == (3, 3, False)
    pd.testing.assert_frame_equal(region_rows(model),
                                  run("tiny", seed=1, months=3, overrides=SHORT).region())


def test_a_run_without_months_is_not_running():
    model = GrowthServicesModel("tiny", seed=1, months=0, overrides=SHORT)
    assert not model.running
    model.run_model()
    assert (model.month, model.steps) == (0, 0)


def test_mesa_spaces_load_only_when_used():
    """``import sim`` leaves Mesa's spatial subpackages (scipy, networkx) unloaded until a
    name of theirs is read; then they are Mesa's own modules (sim.lazy_mesa)."""
    code = (
        "import sys\n"
        "import sim, mesa\n"
        "print(sorted(n for n in ('scipy.spatial', 'networkx') if n in sys.modules))\n"
        "from mesa.experimental import devs\n"
        "from mesa.discrete_space import OrthogonalMooreGrid\n"
        "print(mesa.space.MultiGrid.__module__, devs.__name__, OrthogonalMooreGrid.__module__,\n"
        "      type(sys.modules['mesa.space']) is type(sys))\n"
        "print('scipy.spatial' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=Path(sim.__file__).parent.parent)
    before, names, after = proc.stdout.strip().splitlines()
    assert before == "[]"
    assert names == "mesa.space mesa.experimental.devs mesa.discrete_space.grid True"
    assert after == "True"


def test_a_mesa_imported_first_is_left_alone():
    code = "import sys, mesa, sim\nprint(type(sys.modules['mesa.space']) is type(sys))\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=Path(sim.__file__).parent.parent)
    assert proc.stdout.strip() == "True"
