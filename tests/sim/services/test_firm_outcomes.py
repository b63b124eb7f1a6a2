"""The firm side of the outcome record: client firms' follow-ups and each purchase's random
control group (the eligible firms not drawn), the slot of a dead firm taken by a new one,
and value added per follow-up (the clients' mean employment change less the controls'),
checked against slow, obvious counts firm by firm, against numbers worked out by hand and
on planted worlds whose answer is known."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sim.scenario import FIRM_SERVICES
from sim.scenario.services import Services
from sim.services.learning import ControlGroup, OutcomeRecord, enrol_controls
from sim.services.state import ServiceState, start_firms

F, PROVIDERS, MONTH = 300, 3, 5
K = len(FIRM_SERVICES)
CATALOGUE = Services()
FOLLOW_UP = 6


def record(memory: float = 24.0) -> OutcomeRecord:
    """An empty record of ``PROVIDERS`` providers."""
    return OutcomeRecord(np.linspace(0.0, 1.0, 50), PROVIDERS, 0.6, 20.0, memory)


def firm_table(employment, alive, born) -> SimpleNamespace:
    """The firm attributes the record and a start read and write."""
    employment = np.asarray(employment, dtype=np.int64)
    n = employment.size
    return SimpleNamespace(capacity=n, employment=employment,
                           alive=np.asarray(alive, dtype=bool),
                           born=np.asarray(born, dtype=np.int64), productivity=np.ones(n),
                           baseline=np.ones(n), policy_gain=np.zeros(n))


def world(seed: int):
    """Random firms, some dead, born this month or in a slot taken since a purchase, as
    clients of firm services and controls of purchases whose window ends now or later."""
    rng = np.random.default_rng(seed)
    firms = firm_table(rng.integers(0, 40, F), rng.random(F) < 0.85,
                       rng.choice([-10, MONTH - 2, MONTH], F, p=[0.85, 0.1, 0.05]))
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
    rec.firm_change[:] = rng.normal(size=(PROVIDERS, K))
    rec.control_seen[:] = rng.random(K) * 100
    rec.control_change[:] = rng.normal(size=K)
    for _ in range(12):  # purchases some months ago (a firm may be a control of several)
        pool = np.flatnonzero(rng.random(F) < 0.3).astype(np.int32)
        rec.control_groups.append(ControlGroup(
            int(rng.integers(0, K)), MONTH + int(rng.integers(0, 3)),
            MONTH - int(rng.integers(1, 6)), pool, int(rng.integers(0, 2000))))
    return rec, state, firms


def reference(rec: OutcomeRecord, state: ServiceState, firms: SimpleNamespace):
    """Slow, obvious counts of one month's firm observations, firm by firm."""
    seen, change = rec.firm_seen * rec.keep, rec.firm_change * rec.keep
    control_seen, control_change = rec.control_seen * rec.keep, rec.control_change * rec.keep
    ended = np.zeros((F, K), dtype=bool)
    for i in range(state.firm_last_employment.size):
        now = firms.employment[i] if firms.alive[i] else 0
        for c in range(K):
            p, until = state.firm_outcome_provider[i, c], state.firm_outcome_until[i, c]
            if p >= 0 and (until == MONTH or (until > MONTH and not firms.alive[i])):
                seen[p, c] += 1
                change[p, c] += now - state.firm_start_employment[i, c]
                ended[i, c] = True
    running = []
    for group in rec.control_groups:
        if group.until > MONTH:
            running.append(group)
            continue
        control_change[group.column] -= group.start
        for i in group.firms.tolist():
            control_seen[group.column] += 1
            # The purchase's firm, alive now: its employees; dead or a new firm: none.
            if firms.alive[i] and firms.born[i] <= group.month:
                control_change[group.column] += firms.employment[i]
    return seen, change, control_seen, control_change, ended, running


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_months_firm_observations_match_a_count_firm_by_firm(seed):
    rec, state, firms = world(seed)
    seen, change, control_seen, control_change, ended, running = reference(
        rec, state, firms)
    pad = np.full((F - state.firm_outcome_provider.shape[0], K), -1)
    provider_before = np.vstack([state.firm_outcome_provider, pad])
    rec.observe_firms(MONTH, state, firms)
    np.testing.assert_allclose(rec.firm_seen, seen, rtol=1e-12)
    np.testing.assert_allclose(rec.firm_change, change, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(rec.control_seen, control_seen, rtol=1e-12)
    np.testing.assert_allclose(rec.control_change, control_change, rtol=1e-12, atol=1e-9)
    assert ended.sum() > 0 and (ended & ~firms.alive[:, None]).sum() > 0
    # An ended follow-up is over; the others run on, as do the purchases' windows not ended.
    assert (state.firm_outcome_provider[ended] == -1).all()
    np.testing.assert_array_equal(state.firm_outcome_provider[~ended],
                                  provider_before[~ended])
    assert 0 < len(running) < 12 and rec.control_groups == running
    # What this month's firms employ is the next month's start (-1: no firm).
    assert state.firm_last_employment.tolist() == np.where(firms.alive, firms.employment,
                                                           -1).tolist()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_eligible_firms_not_drawn_are_the_purchases_controls_as_a_count_firm_by_firm(seed):
    rec, state, firms = world(seed)
    state.grow_firms(F)
    rng = np.random.default_rng(seed)
    name = FIRM_SERVICES[seed % K]
    pool = np.flatnonzero(firms.alive & (rng.random(F) < 0.6))  # in firm order
    started = rng.choice(pool, size=12, replace=False)
    before = list(rec.control_groups)
    enrol_controls(rec, state, firms, pool, started, name, CATALOGUE, MONTH, FOLLOW_UP)
    # Slow, obvious enrolment: every firm of the pool not started, whatever it was before.
    controls = [i for i in pool.tolist() if i not in started.tolist()]
    start = sum(firms.employment[i] if firms.born[i] == MONTH else state.firm_last_employment[i]
                for i in controls)
    assert rec.control_groups[:-1] == before  # the earlier purchases' groups are kept
    group = rec.control_groups[-1]
    assert group.firms.tolist() == controls and len(controls) > 40
    assert (group.column, group.month, group.start) == (FIRM_SERVICES.index(name), MONTH, start)
    assert group.until == MONTH + CATALOGUE.spec(name).duration_months + FOLLOW_UP
    # A firm already a control of an earlier purchase is one of this one's too.
    assert set(controls) & set(np.concatenate([g.firms for g in before]).tolist())
    # A pool all drawn leaves no group.
    enrol_controls(rec, state, firms, pool[:3], pool[:3], name, CATALOGUE, MONTH, FOLLOW_UP)
    assert rec.control_groups[-1] is group


def test_a_firm_drawn_later_stays_a_control_of_the_earlier_purchase():
    rec = record()
    state = ServiceState.empty(1, 3)
    firms = firm_table([4, 5, 6], [True] * 3, [-9] * 3)
    state.firm_last_employment[:] = 3, 5, 7
    name = FIRM_SERVICES[0]
    enrol_controls(rec, state, firms, np.arange(3), np.array([0]), name, CATALOGUE, MONTH,
                   FOLLOW_UP)
    start_firms(state, firms, np.array([1]), name, np.array([0]), 0, np.ones(1), CATALOGUE,
                MONTH + 1, FOLLOW_UP)
    assert rec.control_groups[0].firms.tolist() == [1, 2] and rec.control_groups[0].start == 12
    assert state.firm_start_employment[1, 0] == 5


def control_paths(seed: int):
    """Months of a random world: firms die, new firms take dead firms' slots, employment
    moves before and after each month's purchases of random pools; the record observes.

    Yields each month, the record, per purchase so far its firm service, window's last
    month and controls as (firm, employees at the start), each firm a number of its own
    (not its slot), and the employees of each firm alive now.
    """
    rng = np.random.default_rng(seed)
    n, months = 80, 14
    firms = firm_table(rng.integers(0, 30, n), np.ones(n, bool), np.full(n, -20))
    firm_id = np.arange(n)  # which firm is in each slot
    state = ServiceState.empty(1, n)
    rec = record()
    rec.observe_firms(MONTH - 1, state, firms)
    purchases = []
    last = {int(i): int(e) for i, e in zip(firm_id, firms.employment, strict=True)}  # per firm
    for month in range(MONTH, MONTH + months):
        firms.alive &= rng.random(n) > 0.04  # deaths (a dead firm's employment is stale)
        reborn = np.flatnonzero(~firms.alive & (rng.random(n) < 0.3))
        firms.alive[reborn], firms.born[reborn] = True, month
        firm_id[reborn] = firm_id.max() + 1 + np.arange(reborn.size)
        firms.employment[reborn] = rng.integers(1, 4, reborn.size)
        firms.employment[:] = np.maximum(firms.employment + rng.integers(-3, 4, n), 0)
        for _ in range(2):
            name = FIRM_SERVICES[int(rng.integers(0, K))]
            pool = np.flatnonzero(firms.alive & (rng.random(n) < 0.5))
            started = rng.choice(pool, size=min(4, pool.size), replace=False)
            enrol_controls(rec, state, firms, pool, started, name, CATALOGUE, month, FOLLOW_UP)
            controls = [(int(firm_id[i]), int(firms.employment[i]) if firms.born[i] == month
                         else last[int(firm_id[i])]) for i in pool if i not in started]
            until = month + CATALOGUE.spec(name).duration_months + FOLLOW_UP
            purchases.append((FIRM_SERVICES.index(name), until, controls))
        firms.employment[:] = np.maximum(firms.employment + rng.integers(-2, 3, n), 0)  # hires
        rec.observe_firms(month, state, firms)
        yield month, rec, purchases, {int(firm_id[i]): int(firms.employment[i])
                                      for i in range(n) if firms.alive[i]}
        last = {int(firm_id[i]): int(firms.employment[i]) for i in range(n)}


@pytest.mark.parametrize("seed", [1, 2])
def test_each_purchases_controls_are_seen_at_its_windows_end_as_a_count_firm_by_firm(seed):
    seen, change = np.zeros(K), np.zeros(K)
    keep, gone = record().keep, 0
    for month, rec, purchases, alive in control_paths(seed):
        seen *= keep
        change *= keep
        for column, until, controls in purchases:
            if until != month:
                continue
            for firm, start in controls:
                seen[column] += 1
                change[column] += alive.get(firm, 0) - start  # dead, or its slot taken: 0
                gone += firm not in alive
        np.testing.assert_allclose(rec.control_seen, seen, rtol=1e-12)
        np.testing.assert_allclose(rec.control_change, change, rtol=1e-12, atol=1e-9)
    assert seen.sum() > 50 and gone > 0


def planted(extra: int, seed: int = 0) -> tuple[OutcomeRecord, float]:
    """A planted world: firms drawn at random from a pool, one firm service, months on.

    Every eligible firm's employment moves by the same path (firms shrink by one a
    month, the vacancies they post being refilled by the drawn and the rest alike), the
    clients by ``extra`` more at the follow-up's end; firms outside the pool grow fast (a
    baseline of firms outside services would read the pool's shrinking as the services'
    doing). Returns the record and the treated follow-ups seen.
    """
    rng = np.random.default_rng(seed)
    n, name = 400, "recruitment"
    span = CATALOGUE.spec(name).duration_months + FOLLOW_UP
    start = rng.integers(20, 60, n)
    firms = firm_table(start, np.ones(n, bool), np.full(n, -30))
    state = ServiceState.empty(1, n)
    state.firm_last_employment[:] = start
    eligible = rng.random(n) < 0.5
    rec = record(memory=1e9)  # keep everything: no fading
    drawn = np.empty(0, dtype=np.int64)
    for month in range(MONTH, MONTH + span + 1):
        months_in = month - MONTH + 1  # whole months since the start's employment
        if month == MONTH:
            pool = np.flatnonzero(eligible)
            drawn = rng.choice(pool, size=30, replace=False)
            start_firms(state, firms, drawn, name, rng.integers(0, PROVIDERS, drawn.size),
                        0, np.ones(drawn.size), CATALOGUE, month, FOLLOW_UP)
            enrol_controls(rec, state, firms, pool, drawn, name, CATALOGUE, month, FOLLOW_UP)
        path = np.where(eligible, start - months_in, start + 5 * months_in)
        if month == MONTH + span:
            path[drawn] += extra
        firms.employment[:] = path
        rec.observe_firms(month, state, firms)
    return rec, 30.0


@pytest.mark.parametrize("seed", [0, 1])
def test_clients_and_controls_on_the_same_path_add_no_value_and_one_more_job_adds_one(seed):
    column = FIRM_SERVICES.index("recruitment")
    rec, starts = planted(0, seed)
    assert rec.control_seen[column] == pytest.approx(rec.control_seen.sum())
    assert rec.control_seen[column] > 100  # the pool less the 30 drawn
    assert rec.firm_value_added(list(range(PROVIDERS)), column) == pytest.approx((0.0, starts))
    # The clients shrank too (no credit for the pool's path), as did the controls.
    assert rec.firm_change[:, column].sum() / starts < -5
    rec, starts = planted(1, seed)
    assert rec.firm_value_added(list(range(PROVIDERS)), column) == pytest.approx((1.0, starts))
    # Any provider's clients are compared with the service's one control group.
    for p in range(PROVIDERS):
        assert rec.firm_value_added([p], column)[0] == pytest.approx(1.0)


def test_value_added_is_the_clients_mean_change_less_the_controls():
    rec = record()
    state = ServiceState.empty(1, 4)
    state.firm_outcome_until[[0, 1], 1] = MONTH, MONTH + 3
    state.firm_outcome_provider[[0, 1], 1] = 2, 1
    state.firm_start_employment[[0, 1], 1] = 10, 8
    assert rec.firm_value_added([1, 2], 1) == (0.0, 0.0)  # nothing seen yet
    # Firm 0's follow-up ends now at 14 employees; firm 1 died before its follow-up ended.
    firms = firm_table([14, 0, 7, 9], [True, False, True, True], [-9] * 4)
    rec.observe_firms(MONTH, state, firms)
    assert rec.firm_seen[:, 1].tolist() == [0.0, 1.0, 1.0]
    assert rec.firm_change[:, 1].tolist() == [0.0, -8.0, 4.0]
    assert rec.firm_value_added([1, 2], 1) == (0.0, 0.0)  # no control seen yet
    # Firms 2 and 3 were a purchase's controls: 7 + 9 - (4 + 12).
    rec.control_groups.append(ControlGroup(1, MONTH + 1, MONTH - 3, np.array([2, 3]), 16))
    rec.observe_firms(MONTH + 1, state, firms)
    keep = rec.keep
    assert rec.control_seen[1] == 2.0 and rec.control_change[1] == pytest.approx(0.0)
    assert rec.firm_value_added([1, 2], 1) == pytest.approx((-2.0, 2 * keep))
    assert rec.firm_value_added([2], 1) == pytest.approx((4.0, keep))
    assert rec.firm_value_added([0], 1) == (0.0, 0.0)  # no client seen
    assert rec.firm_value_added([2], 0) == (0.0, 0.0)


def test_a_dead_firms_follow_ups_in_a_slot_taken_by_a_new_firm_end_employing_none():
    rec = record()
    state = ServiceState.empty(1, 4)
    state.firm_outcome_until[[1, 2], [0, 2]] = MONTH + 4
    state.firm_outcome_provider[[1, 2], [0, 2]] = 0
    state.firm_start_employment[[1, 2], [0, 2]] = 6, 3
    rec.firms_reborn(np.array([1, 3]), state)
    assert rec.firm_seen[0].tolist() == [1.0, 0.0, 0.0]
    assert rec.firm_change[0, 0] == -6.0
    assert (state.firm_outcome_provider[[1, 3]] == -1).all()
    assert not state.firm_start_employment[[1, 3]].any()
    assert (state.firm_outcome_until[[1, 3]] == -1).all()
    # Another slot's follow-up runs on.
    assert state.firm_outcome_provider[2, 2] == 0


def test_a_purchases_control_in_a_slot_taken_by_a_new_firm_counts_none():
    rec = record()
    state = ServiceState.empty(1, 3)
    # Controls 0-2 of a purchase in MONTH - 4, employing 5, 2 and 9 then (16 together);
    # slot 1's firm died and a new firm born in MONTH - 1 took it, employing 30 now.
    rec.control_groups.append(ControlGroup(2, MONTH, MONTH - 4, np.array([0, 1, 2]), 16))
    firms = firm_table([6, 30, 8], [True] * 3, [-9, MONTH - 1, MONTH - 4])
    rec.observe_firms(MONTH, state, firms)
    assert rec.control_seen.tolist() == [0.0, 0.0, 3.0]
    assert rec.control_change[2] == 6 + 0 + 8 - 16  # born in the purchase's month: the same
    assert rec.control_groups == []


def test_the_record_grows_with_entrants_for_firm_services_too():
    rec = record()
    rec.firm_value_added([PROVIDERS + 1], 0)
    assert rec.firm_seen.shape == rec.firm_change.shape == (PROVIDERS + 2, K)


def test_the_firm_arrays_grow_with_the_firm_table():
    state = ServiceState.empty(1, 3)
    state.grow_firms(5)
    assert state.firm_outcome_until.shape == state.firm_outcome_provider.shape == (5, K)
    assert (state.firm_outcome_provider == -1).all() and state.firm_last_employment.size == 5
