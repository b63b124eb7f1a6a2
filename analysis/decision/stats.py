"""Statistics of a decision under uncertainty (päätöstilastot): pure functions on tables.

The input is one row per run: ``alternative, point, seed`` and one column per outcome.
Every alternative ran at every design point with the same seeds, so its difference from
the reference is paired by ``(point, seed)`` and then averaged over seeds to one value per
design point. Over the design points (the space of uncertainties) come:

- the *share of points where it is better* (direction by outcome, :data:`BETTER` of
  :mod:`analysis.experiments.paired`: more employment, fewer long-term unemployed, a
  higher public net are better) with a Wilson score interval;
- its *expected difference*, the mean over points, with a t interval;
- its *regret* at each point: the shortfall of its (seed-mean) outcome from the best
  alternative's at that point, in the outcome's units, never negative. The
  *minimax-regret* alternative has the smallest largest regret; the *most robust* is best
  at the most points (ties: smaller mean regret).

Outcomes without a better direction (``final_unemployed`` is, ``mean_hires`` is not
neutral, but e.g. ``final_service_spend_eur`` is) get differences only, NaN elsewhere.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from ..experiments.paired import BETTER, mean_ci
from ..experiments.spec import parse_outcome

Z95 = float(stats.norm.ppf(0.975))


def direction(outcome: str) -> int:
    """+1 when more of the outcome is better, -1 when less is, 0 when neither."""
    return BETTER.get(parse_outcome(outcome)[1], 0)


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion (NaN bounds without observations)."""
    if n == 0:
        return math.nan, math.nan
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def point_values(runs: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Seed means: one row per (alternative, point), a column per outcome."""
    return runs.groupby(["alternative", "point"], sort=True)[outcomes].mean()


def differences(runs: pd.DataFrame, reference: str, outcomes: list[str]) -> pd.DataFrame:
    """Each alternative minus the reference, paired by (point, seed).

    Returns one row per (alternative, point, seed) present in both, with a column per
    outcome (alternatives other than the reference only).
    """
    keyed = runs.set_index(["point", "seed"])
    ref = keyed[keyed["alternative"] == reference][outcomes]
    rows = []
    for name, table in keyed[keyed["alternative"] != reference].groupby("alternative",
                                                                         sort=False):
        common = table.index.intersection(ref.index)
        diff = table.loc[common, outcomes] - ref.loc[common, outcomes]
        diff.insert(0, "alternative", name)
        rows.append(diff.reset_index())
    if not rows:
        return pd.DataFrame(columns=["alternative", "point", "seed", *outcomes])
    return pd.concat(rows, ignore_index=True)[["alternative", "point", "seed", *outcomes]]


def point_differences(diffs: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Per (alternative, point): the mean difference over seeds and the seeds' share better.

    Columns ``OUTCOME`` (mean difference), ``OUTCOME:better`` (share of seeds where the
    alternative is better; NaN for a neutral outcome) and ``seeds``.
    """
    grouped = diffs.groupby(["alternative", "point"], sort=False)
    out = grouped[outcomes].mean()
    for name in outcomes:
        sign = direction(name)
        if sign:
            out[f"{name}:better"] = grouped[name].apply(lambda d, s=sign: float(np.mean(s * d > 0)))
        else:
            out[f"{name}:better"] = math.nan
    out["seeds"] = grouped.size()
    return out


def regrets(values: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Regret per (alternative, point): the best alternative's seed mean minus its own.

    Only points where every alternative has a value count; neutral outcomes are NaN.
    """
    alternatives = values.index.get_level_values("alternative").unique()
    out = pd.DataFrame(index=values.index, columns=outcomes, dtype=float)
    for name in outcomes:
        sign = direction(name)
        wide = values[name].unstack("alternative").dropna()
        if not sign or wide.empty:
            continue
        score = sign * wide
        regret = score.max(axis=1).to_numpy()[:, None] - score
        long = regret.stack().reorder_levels(["alternative", "point"])
        out.loc[long.index, name] = long.to_numpy()
    out = out.loc[[a for a in alternatives if a in out.index.get_level_values(0)]]
    return out


def summary(runs: pd.DataFrame, reference: str, outcomes: list[str]) -> pd.DataFrame:
    """One row per alternative and outcome: differences, share better, regret.

    Columns: alternative, outcome, direction, points, expected_difference, ci_low,
    ci_high, median_difference, q05, q95, share_better, share_ci_low, share_ci_high,
    share_worse, mean_regret, max_regret, share_best. The reference's differences are 0
    (its rows carry its regret).
    """
    diffs = point_differences(differences(runs, reference, outcomes), outcomes)
    regret = regrets(point_values(runs, outcomes), outcomes)
    rows = []
    names = list(dict.fromkeys(runs["alternative"]))
    names = [reference, *[n for n in names if n != reference]]
    for alternative in names:
        for name in outcomes:
            sign = direction(name)
            row = {"alternative": alternative, "outcome": name, "direction": sign}
            if alternative == reference:
                d = np.zeros(0)
            else:
                d = diffs.loc[alternative, name].to_numpy(dtype=float) \
                    if alternative in diffs.index.get_level_values(0) else np.zeros(0)
            row.update(_difference_stats(d, sign, alternative == reference))
            r = (regret.loc[alternative, name].dropna().to_numpy(dtype=float)
                 if alternative in regret.index.get_level_values(0) else np.zeros(0))
            row["mean_regret"] = float(r.mean()) if r.size and sign else math.nan
            row["max_regret"] = float(r.max()) if r.size and sign else math.nan
            row["share_best"] = float(np.mean(r <= 0)) if r.size and sign else math.nan
            rows.append(row)
    return pd.DataFrame(rows)


def _difference_stats(d: np.ndarray, sign: int, is_reference: bool) -> dict[str, float]:
    """Distribution of one alternative's point differences, and its share better."""
    if is_reference:
        return {"points": 0, "expected_difference": 0.0, "ci_low": 0.0, "ci_high": 0.0,
                "median_difference": 0.0, "q05": 0.0, "q95": 0.0, "share_better": math.nan,
                "share_ci_low": math.nan, "share_ci_high": math.nan, "share_worse": math.nan}
    if d.size == 0:
        mean = low = high = med = q05 = q95 = math.nan
    else:
        mean, low, high = mean_ci(d)
        med, q05, q95 = (float(v) for v in np.quantile(d, [0.5, 0.05, 0.95]))
    if sign and d.size:
        wins = int(np.sum(sign * d > 0))
        share, worse = wins / d.size, float(np.mean(sign * d < 0))
        lo, hi = wilson(wins, d.size)
    else:
        share = worse = lo = hi = math.nan
    return {"points": int(d.size), "expected_difference": mean, "ci_low": low,
            "ci_high": high, "median_difference": med, "q05": q05, "q95": q95,
            "share_better": share, "share_ci_low": lo, "share_ci_high": hi,
            "share_worse": worse}


def verdicts(table: pd.DataFrame) -> dict[str, dict[str, str | None]]:
    """Per outcome: the minimax-regret alternative and the most robust (best most often)."""
    out = {}
    for name, rows in table.groupby("outcome", sort=False):
        rows = rows.dropna(subset=["max_regret"])
        if rows.empty:
            out[name] = {"minimax_regret": None, "most_robust": None}
            continue
        minimax = rows.sort_values(["max_regret", "mean_regret"], kind="stable").iloc[0]
        robust = rows.assign(neg=-rows["share_best"]).sort_values(
            ["neg", "mean_regret"], kind="stable").iloc[0]
        out[name] = {"minimax_regret": str(minimax["alternative"]),
                     "most_robust": str(robust["alternative"])}
    return out
