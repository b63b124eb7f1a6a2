"""Paired differences with common random numbers (vertailu): B − A with confidence intervals.

Both scenarios run with the same seeds, so that the difference in a replication is due to
the scenarios, not to luck; the spread of the differences over replications gives the
confidence interval. Small pure functions over the stacked tables of
:func:`analysis.experiments.runs.replicate`; :func:`mean_ci` is also the figures' interval.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from sim.collect import METRICS, REGION_AREA

BETTER = {
    "employed": 1, "hires": 1, "job_finding_rate": 1, "firms": 1, "firm_births": 1,
    "firm_employment": 1, "unemployed": -1, "long_term_unemployed": -1,
    "unemployment_rate": -1, "separations": -1, "firm_deaths": -1,
    "municipal_benefit_cost_eur": -1, "public_net_eur": 1,
}
"""Direction in which a metric is better (+1 higher, -1 lower); others are neutral."""

PAIRED_STATISTICS = ("final", "mean")
"""Statistics of each replication that are compared: the last month, the mean of months ≥ 1."""
HEADLINE_METRICS = ("employed", "unemployment_rate", "long_term_unemployed", "firm_employment",
                    "service_spend_eur", "municipal_benefit_cost_eur", "organiser_outlays_eur",
                    "public_net_eur")
"""Region metrics of the printed comparison table."""


def per_rep(timeseries: pd.DataFrame, statistic: str) -> pd.DataFrame:
    """One value per (rep, area) and metric: the last month's, or the mean over months ≥ 1."""
    if statistic == "final":
        last = timeseries["month"].max()
        frame = timeseries[timeseries["month"] == last]
    elif statistic == "mean":
        frame = timeseries[timeseries["month"] >= 1].groupby(["rep", "area"], sort=False)[
            list(METRICS)].mean().reset_index()
    else:
        raise ValueError(f"unknown statistic {statistic!r}; use one of {PAIRED_STATISTICS}")
    return frame.set_index(["rep", "area"])[list(METRICS)]


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and its t-based confidence interval (NaN bounds with fewer than 2 values)."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    if values.size < 2:
        return mean, math.nan, math.nan
    half = stats.t.ppf(0.5 + level / 2, values.size - 1) * values.std(ddof=1) / math.sqrt(
        values.size)
    return mean, mean - float(half), mean + float(half)


def compare_tables(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Difference B − A for every metric, area and statistic, paired by replication.

    Returns columns metric, area, statistic, a_mean, b_mean, diff_mean, diff_ci_low,
    diff_ci_high, share_b_better (NaN for neutral metrics), reps.
    """
    rows = []
    for statistic in PAIRED_STATISTICS:
        va, vb = per_rep(a, statistic), per_rep(b, statistic)
        common = va.index.intersection(vb.index)
        va, vb = va.loc[common], vb.loc[common]
        for area in va.index.get_level_values("area").unique():
            xa = va.xs(area, level="area")
            xb = vb.xs(area, level="area")
            for metric in METRICS:
                d = (xb[metric] - xa[metric]).to_numpy()
                mean, lo, hi = mean_ci(d)
                direction = BETTER.get(metric, 0)
                better = float(np.mean(direction * d > 0)) if direction else math.nan
                rows.append((metric, area, statistic, float(xa[metric].mean()),
                             float(xb[metric].mean()), mean, lo, hi, better, d.size))
    return pd.DataFrame(rows, columns=["metric", "area", "statistic", "a_mean", "b_mean",
                                       "diff_mean", "diff_ci_low", "diff_ci_high",
                                       "share_b_better", "reps"])


def headline_table(table: pd.DataFrame, a_name: str, b_name: str) -> str:
    """A short text table of the region's final-month differences."""
    region = table[table["area"] == REGION_AREA]
    sel = region[region["statistic"] == "final"]
    lines = [f"{b_name} − {a_name}, region, final month; euros a month over months 1.. "
             f"({int(sel['reps'].iloc[0])} replication(s), common random numbers)",
             _header("metric") + f"{'B better':>10}"]
    for metric in HEADLINE_METRICS:
        statistic = "mean" if metric.endswith("_eur") else "final"  # money: a month's mean
        row = region[(region["metric"] == metric)
                     & (region["statistic"] == statistic)].iloc[0]
        share = "" if math.isnan(row["share_b_better"]) else f"{row['share_b_better']:.0%}"
        decimals = 4 if metric.endswith("_rate") else 0
        lines.append(_line(metric, row, decimals) + f"{share:>10}")
    return "\n".join(lines)


def payers_headline(payers: pd.DataFrame, a_name: str, b_name: str) -> str:
    """Each party's mean monthly net in A and B and B − A, as a text table like the headline.

    The state and the organisers, which make up the public sector, are indented under it.

    Args:
        payers: the payer table (payers.csv, :func:`analysis.report.public_finance.party_nets`).
        a_name: A's name.
        b_name: B's name.
    """
    reps = int(payers["reps"].max()) if len(payers) else 0
    lines = [f"Each party's net, EUR a month (received − paid), B − A: {b_name} − {a_name}, "
             f"mean of months 1.. ({reps} replication(s))", _header("party")]
    for _, row in payers.iterrows():
        indent = "  " if row["kind"] in ("state", "organiser") else ""
        lines.append(_line(indent + str(row["party"]), row, 0))
    return "\n".join(lines)


def _header(first: str) -> str:
    """The column heads of a headline table, after the first column's."""
    return f"{first:<28}{'A':>14}{'B':>14}{'B − A':>14}{'95% CI':>26}"


def _line(name: str, row: pd.Series, decimals: int) -> str:
    """One row of a headline table: A, B, B − A and its CI, with ``decimals``."""
    def f(value: float) -> str:
        return f"{value:,.{decimals}f}"

    ci = ("n/a" if math.isnan(row["diff_ci_low"])
          else f"[{f(row['diff_ci_low'])}, {f(row['diff_ci_high'])}]")
    return (f"{name:<28}{f(row['a_mean']):>14}{f(row['b_mean']):>14}"
            f"{f(row['diff_mean']):>14}{ci:>26}")
