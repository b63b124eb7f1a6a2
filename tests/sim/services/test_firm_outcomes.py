"""The firm side of the outcome record: client firms' follow-ups, their jobs above the
no-service baseline (the employment growth of firms outside firm services), the slot of a
dead firm taken by a new one, and value added per follow-up, checked against a slow,
obvious count firm by firm and against numbers worked out by hand."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sim.scenario import FIRM_SERVICES
from sim.scenario.services import Services
from sim.services.learning import OutcomeRecord, firm_windows
from sim.services.state import ServiceState

F, PROVIDERS, MONTH = 300, 3, 5
K = len(FIRM_SERVICES)
WINDOWS = np.array([9.0, 10.0, 9.0])


def record(memory: float = 24.0) -> OutcomeRecord:
    """An empty record of ``PROVIDERS`` providers."""
    return OutcomeRecord(np.linspace(0.0, 1.0, 50), PROVIDERS, 0.6, 20.0, memory)


def firm_table(employment, alive, born) -> SimpleNamespace:
    """The firm attributes the record reads."""
    employment = np.asarray(employment, dtype=np.int64)
    return SimpleNamespace(capacity=employment.size, employment=employment,
                           alive=np.asarray(alive, dtype=bool),
                           born=np.asarray(born, dtype=np.int64))


def world(seed: int):
    """Random firms, some dead or born this month, in and after firm services."""
    rng = np.random.default_rng(seed)
    firms = firm_table(rng.integers(0, 40, F), rng.random(F) < 0.85,
                       np.where(rng.random(F) < 0.05, MONTH, -10))
    known = F - 20  # the firm table grew since last month
    state = ServiceState.empty(1, known)
    followed = rng.random((known, K)) < 0.3
    state.firm_outcome_until[followed] = rng.integers(2, 12, followed.sum())
    state.firm_outcome_provider[followed] = rng.integers(-1, PROVIDERS, followed.sum())
    state.firm_start_employment[followed] = rng.integers(0, 40, followed.sum())
    state.firm_last_employment[:] = np.where(rng.random(known) < 0.9,
                                             rng.integers(0, 40, known), -1)
    rec = record()
    rec.firm_seen[:] = rng.random((PROVIDERS, K)) * 10
    rec.firm_jobs[:] = rng.normal(size=(PROVIDERS, K))
    rec.base_employment[:] = (4000.0, 3950.0)
    return rec, state, firms


def reference(rec: OutcomeRecord, state: ServiceState, firms: SimpleNamespace):
    """Slow, obvious counts of one month's firm observations, firm by firm."""
    before, after = rec.base_employment * rec.keep
    known = state.firm_last_employment.size
    for i in range(known):
        was = state.firm_last_employment[i] >= 0
        free = all(state.firm_outcome_until[i, c] < MONTH for c in range(K))
        if was and free:
            before += state.firm_last_employment[i]
            if firms.alive[i] and firms.born[i] != MONTH:
                after += firms.employment[i]
    growth = after / before - 1.0
    seen, jobs = rec.firm_seen * rec.keep, rec.firm_jobs * rec.keep
    ended = np.zeros((F, K), dtype=bool)
    for i in range(known):
        for c in range(K):
            p, until = state.firm_outcome_provider[i, c], state.firm_outcome_until[i, c]
            if p >= 0 and (until == MONTH or (until > MONTH and not firms.alive[i])):
                now = firms.employment[i] if firms.alive[i] else 0
                start = state.firm_start_employment[i, c]
                seen[p, c] += 1
                jobs[p, c] += now - start * (1.0 + growth) ** WINDOWS[c]
                ended[i, c] = True
    return (before, after), seen, jobs, ended


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_months_firm_observations_match_a_count_firm_by_firm(seed):
    rec, state, firms = world(seed)
    base, seen, jobs, ended = reference(rec, state, firms)
    provider_before = state.firm_outcome_provider.copy()
    provider_before = np.vstack([provider_before, np.full((F - len(provider_before), K), -1)])
    rec.observe_firms(MONTH, state, firms, WINDOWS)
    np.testing.assert_allclose(rec.base_employment, base, rtol=1e-12)
    np.testing.assert_allclose(rec.firm_seen, seen, rtol=1e-12)
    np.testing.assert_allclose(rec.firm_jobs, jobs, rtol=1e-12, atol=1e-9)
    assert ended.sum() > 0 and (ended & ~firms.alive[:, None]).sum() > 0
    # An ended follow-up is over; the others run on.
    assert (state.firm_outcome_provider[ended] == -1).all()
    np.testing.assert_array_equal(state.firm_outcome_provider[~ended],
                                  provider_before[~ended])
    # What this month's firms employ is the next month's "before" (-1: no firm).
    assert state.firm_last_employment.tolist() == np.where(firms.alive, firms.employment,
                                                           -1).tolist()


def test_the_baseline_is_the_employment_growth_of_firms_outside_firm_services():
    rec = record(memory=10.0)
    assert rec.firm_growth() == 0.0  # nothing seen yet
    state = ServiceState.empty(1, 4)
    state.firm_outcome_until[1, 0] = MONTH + 2  # firm 1 is in a service or its follow-up
    state.firm_last_employment[:] = 10, 20, 5, 4
    # Firm 2 died; slot 3's firm died too and a new one was born there this month.
    firms = firm_table([12, 30, 0, 2], [True, True, False, True], [-3, -3, -3, MONTH])
    rec.observe_firms(MONTH, state, firms, WINDOWS)
    assert rec.base_employment.tolist() == [19.0, 12.0]  # firms 0, 2 and 3
    assert rec.firm_growth() == pytest.approx(12 / 19 - 1)
    # A month later the old months fade (memory 10 months); firm 2 was dead last month.
    firms = firm_table([12, 30, 0, 3], [True, True, False, True], [-3, -3, -3, MONTH])
    rec.observe_firms(MONTH + 1, state, firms, WINDOWS)
    assert rec.base_employment.tolist() == pytest.approx([19 * 0.9 + 14, 12 * 0.9 + 15])


def test_a_follow_up_ends_in_jobs_above_the_firms_grown_start():
    rec = record()
    rec.base_employment[:] = (100.0, 101.0)  # 1 % a month
    state = ServiceState.empty(1, 3)
    state.firm_outcome_until[[0, 1], 1] = MONTH, MONTH + 3
    state.firm_outcome_provider[[0, 1], 1] = 2, 1
    state.firm_start_employment[[0, 1], 1] = 10, 8
    # No firm was alive last month (-1): no baseline this month, the growth stays 1 %.
    # Firm 0's follow-up ends now at 14 employees; firm 1 died before its follow-up ended.
    rec.observe_firms(MONTH, state, firm_table([14, 0, 7], [True, False, True], [-9] * 3),
                      WINDOWS)
    assert rec.firm_seen[:, 1].tolist() == [0.0, 1.0, 1.0]
    assert rec.firm_jobs[2, 1] == pytest.approx(14 - 10 * 1.01 ** WINDOWS[1])
    assert rec.firm_jobs[1, 1] == pytest.approx(-8 * 1.01 ** WINDOWS[1])
    assert rec.firm_value_added([1, 2], 1) == pytest.approx(
        ((14 - 18 * 1.01 ** WINDOWS[1]) / 2, 2.0))
    assert rec.firm_value_added([0], 1) == (0.0, 0.0)  # nothing seen
    assert rec.firm_value_added([2], 0) == (0.0, 0.0)


def test_a_dead_firms_follow_up_in_a_slot_taken_by_a_new_firm_ends_employing_none():
    rec = record()
    rec.base_employment[:] = (100.0, 99.0)
    state = ServiceState.empty(1, 4)
    state.firm_outcome_until[[1, 2], [0, 2]] = MONTH + 4
    state.firm_outcome_provider[[1, 2], [0, 2]] = 0
    state.firm_start_employment[[1, 2], [0, 2]] = 6, 3
    rec.firms_reborn(np.array([1, 3]), state, WINDOWS)
    assert rec.firm_seen[0].tolist() == [1.0, 0.0, 0.0]
    assert rec.firm_jobs[0, 0] == pytest.approx(-6 * 0.99 ** WINDOWS[0])
    assert (state.firm_outcome_provider[[1, 3]] == -1).all()
    assert not state.firm_start_employment[[1, 3]].any()
    assert (state.firm_outcome_until[[1, 3]] == -1).all()
    assert state.firm_outcome_provider[2, 2] == 0  # another slot's follow-up runs on


def test_the_record_grows_with_entrants_for_firm_services_too():
    rec = record()
    rec.firm_value_added([PROVIDERS + 1], 0)
    assert rec.firm_seen.shape == rec.firm_jobs.shape == (PROVIDERS + 2, K)


def test_a_firm_services_window_is_its_months_and_the_follow_up():
    catalogue = Services()
    # From the end of the month before the start to the follow-up's last month.
    expected = [1 + catalogue.spec(name).duration_months + 6 for name in FIRM_SERVICES]
    assert firm_windows(catalogue, 6).tolist() == expected
