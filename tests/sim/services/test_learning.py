"""The outcome record: follow-ups and jobs per provider, service and band, the no-service
baseline, the providers' job-chance estimates and value added, checked against a slow,
obvious count over the persons."""

from __future__ import annotations

import numpy as np
import pytest

from sim.labour.population import EMPLOYED, UNEMPLOYED
from sim.scenario import SERVICES
from sim.services.learning import (
    BANDS,
    OutcomeRecord,
    ended_follow_ups,
    ending_and_looking,
    kept_employment,
)
from sim.services.state import ServiceState

N, PROVIDERS = 400, 3


def world(seed: int):
    """A random population in and after services, with this month's hires."""
    rng = np.random.default_rng(seed)
    base = rng.random(N)
    state = ServiceState.empty(N, 1)
    served = rng.random(N) < 0.6
    state.outcome_until[served] = rng.integers(3, 9, served.sum())
    state.outcome_provider[served] = rng.integers(-1, PROVIDERS, served.sum())
    state.outcome_service[served] = rng.integers(0, len(SERVICES), served.sum())
    state.outcome_found[:] = rng.random(N) < 0.1
    status = np.where(rng.random(N) < 0.5, UNEMPLOYED, EMPLOYED).astype(np.int8)
    hired = np.flatnonzero((status == EMPLOYED) & (rng.random(N) < 0.5))
    return base, state, status, hired


def reference(record, month, base, state, status, hired):
    """Slow, obvious counts of one month's observations, person by person."""
    seen = np.zeros((PROVIDERS, len(SERVICES), BANDS))
    jobs = np.zeros_like(seen)
    months, hires = np.zeros(BANDS), np.zeros(BANDS)
    hired_set = set(hired.tolist())
    for i in range(N):
        band = int(np.sum(record.edges <= base[i]))
        p, s = state.outcome_provider[i], state.outcome_service[i]
        until = state.outcome_until[i]
        if i in hired_set and until >= month and p >= 0 and not state.outcome_found[i]:
            seen[p, s, band] += 1
            jobs[p, s, band] += 1
        elif until == month and p >= 0 and not state.outcome_found[i]:
            seen[p, s, band] += 1
        if until < month and (i in hired_set or status[i] == UNEMPLOYED):
            months[band] += 1
            hires[band] += i in hired_set
    return seen, jobs, months, hires


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_months_observations_match_a_count_person_by_person(seed):
    base, state, status, hired = world(seed)
    record = OutcomeRecord(base, PROVIDERS, 0.6, 20.0, 24.0)
    seen, jobs, months, hires = reference(record, 5, base, state, status, hired)
    found_before = state.outcome_found.copy()
    record.observe(5, hired, state, status, base)
    np.testing.assert_array_equal(record.seen, seen)
    np.testing.assert_array_equal(record.jobs, jobs)
    np.testing.assert_array_equal(record.base_months, months)
    np.testing.assert_array_equal(record.base_hires, hires)
    assert seen.sum() > 0 and jobs.sum() > 0 and months.sum() > 0
    # A follow-up's job counts once: seen again, the same hires add nothing (old counts fade).
    newly = state.outcome_found & ~found_before
    assert newly.sum() == jobs.sum()
    record.observe(5, hired, state, status, base)
    np.testing.assert_allclose(record.jobs, jobs * (1 - 1 / 24))


def test_old_observations_fade_with_the_memory():
    record = OutcomeRecord(np.linspace(0, 1, 50), 1, 0.6, 20.0, 10.0)
    record.seen[0, 0, 0], record.base_months[0] = 100.0, 50.0
    empty = ServiceState.empty(50, 1)
    record.observe(1, np.empty(0, np.int64), empty, np.full(50, EMPLOYED, np.int8),
                   np.linspace(0, 1, 50))
    assert record.seen[0, 0, 0] == pytest.approx(90.0)
    assert record.base_months[0] == pytest.approx(45.0)


def test_the_estimate_moves_from_the_rule_of_thumb_to_the_providers_own_outcomes():
    base = np.linspace(0.0, 1.0, 101)
    record = OutcomeRecord(base, 2, 0.6, 20.0, 24.0)
    bands = np.arange(BANDS)
    np.testing.assert_allclose(record.job_chance([0], 0, bands), record.prior)
    record.seen[0, 0, 0], record.jobs[0, 0, 0] = 20.0, 10.0  # half of its hardest found work
    assert record.job_chance([0], 0, bands)[0] == pytest.approx((10 + 20 * record.prior[0]) / 40)
    # Pooled with a provider whose clients of that band found no work.
    record.seen[1, 0, 0] = 60.0
    assert record.job_chance([0, 1], 0, bands)[0] == pytest.approx(
        (10 + 20 * record.prior[0]) / 100)


def test_value_added_is_jobs_above_the_no_service_baseline():
    base = np.linspace(0.0, 1.0, 101)
    record = OutcomeRecord(base, 2, 0.6, 20.0, 24.0)
    record.base_months[:], record.base_hires[:] = 100.0, 10.0  # 10 % a month in every band
    window = 4.0
    chance = 1 - 0.9 ** window
    assert record.baseline(window) == pytest.approx(np.full(BANDS, chance))
    record.seen[0, 1, 2], record.jobs[0, 1, 2] = 50.0, 30.0
    va, n = record.value_added([0], 1, window)
    assert (va, n) == pytest.approx((0.6 - chance, 50.0))
    windows = np.full(len(SERVICES), window)
    by_provider, seen = record.value_added_by_provider(windows)
    assert by_provider.tolist() == pytest.approx([0.6 - chance, 0.0])
    assert seen.tolist() == [50.0, 0.0]
    assert record.value_added([1], 1, window) == (0.0, 0.0)  # nothing seen


@pytest.mark.parametrize("seed", range(3))
def test_ended_follow_ups_and_kept_employment_equal_the_numpy_rules(seed):
    rng = np.random.default_rng(seed)
    n, month = 2_000, 9
    provider = np.where(rng.random((n, 3)) < 0.2, rng.integers(0, 5, (n, 3)), -1)
    until = rng.integers(-1, 15, (n, 3))
    alive = rng.random(n) < 0.9
    firm, column = ended_follow_ups(provider, until, alive, month)
    want = np.nonzero((provider >= 0) & ((until == month) | ((until >= month) & ~alive[:, None])))
    np.testing.assert_array_equal(firm, want[0])
    np.testing.assert_array_equal(column, want[1])
    born, now = rng.integers(-3, 15, n), rng.integers(0, 40, n)
    slots = rng.choice(n, 500, replace=False).astype(np.int32)
    assert kept_employment(born, now, slots, month) == int(
        np.where(born[slots] <= month, now[slots], 0).sum())


@pytest.mark.parametrize("seed", range(3))
def test_ending_and_looking_equal_the_numpy_rules(seed):
    base, state, status, _ = world(seed)
    base[:3] = [np.nan, 0.0, 1.0]  # NaN sorts past every edge, as in searchsorted
    edges = np.quantile(base[3:], [0.2, 0.4, 0.6, 0.8])
    base[3:7] = edges  # on an edge: the band above it (side="right")
    status[:7], state.outcome_until[:7] = UNEMPLOYED, -1  # these are looking
    for month in (4, 5, 8):
        ending, looking = ending_and_looking(month, state, status, base, edges)
        want = np.flatnonzero(state.outcome_until == month)
        want = want[(state.outcome_provider[want] >= 0) & ~state.outcome_found[want]]
        np.testing.assert_array_equal(ending, want)
        assert ending.dtype == np.int64 and ending.size > 0
        idx = np.flatnonzero((status == UNEMPLOYED) & (state.outcome_until < month))
        want_b = np.bincount(np.searchsorted(edges, base[idx], side="right"), minlength=BANDS)
        np.testing.assert_array_equal(looking, want_b)
        assert looking.dtype == want_b.dtype and looking.sum() > 0
