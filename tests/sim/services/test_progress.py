"""A month in a service (sim.services.progress) against the references in tests/naive.py.
"""

from __future__ import annotations

import naive
import numpy as np
import pytest
from service_cases import served_population

from sim.labour import pool
from sim.services.counts import (
    served_firms_by_area,
)
from sim.services.progress import TRANSFERS, firm_services_month, progress_month


@pytest.mark.parametrize("parts", [None, [0, 70, 71, 150, 300]])
@pytest.mark.parametrize("seed", range(4))
def test_progress_month_matches_reference(seed, parts):
    """In one pass, and in ranges of persons on two threads (as the model runs the
    country)."""
    rng = np.random.default_rng(seed)
    pop = served_population(rng, 300)
    quality = np.array([0.9, 1.1, 1.4, 0.7, 1.0])  # last: no provider
    recovery = rng.random(8) * 0.3
    gain = rng.random(8) * 0.2
    transfer = TRANSFERS if seed % 2 else np.arange(8) == 2  # every transfer, or one
    want = naive.progress_month(*pop.values(), quality, recovery, gain, transfer)
    before = {k: v.copy() for k, v in pop.items()}
    pool.set_matching_threads(2)
    try:
        progress_month(*pop.values(), quality, recovery, gain, transfer,
                       None if parts is None else np.array(parts))
    finally:
        pool.set_matching_threads(None)
    for key, values in want.items():
        assert pop[key].tolist() == values, key
    assert (pop["service"] != before["service"]).any()
    assert (pop["base"] != before["base"]).any()
    assert (pop["subsidy_left"] != before["subsidy_left"]).any()


def test_both_transfers_follow_their_holders_into_work():
    """A wage subsidy and a start-up grant are transfers, the services that are run are not."""
    from sim.scenario import SERVICES

    assert [s for s, t in zip(SERVICES, TRANSFERS, strict=True) if t] == [
        "wage_subsidy", "start_up_grant"]


def test_a_founder_keeps_the_start_up_grant_for_its_months():
    """Founders work from the start, so the grant's months run while they work."""
    from sim.labour.population import EMPLOYED
    from sim.scenario import SERVICES

    grant = SERVICES.index("start_up_grant")
    status = np.array([EMPLOYED, EMPLOYED])
    service = np.array([grant, SERVICES.index("coaching")])
    months_left = np.array([6, 3])
    subsidy_left = np.zeros(2, dtype=np.int64)
    progress_month(status, np.ones(2), np.ones(2), service, months_left, np.array([-1, -1]),
                   np.array([0, 0]), np.ones(2), subsidy_left, np.ones(1),
                   np.zeros(len(SERVICES)), np.zeros(len(SERVICES)), TRANSFERS)
    assert subsidy_left.tolist() == [5, 0]  # six months of grant, the first one this month
    assert service.tolist() == [-1, -1]


@pytest.mark.parametrize("seed", range(3))
def test_firm_service_kernels_match_references(seed):
    rng = np.random.default_rng(seed)
    n_firms = 200
    left = np.where(rng.random((n_firms, 3)) < 0.4, rng.integers(1, 4, (n_firms, 3)), 0)
    provider = np.where(left > 0, rng.integers(0, 5, (n_firms, 3)), -1)
    payer = np.where(left > 0, rng.integers(0, 3, (n_firms, 3)), -1)
    alive = rng.random(n_firms) < 0.8
    muni = rng.integers(0, 4, n_firms).astype(np.int32)
    counts = served_firms_by_area(left, alive, muni, 4)
    assert counts.tolist() == naive.served_firms_by_area(left, alive, muni, 4)
    want = naive.firm_services_month(left, provider, payer)
    before = left.copy()
    firm_services_month(left, provider, payer)
    assert [left.tolist(), provider.tolist(), payer.tolist()] == list(want)
    assert counts.sum() > 0 and ((before == 1) & (provider == -1)).any()


def test_a_new_service_ends_the_subsidy_of_a_job_left():
    """A subsidy holder laid off and started in coaching before the month's close keeps no
    subsidy months (the payments would otherwise pay them as a transfer)."""
    from sim.services.state import SERVICE_INDEX, ServiceState, start_persons

    st = ServiceState.empty(3, 1)
    st.subsidy_left[:] = 4
    st.outcome_service[:] = SERVICE_INDEX["wage_subsidy"]
    start_persons(st, np.array([1]), SERVICE_INDEX["coaching"], np.array([0]), 0,
                  np.ones(1), 5, 3, 6)
    assert st.subsidy_left.tolist() == [4, 0, 4]
    assert st.outcome_service[1] == SERVICE_INDEX["coaching"]
