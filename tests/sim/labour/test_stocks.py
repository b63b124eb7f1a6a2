"""Stocks per area (sim.labour.stocks) against the reference and by hand.
"""

from __future__ import annotations

import naive
import numpy as np
import pytest

from sim.labour import stocks
from sim.labour.population import EMPLOYED, UNEMPLOYED


# ------------------------------------------------------------------------------ stocks
@pytest.mark.parametrize("seed", range(20))
def test_stocks_equal_reference(seed):
    rng = np.random.default_rng([seed, 5])
    areas = int(rng.integers(1, 5))
    n, n_f = int(rng.integers(0, 60)), int(rng.integers(0, 10))
    args = (
        rng.integers(0, areas, size=n).astype(I64),
        rng.choice([EMPLOYED, UNEMPLOYED], size=n).astype(I64),
        rng.integers(0, 30, size=n).astype(I64),
        12,
        rng.integers(0, areas, size=n_f).astype(I64),
        rng.random(n_f) < 0.7,
        rng.integers(0, 20, size=n_f).astype(I64),
        rng.integers(0, 5, size=n_f).astype(I64),
        areas,
    )
    got = stocks.stocks(*args)
    assert got.shape == (areas + 1, len(stocks.STOCK_COLUMNS))
    assert got.tolist() == naive.stocks(*args)
    assert stocks.STOCK_COLUMNS == naive.STOCK_COLUMNS

I64 = np.int64


def test_stocks_by_hand():
    got = stocks.stocks(
        np.array([0, 0, 1, 1, 1], I64),
        np.array([EMPLOYED, UNEMPLOYED, UNEMPLOYED, UNEMPLOYED, EMPLOYED], I64),
        np.array([0, 12, 11, 30, 0], I64),
        12,
        np.array([1, 1, 0], I64),
        np.array([True, False, True]),
        np.array([2, 0, 3], I64),
        np.array([1, 7, 0], I64),
        2,
    )
    assert got.tolist() == [
        [2, 1, 1, 1, 1, 3, 0],
        [3, 1, 2, 1, 1, 2, 1],
        [5, 2, 3, 2, 2, 5, 1],
    ]
