"""Replications: consecutive seeds, stacked tables, and a run directory only when asked."""

from __future__ import annotations

import json

import pandas as pd

import analysis
from analysis.experiments.runs import summarise
from analysis.outputs import MARKER
from sim import run
from sim.run import TABLES

FAST = {"simulation.burn_in_months": 1}


def test_replicate_stacks_consecutive_seeds_and_writes_nothing_without_out(tmp_path,
                                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    runs = analysis.replicate("tiny", 2, seed=4, months=2, overrides=FAST)
    assert list(tmp_path.iterdir()) == []
    assert set(runs.tables) == set(TABLES) and runs.scenario.simulation.burn_in_months == 1
    ts = runs.timeseries
    assert ts[["rep", "seed"]].drop_duplicates().to_numpy().tolist() == [[0, 4], [1, 5]]
    assert runs.summary == summarise(ts) and runs.summary["seeds"] == [4, 5]
    # Replication 1 is exactly a single run with seed 5, whichever form the overrides take.
    alone = run("tiny", 5, months=2, overrides=["simulation.burn_in_months=1"]).timeseries
    second = ts[ts["rep"] == 1].drop(columns=["scenario", "rep", "seed"])
    pd.testing.assert_frame_equal(second.reset_index(drop=True), alone, check_dtype=False)


def test_replicate_with_out_writes_the_run_directory(tmp_path):
    out = tmp_path / "tiny"
    runs = analysis.replicate("tiny", 1, months=2, overrides=FAST, out=out)
    written = {*(f"{name}.parquet" for name in TABLES), "summary.json", "scenario.toml"}
    assert {p.name for p in out.iterdir()} == {*written, MARKER}
    marker = json.loads((out / MARKER).read_text())
    assert marker["kind"] == "run" and marker["complete"] is True
    assert set(marker["files"]) == written
    pd.testing.assert_frame_equal(pd.read_parquet(out / "timeseries.parquet"), runs.timeseries)
    assert json.loads((out / "summary.json").read_text()) == runs.summary
    assert analysis.replicate(out / "scenario.toml", 1, months=2).summary == runs.summary
