"""Sweeps: specs, designs and seeds, the crash-safe store, resumption and executors."""

from __future__ import annotations

import os

import numpy as np
import pytest
from sweep_fixtures import REPO, SPEC, assert_same_results, fail_run, sweep_serial, write_spec

import analysis
from analysis.experiments import sweep as sweep_module
from analysis.experiments.design import RUN_KEY, derive_seed, from_unit, levels_of
from analysis.experiments.executors import (
    DaskExecutor,
    LocalExecutor,
    WorkerLost,
    default_workers,
    threads_per_worker,
)
from analysis.experiments.spec import ParameterSpec, SpecError, load_spec, names_a_table
from analysis.experiments.store import StoreError, SweepStore
from analysis.experiments.sweep import run_sweep, status
from sim.collect import REGION_AREA


# -- specs -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('outcomes = ["final_happiness"]', "outcomes: unknown outcome 'final_happiness'"),
        ("colour = 3", "colour: unknown key"),
        ('set = ["labour.nope=1"]', "set: labour.nope: no such key"),
    ],
)
def test_bad_spec_keys(tmp_path, extra, expected):
    text = SPEC.format(months=4, samples=3, extra="")
    if extra.startswith("set"):
        text = text.replace('set = ["simulation.burn_in_months=2"]', extra)
    else:
        text = text.replace("entropy = 7", f"entropy = 7\n{extra}")
    with pytest.raises(SpecError) as err:
        load_spec(write_spec(tmp_path, text=text))
    assert expected in str(err.value)


def test_bad_design_and_base(tmp_path):
    text = SPEC.format(months=4, samples=3, extra="").replace('kind = "lhs"', 'kind = "sobol"')
    with pytest.raises(SpecError, match=r"design: sobol samples must be a power of 2 \(got 3\)"):
        load_spec(write_spec(tmp_path, text=text))
    text = SPEC.format(months=4, samples=3, extra="").replace('"tiny"', '"nowhere.toml"')
    with pytest.raises(SpecError, match="base: nowhere.toml: no such scenario file"):
        load_spec(write_spec(tmp_path, text=text))
    with pytest.raises(SpecError, match="no such sweep spec file"):
        load_spec(tmp_path / "missing.toml")
    (tmp_path / "broken.toml").write_text("base = ")
    with pytest.raises(SpecError, match="malformed TOML"):
        load_spec(tmp_path / "broken.toml")


def test_design_values_and_seeds_are_reproducible(tmp_path):
    spec = write_spec(tmp_path)
    report = sweep_serial(spec, tmp_path / "a")
    assert (report.done, report.failed, report.total) == (6, 0, 6)
    manifest = SweepStore(tmp_path / "a").read_manifest()
    assert manifest["entropy"] == 7 and manifest["entropy_source"] == "spec"
    seeds = [row[3] for row in manifest["runs"]]
    assert seeds == [derive_seed(7, RUN_KEY, i) for i in range(6)]
    assert len(set(seeds)) == 6
    sweep_serial(spec, tmp_path / "b")
    assert_same_results(tmp_path / "a", tmp_path / "b")

    design = analysis.load(tmp_path / "a", "design")
    assert design["matching.applications_per_month"].between(2, 6).all()
    assert design["labour.monthly_separation_rate"].between(0.005, 0.015).all()
    series = analysis.load(tmp_path / "a")
    assert list(series.columns[:7]) == [
        "run_id",
        "run",
        "point",
        "replication",
        "seed",
        "labour.monthly_separation_rate",
        "matching.applications_per_month",
    ]
    assert series["seed"].tolist() == np.repeat(seeds, 5 * 4).tolist()  # 5 months x 4 areas
    outcomes = analysis.load(tmp_path / "a", "outcomes")
    last = series[(series["area"] == REGION_AREA) & (series["month"] == 4)]
    np.testing.assert_array_equal(outcomes["final_unemployment_rate"], last["unemployment_rate"])
    np.testing.assert_array_equal(outcomes["final_employed"], last["employed"])


def test_generated_entropy_is_recorded_and_reused(tmp_path):
    text = SPEC.format(months=4, samples=3, extra="").replace("entropy = 7\n", "")
    spec = write_spec(tmp_path, text=text)
    sweep_serial(spec, tmp_path / "a", max_runs=2)
    first = SweepStore(tmp_path / "a").read_manifest()
    assert first["entropy_source"] == "generated" and first["entropy"] > 2**64
    sweep_serial(spec, tmp_path / "a")  # resumes with the recorded entropy
    assert SweepStore(tmp_path / "a").read_manifest()["runs"] == first["runs"]
    sweep_serial(spec, tmp_path / "b")
    assert SweepStore(tmp_path / "b").read_manifest()["entropy"] != first["entropy"]


def test_common_random_numbers_share_seeds_across_points(tmp_path):
    spec = write_spec(tmp_path, extra="common_random_numbers = true")
    sweep_serial(spec, tmp_path / "a")
    runs = SweepStore(tmp_path / "a").read_manifest()["runs"]
    by_rep = {rep: {seed for _, _, r, seed in runs if r == rep} for rep in (0, 1)}
    assert all(len(seeds) == 1 for seeds in by_rep.values())
    assert by_rep[0] != by_rep[1]


def test_unit_mapping_and_factorial_levels():
    rng = ParameterSpec(key="a", min=2, max=6, integer=True)
    assert [from_unit(rng, u) for u in (0.0, 0.19, 0.2, 0.99, 1.0)] == [2, 2, 3, 6, 6]
    listed = ParameterSpec(key="b", values=["x", "y"])
    assert [from_unit(listed, u) for u in (0.0, 0.49, 0.5, 1.0)] == ["x", "x", "y", "y"]
    assert levels_of(ParameterSpec(key="c", min=0.0, max=1.0), 3) == [0.0, 0.5, 1.0]
    assert levels_of(ParameterSpec(key="d", min=1, max=2, integer=True), 5) == [1, 2]
    mixed = ParameterSpec(key="e", values=[1, 2.5])
    assert [type(v) for v in mixed.values] == [float, float]
    with pytest.raises(ValueError, match="values must all have one type"):
        ParameterSpec(key="f", values=[1, "two"])


def test_factorial_design_is_every_combination(tmp_path):
    text = SPEC.format(months=2, samples=3, extra="").replace(
        'kind = "lhs"\nsamples = 3', 'kind = "factorial"\nlevels = 3'
    )
    text += '\n[[parameters]]\nkey = "matching.rounds_per_month"\nvalues = [1, 2]\n'
    sweep = load_spec(write_spec(tmp_path, text=text))
    manifest = sweep_module.new_manifest(sweep)
    assert len(manifest["design"]) == 3 * 3 * 2 and len(manifest["runs"]) == 36
    assert manifest["design"][:2] == [[0.005, 2, 1], [0.005, 2, 2]]


# -- the store: failures, resumption, changed specs ----------------------------------------
def test_raising_run_is_recorded_and_retried(tmp_path, monkeypatch):
    spec, out = write_spec(tmp_path), tmp_path / "out"
    fail_run(monkeypatch, 4)
    report = sweep_serial(spec, out)
    assert (report.done, report.failed, report.failed_now) == (5, 1, 1)
    failed = analysis.load(out, "failed")
    assert failed["run_id"].tolist() == ["r000004"]
    assert failed["error"].tolist() == ["model blew up"]
    assert sweep_serial(spec, out).ran == 0  # recorded failures are not retried by default
    monkeypatch.undo()
    report = sweep_serial(spec, out, retry_failed=True)
    assert (report.ran, report.done, report.failed) == (1, 6, 0)
    assert not (out / "failed" / "r000004.json").exists()
    sweep_serial(spec, tmp_path / "ref")
    assert_same_results(out, tmp_path / "ref")


def test_limited_runs_resume_to_identical_results(tmp_path):
    spec = write_spec(tmp_path)
    for _ in range(3):
        report = sweep_serial(spec, tmp_path / "parts", max_runs=2)
        assert report.ran == 2
    assert report.pending == 0 and sweep_serial(spec, tmp_path / "parts").ran == 0
    sweep_serial(spec, tmp_path / "whole")
    assert_same_results(tmp_path / "parts", tmp_path / "whole")


def test_changed_base_scenario_is_refused(tmp_path):
    base = tmp_path / "region.toml"
    base.write_text((REPO / "scenarios" / "tiny.toml").read_text())
    text = SPEC.format(months=2, samples=3, extra="").replace('"tiny"', '"region.toml"')
    spec = write_spec(tmp_path, text=text)
    sweep_serial(spec, tmp_path / "out", max_runs=1)
    base.write_text(base.read_text().replace("population = 1900", "population = 2000"))
    with pytest.raises(SpecError, match="changed since"):
        sweep_serial(spec, tmp_path / "out")


def test_foreign_or_busy_directory_is_refused(tmp_path):
    spec = write_spec(tmp_path)
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not a sweep"):
        sweep_serial(spec, tmp_path / "foreign")
    sweep_serial(spec, tmp_path / "busy", max_runs=1)
    with SweepStore(tmp_path / "busy").lock():
        assert "running (pid" in status(tmp_path / "busy")
        with pytest.raises(StoreError, match="another kasvu sweep"):
            sweep_serial(spec, tmp_path / "busy")
    assert "not running" in status(tmp_path / "busy")
    with pytest.raises(StoreError, match="not a sweep directory"):
        analysis.load(tmp_path / "foreign")
    with pytest.raises(StoreError, match="unknown table"):
        analysis.load(tmp_path / "busy", "nope")


# -- executors and kill -9 ------------------------------------------------------------------
def test_local_processes_and_dask_give_identical_results(tmp_path):
    spec = write_spec(tmp_path, samples=2)
    sweep_serial(spec, tmp_path / "serial")
    for name, executor in [
        ("local", LocalExecutor(2)),
        ("dask", DaskExecutor(workers=1, processes=False)),
    ]:
        report = run_sweep(load_spec(spec), tmp_path / name, executor, progress=False)
        assert (report.done, report.failed) == (4, 0)
        assert_same_results(tmp_path / "serial", tmp_path / name)


def _model_threads(_task):
    from sim.labour import matching_threads

    return matching_threads()


def test_workers_share_the_cores_out_for_the_model_threads():
    """Two local workers on this machine's cores: each runs matching on its share of
    them (one each on two cores), so no core is asked for two busy threads."""
    expected = threads_per_worker(2)
    assert expected == max(1, default_workers() // 2)
    with LocalExecutor(2) as executor:
        seen = {result for _, result in executor.map_unordered(_model_threads, range(4))}
    assert seen == {expected}
    with DaskExecutor(workers=2, processes=False) as executor:
        seen = {result for _, result in executor.map_unordered(_model_threads, range(4))}
    assert seen == {expected}


def test_dead_local_worker_is_reported():
    with LocalExecutor(1) as executor, pytest.raises(WorkerLost, match="worker process died"):
        list(executor.map_unordered(os._exit, [3]))


@pytest.mark.parametrize("key, table", [
    ("labour", True),
    ("labour.monthly_separation_rate", False),
    ("municipalities.Tampere", True),
    ('municipalities."St. Olof"', True),  # a quoted name with a dot is one element
    ('municipalities."St. Olof".population', False),
    ("municipalities[2].population", False),
])
def test_a_key_path_that_names_a_table_is_told_from_one_that_names_a_value(key, table):
    assert names_a_table(key) is table
