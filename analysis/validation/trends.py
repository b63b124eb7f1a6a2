"""Linear trends of monthly series: their slope with a robust error, and their removal.

Pure numerics for :mod:`.stationarity` (how much a baseline drifts) and :mod:`.facts`
(the matching function net of each area's trend).
"""

from __future__ import annotations

import math

import numpy as np


def newey_west_slope(t: np.ndarray, y: np.ndarray, lags: int) -> tuple[float, float, float]:
    """OLS slope of ``y`` on ``t`` with its Newey–West (Bartlett, ``lags``) standard error.

    Returns:
        The intercept, the slope and the slope's standard error, robust to the serial
        correlation of monthly series (Newey & West 1987).
    """
    t, y = np.asarray(t, dtype=float), np.asarray(y, dtype=float)
    x = np.column_stack([np.ones(t.size), t])
    if t.size <= 2:
        raise ValueError(f"a trend needs at least 3 months, got {t.size}")
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    score = x * (y - x @ coef)[:, None]
    meat = score.T @ score
    for lag in range(1, min(lags, t.size - 1) + 1):
        weight = 1.0 - lag / (lags + 1.0)
        cross = score[lag:].T @ score[:-lag]
        meat += weight * (cross + cross.T)
    bread = np.linalg.inv(x.T @ x)
    cov = bread @ meat @ bread
    return float(coef[0]), float(coef[1]), math.sqrt(max(cov[1, 1], 0.0))


def trend_residuals(values: np.ndarray, months: np.ndarray,
                    groups: np.ndarray | None = None) -> np.ndarray:
    """``values`` less a linear trend in ``months``, fitted within each of ``groups``.

    With groups this is the within transformation of group fixed effects and group-specific
    linear trends; without, one trend for the whole series.
    """
    values, months = np.asarray(values, dtype=float), np.asarray(months, dtype=float)
    keys = np.zeros(values.size, dtype=np.int64) if groups is None \
        else np.unique(np.asarray(groups), return_inverse=True)[1]
    out = np.empty_like(values)
    for g in range(int(keys.max(initial=-1)) + 1):
        rows = np.flatnonzero(keys == g)
        t = months[rows]
        if rows.size < 3 or np.ptp(t) == 0:  # too short for a trend: the mean only
            out[rows] = values[rows] - values[rows].mean()
            continue
        x = np.column_stack([np.ones(rows.size), t - t.mean()])
        coef, *_ = np.linalg.lstsq(x, values[rows], rcond=None)
        out[rows] = values[rows] - x @ coef
    return out
