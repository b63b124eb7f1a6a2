"""Small statistics behind the figures: bands and confidence intervals over replications."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..experiments.paired import mean_ci

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


def replication_means(frame: pd.DataFrame, value: str, by: list[str]) -> pd.DataFrame:
    """Mean of ``value`` across replications by ``by``, and its 95 % CI half-width.

    The half-width is :func:`~analysis.experiments.paired.mean_ci`'s (the interval of
    ``compare.csv``); NaN for a single replication.
    """
    grouped = frame.groupby(by, sort=False)[value]
    return pd.DataFrame({"mean": grouped.mean(), "ci": grouped.agg(_half_width)})


def _half_width(values: pd.Series) -> float:
    mean, _low, high = mean_ci(values.to_numpy(dtype=np.float64))
    return high - mean
