"""Is the baseline stationary? The unemployment rate's drift under constant conditions.

The cycle facts (Beveridge curve, matching function, flows) read the model's response to a
demand cycle. They assume that, without the cycle, the region would stay where it starts.
The model's slow state (the unemployed's scarred employability, who is employed, firms'
memory of fill rates) may instead still be moving after the burn-in, and such a drift mixes
with the cycle: a rising unemployment rate and rising vacancies look like a Beveridge curve
that slopes up. :func:`stationarity` measures the drift on the scenario run without its
cycle (same seed, same months); :mod:`.trends` removes the drift before the cycle facts
are estimated.
"""

from __future__ import annotations

import numpy as np

from .facts import Z95, Fact, Statistic, verdict_from
from .trends import newey_west_slope

PASS_DRIFT_PP = 0.5
"""Largest drift of the unemployment rate over the run (percentage points) that passes."""
WARN_DRIFT_PP = 1.5
"""Largest drift that only warns; a larger one fails."""


def stationarity(months: np.ndarray, u: np.ndarray, u_cycle: np.ndarray | None = None) -> Fact:
    """The drift of the unemployment rate over a run without the demand cycle.

    Args:
        months: the months of the run (0 onwards).
        u: the unemployment rate by month, run without the cycle.
        u_cycle: the same run's unemployment rate with the cycle, for the figure only.
    """
    months, u = np.asarray(months, dtype=float), np.asarray(u, dtype=float)
    lags = max(1, int(round(4 * (months.size / 100) ** (2 / 9))))  # Newey & West's rule
    a, slope, se = newey_west_slope(months, u, lags)
    span = float(months[-1] - months[0])
    drift = 100 * slope * span
    half = 100 * Z95 * se * span
    year = min(12, u.size)
    first, last = 100 * float(u[:year].mean()), 100 * float(u[-year:].mean())
    verdict = verdict_from(abs(drift) <= PASS_DRIFT_PP, abs(drift) <= WARN_DRIFT_PP)
    return Fact(
        key="stationarity",
        title="Stationary baseline (the run without the cycle)",
        statistics=(
            Statistic("drift_pp_over_run", drift, drift - half, drift + half),
            Statistic("first_year_mean_pct", first),
            Statistic("last_year_mean_pct", last),
            Statistic("months", span),
        ),
        reference="with demand and every parameter constant, the baseline's unemployment "
        "rate stays where the burn-in leaves it: the cycle facts read deviations from a "
        "level that does not move (the project's requirement; no literature value)",
        rule=f"pass: |drift| ≤ {PASS_DRIFT_PP} pp over the run; warn: ≤ {WARN_DRIFT_PP} pp; "
        "fail: more",
        verdict=verdict,
        notes=("drift: the linear trend's slope times the run's length, in percentage "
               "points; CI from Newey–West standard errors "
               f"({lags} lags) for the autocorrelation of monthly rates",
               "the run: the scenario with economy.cycle_amplitude = 0, the same seed, "
               "burn-in and months as the cycle run",
               "a drift means the burn-in has not reached the model's steady state: the "
               "cycle facts are then estimated net of it",
               "the CI covers one run's month-to-month noise, not the spread between seeds, "
               "which a slow drift makes wider: judge a drift near the limits over several "
               "seeds (--seed)"),
        data={"months": months, "u": u, "fitted": a + slope * months, "u_cycle": u_cycle},
    )
