"""Sensitivity analysis: known indices recovered, and sensitivity() on a small sweep."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from SALib.test_functions import Ishigami
from sweep_fixtures import SENSITIVITY_SPEC

import analysis
from analysis.experiments.design import design_matrix
from analysis.experiments.indices import (
    analyse,
    format_table,
    morris_indices,
    plot_indices,
    point_means,
    sensitivity_sweep,
    sobol_indices,
    write_indices,
)
from analysis.experiments.spec import SweepSpec
from analysis.experiments.store import SweepStore
from analysis.experiments.sweep import run_sweep

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


def test_sensitivity_runs_the_sweep_and_writes_the_indices(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(SENSITIVITY_SPEC.replace("samples = 4", "samples = 3"))
    out = tmp_path / "out"
    table = analysis.sensitivity(spec, "morris", out, executor="serial", progress=False)
    assert set(table["index"]) == {"mu_star", "mu", "sigma"}
    assert len(table) == 2 * 2 * 3  # outcomes × parameters × indices
    pd.testing.assert_frame_equal(pd.read_parquet(out / "sensitivity.parquet"), table)
    assert (out / "sensitivity.png").stat().st_size > 1000
    manifest = SweepStore(out).read_manifest()
    assert manifest["design_kind"] == "morris" and len(manifest["runs"]) == 3 * 3
    # A finished sweep is reused: the same indices, no run.
    again = analysis.sensitivity(spec, "morris", out, executor="serial", progress=False)
    pd.testing.assert_frame_equal(again, table)


def test_indices_need_every_run(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(SENSITIVITY_SPEC.replace("samples = 4", "samples = 3"))
    out = tmp_path / "out"
    run_sweep(sensitivity_sweep(spec, "morris"), out, "serial", max_runs=4, progress=False)
    with pytest.raises(ValueError, match="0 failed and 5 pending runs"):
        write_indices(out, "morris")
    assert not (out / "sensitivity.csv").exists()


def test_analysis_needs_a_matching_design():
    with pytest.raises(ValueError, match="design is 'lhs', not 'sobol'"):
        analyse("sobol", {"design_kind": "lhs"}, pd.DataFrame())
