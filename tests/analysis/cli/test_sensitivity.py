"""``kasvu sensitivity``: sample, run (or reuse), analyse, write table and figure."""

from __future__ import annotations

import pandas as pd
import pytest
from sweep_fixtures import SENSITIVITY_SPEC

import analysis
from analysis.cli import main


@pytest.mark.parametrize(
    ("method", "runs", "indices"),
    [("morris", 3 * 3, {"mu_star", "mu", "sigma"}), ("sobol", 4 * 4, {"S1", "ST"})],
)
def test_sensitivity_command(tmp_path, capsys, method, runs, indices):
    spec = tmp_path / "spec.toml"
    samples = "samples = 3" if method == "morris" else "samples = 4"
    spec.write_text(SENSITIVITY_SPEC.replace("samples = 4", samples))
    out = tmp_path / "out"
    argv = [
        "sensitivity",
        str(spec),
        "--method",
        method,
        "--out",
        str(out),
        "--executor",
        "serial",
        "--quiet",
    ]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert f"{runs} done, 0 failed" in printed and "final_unemployment_rate" in printed
    table = pd.read_csv(out / "sensitivity.csv")
    assert set(table["index"]) == indices
    assert set(table["outcome"]) == {"final_unemployment_rate", "mean_employed"}
    assert set(table["parameter"]) == {
        "labour.monthly_separation_rate",
        "matching.applications_per_month",
    }
    pd.testing.assert_frame_equal(pd.read_parquet(out / "sensitivity.parquet"), table)
    assert (out / "sensitivity.png").stat().st_size > 1000
    assert len(analysis.load(out, "outcomes")) == runs
    # A second call reuses the stored sweep and gives the same indices.
    assert main(argv) == 0
    assert "(0 run now" in capsys.readouterr().out
    pd.testing.assert_frame_equal(pd.read_csv(out / "sensitivity.csv"), table)


def test_sensitivity_needs_a_usable_design(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(SENSITIVITY_SPEC.replace("samples = 4", "samples = 3"))
    assert (
        main(
            [
                "sensitivity",
                str(spec),
                "--method",
                "sobol",
                "--out",
                str(tmp_path / "o"),
                "--executor",
                "serial",
            ]
        )
        == 2
    )
    assert not (tmp_path / "o").exists()
