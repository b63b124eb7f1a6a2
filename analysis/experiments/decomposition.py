"""The alliance effect by lever (vipuihin jako): exact Shapley values or one at a time.

The effect of a scenario's alliances is split among the levers switched on in them by
running the scenario with subsets of its levers (coalitions), every subset with the same
seeds, and attributing the final-month difference of the region. ``kasvu compare
--decompose`` writes the result as ``decomposition.csv``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from sim import Scenario
from sim.collect import REGION_AREA
from sim.scenario import LEVERS

from .paired import mean_ci, per_rep
from .runs import Job, run_jobs


def scenario_levers(scenario: Scenario) -> list[str]:
    """Levers switched on in any of the scenario's alliances."""
    return [lever for lever in LEVERS
            if any(a.lever(lever) for a in scenario.all_alliances)]


def with_levers(scenario: Scenario, on: Sequence[str]) -> Scenario:
    """The scenario with exactly the levers ``on`` switched on in every alliance."""
    levers = {lever: lever in on for lever in LEVERS}
    changes = {f"alliances.{k}.levers": levers for k in range(len(scenario.alliances))}
    if scenario.alliance is not None:
        changes = {"alliance.levers": levers, **changes}
    return scenario.with_overrides(changes)


DECOMPOSE_METRICS = ("employed", "long_term_unemployed", "firm_employment",
                     "municipal_benefit_cost_eur", "organiser_outlays_eur", "public_net_eur")
"""Metrics split by lever: persons and firms at the final month, money (``_eur``) as the
mean a month over months 1.. (a single month's money swings with quarterly settlements)."""


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

    The effect is the region's final month (money: its mean a month) with its levers on
    minus with all levers off (which is separate action, by the placebo property).
    Returns columns lever, metric, contribution_mean, ci_low, ci_high, method.
    """
    levers, sets = _coalitions_of(scenario, method)
    jobs = [Job("+".join(sorted(c)) or "none", with_levers(scenario, sorted(c)), rep,
                seed + rep, months) for c in sets for rep in range(reps)]
    results = run_jobs(jobs, workers, on_run)
    values: dict[frozenset[str], dict[str, np.ndarray]] = {}
    for coalition in sets:
        tables = results["+".join(sorted(coalition)) or "none"]
        final = per_rep(tables["timeseries"], "final").xs(REGION_AREA, level="area")
        mean = per_rep(tables["timeseries"], "mean").xs(REGION_AREA, level="area")
        values[coalition] = {m: (mean if m.endswith("_eur") else final)[m].to_numpy()
                             for m in DECOMPOSE_METRICS}
    rows = []
    for metric in DECOMPOSE_METRICS:
        parts = attribute({c: v[metric] for c, v in values.items()}, levers, method)
        for lever, contribution in parts.items():
            mean, lo, hi = mean_ci(np.atleast_1d(contribution))
            rows.append((lever, metric, mean, lo, hi, method))
    return pd.DataFrame(rows, columns=["lever", "metric", "contribution_mean", "ci_low",
                                       "ci_high", "method"])


def runs_needed(scenario: Scenario, method: str) -> int:
    """Model runs per replication that :func:`decompose` needs.

    Raises:
        ValueError: no lever is on in the scenario's alliances, or an unknown method.
    """
    return len(_coalitions_of(scenario, method)[1])


def _coalitions_of(scenario: Scenario, method: str) -> tuple[list[str], list[frozenset[str]]]:
    """The scenario's levers and the lever sets ``method`` runs."""
    levers = scenario_levers(scenario)
    if not levers:
        raise ValueError(f"{scenario.name}: no alliance lever is on; nothing to decompose")
    return levers, coalitions(levers, method)


def decomposition_text(parts: pd.DataFrame) -> str:
    """The decomposition of the employment effect as a short text table."""
    sel = parts[parts["metric"] == "employed"]
    lines = [f"alliance effect on employed persons by lever ({sel['method'].iloc[0]}):",
             f"{'lever':<22}{'contribution':>14}{'95% CI':>26}"]
    for _, row in sel.iterrows():
        ci = ("n/a" if row["ci_low"] != row["ci_low"]
              else f"[{row['ci_low']:,.0f}, {row['ci_high']:,.0f}]")
        lines.append(f"{row['lever']:<22}{row['contribution_mean']:>14,.0f}{ci:>26}")
    return "\n".join(lines)
