"""Comparisons: paired differences with CIs, each party's net, the decomposition by lever,
and compare()."""

import json

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.cli import main
from analysis.experiments.decomposition import attribute, coalitions, decompose
from analysis.experiments.paired import compare_tables, mean_ci
from analysis.outputs import MARKER
from analysis.report.public_finance import PAYER_COLUMNS, PUBLIC_SECTOR, party_nets
from sim import load_scenario
from sim.collect import REGION_AREA
from sim.scenario import scenario_to_toml

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
            rows.append({"rep": rep, "month": month, "area": REGION_AREA,
                         **{m: float(rep + month) for m in _metrics()}})
    a = pd.DataFrame(rows)
    b = a.copy()
    b["employed"] += 5.0
    b["unemployed"] -= 5.0
    table = compare_tables(a, b).set_index(["metric", "area", "statistic"])
    row = table.loc[("employed", REGION_AREA, "final")]
    assert row["diff_mean"] == 5.0 and row["diff_ci_low"] == 5.0
    assert row["share_b_better"] == 1.0
    assert table.loc[("unemployed", REGION_AREA, "mean")]["share_b_better"] == 1.0
    assert np.isnan(table.loc[("vacancies", REGION_AREA, "final")]["share_b_better"])


def _metrics():
    from sim.collect import METRICS
    return METRICS


def _payments(rep: int, rows: list[tuple[int, str, str, float]]) -> pd.DataFrame:
    """A stacked public finance table of one replication from (month, payer, payee, euros)."""
    frame = pd.DataFrame(rows, columns=["month", "payer", "payee", "euros"])
    return frame.assign(scenario="x", rep=rep, seed=rep + 1, item="unemployment_benefit",
                        budget_line=False)


def test_party_nets_are_monthly_means_paired_by_replication():
    """Two replications, an organiser paying persons, a provider paid only in B."""
    a = pd.concat([
        _payments(0, [(0, "region", "persons", 999.0), (1, "region", "persons", 100.0),
                      (2, "region", "persons", 100.0)]),
        _payments(1, [(1, "region", "persons", 200.0), (2, "region", "persons", 200.0)]),
    ])
    b = pd.concat([
        _payments(0, [(1, "region", "persons", 110.0), (2, "region", "persons", 110.0),
                      (1, "region", "Valmennus Oy", 40.0)]),
        _payments(1, [(1, "region", "persons", 230.0), (2, "region", "persons", 230.0)]),
    ])
    table = party_nets(a, b, ["region"])
    assert list(table.columns) == list(PAYER_COLUMNS)
    assert list(table["party"]) == [PUBLIC_SECTOR, "state", "region", "providers", "persons",
                                    "firms", "administration"]
    rows = table.set_index("party")
    persons = rows.loc["persons"]  # B − A: 10 and 30 euros a month
    assert (persons["a_mean"], persons["b_mean"], persons["diff_mean"]) == (150.0, 170.0, 20.0)
    half = 12.7062047 * np.std([10.0, 30.0], ddof=1) / np.sqrt(2)  # t(0.975, 1 df)
    assert persons["diff_ci_low"] == pytest.approx(20.0 - half)
    assert persons["diff_ci_high"] == pytest.approx(20.0 + half)
    region = rows.loc["region"]  # month 0 left out; 20 a month more to the provider in rep 0
    assert (region["a_mean"], region["b_mean"]) == (-150.0, -180.0)
    assert region["diff_ci_low"] == region["diff_ci_high"] == -30.0
    assert rows.loc["providers", "a_mean"] == 0.0 and rows.loc["providers", "b_mean"] == 10.0
    assert rows.loc[PUBLIC_SECTOR, "diff_mean"] == rows.loc["region", "diff_mean"]
    assert (rows.loc[["state", "firms", "administration"], "diff_mean"] == 0.0).all()
    assert (table["reps"] == 2).all()
    parties = table[table["party"] != PUBLIC_SECTOR]
    assert parties[["a_mean", "b_mean", "diff_mean"]].sum().abs().max() == 0.0


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


def test_results_do_not_depend_on_the_number_of_workers():
    from analysis.experiments.runs import Job, run_jobs

    sc = load_scenario("tiny-alliance", FAST)
    jobs = [Job("b", sc, rep, 7 + rep, 4) for rep in range(3)]
    serial = run_jobs(jobs, workers=1)["b"]
    parallel = run_jobs(jobs, workers=2)["b"]
    for name, frame in serial.items():
        pd.testing.assert_frame_equal(frame, parallel[name])
    assert sorted(serial["timeseries"]["rep"].unique()) == [0, 1, 2]


# -- analysis.compare: the library function behind kasvu compare -----------------------------
TWO_LEVERS = [*FAST, *[f"alliance.levers.{lv}=false" for lv in (
    "pooled_budget", "joint_office", "outcome_payment", "gain_pain_share", "joint_learning",
    "joint_decisions")]]


def test_compare_without_out_returns_the_tables_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = analysis.compare("tiny", "tiny-alliance", reps=2, months=8, overrides=FAST,
                              workers=1)
    assert list(tmp_path.iterdir()) == [], "nothing is written without out"
    assert result.names == ("tiny", "tiny-alliance")
    assert result.seeds == [1, 2] and result.months == 8 and result.decomposition is None
    a, b = result.a.timeseries, result.b.timeseries
    assert sorted(a["seed"].unique()) == sorted(b["seed"].unique()) == [1, 2]
    assert set(a["scenario"]) == {"tiny"} and set(b["scenario"]) == {"tiny-alliance"}
    assert a["month"].max() == 8 and set(result.a.tables) == set(result.b.tables)
    pd.testing.assert_frame_equal(result.table, compare_tables(a, b))
    # The region's final difference is the mean over replications of B − A, seed by seed.
    final = [frame[(frame["area"] == REGION_AREA) & (frame["month"] == 8)]
             .set_index("seed")["employed"] for frame in (a, b)]
    row = result.table.set_index(["metric", "area", "statistic"]).loc[
        ("employed", REGION_AREA, "final")]
    assert row["diff_mean"] == pytest.approx((final[1] - final[0]).mean())
    assert row["reps"] == 2 and row["a_mean"] == pytest.approx(final[0].mean())
    # Common random numbers: before the alliance acts, both sides are the same.
    early = [frame[frame["month"] == 0].drop(columns="scenario").reset_index(drop=True)
             for frame in (a, b)]
    pd.testing.assert_frame_equal(*early)
    assert "tiny-alliance − tiny" in result.headline()
    _check_payers(result)


def _check_payers(result):
    """Each party's net: every party, zero in sum, the public sector as public_net_eur."""
    payers = result.payers.set_index("party")
    organisers = list(result.a.tables["organisers"]["organiser"].unique())
    assert list(payers.index) == [PUBLIC_SECTOR, "state", *organisers, "providers", "persons",
                                  "firms", "administration"]
    assert (payers["reps"] == 2).all()
    # Every payment has a payer and a payee: the parties' nets sum to zero.
    parties = payers.drop(index=PUBLIC_SECTOR)[["a_mean", "b_mean", "diff_mean"]]
    scale = parties.abs().to_numpy().max()
    assert scale > 0 and (parties.sum().abs() < 1e-9 * scale).all()
    # The public sector is the organisers and the state, the region's public_net_eur.
    public = payers.loc[PUBLIC_SECTOR]
    net = result.table.set_index(["metric", "area", "statistic"]).loc[
        ("public_net_eur", REGION_AREA, "mean")]
    for column in ("a_mean", "b_mean", "diff_mean", "diff_ci_low", "diff_ci_high"):
        assert public[column] == pytest.approx(net[column], rel=1e-9), column
    assert public["a_mean"] == pytest.approx(payers.loc[["state", *organisers], "a_mean"].sum())
    headline = result.headline().split("\n\n")[1].splitlines()
    assert headline[0].startswith("Each party's net, EUR a month (received − paid), B − A")
    assert [line.split()[0] for line in headline[2:]] == list(payers.index)
    assert headline[3].startswith("  state")


def test_compare_with_out_writes_what_kasvu_compare_writes(tmp_path):
    out, cli = tmp_path / "lib", tmp_path / "cli"
    a, b = load_scenario("tiny", FAST), load_scenario("tiny-alliance", TWO_LEVERS)
    result = analysis.compare(a, b, reps=2, months=6, decompose=True, workers=1, out=out)
    assert sorted(p.name for p in out.iterdir()) == [
        MARKER, "compare.csv", "compare.json", "decomposition.csv", "payers.csv", "tiny",
        "tiny-alliance"]
    assert json.loads((out / "compare.json").read_text()) == {
        "a": "tiny", "b": "tiny-alliance", "reps": 2, "months": 6, "seeds": [1, 2],
        "overrides": []}
    pd.testing.assert_frame_equal(pd.read_csv(out / "compare.csv"), result.table,
                                  check_dtype=False)
    pd.testing.assert_frame_equal(pd.read_csv(out / "payers.csv"), result.payers,
                                  check_dtype=False)
    parts = pd.read_csv(out / "decomposition.csv")
    assert set(parts["lever"]) == {"shared_vacancies", "unified_referrals", "interactions"}
    pd.testing.assert_frame_equal(parts, result.decomposition, check_dtype=False)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "tiny-alliance" / "timeseries.parquet"),
                                  result.b.timeseries)
    # kasvu compare is a thin layer over it: the same files, number for number.
    paths = []
    for scenario in (a, b):
        paths.append(tmp_path / f"{scenario.name}.toml")
        paths[-1].write_text(scenario_to_toml(scenario))
    assert main(["compare", *map(str, paths), "--reps", "2", "--months", "6", "--decompose",
                 "--workers", "1", "--quiet", "--out", str(cli)]) == 0
    ours = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert ours == sorted(p.relative_to(cli) for p in cli.rglob("*") if p.is_file())
    markers = [json.loads((root / MARKER).read_text()) for root in (out, cli)]
    assert markers[0]["files"] == markers[1]["files"] == sorted(
        str(p) for p in ours if p.name != MARKER)
    assert markers[1]["command"].startswith("kasvu compare ")
    for path in (p for p in ours if p.name != MARKER):
        if path.suffix == ".parquet":
            pd.testing.assert_frame_equal(pd.read_parquet(out / path),
                                          pd.read_parquet(cli / path))
        else:
            assert (out / path).read_text() == (cli / path).read_text(), path


def test_compare_refuses_a_decomposition_without_levers(tmp_path):
    with pytest.raises(ValueError, match="no alliance lever is on"):
        analysis.compare("tiny", "tiny", reps=1, months=1, overrides=FAST, decompose=True,
                         workers=1, out=tmp_path / "out")
    assert not list(tmp_path.iterdir())
