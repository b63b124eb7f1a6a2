"""The Mesa model: accounting invariants every month, reproducibility, burn-in, built-ins."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

import scenarios as builtin
from sim import GrowthServicesModel, load_scenario, run
from sim.collect import METRICS, REGION_AREA
from sim.labour.flows import bernoulli_indices
from sim.labour.population import EMPLOYED, UNEMPLOYED

COUNTS = [m for m in METRICS if not m.endswith(("_rate", "_eur"))]
MONEY = [m for m in METRICS if m.endswith("_eur")]


def check_frame(frame: pd.DataFrame, job_finding: bool = True) -> None:
    """Invariants of a time series that hold in every month and every area."""
    assert list(frame.columns[-len(METRICS) :]) == list(METRICS)
    assert (frame[COUNTS + MONEY] >= 0).all().all(), "negative stock, flow or spend"
    assert (frame["long_term_unemployed"] <= frame["unemployed"]).all()
    assert (frame["employed"] + frame["unemployed"] <= frame["labour_force"]).all()
    assert (frame["hires"] <= frame["labour_force"]).all()
    assert frame["unemployment_rate"].between(0.0, 1.0).all()
    if job_finding:
        check_job_finding_rate(frame)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.where(
            frame["labour_force"] > 0, frame["unemployed"] / frame["labour_force"], 0.0
        )
    np.testing.assert_allclose(frame["unemployment_rate"], expected)
    region = frame[frame["area"] == REGION_AREA].set_index("month")
    areas = frame[frame["area"] != REGION_AREA].groupby("month")[COUNTS].sum()
    pd.testing.assert_frame_equal(region[COUNTS], areas, check_names=False)
    money = frame[frame["area"] != REGION_AREA].groupby("month")[MONEY].sum()
    np.testing.assert_allclose(region[MONEY].to_numpy(), money.to_numpy(), rtol=1e-9)
    np.testing.assert_array_equal(region["firm_employment"], region["employed"])
    # Flows add up to the change of stocks (each month after the first recorded one).
    months = region.index.to_numpy()
    consecutive = np.diff(months) == 1
    d_employed = np.diff(region["employed"].to_numpy())[consecutive]
    net_hires = (region["hires"] - region["separations"]).to_numpy()[1:][consecutive]
    np.testing.assert_array_equal(d_employed, net_hires)
    d_firms = np.diff(region["firms"].to_numpy())[consecutive]
    net_births = (region["firm_births"] - region["firm_deaths"]).to_numpy()[1:][consecutive]
    np.testing.assert_array_equal(d_firms, net_births)


def check_job_finding_rate(frame: pd.DataFrame) -> None:
    """Hires of an area's residents over its jobseekers of the month is a share."""
    bad = frame.loc[~frame["job_finding_rate"].between(0.0, 1.0), ["month", "area", "hires"]]
    assert bad.empty, f"job_finding_rate outside [0, 1]:\n{bad}"


def check_model_state(model: GrowthServicesModel, labour_force: int) -> None:
    """Invariants of the model's arrays, and the last record against them."""
    p, f, n_areas = model.persons, model.firms, model.geo.size
    assert p.size == labour_force
    assert set(np.unique(p.status)) <= {EMPLOYED, UNEMPLOYED}
    employed = p.status == EMPLOYED
    assert int(employed.sum() + (p.status == UNEMPLOYED).sum()) == labour_force
    np.testing.assert_array_equal(employed, p.employer >= 0)
    assert (p.unemployment_months[employed] == 0).all()
    assert (p.unemployment_months[~employed] >= 1).all()  # aged at the end of every month
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
    assert record["labour_force"][-1] == labour_force


@pytest.mark.parametrize("seed", [1, 7])
def test_invariants_hold_every_month(tiny, seed):
    model = GrowthServicesModel(tiny, seed=seed, months=12)
    labour_force = model.persons.size
    assert labour_force > 3000
    assert model.month == 0
    check_model_state(model, labour_force)
    for month in range(1, 13):
        model.step()
        assert model.month == month
        check_model_state(model, labour_force)
    frame = model.collector.to_frame()
    assert frame["month"].unique().tolist() == list(range(13))
    check_frame(frame)
    region = frame[frame["area"] == REGION_AREA]
    # The model is alive: people are hired and separated, firms are born and die.
    for flow in ("hires", "separations", "firm_births", "firm_deaths"):
        assert region[flow].sum() > 0, flow


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


def test_different_seeds_differ(tiny):
    first = run(tiny, seed=42, months=6).timeseries
    second = run(tiny, seed=43, months=6).timeseries
    assert not first[COUNTS].equals(second[COUNTS])
    # Not only the start: the months after month 0 differ too.
    later = first["month"] > 0
    assert not first.loc[later, "hires"].equals(second.loc[later, "hires"])


def test_month_zero_follows_the_burn_in():
    no_burn = load_scenario("tiny", ["simulation.burn_in_months=0"])
    burned = load_scenario("tiny", ["simulation.burn_in_months=4"])
    start = run(no_burn, seed=5, months=0).region().loc[0]
    after = run(burned, seed=5, months=0).region().loc[0]
    # Without a burn-in, month 0 is the initial population: nothing has flowed yet.
    for flow in ("hires", "separations", "firm_births", "firm_deaths"):
        assert start[flow] == 0, flow
    assert after["hires"] > 0 and after["separations"] > 0
    assert start["labour_force"] == after["labour_force"]
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


def test_founders_count_as_jobseekers_of_the_month(tiny):
    """Every hire of a month was a jobseeker of that month, founders of firms included."""
    model = GrowthServicesModel(tiny, seed=1, months=1)
    p = model.persons
    for counts in model.flows.values():
        counts[:] = 0
    unemployed = np.flatnonzero(p.status == UNEMPLOYED)
    jobseekers = np.bincount(p.home[unemployed], minlength=model.geo.size)
    model.start_firms_for(unemployed[::10])
    model.post_vacancies()
    model.job_matching()
    np.testing.assert_array_equal(model.flows["seekers"], jobseekers)
    assert (model.flows["hires"] <= model.flows["seekers"]).all()


@pytest.mark.parametrize("p", [0.0, 0.001, 0.05, 0.5, 1.0])
def test_bernoulli_indices(p):
    n = 20_000
    rng = np.random.default_rng(3)
    idx = bernoulli_indices(rng, n, p)
    assert idx.dtype == np.int64
    assert (np.diff(idx) > 0).all(), "indices must be sorted and distinct"
    assert idx.size == 0 or (idx[0] >= 0 and idx[-1] < n)
    sd = np.sqrt(n * p * (1 - p))
    assert abs(idx.size - n * p) <= 5 * sd + 1e-9
    assert bernoulli_indices(rng, 0, p).size == 0


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
