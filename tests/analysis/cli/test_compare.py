"""``kasvu compare A B``: both run directories, the table, the printed summary."""

import json

import pandas as pd

from analysis.cli import main


def test_compare_cli_writes_both_runs_and_the_table(tmp_path, capsys):
    out = tmp_path / "cmp"
    code = main(["compare", "tiny", "tiny-alliance", "--reps", "2", "--months", "8",
                 "--out", str(out), "--quiet", "--set", "simulation.burn_in_months=3"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "95% CI" in printed and "employed" in printed
    assert "Each party's net, EUR a month (received − paid)" in printed
    assert "public_sector" in printed and "  state" in printed
    assert set(pd.read_csv(out / "payers.csv")["party"]) >= {"public_sector", "providers"}
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


def test_compare_decompose_without_levers_is_bad_input(tmp_path, capsys):
    out = tmp_path / "cmp"
    code = main(["compare", "tiny", "tiny", "--reps", "1", "--decompose", "--quiet",
                 "--out", str(out)])
    assert code == 2
    assert "no alliance lever is on" in capsys.readouterr().err
    assert not out.exists()
