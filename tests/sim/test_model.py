"""The model: invariants every month, month 0 after the burn-in, every built-in scenario.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from frame_checks import COUNTS, check_frame

import scenarios as builtin
from sim import GrowthServicesModel, load_scenario, run
from sim.collect import METRICS, REGION_AREA
from sim.labour.population import EMPLOYED, OUTSIDE, UNEMPLOYED


def check_model_state(model: GrowthServicesModel, persons: int) -> None:
    """Invariants of the model's arrays, and the last record against them."""
    p, f, n_areas = model.persons, model.firms, model.geo.size
    assert p.size == persons
    assert set(np.unique(p.status)) <= {EMPLOYED, UNEMPLOYED, OUTSIDE}
    employed = p.status == EMPLOYED
    unemployed = p.status == UNEMPLOYED
    np.testing.assert_array_equal(employed, p.employer >= 0)
    assert (p.unemployment_months[~unemployed] == 0).all()
    assert (p.unemployment_months[unemployed] >= 1).all()  # aged at the end of every month
    # Firm employment is exactly the count of persons employed there, firm by firm ...
    counted = np.bincount(p.employer[employed], minlength=f.capacity)
    np.testing.assert_array_equal(counted, f.employment)
    assert f.alive[p.employer[employed]].all(), "someone works for a dead firm"
    assert (f.employment >= 0).all() and (f.vacancies >= 0).all()
    assert not f.vacancies[~f.alive].any(), "a dead firm has vacancies"
    assert not f.employment[~f.alive].any()
    assert (p.employability >= model.scenario.labour.employability_floor - 1e-12).all()
    assert (p.employability <= 1.0).all()

    # ... and the record of the month is the state of the model, area by area.
    record = dict(zip(METRICS, model.collector.array[-1].T, strict=True))
    jobs_by_area = np.bincount(f.muni[p.employer[employed]], minlength=n_areas)
    np.testing.assert_array_equal(record["firm_employment"][:-1], jobs_by_area)
    np.testing.assert_array_equal(
        record["firm_employment"][:-1],
        np.bincount(f.muni[f.alive], weights=f.employment[f.alive], minlength=n_areas),
    )
    np.testing.assert_array_equal(
        record["employed"][:-1], np.bincount(p.home[employed], minlength=n_areas)
    )
    np.testing.assert_array_equal(
        record["vacancies"][:-1],
        np.bincount(f.muni, weights=f.vacancies, minlength=n_areas),
    )
    np.testing.assert_array_equal(
        record["firms"][:-1], np.bincount(f.muni[f.alive], minlength=n_areas)
    )
    assert record["labour_force"][-1] == (p.status != OUTSIDE).sum()
    assert record["outside_labour_force"][-1] == (p.status == OUTSIDE).sum()


@pytest.mark.parametrize("seed", [1, 7])
def test_invariants_hold_every_month(tiny, seed):
    model = GrowthServicesModel(tiny, seed=seed, months=12)
    persons = model.persons.size
    assert persons > 3000
    assert model.month == 0
    check_model_state(model, persons)
    for month in range(1, 13):
        model.step()
        assert model.month == month
        check_model_state(model, persons)
    frame = model.collector.to_frame()
    assert frame["month"].unique().tolist() == list(range(13))
    check_frame(frame)
    region = frame[frame["area"] == REGION_AREA]
    # The model is alive: people are hired and separated, firms are born and die.
    for flow in ("hires", "separations", "firm_births", "firm_deaths", "job_to_job",
                 "labour_force_entries", "labour_force_exits"):
        assert region[flow].sum() > 0, flow


def test_month_zero_follows_the_burn_in():
    no_burn = load_scenario("tiny", ["simulation.burn_in_months=0"])
    burned = load_scenario("tiny", ["simulation.burn_in_months=4"])
    start = run(no_burn, seed=5, months=0).region().loc[0]
    after = run(burned, seed=5, months=0).region().loc[0]
    # Without a burn-in, month 0 is the initial population: nothing has flowed yet.
    for flow in ("hires", "separations", "firm_births", "firm_deaths"):
        assert start[flow] == 0, flow
    assert after["hires"] > 0 and after["separations"] > 0
    assert (start["labour_force"] + start["outside_labour_force"]
            == after["labour_force"] + after["outside_labour_force"])
    assert not start[COUNTS].equals(after[COUNTS])
    # The burn-in months are simulated before month 0 (numbered -3..0) and are not steps.
    model = GrowthServicesModel(burned, seed=5, months=0)
    assert model.month == 0 and model.steps == 0
    assert model.collector.array.shape[0] == 1


@functools.cache
def builtin_run(name: str) -> pd.DataFrame:
    """A short run of a built-in scenario (computed once per test session)."""
    if name.startswith("finland"):  # 2.8 million persons: one month, no burn-in
        scenario, months = load_scenario(name, ["simulation.burn_in_months=0"]), 1
    else:
        scenario, months = load_scenario(name, ["simulation.burn_in_months=1"]), 2
    return run(scenario, months=months).timeseries


@pytest.mark.parametrize("name", builtin.names())
def test_every_builtin_scenario_loads_and_runs(name):
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.description
    assert scenario.simulation.months >= 1
    frame = builtin_run(name)
    months = frame["month"].max()
    assert months >= 1
    assert frame["month"].unique().tolist() == list(range(months + 1))
    n_areas = frame["area"].nunique()
    assert n_areas >= 2
    assert len(frame) == (months + 1) * n_areas
    check_frame(frame)
    region = frame[frame["area"] == REGION_AREA]
    assert (region["employed"] > 0).all() and (region["firms"] > 0).all()
