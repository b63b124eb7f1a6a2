"""The ledger: organisers' books, charges by purchasing unit, settlements and the pace of
purchases, and the monthly rows.

Units are those of ``organising_cases`` with A hosting C: the region (900 EUR a month,
id 0), A and C together (300 + 100, id 1) and B (200, id 2).
"""

from __future__ import annotations

import numpy as np
import pytest
from organising_cases import alliance, model, organisers, providers

from sim.organising.ledger import (
    ORGANISER_COLUMNS,
    Flows,
    Ledger,
    MonthPlan,
    OrganiserBooks,
    contribution_weights,
)
from sim.organising.units import UnitRegistry

REGION, HOST, B = 0, 1, 2


@pytest.fixture
def ledger():
    """A ledger over the region, A hosting C, and B, at the start of a month."""
    orgs = organisers()
    m = model()
    registry = UnitRegistry(orgs, [(1, [3])])
    assert registry.of_month(1, [], providers(m)) == [REGION, HOST, B]
    books = Ledger(orgs, registry)
    books.start_month()
    return books


def test_books_split_an_amount_by_shares():
    books = OrganiserBooks(4)
    books.add("overhead_eur", [1, 3], np.array([300.0, 100.0]), 40.0)
    books.add("overhead_eur", [2], np.array([0.0]), 5.0)  # no shares: split equally
    books.add("overhead_eur", [0, 2], np.array([0.0, 0.0]), 10.0)
    books.add("overhead_eur", [0], np.array([1.0]), 0.0)  # nothing to book
    assert books.values["overhead_eur"].tolist() == [5.0, 30.0, 10.0, 10.0]
    assert contribution_weights(np.array([300.0, 100.0])).tolist() == [0.75, 0.25]
    assert contribution_weights(np.zeros(2)).tolist() == [0.5, 0.5]


def test_books_close_with_the_net():
    books = OrganiserBooks(2)
    for column, values in (("tax_revenue_eur", [100.0, 50.0]), ("benefit_cost_eur", [20.0, 0]),
                           ("service_spend_eur", [30.0, 5.0]), ("overhead_eur", [10.0, 1.0]),
                           ("gain_pain_eur", [-4.0, 0.0]), ("kra_bonus_eur", [6.0, 0.0])):
        books.values[column][:] = values
    books.values["caseworker_eur"][:] = [3.0, 0.0]  # within the first one's overhead
    closed = books.close()
    assert closed.shape == (2, len(ORGANISER_COLUMNS))
    assert closed[:, ORGANISER_COLUMNS.index("net_eur")].tolist() == [38.0, 44.0]
    # Charged to the budget: services, overhead but the caseworker contacts, gain/pain and
    # the KRA bonus: 30 + 10 - 3 - 4 + 6 and 5 + 1.
    assert closed[:, ORGANISER_COLUMNS.index("budget_outlays_eur")].tolist() == [39.0, 6.0]
    books.reset()
    assert not books.close().any()


def test_a_month_starts_with_the_budgets_entered(ledger):
    ledger.key_spend[(0,)] = 5.0
    ledger.area_spend[:] = 1.0
    ledger.books.values["overhead_eur"][:] = 3.0
    ledger.start_month()
    assert ledger.books.values["budget_eur"].tolist() == [900.0, 300.0, 200.0, 100.0]
    assert not ledger.books.values["overhead_eur"].any()
    assert ledger.key_spend == {} and not ledger.area_spend.any()


# Three charges of the host unit and the region, and one of nothing for B: the amounts,
# then the areas of each charge's clients and what each area's clients cost.
PACE = (0.2, 0.25, 4.0)  # the schema's defaults: exponent, lowest and highest pace

CHARGES = dict(
    uids=np.array([HOST, REGION, B, HOST]),
    amounts=np.array([400.0, 90.0, 0.0, 40.0]),
    areas=np.array([0, 2, 0, 1, 1, 2]),
    area_amounts=np.array([100.0, 200.0, 100.0, 90.0, 50.0, 40.0]),
    counts=np.array([3, 1, 1, 1]),
    payees=["Coach Oy", "Coach Oy", "Other Oy", "firms"],
    items=["service", "service", "service", "wage_subsidy"],
)


def test_charge_groups_books_by_contribution_and_spreads_over_areas(ledger):
    ledger.charge_groups(**CHARGES)
    # The host unit's 440 EUR: 3/4 to A, 1/4 to C; the region pays its 90.
    assert ledger.books.values["service_spend_eur"].tolist() == [90.0, 330.0, 0.0, 110.0]
    assert ledger.key_spend == {(1, 3): 440.0, (0,): 90.0}  # B's empty charge: no entry
    assert ledger.area_spend.tolist() == [200.0, 90.0, 240.0]
    # The same money as payments: each organiser's part to each payee.
    assert ledger.books.flows.rows(1) == [
        (1, "A", "Coach Oy", "service", True, 300.0), (1, "A", "firms", "wage_subsidy", True, 30.0),
        (1, "C", "Coach Oy", "service", True, 100.0), (1, "C", "firms", "wage_subsidy", True, 10.0),
        (1, "region", "Coach Oy", "service", True, 90.0)]


def charge_one_at_a_time(ledger, uids, amounts, areas, area_amounts, counts, payees, items):
    """The charges of :meth:`Ledger.charge_groups` as the books would take them one by one."""
    start = 0
    for k, (uid, amount, n) in enumerate(zip(uids.tolist(), amounts.tolist(), counts.tolist(),
                                             strict=True)):
        where = slice(start, start + n)
        start += n
        if amount == 0.0:
            continue
        unit = ledger.units[uid]
        ledger.books.add("service_spend_eur", unit.organisers, unit.contribution, amount,
                         payees[k], items[k])
        ledger.key_spend[unit.key] = ledger.key_spend.get(unit.key, 0.0) + amount
        for area, part in zip(areas[where].tolist(), area_amounts[where].tolist(), strict=True):
            ledger.area_spend[area] += part


def test_charge_groups_equals_charging_one_payment_at_a_time(ledger):
    rng = np.random.default_rng(4)
    counts = rng.integers(1, 5, 40)
    charges = dict(uids=rng.integers(0, 3, 40), amounts=rng.random(40) * 1e3,
                   areas=rng.integers(0, 3, counts.sum()),
                   area_amounts=rng.random(counts.sum()) * 1e2, counts=counts,
                   payees=[f"P{k}" for k in rng.integers(0, 4, 40)],
                   items=["service"] * 40)
    charges["amounts"][::7] = 0.0
    one_by_one = Ledger(ledger.orgs, ledger.units)
    one_by_one.start_month()
    for _ in range(2):  # a second round adds to the first
        ledger.charge_groups(**charges)
        charge_one_at_a_time(one_by_one, **charges)
    for column in ORGANISER_COLUMNS:
        np.testing.assert_array_equal(ledger.books.values[column],
                                      one_by_one.books.values[column])
    assert ledger.key_spend == one_by_one.key_spend
    np.testing.assert_array_equal(ledger.area_spend, one_by_one.area_spend)
    assert ledger.books.flows.month.keys() == one_by_one.books.flows.month.keys()
    for key, euros in ledger.books.flows.month.items():
        assert euros == pytest.approx(one_by_one.books.flows.month[key], rel=1e-12)


def test_charge_groups_of_nothing_books_nothing(ledger):
    empty = np.empty(0, dtype=np.int64)
    ledger.charge_groups(empty, np.empty(0), empty, np.empty(0), empty, [], [])
    assert ledger.books.flows.rows(1) == []
    assert not ledger.books.values["service_spend_eur"].any() and not ledger.key_spend


def plan(money):
    """A month plan of the three units with ``money`` by unit id."""
    return MonthPlan([REGION, HOST, B], dict(money))


def test_pace_follows_planned_money_over_spend(ledger):
    ledger.key_spend.update({(0,): 500.0, (1, 3): 1_000.0})
    ledger.pace(plan({REGION: 1_000.0, HOST: 800.0, B: 0.0}), *PACE)
    # Spent half the money: 2 ** 0.2 faster; spent more: 0.8 ** 0.2; no money: unchanged.
    assert ledger.pacing == {(0,): pytest.approx(2 ** 0.2), (1, 3): pytest.approx(0.8 ** 0.2),
                             (2,): 1.0}


def test_pace_doubles_the_ratio_when_nothing_was_spent_and_keeps_within_bounds(ledger):
    ledger.pacing.update({(0,): 4.0, (1, 3): 0.25})
    ledger.key_spend.update({(1, 3): 1_000.0})
    ledger.pace(plan({REGION: 100.0, HOST: 10.0, B: 100.0}), *PACE)
    assert ledger.pacing == {(0,): 4.0, (1, 3): 0.25, (2,): pytest.approx(2 ** 0.2)}


def test_pace_counts_a_third_of_the_quarters_settlement_in_each_of_three_months(ledger):
    """The whole settlement meets the budget check, a third a month (not a third once)."""
    ledger.settled[(1, 3)] = [[400.0, 3]]  # 1,200 settled: 400 a month
    for _ in range(3):
        ledger.key_spend[(1, 3)] = 600.0
        ledger.pace(plan({HOST: 1_000.0}), *PACE)  # 600 + 400 of 1,000: on pace
        assert ledger.pacing[(1, 3)] == pytest.approx(1.0)
    assert ledger.settled == {}
    ledger.pace(plan({HOST: 1_000.0}), *PACE)  # settled in full: now 600 of 1,000
    assert ledger.pacing[(1, 3)] == pytest.approx((1_000 / 600) ** 0.2)


def test_settle_splits_an_alliances_payment_over_its_units_by_budget():
    orgs = organisers()
    m = model()
    provs = providers(m)
    registry = UnitRegistry(orgs, [])
    books = Ledger(orgs, registry)
    a = alliance(m, orgs, provs, members=("A", "B"))  # each member its own unit under it
    registry.of_month(6, [a], provs)
    books.settle(0, 1_000.0)
    books.settle(0, 500.0)
    books.settle(1, 70.0)  # no units of alliance 1 this month: nothing to carry
    # 1,500 over the units by budget (900 and 600), each counted over three months.
    assert {k: sum(books.settled_this_month(k) for _ in range(3))
            for k in list(books.settled)} == {(1,): pytest.approx(900.0),
                                              (2,): pytest.approx(600.0)}


def test_end_quarter_clears_the_open_book_costs(ledger):
    ledger.open_book_cost[3] = 10.0
    ledger.end_quarter()
    assert ledger.open_book_cost == {}


def test_record_writes_a_row_per_organiser_and_provider():
    orgs = organisers()
    m = model()
    provs = providers(m)
    books = Ledger(orgs, UnitRegistry(orgs, []))
    a = alliance(m, orgs, provs, members=("A", "B"), name="AB")
    provs[1].clients, provs[1].revenue, provs[1].cost = 4, 100.0, 60.0
    for month in (0, 1):
        books.start_month()
        books.books.values["service_spend_eur"][1] = 50.0
        books.record(month, [a], provs)
    rows = books.organiser_rows.to_frame()
    assert rows.columns.tolist() == ["month", "organiser", "kind", "alliance",
                                     *ORGANISER_COLUMNS]
    assert rows["organiser"].tolist() == ["region", "A", "B", "C"] * 2
    assert rows["kind"].tolist()[:2] == ["region", "municipality"]
    # Membership shows from month 1 on, in any phase.
    assert rows["alliance"].tolist() == [""] * 4 + ["", "AB", "AB", ""]
    assert rows["net_eur"].tolist()[:2] == [0.0, -50.0]
    assert rows["budget_eur"].tolist()[:4] == [900.0, 300.0, 200.0, 100.0]
    prov = books.provider_rows.to_frame()
    assert prov["provider"].tolist() == [p.name for p in provs] * 2
    assert prov.loc[1, ["clients", "revenue_eur", "cost_eur", "margin_eur"]].tolist() == [
        4, 100.0, 60.0, 40.0]


@pytest.mark.parametrize("as_array", [False, True])
def test_many_payments_book_as_each_one_by_one(as_array):
    """Negative amounts go the other way, zeros book nothing: the same sums as add."""
    rng = np.random.default_rng(3)
    payers = [str(k) for k in rng.integers(0, 4, 60)]
    euros = np.where(rng.random(60) < 0.2, 0.0, rng.normal(0, 1e3, 60))
    euros[:2] = [-0.0, 0.1]
    many, one = Flows(), Flows()
    many.add_many(payers, "x", "service", euros if as_array else euros.tolist())
    for payer, e in zip(payers, euros.tolist(), strict=True):
        one.add(payer, "x", "service", e)
    assert list(many.month.items()) == list(one.month.items())
