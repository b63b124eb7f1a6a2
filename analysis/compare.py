"""Comparisons with common random numbers (vertailu), and the alliance effect by lever.

Both scenarios run with the same seeds, so that the difference in a replication is due to
the scenarios, not to luck; the spread of the differences over replications gives the
confidence interval. Small pure functions over the stacked tables of
:func:`analysis.runs.replicate`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim import Scenario
from sim.collect import METRICS, REGION_AREA
from sim.scenario import LEVERS

from .runs import run_jobs

BETTER = {
    "employed": 1, "hires": 1, "job_finding_rate": 1, "firms": 1, "firm_births": 1,
    "firm_employment": 1, "unemployed": -1, "long_term_unemployed": -1,
    "unemployment_rate": -1, "separations": -1, "firm_deaths": -1,
    "municipal_benefit_cost_eur": -1,
}
"""Direction in which a metric is better (+1 higher, -1 lower); others are neutral."""

STATISTICS = ("final", "mean")
HEADLINE = ("employed", "unemployment_rate", "long_term_unemployed", "firm_employment",
            "service_spend_eur", "municipal_benefit_cost_eur")


def per_rep(timeseries: pd.DataFrame, statistic: str) -> pd.DataFrame:
    """One value per (rep, area) and metric: the last month's, or the mean over months ≥ 1."""
    if statistic == "final":
        last = timeseries["month"].max()
        frame = timeseries[timeseries["month"] == last]
    elif statistic == "mean":
        frame = timeseries[timeseries["month"] >= 1].groupby(["rep", "area"], sort=False)[
            list(METRICS)].mean().reset_index()
    else:
        raise ValueError(f"unknown statistic {statistic!r}; use one of {STATISTICS}")
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
    for statistic in STATISTICS:
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
    sel = table[(table["area"] == REGION_AREA) & (table["statistic"] == "final")]
    lines = [f"{b_name} − {a_name}, region, final month "
             f"({int(sel['reps'].iloc[0])} replication(s), common random numbers)",
             f"{'metric':<28}{'A':>14}{'B':>14}{'B − A':>14}{'95% CI':>26}{'B better':>10}"]
    for metric in HEADLINE:
        row = sel[sel["metric"] == metric].iloc[0]
        rate = metric.endswith("_rate")
        f = (lambda v: f"{v:.4f}") if rate else (lambda v: f"{v:,.0f}")
        ci = ("n/a" if math.isnan(row["diff_ci_low"])
              else f"[{f(row['diff_ci_low'])}, {f(row['diff_ci_high'])}]")
        share = "" if math.isnan(row["share_b_better"]) else f"{row['share_b_better']:.0%}"
        lines.append(f"{metric:<28}{f(row['a_mean']):>14}{f(row['b_mean']):>14}"
                     f"{f(row['diff_mean']):>14}{ci:>26}{share:>10}")
    return "\n".join(lines)


# ------------------------------------------------------------------ decomposition
def scenario_levers(scenario: Scenario) -> list[str]:
    """Levers switched on in any of the scenario's alliances."""
    return [lever for lever in LEVERS
            if any(a.lever(lever) for a in scenario.all_alliances)]


def with_levers(scenario: Scenario, on: Sequence[str]) -> Scenario:
    """The scenario with exactly the levers ``on`` switched on in every alliance."""
    levers = {lever: lever in on for lever in LEVERS}
    update = {}
    if scenario.alliance is not None:
        update["alliance"] = scenario.alliance.model_copy(update={"levers": levers})
    update["alliances"] = [a.model_copy(update={"levers": levers}) for a in scenario.alliances]
    return scenario.model_copy(update=update)


DECOMPOSE_METRICS = ("employed", "long_term_unemployed", "firm_employment",
                     "municipal_benefit_cost_eur")


def coalitions(levers: Sequence[str], method: str) -> list[frozenset[str]]:
    """Lever sets to run: all 2^n for ``shapley``; ∅, N, singles and N∖{i} for ``oat``."""
    full = frozenset(levers)
    if method == "shapley":
        return [frozenset(c) for r in range(len(levers) + 1)
                for c in itertools.combinations(levers, r)]
    if method == "oat":
        sets = {frozenset(), full}
        sets |= {frozenset([lv]) for lv in levers} | {full - {lv} for lv in levers}
        return sorted(sets, key=lambda s: (len(s), sorted(s)))
    raise ValueError(f"unknown decomposition method {method!r}; use 'shapley' or 'oat'")


def attribute(values: dict[frozenset[str], np.ndarray], levers: Sequence[str],
              method: str) -> dict[str, np.ndarray]:
    """Each lever's contribution per replication.

    ``shapley``: exact Shapley values over all coalitions. ``oat``: the mean of a lever's
    marginal effect added alone to separate action and removed alone from the full alliance
    (the first and last positions of Shapley's permutations); what this leaves unexplained
    of the total effect is reported as ``interactions``.
    """
    n = len(levers)
    full = frozenset(levers)
    out: dict[str, np.ndarray] = {}
    for lever in levers:
        if method == "shapley":
            total = 0.0
            for s, v in values.items():
                if lever in s:
                    continue
                weight = math.factorial(len(s)) * math.factorial(n - len(s) - 1) / \
                    math.factorial(n)
                total = total + weight * (values[s | {lever}] - v)
            out[lever] = np.asarray(total)
        else:
            alone = values[frozenset([lever])] - values[frozenset()]
            last = values[full] - values[full - {lever}]
            out[lever] = 0.5 * (alone + last)
    if method == "oat":
        out["interactions"] = values[full] - values[frozenset()] - sum(out.values())
    return out


def decompose(scenario: Scenario, seed: int, reps: int, months: int | None,
              method: str = "oat", on_run: Callable[[], None] | None = None,
              workers: int = 1) -> pd.DataFrame:
    """The alliance effect of ``scenario`` split by lever, with 95% CIs over replications.

    The effect is final-month ALL with its levers on minus with all levers off (which is
    separate action, by the placebo property). Returns columns lever, metric,
    contribution_mean, ci_low, ci_high, method.
    """
    levers = scenario_levers(scenario)
    if not levers:
        raise ValueError(f"{scenario.name}: no alliance lever is on; nothing to decompose")
    sets = coalitions(levers, method)
    jobs = [("+".join(sorted(c)) or "none", with_levers(scenario, sorted(c)), rep, seed + rep,
             months) for c in sets for rep in range(reps)]
    results = run_jobs(jobs, workers, on_run)
    values: dict[frozenset[str], dict[str, np.ndarray]] = {}
    for coalition in sets:
        tables = results["+".join(sorted(coalition)) or "none"]
        final = per_rep(tables["timeseries"], "final").xs(REGION_AREA, level="area")
        values[coalition] = {m: final[m].to_numpy() for m in DECOMPOSE_METRICS}
    rows = []
    for metric in DECOMPOSE_METRICS:
        parts = attribute({c: v[metric] for c, v in values.items()}, levers, method)
        for lever, contribution in parts.items():
            mean, lo, hi = mean_ci(np.atleast_1d(contribution))
            rows.append((lever, metric, mean, lo, hi, method))
    return pd.DataFrame(rows, columns=["lever", "metric", "contribution_mean", "ci_low",
                                       "ci_high", "method"])


def runs_needed(scenario: Scenario, method: str) -> int:
    """Model runs per replication that :func:`decompose` needs."""
    return len(coalitions(scenario_levers(scenario), method))
