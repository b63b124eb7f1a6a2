"""kasvu compare: common random numbers, CIs, and the decomposition by lever."""

import json

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.experiments.decomposition import attribute, coalitions, decompose
from analysis.experiments.paired import compare_tables, mean_ci
from sim import load_scenario

FAST = ["simulation.burn_in_months=3"]


def test_mean_ci_matches_t_interval():
    mean, lo, hi = mean_ci(np.array([1.0, 2.0, 3.0, 4.0]))
    assert mean == 2.5
    assert hi - mean == pytest.approx(3.182446 * np.std([1, 2, 3, 4], ddof=1) / 2, rel=1e-5)
    assert np.isnan(mean_ci(np.array([1.0]))[1])


def test_compare_tables_pairs_replications():
    rows = []
    for rep in range(3):
        for month in (0, 1, 2):
            rows.append({"rep": rep, "month": month, "area": "ALL",
                         **{m: float(rep + month) for m in _metrics()}})
    a = pd.DataFrame(rows)
    b = a.copy()
    b["employed"] += 5.0
    b["unemployed"] -= 5.0
    table = compare_tables(a, b).set_index(["metric", "area", "statistic"])
    row = table.loc[("employed", "ALL", "final")]
    assert row["diff_mean"] == 5.0 and row["diff_ci_low"] == 5.0
    assert row["share_b_better"] == 1.0
    assert table.loc[("unemployed", "ALL", "mean")]["share_b_better"] == 1.0
    assert np.isnan(table.loc[("vacancies", "ALL", "final")]["share_b_better"])


def _metrics():
    from sim.collect import METRICS
    return METRICS


def test_oat_and_shapley_attribution():
    levers = ["x", "y"]
    v = {frozenset(): np.array([0.0]), frozenset("x"): np.array([1.0]),
         frozenset("y"): np.array([2.0]), frozenset("xy"): np.array([5.0])}
    shap = attribute(v, levers, "shapley")
    assert shap["x"][0] == pytest.approx(0.5 * (1 + 3)) and shap["y"][0] == pytest.approx(3.0)
    assert shap["x"][0] + shap["y"][0] == pytest.approx(5.0)
    oat = attribute(v, levers, "oat")
    total = sum(oat[k][0] for k in oat)
    assert total == pytest.approx(5.0)
    assert len(coalitions(["a", "b", "c"], "oat")) == 8
    assert len(coalitions(["a", "b", "c"], "shapley")) == 8


def test_decompose_adds_up_to_the_alliance_effect():
    sc = load_scenario("tiny-alliance", [*FAST, *[
        f"alliance.levers.{lv}=false" for lv in (
            "pooled_budget", "joint_office", "outcome_payment", "gain_pain_share",
            "joint_learning", "joint_decisions")]])
    parts = decompose(sc, seed=2, reps=2, months=9, method="shapley")
    assert set(parts["lever"]) == {"shared_vacancies", "unified_referrals"}
    assert (parts["method"] == "shapley").all()
    assert parts["contribution_mean"].notna().all()


def test_compare_cli_writes_both_runs_and_the_table(tmp_path, capsys):
    out = tmp_path / "cmp"
    code = main(["compare", "tiny", "tiny-alliance", "--reps", "2", "--months", "8",
                 "--out", str(out), "--quiet", "--set", "simulation.burn_in_months=3"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "95% CI" in printed and "employed" in printed
    table = pd.read_csv(out / "compare.csv")
    assert {"metric", "area", "statistic", "diff_mean", "diff_ci_low", "diff_ci_high",
            "share_b_better", "reps"} <= set(table.columns)
    meta = json.loads((out / "compare.json").read_text())
    assert meta["seeds"] == [1, 2] and meta["a"] == "tiny" and meta["b"] == "tiny-alliance"
    for name in ("tiny", "tiny-alliance"):
        ts = pd.read_parquet(out / name / "timeseries.parquet")
        assert sorted(ts["seed"].unique()) == [1, 2]
        assert (out / name / "organisers.parquet").is_file()
    # common random numbers: before the alliance acts, both runs are the same
    a = pd.read_parquet(out / "tiny" / "timeseries.parquet")
    b = pd.read_parquet(out / "tiny-alliance" / "timeseries.parquet")
    early = a["month"] == 0
    assert a[early].drop(columns="scenario").equals(b[early].drop(columns="scenario"))


def test_results_do_not_depend_on_the_number_of_workers():
    from analysis.experiments.runs import run_jobs

    sc = load_scenario("tiny-alliance", FAST)
    jobs = [("b", sc, rep, 7 + rep, 4) for rep in range(3)]
    serial = run_jobs(jobs, workers=1)["b"]
    parallel = run_jobs(jobs, workers=2)["b"]
    for name, frame in serial.items():
        pd.testing.assert_frame_equal(frame, parallel[name])
    assert sorted(serial["timeseries"]["rep"].unique()) == [0, 1, 2]
