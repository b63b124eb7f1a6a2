"""The calibration's moments (kalibrointimomentit): what a seeded model gives for each target.

:func:`simulate_moments` runs one seeded model through :func:`sim.simulate` and reads every
moment of :data:`.targets.MOMENTS`: the stock moments from the region's row at month 0,
the spell moment by following every person's status month to month (read only);
:func:`distance` weighs the model's moments against the targets.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from sim import Scenario, simulate
from sim.collect import METRICS
from sim.labour import UNEMPLOYED

from .targets import SPELL_HORIZON_MONTHS, Moment


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


def stock_moments(region_row: np.ndarray) -> dict[str, float]:
    """The stock moments of one month's region row of :data:`sim.collect.METRICS`."""
    col = {name: float(region_row[k]) for k, name in enumerate(METRICS)}
    unemployed = col["unemployed"]
    return {
        "unemployment_rate": _ratio(unemployed, col["labour_force"]),
        "long_term_share": _ratio(col["long_term_unemployed"], unemployed),
        "vacancies_per_unemployed": _ratio(col["vacancies"], unemployed),
    }


def spell_exit_share(unemployed: np.ndarray, first: int, last: int,
                     horizon: int = SPELL_HORIZON_MONTHS) -> tuple[float, int]:
    """Share of unemployment spells starting in months ``first..last`` that end within ``horizon``.

    Args:
        unemployed: (months, persons) booleans, True when the person is unemployed at the
            end of that month; row t is month t.
        first: first month in which a spell may start (>= 1: a start needs the month before).
        last: last such month; ``last + horizon`` must be a row of ``unemployed``.
        horizon: a spell ends within ``horizon`` months if the person is not unemployed at
            the end of some month ``t + 1 .. t + horizon``.

    Returns:
        The share (NaN when no spell starts) and the number of spells.
    """
    if first < 1 or last + horizon >= unemployed.shape[0] or last < first:
        raise ValueError("need 1 <= first <= last and last + horizon < months observed")
    started = ended = 0
    for t in range(first, last + 1):
        starts = unemployed[t] & ~unemployed[t - 1]
        out = ~unemployed[t + 1: t + 1 + horizon].all(axis=0)
        started += int(starts.sum())
        ended += int((starts & out).sum())
    return (ended / started if started else math.nan), started


def simulate_moments(scenario: Scenario | str | Path, seed: int,
                     window: int) -> dict[str, float]:
    """Run one seeded model and return every moment of :data:`.targets.MOMENTS`.

    The model runs its burn-in, records month 0 (the stock moments), then ``window + 3``
    months while each person's status is kept month by month (the spell moment).

    Args:
        scenario: a scenario, a path to a TOML file or a built-in name.
        seed: the run's seed.
        window: months in which a spell may start (months 1..window).

    Returns:
        Each moment by name, and ``spells``: the number of spells that started.
    """
    months = window + SPELL_HORIZON_MONTHS
    with simulate(scenario, seed, months=months) as run:
        panel = np.empty((months + 1, run.model.persons.size), dtype=bool)
        panel[0] = run.model.persons.status == UNEMPLOYED
        for model in run:
            panel[model.month] = model.persons.status == UNEMPLOYED
        month_0 = run.results().region().loc[0, list(METRICS)]
    out = stock_moments(month_0.to_numpy(dtype=np.float64))
    out["spells_ending_within_3_months"], out["spells"] = spell_exit_share(panel, 1, window)
    return out


def distance(moments: tuple[Moment, ...], values: dict[str, float]) -> float:
    """Weighted distance: sum of weight · ((model − target) / tolerance)²; inf if any is NaN."""
    total = 0.0
    for m in moments:
        v = values[m.name]
        if not math.isfinite(v):
            return math.inf
        total += m.weight * ((v - m.target) / m.tolerance) ** 2
    return total
