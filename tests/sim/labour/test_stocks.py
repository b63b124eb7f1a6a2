"""Stocks per area (sim.labour.stocks) against the reference and by hand.
"""

from __future__ import annotations

import naive
import numpy as np
import pytest

from sim.labour import pool, stocks
from sim.labour.population import EMPLOYED, OUTSIDE, UNEMPLOYED


# ------------------------------------------------------------------------------ stocks
@pytest.mark.parametrize("seed", range(20))
def test_stocks_equal_reference(seed):
    rng = np.random.default_rng([seed, 5])
    areas = int(rng.integers(1, 5))
    n, n_f = int(rng.integers(0, 60)), int(rng.integers(0, 10))
    home = rng.integers(0, areas, size=n)
    if seed % 2:  # homes in runs, some longer than the kernel's step of 64, and recurring
        lengths = rng.integers(1, 150, size=int(rng.integers(1, 8)))
        home = np.repeat(rng.integers(0, areas, size=lengths.size), lengths)
        n = home.size
    args = (
        home.astype(I64),
        rng.choice([EMPLOYED, UNEMPLOYED, OUTSIDE], size=n).astype(I64),
        rng.integers(0, 30, size=n).astype(I64),
        12,
        rng.integers(0, areas, size=n_f).astype(I64),
        rng.random(n_f) < 0.7,
        rng.integers(0, 20, size=n_f).astype(I64),
        rng.integers(0, 5, size=n_f).astype(I64),
        areas,
        rng.random(n) < 0.3,  # in a service
        (rng.random(n) < 0.5).astype(np.uint8),  # searching actively
    )
    got = stocks.stocks(*args)
    assert got.shape == (areas + 1, len(stocks.STOCK_COLUMNS))
    assert got.tolist() == naive.stocks(*args)
    assert stocks.stocks(*args[:-1]).tolist() == naive.stocks(*args[:-1])
    assert stocks.stocks(*args[:-2]).tolist() == naive.stocks(*args[:-2])
    assert stocks.STOCK_COLUMNS == naive.STOCK_COLUMNS
    # Persons stored by home, as the model stores them: in ranges of persons that split no
    # municipality (one of them empty), on two threads, the same as in one range.
    order = np.argsort(args[0], kind="stable")
    by_home = tuple(a[order] if i in (0, 1, 2, 9, 10) else a for i, a in enumerate(args))
    one = stocks.stocks(*by_home)
    starts = np.flatnonzero(np.r_[True, by_home[0][1:] != by_home[0][:-1]]) if n else []
    parts = np.unique(np.r_[0, starts, n]).tolist()
    pool.set_matching_threads(2)
    try:
        got = stocks.stocks(*by_home, np.array([0, *parts]))  # 0 twice: an empty range
    finally:
        pool.set_matching_threads(None)
    assert got.tolist() == one.tolist() == naive.stocks(*by_home)


def test_stocks_reject_ranges_that_split_a_municipality():
    home = np.array([0, 0, 1], I64)
    with pytest.raises(ValueError, match="must not split"):
        stocks.stocks(home, np.zeros(3, I64), np.zeros(3, I64), 12, np.zeros(0, I64),
                      np.zeros(0, bool), np.zeros(0, I64), np.zeros(0, I64), 2,
                      parts=np.array([0, 1, 3]))

I64 = np.int64


def test_stocks_by_hand():
    got = stocks.stocks(
        np.array([0, 0, 1, 1, 1, 1, 1], I64),
        np.array([EMPLOYED, UNEMPLOYED, UNEMPLOYED, UNEMPLOYED, EMPLOYED, UNEMPLOYED,
                  OUTSIDE], I64),
        np.array([0, 12, 11, 30, 0, 20, 40], I64),
        12,
        np.array([1, 1, 0], I64),
        np.array([True, False, True]),
        np.array([2, 0, 3], I64),
        np.array([1, 7, 0], I64),
        2,
        np.array([False, False, False, False, False, True, False]),
        np.array([0, 0, 1, 0, 0, 1, 0], np.uint8),
    )
    # The person in a service is in the labour force but neither unemployed nor long-term
    # unemployed (nor an active jobseeker, though it searches); the one outside counts only
    # there; of the three unemployed jobseekers, one searches actively.
    assert got.tolist() == [
        [2, 1, 1, 1, 1, 3, 0, 0, 0, 0],
        [4, 1, 2, 1, 1, 2, 1, 1, 1, 1],
        [6, 2, 3, 2, 2, 5, 1, 1, 1, 1],
    ]


def test_stocks_reject_an_in_service_mask_of_another_length():
    with pytest.raises(ValueError, match="one entry per person"):
        stocks.stocks(np.zeros(3, I64), np.zeros(3, I64), np.zeros(3, I64), 12,
                      np.zeros(0, I64), np.zeros(0, bool), np.zeros(0, I64),
                      np.zeros(0, I64), 1, np.zeros(2, bool))
