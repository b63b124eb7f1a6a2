"""Decision statistics against hand-computed values, and PRIM on a planted box."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.decision import stats
from analysis.decision.discovery import (
    QP_LEVEL,
    choose_box,
    describe_limits,
    find_box,
    no_region_sentence,
)

EMP, LTU = "final_employed", "final_long_term_unemployed"


def table() -> pd.DataFrame:
    """Three alternatives (A the reference), three points, two seeds (10, 11)."""
    rows = []
    emp = {"A": [[100, 102], [100, 100], [100, 98]],
           "B": [[104, 106], [99, 99], [101, 99]],
           "C": [[101, 101], [103, 105], [96, 94]]}
    ltu = {"A": [[10, 10], [10, 10], [10, 10]],
           "B": [[9, 9], [11, 11], [10, 8]],
           "C": [[12, 12], [8, 8], [10, 10]]}
    for alt in "ABC":
        for point in range(3):
            for s, seed in enumerate((10, 11)):
                rows.append({"alternative": alt, "point": point, "seed": seed,
                             EMP: float(emp[alt][point][s]), LTU: float(ltu[alt][point][s])})
    return pd.DataFrame(rows)


def test_directions_follow_the_better_table():
    assert stats.direction(EMP) == 1 and stats.direction(LTU) == -1
    assert stats.direction("total_public_net_eur") == 1
    assert stats.direction("final_service_spend_eur") == 0


def test_differences_are_paired_by_point_and_seed():
    diffs = stats.differences(table(), "A", [EMP, LTU])
    b = diffs[diffs["alternative"] == "B"].set_index(["point", "seed"])
    # B − A: point 0 seeds 10, 11: 104 − 100, 106 − 102; point 2: 101 − 100, 99 − 98
    assert b.loc[(0, 10), EMP] == 4 and b.loc[(0, 11), EMP] == 4
    assert b.loc[(2, 10), EMP] == 1 and b.loc[(2, 11), EMP] == 1
    assert set(diffs["alternative"]) == {"B", "C"} and len(diffs) == 12


def test_summary_by_hand():
    out = stats.summary(table(), "A", [EMP, LTU]).set_index(["alternative", "outcome"])
    b = out.loc[("B", EMP)]
    # point means of B − A: 4, −1, 1 -> mean 4/3, better at 2 of 3 points
    assert b["expected_difference"] == pytest.approx(4 / 3)
    assert b["share_better"] == pytest.approx(2 / 3) and b["share_worse"] == pytest.approx(1 / 3)
    lo, hi = stats.wilson(2, 3)
    assert (b["share_ci_low"], b["share_ci_high"]) == pytest.approx((lo, hi))
    sd = np.std([4, -1, 1], ddof=1)
    half = 4.302652729749464 * sd / math.sqrt(3)  # t(0.975, 2)
    assert b["ci_high"] - b["expected_difference"] == pytest.approx(half)
    # C − A on long-term unemployed (lower is better): +2, −2, 0 -> better at 1 of 3
    c = out.loc[("C", LTU)]
    assert c["share_better"] == pytest.approx(1 / 3) and c["share_worse"] == pytest.approx(1 / 3)
    assert c["expected_difference"] == pytest.approx(0.0)


def test_regret_and_minimax_by_hand():
    out = stats.summary(table(), "A", [EMP, LTU]).set_index(["alternative", "outcome"])
    # Employment seed means: A 101, 100, 99; B 105, 99, 100; C 101, 104, 95.
    # Best per point: 105, 104, 100. Regret A: 4, 4, 1; B: 0, 5, 0; C: 4, 0, 5.
    assert out.loc[("A", EMP), "max_regret"] == 4 and out.loc[("A", EMP), "mean_regret"] == 3
    assert out.loc[("B", EMP), "max_regret"] == 5
    assert out.loc[("B", EMP), "mean_regret"] == pytest.approx(5 / 3)
    assert out.loc[("B", EMP), "share_best"] == pytest.approx(2 / 3)
    assert out.loc[("C", EMP), "max_regret"] == 5
    # LTU seed means: A 10, 10, 10; B 9, 11, 9; C 12, 8, 10. Lower is better:
    # best 9, 8, 9. Regret A: 1, 2, 1; B: 0, 3, 0; C: 3, 0, 1.
    assert out.loc[("A", LTU), "max_regret"] == 2 and out.loc[("B", LTU), "max_regret"] == 3
    verdicts = stats.verdicts(out.reset_index())
    assert verdicts[EMP] == {"minimax_regret": "A", "most_robust": "B"}
    assert verdicts[LTU] == {"minimax_regret": "A", "most_robust": "B"}


def test_wilson_interval_by_hand():
    lo, hi = stats.wilson(8, 10)
    assert (lo, hi) == pytest.approx((0.4901624, 0.9433178), abs=1e-6)
    assert stats.wilson(0, 5)[0] == 0 and all(math.isnan(v) for v in stats.wilson(0, 0))


def test_prim_finds_a_planted_box():
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.random((400, 5)), columns=[f"u{i}" for i in range(5)])
    y = ((x["u1"] > 0.6) & (x["u3"] < 0.3)).to_numpy()
    box = find_box(x, y)
    assert box is not None and box["coverage"] >= 0.5 and box["density"] >= 0.9
    limits = {d["key"]: d for d in box["restricted"]}
    assert set(limits) == {"u1", "u3"}
    assert all(d["qp"] < 1e-3 for d in limits.values()) and box["dropped"] == []
    assert limits["u1"]["min"] == pytest.approx(0.6, abs=0.05) and limits["u1"]["min_restricted"]
    assert limits["u3"]["max"] == pytest.approx(0.3, abs=0.05) and limits["u3"]["max_restricted"]
    text = describe_limits(box["restricted"])
    assert text.startswith("u1 above 0.6") and " and u3 below 0.3" in text
    finnish = describe_limits(box["restricted"], "fi")
    assert finnish.startswith("u1 on yli 0,6") and " ja u3 on alle 0,3" in finnish
    assert "." not in finnish  # a decimal comma, as the rest of the Finnish report
    between = [{"key": "k", "min": 1234.5, "max": 0.0125, "min_restricted": True,
                "max_restricted": True}]
    assert describe_limits(between, "fi") == "k on välillä 1\u00a0234–0,0125"
    assert describe_limits(between, "en", name=str.upper) == "K between 1,234 and 0.0125"
    assert find_box(x, np.zeros(400, bool)) is None and find_box(x, np.ones(400, bool)) is None


def test_box_rule_is_the_densest_with_half_the_coverage():
    trajectory = pd.DataFrame({"coverage": [1.0, 0.8, 0.55, 0.4], "density": [0.2, 0.6, 0.9, 1.0],
                               "mass": [1, 0.5, 0.2, 0.1], "res_dim": [0, 1, 2, 3]})
    assert choose_box(trajectory) == 2
    assert choose_box(trajectory, min_coverage=0.9) == 0


def test_prim_keeps_only_significant_restrictions_in_the_dimensions_searched():
    # 64 points in 40 dimensions, the verdict at random: peeling finds a denser box by
    # chance in some dimension; no restriction survives without a significant quasi-p.
    rng = np.random.default_rng(5)
    x = pd.DataFrame(rng.random((64, 40)), columns=[f"u{i:02d}" for i in range(40)])
    y = rng.random(64) < 0.3
    box = find_box(x, y)
    assert box is not None and box["searched"] == list(x.columns)
    assert all(d["qp"] < QP_LEVEL for d in box["restricted"])
    assert box["dropped"]  # the chance restrictions peeling made are gone
    # Searched in the planted dimensions only (as a ranking would choose them).
    y = ((x["u07"] > 0.5) & (x["u21"] < 0.5)).to_numpy()
    box = find_box(x, y, keys=["u07", "u21", "u30"])
    assert box["searched"] == ["u07", "u21", "u30"]
    assert {d["key"] for d in box["restricted"]} == {"u07", "u21"}


def test_a_box_without_restrictions_is_said_as_no_region():
    box = {"alternative": "B", "outcome": "final_employed", "kind": "win", "density": 0.16,
           "searched": ["a"] * 10, "restricted": []}
    assert no_region_sentence(box) == (
        "B wins final_employed at more than half of the seeds of 16% of the design points, "
        "with no region of its 10 most "
        "important uncertainties where it does so significantly more often (quasi-p below "
        "0.05).")
    finnish = no_region_sentence({**box, "kind": "lose"}, "fi")
    assert finnish.startswith("B häviää (final_employed) yli puolella siemenistä 16")
    assert "kvasi-p alle 0,05" in finnish
