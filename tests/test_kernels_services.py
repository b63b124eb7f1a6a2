"""The growth-services kernels against the slow references in ``tests/naive.py``."""

from types import SimpleNamespace

import naive
import numpy as np
import pytest

from sim.labour.population import EMPLOYED, UNEMPLOYED
from sim.scenario import PERSON_SERVICES
from sim.scenario.services import Targeting
from sim.services.counts import (
    clients_by_area,
    provider_load,
    served_by_providers,
    served_firms_by_area,
)
from sim.services.eligibility import (
    eligibility_rules,
    eligible_by_home,
    eligible_persons,
    group_by_area,
)
from sim.services.progress import firm_services_month, progress_month
from sim.services.search import seeker_modifiers
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


def served_population(rng, n, n_services=8, n_providers=4):
    """Persons in and out of services, some hired, some with a running wage subsidy."""
    status = np.where(rng.random(n) < 0.5, UNEMPLOYED, EMPLOYED).astype(np.int8)
    service = np.where(rng.random(n) < 0.5, rng.integers(0, n_services, n), -1)
    provider = np.where(service >= 0, rng.integers(-1, n_providers, n), -1)
    return {
        "status": status,
        "base": 0.5 + 0.5 * rng.random(n),
        "employability": 0.6 * rng.random(n),
        "service": service,
        "months_left": np.where(service >= 0, rng.integers(1, 4, n), 0),
        "provider": provider,
        "payer": np.where(service >= 0, rng.integers(0, 3, n), -1),
        "effort": rng.choice([0.5, 1.0, 1.3], n),
        "subsidy_left": np.where(rng.random(n) < 0.2, rng.integers(1, 5, n), 0),
    }


@pytest.mark.parametrize("seed", range(4))
def test_progress_month_matches_reference(seed):
    rng = np.random.default_rng(seed)
    pop = served_population(rng, 300)
    quality = np.array([0.9, 1.1, 1.4, 0.7, 1.0])  # last: no provider
    recovery = rng.random(8) * 0.3
    gain = rng.random(8) * 0.2
    want = naive.progress_month(*pop.values(), quality, recovery, gain, 2)
    before = {k: v.copy() for k, v in pop.items()}
    progress_month(*pop.values(), quality, recovery, gain, 2)
    for key, values in want.items():
        assert pop[key].tolist() == values, key
    assert (pop["service"] != before["service"]).any()
    assert (pop["base"] != before["base"]).any()
    assert (pop["subsidy_left"] != before["subsidy_left"]).any()


@pytest.mark.parametrize("seed", range(4))
def test_seeker_modifiers_match_reference(seed):
    rng = np.random.default_rng(seed)
    pop = served_population(rng, 300)
    seekers = np.flatnonzero(rng.random(300) < 0.6)
    u = rng.random(int((pop["service"] >= 0).sum()))
    quality = np.array([0.9, 1.1, 1.4, 0.7, 1.0])
    extra, lock, score = rng.random(8) * 6, rng.random(8) * 0.5, rng.random(8) * 0.4
    args = (pop["service"], pop["provider"], pop["effort"], seekers, u, quality, extra, lock,
            score, 4)
    apps, boost = seeker_modifiers(*args)
    want_apps, want_boost = naive.seeker_modifiers(*args)
    assert apps.tolist() == want_apps
    assert boost.tolist() == want_boost
    assert len(set(want_apps)) > 2


def test_seeker_modifiers_check_their_inputs():
    rng = np.random.default_rng(0)
    pop = served_population(rng, 50)
    quality = np.ones(5)
    k = int((pop["service"] >= 0).sum())
    common = (quality, np.ones(8), np.zeros(8), np.zeros(8), 4)
    with pytest.raises(ValueError, match="one uniform"):
        seeker_modifiers(pop["service"], pop["provider"], pop["effort"], np.arange(5),
                         np.zeros(k - 1), *common)
    with pytest.raises(ValueError, match="ascending"):
        seeker_modifiers(pop["service"], pop["provider"], pop["effort"],
                         np.array([3, 1]), np.zeros(k), *common)


@pytest.mark.parametrize("seed", range(3))
def test_client_counts_match_references(seed):
    rng = np.random.default_rng(seed)
    pop = served_population(rng, 400)
    need = rng.random(8) + 0.5
    home = rng.integers(0, 6, 400).astype(np.int32)
    load = provider_load(pop["provider"], pop["service"], need, 4)
    assert load.tolist() == naive.provider_load(pop["provider"], pop["service"], need, 4)
    served = served_by_providers(pop["service"], pop["provider"])
    assert served.tolist() == naive.served_by_providers(pop["service"], pop["provider"])
    clients = clients_by_area(pop["service"], home, 6)
    assert clients.tolist() == naive.clients_by_area(pop["service"], home, 6)
    assert load.sum() > 0 and served.size > 0 and clients.sum() > served.size


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


def test_counting_kernels_reject_indices_out_of_range():
    service = np.array([0, 1, -1])
    with pytest.raises(ValueError, match="providers must lie"):
        provider_load(np.array([0, 7, -1]), service, np.ones(2), 3)
    with pytest.raises(ValueError, match="home municipalities"):
        clients_by_area(service, np.array([0, 4, 1]), 3)
    status = np.full(3, UNEMPLOYED, dtype=np.int8)
    none = np.full(3, -1)
    with pytest.raises(ValueError, match="home municipalities"):
        eligible_by_home(status, none, none, np.zeros(3, np.int64), np.full(3, 0.5),
                         np.array([0, 3, 1]), eligibility_rules(Targeting(), 12), 3)
