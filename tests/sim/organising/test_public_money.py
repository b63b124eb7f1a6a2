"""The benefit-and-tax kernel against a plain numpy reference."""

import numpy as np
import pytest

from sim.labour import pool
from sim.labour.population import EMPLOYED, OUTSIDE, UNEMPLOYED
from sim.organising.public_money import benefit_share, benefits_and_taxes

SCHEDULE = [[0.0, 0.0], [4.65, 0.2], [6.0, 0.3], [12.0, 0.45], [24.0, 0.7]]
BENEFIT, MUNICIPAL_TAX, STATE_TAX = 800.0, 3700.0 * 0.075, 3700.0 * 0.05


def reference(home, status, employer, months, exempt, productivity, m):
    """Benefits and taxes person by person, summed per home."""
    out = [np.zeros(m) for _ in range(4)]
    for p in range(home.size):
        if status[p] == EMPLOYED:
            out[2][home[p]] += MUNICIPAL_TAX * productivity[employer[p]]
            out[3][home[p]] += STATE_TAX * productivity[employer[p]]
        elif status[p] == UNEMPLOYED:  # those outside draw no benefit
            share = 0.0 if exempt[p] else benefit_share(months[p:p + 1], SCHEDULE)[0]
            out[0][home[p]] += BENEFIT * share
            out[1][home[p]] += BENEFIT * (1.0 - share)
    return out


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("by_home", [False, True])
@pytest.mark.parametrize("seed", range(5))
def test_benefits_and_taxes_match_reference(monkeypatch, seed, by_home, threads):
    """In one pass, and in ranges of persons that split no municipality on two threads
    (as the model runs the country): the same sums bit for bit."""
    rng = np.random.default_rng(seed)
    n, n_firms, m = 500, 40, 4
    home = rng.integers(0, m, n)
    if by_home:  # as the model stores persons: municipality by municipality
        home = np.sort(home)
    employed = rng.random(n) < 0.8
    status = np.where(employed, EMPLOYED,
                      np.where(rng.random(n) < 0.2, OUTSIDE, UNEMPLOYED)).astype(np.int64)
    employer = np.where(employed, rng.integers(0, n_firms, n), -1)
    months = np.where(employed, 0, rng.integers(0, 40, n))
    exempt = ~employed & (rng.random(n) < 0.3)
    productivity = rng.lognormal(0, 0.3, n_firms)
    monkeypatch.setattr(pool, "MIN_PERSONS", 40)
    parts = pool.area_parts(home) if threads > 1 else None
    if threads > 1:  # ranges only where persons are stored by home
        assert (parts.size > 3) == by_home
    pool.set_matching_threads(threads)
    try:
        got = benefits_and_taxes(home, status, employer, months, exempt, productivity,
                                 SCHEDULE, BENEFIT, MUNICIPAL_TAX, STATE_TAX, m, parts)
    finally:
        pool.set_matching_threads(None)
    want = reference(home, status, employer, months, exempt, productivity, m)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)  # the same additions in the same order
        assert g.sum() > 0
    # The state and the municipality share each benefit: together, the whole of it.
    drawing = (status == UNEMPLOYED).sum()
    assert got[0].sum() + got[1].sum() == pytest.approx(BENEFIT * drawing)


def test_no_municipal_share_before_the_101st_benefit_day():
    assert benefit_share(np.array([0, 4, 4.6, 4.65, 5, 30]), SCHEDULE).tolist() == [
        0.0, 0.0, 0.0, 0.2, 0.2, 0.7]
