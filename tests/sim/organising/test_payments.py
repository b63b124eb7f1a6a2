"""Payments: providers paid per output, by attachment and outcome, or by open books with a
fee; outcome payments and the open books' outcome bonus; wage subsidies as transfers; the
alliances' books of what their units paid; the run helpers.

The region buys separately (per output). A and B are in an open-book alliance that also
pays outcome bonuses (fee 8 %), C in an alliance that pays for outcomes. Catalogue prices
(tiny scenario): coaching 450 EUR a month for 3 months, training 1,300 for 6, wage subsidy
900, business advisory 1,500. Coach Oy and Other Oy cost 0.9 × the catalogue and charge
1.0 ×; outcome pay gives 30 % at once and 2.5 × the withheld rest on a job.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from organising_cases import alliance

from sim import load_scenario
from sim.labour.population import EMPLOYED, UNEMPLOYED
from sim.organising.ledger import Ledger
from sim.organising.payments import Payments, committed_by_unit, runs, spread_by_weight
from sim.organising.units import UnitRegistry
from sim.scenario import FIRM_SERVICES, SERVICES
from sim.services.progress import TRANSFERS
from sim.services.state import SERVICE_INDEX, ServiceState

REGION, A, B, C = 0, 1, 2, 3  # unit ids, in the units' canonical order
COACHING, TRAINING, SUBSIDY = (SERVICE_INDEX[s] for s in
                               ("coaching", "training", "wage_subsidy"))


@pytest.fixture
def pay(world):
    """Payments of six persons and two firms, with the ledger at the start of month 6."""
    orgs, m, provs = world
    registry = UnitRegistry(orgs, [])
    ledger = Ledger(orgs, registry)
    open_books = alliance(m, orgs, provs, levers=("gain_pain_share", "outcome_payment"),
                          members=("A", "B"), ledger=ledger)
    outcomes = alliance(m, orgs, provs, levers=("outcome_payment",), members=("C",), index=1,
                        ledger=ledger)
    assert registry.of_month(6, [open_books, outcomes], provs) == [REGION, A, B, C]
    assert [registry[u].regime for u in (REGION, A, B, C)] == [
        "output", "open_book", "open_book", "outcome"]
    ledger.start_month()
    persons = SimpleNamespace(home=np.array([0, 1, 0, 2, 2, 2]),
                              status=np.full(6, UNEMPLOYED, dtype=np.int8),
                              base_employability=np.full(6, 0.5))
    firms = SimpleNamespace(capacity=2, muni=np.array([1, 2]))
    state = ServiceState.empty(6, 2)
    market = SimpleNamespace(providers=provs, open_clients=np.zeros(len(SERVICES)))
    market.count_open_clients = lambda service, n: np.add.at(market.open_clients, service, n)
    return Payments(load_scenario("tiny"), ledger, registry, market, state, persons, firms,
                    [open_books, outcomes])


def serve(state, person, service, provider, unit):
    """Person ``person`` in ``service`` from ``provider``, paid by ``unit``."""
    state.service[person], state.provider[person], state.payer[person] = service, provider, unit


def test_providers_are_paid_under_each_units_contract(pay):
    st, provs = pay.state, pay.market.providers
    serve(st, 0, COACHING, 0, REGION)  # per output: 450 each, cost 405
    serve(st, 1, COACHING, 0, REGION)
    serve(st, 2, TRAINING, 0, A)  # open books: cost 1,170 and a fee of 93.60
    serve(st, 3, COACHING, 1, C)  # outcome pay: 30 % of 450 now
    serve(st, 4, SUBSIDY, -1, REGION)  # a transfer, not bought from a provider
    st.firm_provider[0, 0], st.firm_payer[0, 0] = 0, REGION  # business advisory: 1,500
    pay.pay_providers(6)
    assert (provs[0].clients, provs[1].clients) == (4, 1)
    assert provs[0].revenue == pytest.approx(900.0 + 1_263.6 + 1_500.0)
    assert provs[0].cost == pytest.approx(810.0 + 1_170.0 + 1_350.0)
    assert (provs[1].revenue, provs[1].cost) == pytest.approx((135.0, 405.0))
    books = pay.ledger.books.values["service_spend_eur"]
    assert books.tolist() == pytest.approx([2_400.0, 1_263.6, 0.0, 135.0])
    # Only the region buys free of a contract list: its two coaching clients and the firm.
    open_clients = pay.market.open_clients
    assert open_clients[COACHING] == 2 and open_clients[SERVICE_INDEX["business_advisory"]] == 1
    assert open_clients.sum() == 3
    # Spend by the clients' homes and the firm's municipality.
    assert pay.ledger.area_spend.tolist() == pytest.approx([1_713.6, 1_950.0, 135.0])


def test_alliances_book_what_their_units_paid(pay):
    st = pay.state
    serve(st, 0, COACHING, 0, REGION)
    serve(st, 2, TRAINING, 0, A)
    serve(st, 3, COACHING, 1, C)
    pay.pay_providers(6)
    open_books, outcomes = pay.alliances
    assert open_books.acc.tolist() == pytest.approx([1.0, 1_170.0, 93.6])
    assert outcomes.acc.tolist() == pytest.approx([1.0, 405.0, 0.0])
    assert pay.ledger.open_book_cost[0] == pytest.approx(1_170.0)


def test_in_development_alliances_book_their_members_separate_purchases(pay):
    # Month 4 is both alliances' development: every organiser buys separately, and each
    # alliance books its members' purchases (its target cost's baseline), not as its own.
    st = pay.state
    ids = pay.units.of_month(4, pay.alliances, pay.market.providers)
    unit_of = {tuple(pay.units[u].organisers): u for u in ids}
    assert all(pay.units[u].alliance == -1 for u in ids)
    serve(st, 0, COACHING, 0, unit_of[(REGION,)])  # no member's: no alliance books it
    serve(st, 2, COACHING, 0, unit_of[(A,)])  # open books' member: cost 405
    serve(st, 3, TRAINING, 1, unit_of[(C,)])  # outcome pay's member: cost 1,170
    pay.pay_providers(4)
    open_books, outcomes = pay.alliances
    assert open_books.acc.tolist() == pytest.approx([1.0, 405.0, 0.0])
    assert outcomes.acc.tolist() == pytest.approx([1.0, 1_170.0, 0.0])
    assert pay.ledger.open_book_cost == {}  # no alliance's own contract yet


def test_no_one_served_pays_nothing(pay):
    pay.pay_providers(6)
    assert not pay.ledger.books.values["service_spend_eur"].any()
    assert all(p.revenue == 0.0 for p in pay.market.providers)


def owed(state, person, service, provider, unit, until):
    """An outcome payment owed for ``person`` if hired by month ``until``."""
    state.outcome_provider[person], state.outcome_service[person] = provider, service
    state.outcome_payer[person], state.outcome_until[person] = unit, until


def test_outcome_payments_for_jobs_within_the_follow_up(pay):
    st, provs = pay.state, pay.market.providers
    owed(st, 0, COACHING, 0, REGION, 9)  # per output: no outcome payment
    owed(st, 2, TRAINING, 0, A, 9)  # open books: a quarter of it, as a bonus
    owed(st, 3, COACHING, 1, C, 9)  # outcome pay: all of it
    owed(st, 4, COACHING, 1, C, 5)  # hired after the follow-up
    owed(st, 5, COACHING, 1, C, 9)
    st.outcome_paid[5] = True  # paid before
    pay.pay_outcomes(6, np.array([0, 2, 3, 4, 5]))
    coaching = 0.7 * 450.0 * 3 * 2.5
    training = 0.25 * 0.7 * 1_300.0 * 6 * 2.5
    assert (provs[0].revenue, provs[1].revenue) == pytest.approx((training, coaching))
    books = pay.ledger.books.values["service_spend_eur"]
    assert books.tolist() == pytest.approx([0.0, training, 0.0, coaching])
    assert pay.ledger.area_spend.tolist() == pytest.approx([training, 0.0, coaching])
    assert st.outcome_paid.tolist() == [False, False, True, True, False, True]
    assert st.outcome_provider.tolist() == [0, -1, -1, -1, 1, 1]


def test_wage_subsidies_are_paid_for_the_months_in_work(pay):
    st, persons = pay.state, pay.persons
    for person, unit in ((3, C), (4, REGION), (5, REGION), (1, -1)):
        st.subsidy_left[person] = 3
        st.outcome_service[person], st.outcome_payer[person] = SUBSIDY, unit
    persons.status[[1, 3, 4]] = EMPLOYED  # 5 is out of work; 1 is in a trial (no payer)
    pay.pay_transfers()
    assert pay.ledger.books.values["service_spend_eur"].tolist() == [900.0, 0.0, 0.0, 900.0]
    assert pay.ledger.area_spend.tolist() == [0.0, 0.0, 1_800.0]
    assert pay.ledger.key_spend == {(0,): 900.0, (3,): 900.0}


def test_runs_group_equal_keys_in_a_stable_order():
    order, starts, ends = runs(np.array([5, 2, 5, 2, 9]))
    assert order.tolist() == [1, 3, 0, 2, 4]
    assert (starts.tolist(), ends.tolist()) == ([0, 2, 4], [2, 4, 5])
    empty = runs(np.array([], dtype=np.int64))
    assert [a.tolist() for a in empty] == [[], [], []]


@pytest.mark.parametrize(("span", "dtype"), [
    (span, dtype) for dtype in (np.int16, np.int32, np.int64)
    for span in (3, 40_000, 2**16 - 1, 2**16, 2**20)
    if np.iinfo(dtype).max >= span - 1 - span // 2])  # the keys fit their type
def test_runs_order_is_numpys_stable_sort_of_the_keys(span, dtype):
    """Narrow keys (sorted as uint16 offsets) and wide ones: the same order as argsort."""
    rng = np.random.default_rng(span)
    keys = (rng.integers(0, span, 3_000) - span // 2).astype(dtype)
    keys[:2] = [-(span // 2), span - 1 - span // 2]  # the whole span
    order, starts, ends = runs(keys)
    np.testing.assert_array_equal(order, np.argsort(keys, kind="stable"))
    sorted_keys = keys[order]
    assert (sorted_keys[starts] == sorted_keys[ends - 1]).all()
    assert (np.diff(sorted_keys[starts].astype(np.int64)) > 0).all()


def test_spread_by_weight_shares_each_runs_total():
    spread = spread_by_weight(np.array([100.0, 30.0]), np.array([1.0, 3.0, 2.0]),
                              np.array([0, 2]), np.array([2, 3]))
    assert spread.tolist() == [25.0, 75.0, 30.0]


def test_start_up_grants_given_in_a_run_are_paid_while_their_founders_work():
    """Founders of a run keep their grants for the grant's months (none were ever paid)."""
    from sim import simulate

    grant = SERVICE_INDEX["start_up_grant"]
    months = load_scenario("tiny").services.start_up_grant.duration_months
    given, paid = 0, 0
    with simulate("tiny", 3, months=12) as run:
        for model in run:
            st, persons = model.services.state, model.persons
            holders = (st.outcome_service == grant) & (st.subsidy_left > 0)
            assert (st.subsidy_left[holders] < months).all()
            paid += int((holders & (persons.status == EMPLOYED)).sum())
            given += int(((st.outcome_service == grant)
                          & (st.started == model.month)).sum())
    assert given > 0
    assert paid > given  # each grant pays several months while its firm lives


def test_committed_counts_each_decisions_months_left_within_the_horizon(pay):
    """What earlier decisions still cost in the next 3 months, by organiser."""
    st, persons = pay.state, pay.persons
    serve(st, 0, COACHING, 0, REGION)  # per output 450, 2 months left: 900
    st.months_left[0] = 2
    serve(st, 2, TRAINING, 0, A)  # open books 1,263.60, 6 left, 3 within: 3,790.80
    st.months_left[2] = 6
    serve(st, 3, COACHING, 1, C)  # outcome pay 135 now, 1 left
    st.months_left[3] = 1
    serve(st, 4, SUBSIDY, -1, REGION)  # a subsidy still searching: 900 × 3 committed
    st.months_left[4] = 5
    st.subsidy_left[5], st.outcome_service[5], st.outcome_payer[5] = 2, SUBSIDY, C
    persons.status[5] = EMPLOYED  # in a subsidised job: 900 × 2
    st.firm_provider[0, 0], st.firm_payer[0, 0], st.firm_left[0, 0] = 0, REGION, 2  # 3,000
    committed = pay.committed(3)
    assert committed.tolist() == pytest.approx([900.0 + 2_700.0 + 3_000.0, 3_790.8, 0.0,
                                                135.0 + 1_800.0])
    assert pay.committed(1).tolist() == pytest.approx([450.0 + 900.0 + 1_500.0, 1_263.6,
                                                       0.0, 135.0 + 900.0])


def test_prices_are_what_pay_providers_pays_a_client_month(pay):
    uid, pid = np.array([REGION, A, C]), np.array([0, 0, 1])
    cost, fee, paid = pay.prices(uid, pid, np.array([COACHING, TRAINING, COACHING]))
    assert cost.tolist() == pytest.approx([405.0, 1_170.0, 405.0])
    assert fee.tolist() == pytest.approx([0.0, 93.6, 0.0])
    assert paid.tolist() == pytest.approx([450.0, 1_263.6, 135.0])


def test_committed_counts_referrals_from_the_month_they_start(pay):
    from sim.organising.referrals import ReferralDesk

    desk = ReferralDesk(6, 3)
    pay.referrals = desk
    st = pay.state
    st.referral_wait[1] = 2  # coaching (3 months at 450) starts two months from now
    desk.service[1], desk.provider[1], desk.payer[1] = COACHING, 0, REGION
    assert pay.committed(2).tolist() == [0.0, 0.0, 0.0, 0.0]
    assert pay.committed(3).tolist() == pytest.approx([450.0, 0.0, 0.0, 0.0])
    assert pay.committed(12).tolist() == pytest.approx([1_350.0, 0.0, 0.0, 0.0])


def test_effort_costs_the_provider_and_a_found_shortfall_is_not_paid(pay):
    st, provs = pay.state, pay.market.providers
    serve(st, 0, COACHING, 0, REGION)  # per output, effort 0.3, found out: not paid
    st.effort[0], st.withheld[0] = 0.3, True
    serve(st, 1, COACHING, 0, REGION)  # per output, effort 0.3, not found: paid
    st.effort[1] = 0.3
    serve(st, 2, TRAINING, 0, A)  # open books at effort 1.1: its cost and fee rise
    st.effort[2] = 1.1
    serve(st, 3, COACHING, 1, C)  # outcome pay, effort 0.3, found: no attachment fee
    st.effort[3], st.withheld[3] = 0.3, True
    pay.pay_providers(6)
    # Half of a client-month's cost scales with effort (market.effort_cost_share 0.5).
    low, high = 1 + 0.5 * (0.3 - 1), 1 + 0.5 * (1.1 - 1)
    assert provs[0].cost == pytest.approx(2 * 405.0 * low + 1_170.0 * high)
    assert provs[0].revenue == pytest.approx(450.0 + 1_170.0 * high * 1.08)
    assert (provs[1].revenue, provs[1].cost) == pytest.approx((0.0, 405.0 * low))
    open_books, _ = pay.alliances
    assert open_books.acc.tolist() == pytest.approx([1.0, 1_170.0 * high, 93.6 * high])
    books = pay.ledger.books.values["service_spend_eur"]
    assert books.tolist() == pytest.approx([450.0, 1_170.0 * high * 1.08, 0.0, 0.0])


def committed_reference(pay, st, status, desk, n_firms, months):
    """What :func:`committed_by_unit` sums, with masks, prices and bincounts per kind."""
    n_units = len(pay.units)
    kinds = []
    served = np.flatnonzero((st.service >= 0) & (st.provider >= 0))
    uid = st.payer[served].astype(np.int64)
    _, _, paid = pay.prices(uid, st.provider[served].astype(np.int64),
                            st.service[served].astype(np.int64))
    kinds.append((uid, paid * np.minimum(st.months_left[served], months)))
    holding = np.flatnonzero((st.service >= 0) & (st.payer >= 0))
    holding = holding[TRANSFERS[st.service[holding]]]
    kinds.append((st.payer[holding].astype(np.int64), pay.list_price[st.service[holding]]
                  * np.minimum(st.months_left[holding], months)))
    working = np.flatnonzero((st.subsidy_left > 0) & (status == EMPLOYED)
                             & (st.outcome_payer >= 0))
    kinds.append((st.outcome_payer[working].astype(np.int64),
                  pay.list_price[st.outcome_service[working]]
                  * np.minimum(st.subsidy_left[working], months)))
    if desk is not None:
        waiting = np.flatnonzero((st.referral_wait > 0) & (desk.payer >= 0))
        uid, service = desk.payer[waiting].astype(np.int64), desk.service[waiting]
        _, _, paid = pay.prices(uid, desk.provider[waiting].astype(np.int64), service)
        kinds.append((uid, paid * np.clip(months - st.referral_wait[waiting], 0,
                                          pay.duration[service])))
    for col, name in enumerate(FIRM_SERVICES):
        served = np.flatnonzero(st.firm_provider[:n_firms, col] >= 0)
        uid = st.firm_payer[served, col]
        _, _, paid = pay.prices(uid, st.firm_provider[served, col],
                                np.full(served.size, SERVICE_INDEX[name]))
        kinds.append((uid, paid * np.minimum(st.firm_left[served, col], months)))
    by_unit = np.zeros(n_units)
    for uid, amounts in kinds:
        by_unit += np.bincount(uid, weights=amounts, minlength=n_units)
    return by_unit


@pytest.mark.parametrize("with_desk", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_committed_kernels_match_reference(pay, seed, with_desk):
    """The one-pass kernels sum the same terms in the same order: the same floats."""
    from sim.organising.referrals import ReferralDesk

    rng = np.random.default_rng(seed)
    n, n_firms, months = 400, 30, int(rng.integers(1, 13))
    st = ServiceState.empty(n, n_firms + 5)
    in_service = rng.random(n) < 0.4
    st.service[:] = np.where(in_service, rng.integers(0, len(SERVICES), n), -1)
    st.provider[:] = np.where(rng.random(n) < 0.7, rng.integers(0, 2, n), -1)
    st.payer[:] = np.where(st.provider >= 0, rng.integers(0, 4, n),
                           np.where(rng.random(n) < 0.5, rng.integers(0, 4, n), -1))
    st.months_left[:] = rng.integers(0, 20, n)
    st.subsidy_left[:] = np.where(rng.random(n) < 0.3, rng.integers(1, 10, n), 0)
    st.outcome_payer[:] = np.where(rng.random(n) < 0.8, rng.integers(0, 4, n), -1)
    st.outcome_service[:] = rng.choice([SUBSIDY, SERVICE_INDEX["start_up_grant"]], n)
    status = np.where(rng.random(n) < 0.6, EMPLOYED, UNEMPLOYED).astype(np.int8)
    desk = None
    if with_desk:
        desk = ReferralDesk(n, 3)
        waits = rng.random(n) < 0.3
        st.referral_wait[:] = np.where(waits, rng.integers(0, 15, n), -1)
        desk.service[:] = np.where(waits, rng.choice([COACHING, TRAINING], n), -1)
        desk.provider[:] = np.where(waits, rng.integers(0, 2, n), -1)
        desk.payer[:] = np.where(waits & (rng.random(n) < 0.9), rng.integers(0, 4, n), -1)
    served = rng.random((n_firms + 5, len(FIRM_SERVICES))) < 0.5
    st.firm_provider[:] = np.where(served, rng.integers(0, 2, served.shape), -1)
    st.firm_payer[:] = np.where(served, rng.integers(0, 4, served.shape), -1)
    st.firm_left[:] = rng.integers(0, 8, served.shape)
    got = committed_by_unit(st, status, desk, n_firms, pay.price_terms(), months)
    want = committed_reference(pay, st, status, desk, n_firms, months)
    np.testing.assert_array_equal(got, want)
    assert (got > 0).all()


def test_committed_kernels_refuse_a_provider_service_without_a_payer(pay):
    st = ServiceState.empty(3, 1)
    serve(st, 1, COACHING, 0, -1)
    with pytest.raises(ValueError, match="paying units"):
        committed_by_unit(st, np.zeros(3, np.int8), None, 1, pay.price_terms(), 3)
