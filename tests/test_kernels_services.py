"""The growth-services kernels against the slow references in ``tests/naive.py``."""

from types import SimpleNamespace

import naive
import numpy as np
import pytest

from sim.kernels import EMPLOYED, UNEMPLOYED
from sim.kernels_services import eligible_by_home, group_by_area
from sim.params_services import PERSON_SERVICES, Targeting
from sim.services import ServiceState, eligibility_rules, eligible_persons


@pytest.mark.parametrize("seed", range(4))
def test_group_by_area_matches_reference(seed):
    rng = np.random.default_rng(seed)
    n, m = 300, 7
    area = rng.integers(0, m, n)
    idx = np.flatnonzero(rng.random(n) < 0.4)
    grouped, bounds = group_by_area(idx, area, m)
    want_grouped, want_bounds = naive.group_by_area(idx, area, m)
    assert grouped.tolist() == want_grouped
    assert bounds.tolist() == want_bounds
    assert grouped.size == idx.size > 0


def test_group_by_area_rejects_areas_out_of_range():
    with pytest.raises(ValueError, match="areas must lie"):
        group_by_area(np.array([0, 1]), np.array([0, 5]), 3)


def random_jobseekers(rng, n, m):
    """Persons of mixed status, durations, employability and services."""
    status = np.where(rng.random(n) < 0.6, UNEMPLOYED, EMPLOYED).astype(np.int64)
    service = np.where(rng.random(n) < 0.2, rng.integers(0, 5, n), -1)
    wait = np.where(rng.random(n) < 0.1, rng.integers(1, 3, n), -1)
    months = rng.integers(0, 30, n)
    employability = rng.random(n)
    home = rng.integers(0, m, n)
    return status, service, wait, months, employability, home


@pytest.mark.parametrize("seed", range(4))
def test_eligible_by_home_matches_reference_and_rules(seed):
    rng = np.random.default_rng(seed)
    n, m = 400, 5
    status, service, wait, months, employability, home = random_jobseekers(rng, n, m)
    tg = Targeting()
    rules = eligibility_rules(tg, 12)
    got = eligible_by_home(status, service, wait, months, employability, home, rules, m)
    want = naive.eligible_by_home(status, service, wait, months, employability, home, rules, m)
    for (idx, bounds), (want_idx, want_bounds) in zip(got, want, strict=True):
        assert idx.tolist() == want_idx
        assert bounds.tolist() == want_bounds
    # The thresholds state the same rules as eligible_persons.
    persons = SimpleNamespace(status=status, unemployment_months=months,
                              employability=employability)
    state = ServiceState.empty(n, 1)
    state.service[:], state.referral_wait[:] = service, wait
    for name, (idx, _) in zip(PERSON_SERVICES, got, strict=True):
        mask = eligible_persons(name, persons, state, tg, 12)
        assert sorted(idx.tolist()) == np.flatnonzero(mask).tolist()
    assert all(idx.size > 0 for idx, _ in got)
