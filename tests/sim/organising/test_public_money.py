"""The benefit-and-tax kernel against a plain numpy reference."""

import numpy as np
import pytest

from sim.labour.population import EMPLOYED, OUTSIDE, UNEMPLOYED
from sim.organising.public_money import benefit_share, benefits_and_taxes

SCHEDULE = [[0.0, 0.1], [3.0, 0.2], [6.0, 0.3], [12.0, 0.45], [24.0, 0.7]]


def reference(home, status, employer, months, in_service, productivity, benefit, wage_tax, m):
    out = (status == UNEMPLOYED) & ~in_service  # those outside draw no benefit
    share = benefit_share(months[out], SCHEDULE)
    b = np.bincount(home[out], weights=benefit * share, minlength=m)
    working = status == EMPLOYED
    t = np.bincount(home[working], weights=wage_tax * productivity[employer[working]],
                    minlength=m)
    return b, t


@pytest.mark.parametrize("seed", range(5))
def test_benefits_and_taxes_match_reference(seed):
    rng = np.random.default_rng(seed)
    n, n_firms, m = 500, 40, 4
    home = rng.integers(0, m, n)
    employed = rng.random(n) < 0.8
    status = np.where(employed, EMPLOYED,
                      np.where(rng.random(n) < 0.2, OUTSIDE, UNEMPLOYED)).astype(np.int64)
    employer = np.where(employed, rng.integers(0, n_firms, n), -1)
    months = np.where(employed, 0, rng.integers(0, 40, n))
    in_service = ~employed & (rng.random(n) < 0.3)
    productivity = rng.lognormal(0, 0.3, n_firms)
    got = benefits_and_taxes(home, status, employer, months, in_service, productivity,
                             SCHEDULE, 800.0, 3700.0 * 0.075, m)
    want = reference(home, status, employer, months, in_service, productivity, 800.0,
                     3700.0 * 0.075, m)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-12)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-12)
    assert got[0].sum() > 0 and got[1].sum() > 0
