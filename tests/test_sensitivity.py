"""Sensitivity analysis: known indices recovered, and `kasvu sensitivity` end to end."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from SALib.test_functions import Ishigami

import analysis
from analysis.cli import main
from analysis.experiments.design import design_matrix
from analysis.experiments.indices import (
    analyse,
    format_table,
    morris_indices,
    plot_indices,
    point_means,
    sobol_indices,
)
from analysis.experiments.spec import SweepSpec

ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]
ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]


def spec_over(ranges, kind, samples, **design):
    return SweepSpec.model_validate(
        {
            "name": "t",
            "base": "tiny",
            "design": {"kind": kind, "samples": samples, **design},
            "parameters": [{"key": k, "min": lo, "max": hi} for k, (lo, hi) in ranges.items()],
        }
    )


def test_sobol_recovers_ishigami_indices():
    keys = ["x1", "x2", "x3"]
    spec = spec_over({k: (-math.pi, math.pi) for k in keys}, "sobol", 2048)
    values, _ = design_matrix(spec, entropy=11)
    y = Ishigami.evaluate(np.asarray(values))
    table = sobol_indices(keys, y, seed=5).set_index(["parameter", "index"])
    s1 = table.xs("S1", level="index").loc[keys]
    st = table.xs("ST", level="index").loc[keys]
    np.testing.assert_allclose(s1["value"], ISHIGAMI_S1, atol=0.04)
    np.testing.assert_allclose(st["value"], ISHIGAMI_ST, atol=0.04)
    assert (s1["conf"] > 0).all() and (s1["conf"] < 0.1).all()


def test_sobol_second_order_of_ishigami():
    keys = ["x1", "x2", "x3"]
    spec = spec_over({k: (-math.pi, math.pi) for k in keys}, "sobol", 1024, second_order=True)
    values, _ = design_matrix(spec, entropy=3)
    table = sobol_indices(keys, Ishigami.evaluate(np.asarray(values)), second_order=True, seed=1)
    s2 = table[table["index"] == "S2"].set_index("parameter")["value"]
    assert s2["x1 × x3"] == pytest.approx(0.2437, abs=0.06)  # the only interaction
    assert abs(s2["x1 × x2"]) < 0.06 and abs(s2["x2 × x3"]) < 0.06


def test_morris_ranks_a_linear_function():
    keys = ["a", "b", "c"]
    spec = spec_over({"a": (0, 2), "b": (0, 1), "c": (5, 6)}, "morris", 20)
    values, unit = design_matrix(spec, entropy=2)
    x = np.asarray(values)
    y = 3 * x[:, 0] + 1 * x[:, 1] + 0 * x[:, 2]
    table = morris_indices(keys, np.asarray(unit), y, seed=1).set_index(["parameter", "index"])
    mu_star = table.xs("mu_star", level="index")["value"]
    # Effects are per whole range: a moves y by 3 * 2, b by 1 * 1, c by nothing.
    np.testing.assert_allclose(mu_star.loc[keys], [6.0, 1.0, 0.0], atol=1e-9)


def test_point_means_average_replications_and_need_every_point():
    outcomes = pd.DataFrame({"point": [0, 0, 1, 1], "y": [1.0, 3.0, 5.0, 7.0]})
    np.testing.assert_array_equal(point_means(outcomes, "y", 2), [2.0, 6.0])
    with pytest.raises(ValueError, match=r"design point\(s\) \[2\]"):
        point_means(outcomes, "y", 3)


def test_plot_and_table(tmp_path):
    table = pd.DataFrame(
        {
            "outcome": ["u"] * 4,
            "parameter": ["a", "a", "b", "b"],
            "index": ["S1", "ST", "S1", "ST"],
            "value": [0.5, 0.6, 0.2, 0.3],
            "conf": [0.05, 0.04, 0.02, 0.03],
        }
    )
    path = plot_indices(table, tmp_path / "s.png", title="t")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = format_table(table)
    assert "0.5 ±0.05" in text and text.splitlines()[0].split()[-2:] == ["S1", "ST"]


SPEC = """
base = "tiny"
set = ["simulation.burn_in_months=2"]
months = 3
entropy = 5
outcomes = ["final_unemployment_rate", "mean_employed"]

[design]
kind = "lhs"
samples = 4

[[parameters]]
key = "labour.monthly_separation_rate"
min = 0.004
max = 0.02

[[parameters]]
key = "matching.applications_per_month"
min = 1
max = 8
integer = true
"""


@pytest.mark.parametrize(
    ("method", "runs", "indices"),
    [("morris", 3 * 3, {"mu_star", "mu", "sigma"}), ("sobol", 4 * 4, {"S1", "ST"})],
)
def test_sensitivity_command(tmp_path, capsys, method, runs, indices):
    spec = tmp_path / "spec.toml"
    spec.write_text(
        SPEC.replace("samples = 4", "samples = 3" if method == "morris" else "samples = 4")
    )
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


def test_analysis_needs_a_matching_design(tmp_path):
    with pytest.raises(ValueError, match="design is 'lhs', not 'sobol'"):
        analyse("sobol", {"design_kind": "lhs"}, pd.DataFrame())
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC.replace("samples = 4", "samples = 3"))
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
