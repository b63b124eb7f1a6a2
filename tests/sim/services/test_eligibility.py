"""Eligibility (sim.services.eligibility) against the references in tests/naive.py.
"""

from __future__ import annotations

from types import SimpleNamespace

import naive
import numpy as np
import pytest
from service_cases import random_jobseekers

from sim.scenario import PERSON_SERVICES
from sim.scenario.services import Targeting
from sim.services.eligibility import (
    eligibility_rules,
    eligible_by_home,
    eligible_persons,
    group_by_area,
)
from sim.services.state import ServiceState


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
