"""Small statistics behind the figures: bands across replications and confidence intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import stdtrit

BAND = (0.025, 0.975)
"""Quantiles of replications drawn as a band around the mean: 95 % of replications."""


def band(frame: pd.DataFrame, value: str, by: str = "month") -> pd.DataFrame:
    """Mean and the 2.5 and 97.5 % quantiles of ``value`` across replications, by ``by``.

    Args:
        frame: One scenario's rows, one per replication and ``by`` value.
        value: Column to summarise.
        by: Column to group by (usually ``month``).

    Returns:
        A table indexed by ``by`` with columns mean, low and high.
    """
    grouped = frame.groupby(by)[value]
    return pd.DataFrame(
        {
            "mean": grouped.mean(),
            "low": grouped.quantile(BAND[0]),
            "high": grouped.quantile(BAND[1]),
        }
    )


def t_half_width(values: np.ndarray | pd.Series, level: float = 0.95) -> float:
    """Half-width of the t confidence interval of the mean of ``values`` (0 for one value)."""
    values = np.asarray(values, dtype=float)
    n = values.size
    if n < 2:
        return 0.0
    sd = float(np.std(values, ddof=1))
    return float(stdtrit(n - 1, 0.5 + level / 2) * sd / np.sqrt(n))


def mean_ci(frame: pd.DataFrame, value: str, by: list[str]) -> pd.DataFrame:
    """Mean and 95 % t confidence half-width of ``value`` across replications, by ``by``."""
    grouped = frame.groupby(by, sort=False)[value]
    return pd.DataFrame({"mean": grouped.mean(), "ci": grouped.agg(t_half_width)})


def per_rep_total(frame: pd.DataFrame, value: str, by: list[str]) -> pd.DataFrame:
    """Sum of ``value`` per replication and ``by`` (for totals over months)."""
    return frame.groupby([*by, "rep"], sort=False)[value].sum().reset_index()
