"""Budget discipline: the budget year, in-year cost of starts, each unit's start factor,
the alliances' settlement reserve, and, in runs of the built-in scenarios, no organiser's
year over its budget by more than the documented tolerance."""

from __future__ import annotations

import numpy as np
import pytest
from builtin_runs import REGIONAL, long_run
from organising_cases import alliance

from sim.organising.ledger import (
    BUDGET_TOLERANCE,
    BudgetYear,
    months_left_in_year,
    organiser_sums,
    settlement_reserve,
    start_factors,
)
from sim.organising.units import Unit


def unit(organisers, contribution):
    """A unit paid by ``organisers`` with ``contribution`` EUR a month each."""
    n = len(organisers)
    return Unit("u", list(organisers), np.array(contribution, float), np.ones(3, bool),
                np.ones(1) / n)


def test_budget_years_start_at_month_one():
    assert [months_left_in_year(m) for m in (1, 2, 12, 13, 24, 25)] == [12, 11, 1, 12, 1, 12]
    assert months_left_in_year(0) == 1  # month 0 closes the year before
    assert months_left_in_year(-11) == 12


def test_organiser_sums_split_by_contribution():
    units = [unit([0], [10.0]), unit([1, 2], [30.0, 10.0])]
    assert organiser_sums(units, [5.0, 100.0], 3).tolist() == [5.0, 75.0, 25.0]


def test_start_factors_cut_only_what_does_not_fit():
    units = [unit([0], [1.0]), unit([1, 2], [1.0, 1.0]), unit([3], [1.0])]
    allowance = np.array([100.0, 100.0, 100.0, 100.0])
    spent = np.array([50.0, 40.0, 80.0, 120.0])
    committed = np.array([20.0, 0.0, 0.0, 0.0])
    # Organiser 0 has 30 of room for 20: all; the pooled unit needs 30 from each of 1
    # (room 60) and 2 (room 20): 2/3 of it; organiser 3 is over already: nothing.
    factor = start_factors(units, allowance, spent, committed, [20.0, 60.0, 10.0])
    assert factor.tolist() == pytest.approx([1.0, 2.0 / 3.0, 0.0])
    assert start_factors(units, allowance, spent, committed, [0.0, 0.0, 0.0]).tolist() == [
        1.0, 1.0, 1.0]


def test_a_budget_year_keeps_money_and_spend_until_the_next_year():
    units = [unit([0], [1.0]), unit([1], [1.0])]
    year = BudgetYear(2)
    year.start_month(1)
    assert year.allowance(units, [10.0, 20.0], 1).tolist() == [120.0, 240.0]
    year.close_month(1, units, [10.0, 20.0], np.array([9.0, 25.0]))
    year.start_month(2)
    assert year.allowance(units, [10.0, 30.0], 2).tolist() == [120.0, 20.0 + 11 * 30.0]
    assert year.spent.tolist() == [9.0, 25.0]
    year.close_month(2, units, [10.0, 30.0], np.array([1.0, 1.0]))
    year.close_month(13, units, [10.0, 30.0], np.array([2.0, 3.0]))  # a new year
    assert year.spent.tolist() == [2.0, 3.0] and year.money.tolist() == [10.0, 30.0]


def test_settlement_reserve_holds_the_bonus_pool_and_the_gain_in_sight(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("gain_pain_share", "outcome_payment"),
                 members=("A", "B"), kra_bonus_eur_per_year=4_000.0)
    # Months 1-2 formation, 3-5 development; the quarter end at 6 sets the KRA levels,
    # settlements follow at 9 and 12: two within the year from month 7.
    a.target_unit[0] = 100.0
    a.track(10, 800.0, 0.0, 0)  # a month of the quarter gone: 1,000 target, 800 cost
    reserve = settlement_reserve(a, 8, orgs.budget)
    gain = a.spec.provider_gain_share * 200.0 * 3  # per quarter, projected
    assert reserve.sum() == pytest.approx(2 * (gain + 1_000.0))
    assert reserve.tolist() == pytest.approx([0.0, 0.6 * reserve.sum(), 0.4 * reserve.sum(),
                                              0.0])
    assert settlement_reserve(a, 5, orgs.budget).sum() == 0.0  # no contract yet
    assert settlement_reserve(a, 11, orgs.budget).sum() == pytest.approx(gain + 1_000.0)
    # A quarter's first month has no costs yet: the last quarter's gain (none yet) it is.
    assert settlement_reserve(a, 13, orgs.budget).sum() == pytest.approx(4 * 1_000.0)
    a.last_gain_pain = 300.0  # at a quarter's first month, the last quarter's gain
    assert settlement_reserve(a, 13, orgs.budget).sum() == pytest.approx(4 * 1_300.0)
    a.track(0, 400.0, 0.0, 0)  # a pain (1,200 against 1,000): nothing reserved for it
    assert settlement_reserve(a, 8, orgs.budget).sum() == pytest.approx(2 * 1_000.0)


def yearly_outlays(name: str) -> np.ndarray:
    """Each organiser's budget outlays over each whole year of a run, over its budget."""
    o = long_run(name).organisers
    o = o[o.month >= 1].assign(year=(o.month - 1) // 12)
    y = o.groupby(["organiser", "year"])[["budget_eur", "budget_outlays_eur"]].sum()
    y = y[y.budget_eur > 0]
    return (y.budget_outlays_eur / y.budget_eur).to_numpy()


@pytest.mark.parametrize("name", REGIONAL)
def test_no_organiser_spends_more_than_its_year_allows(name):
    ratio = yearly_outlays(name)
    assert ratio.size >= 3
    assert ratio.max() <= 1.0 + BUDGET_TOLERANCE
    assert np.median(ratio) > 0.85  # the money is used, not left idle
