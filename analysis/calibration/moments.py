"""The calibration's moments (kalibrointimomentit): what a seeded model gives for each target.

:func:`simulate_moments` runs one seeded model through :func:`sim.simulate` and reads every
moment of :data:`.targets.MOMENTS`: the stock moments from the region's row at month 0,
the spell and flow moments by following every person's status (and employer) month to
month (read only); :func:`distance` weighs the model's moments against the targets. An
unemployment spell is the employment-service statistics' one: a person in a service is not
an unemployed jobseeker. The quarterly transitions count persons as the Labour Force Survey
does (:func:`~analysis.validation.transitions.survey_status`): its unemployed are the
unemployed jobseekers who searched actively and are available for work.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from sim import Scenario, simulate
from sim.collect import METRICS
from sim.labour import UNEMPLOYED

from ..validation.transitions import job_to_job, quarter_transitions, survey_status_of
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
        "active_jobseekers_share": _ratio(col["active_jobseekers"], unemployed),
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


def flow_moments(status: np.ndarray, employer: np.ndarray) -> dict[str, float]:
    """Job-to-job moves a month and quarterly transitions, averaged over a panel.

    Args:
        status: (months, persons) status codes at each month end, row t is month t (the
            survey's, :func:`~analysis.validation.transitions.survey_status`, for the
            targets).
        employer: (months, persons) employers at each month end.

    Returns:
        ``job_to_job_month``: the mean over consecutive months of
        :func:`~analysis.validation.transitions.job_to_job`; and the three quarterly
        transitions of the targets, each the mean of
        :func:`~analysis.validation.transitions.quarter_transitions` over every pair of
        month ends three months apart.
    """
    months = status.shape[0]
    if months < SPELL_HORIZON_MONTHS + 1:
        raise ValueError("need at least four month ends for a quarterly transition")
    moves = [job_to_job(status[t], employer[t], status[t + 1], employer[t + 1])
             for t in range(months - 1)]
    quarters = [quarter_transitions(status[t], status[t + 3]) for t in range(months - 3)]
    out = {"job_to_job_month": float(np.mean(moves))}
    for name in ("unemployed_to_employed_quarter", "unemployed_to_outside_quarter",
                 "employed_to_unemployed_quarter"):
        out[name] = float(np.mean([q[name] for q in quarters]))
    return out


def simulate_moments(scenario: Scenario | str | Path, seed: int,
                     window: int) -> dict[str, float]:
    """Run one seeded model and return every moment of :data:`.targets.MOMENTS`.

    The model runs its burn-in, records month 0 (the stock moments), then ``window + 3``
    months while each person's status is kept month by month: the register's (the spell
    moment) and the survey's (the flow moments).

    Args:
        scenario: a scenario, a path to a TOML file or a built-in name.
        seed: the run's seed.
        window: months in which a spell may start (months 1..window).

    Returns:
        Each moment by name, and ``spells``: the number of spells that started.
    """
    months = window + SPELL_HORIZON_MONTHS
    with simulate(scenario, seed, months=months) as run:
        n = run.model.persons.size
        status = np.empty((months + 1, n), dtype=np.int8)
        employer = np.empty((months + 1, n), dtype=np.int32)
        panel = np.empty((months + 1, n), dtype=bool)

        def observe(model) -> None:
            p = model.persons
            status[model.month] = survey_status_of(model)
            employer[model.month] = p.employer
            panel[model.month] = (p.status == UNEMPLOYED) & (model.services.state.service < 0)

        observe(run.model)
        for model in run:
            observe(model)
        month_0 = run.results().region().loc[0, list(METRICS)]
    out = stock_moments(month_0.to_numpy(dtype=np.float64))
    out["spells_ending_within_3_months"], out["spells"] = spell_exit_share(panel, 1, window)
    out.update(flow_moments(status, employer))
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
