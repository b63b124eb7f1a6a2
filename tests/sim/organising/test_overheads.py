"""Overheads: procurement offices under separate action and host municipalities, the
alliance's joint office, the variable share of spend, the caseworkers' contacts and the
caseworkers' capacity (caseloads and their effect on applications).

The scenario's defaults: an office costs 15,000 EUR a year (1,250 a month), the variable
overhead is 8 % of spend, one caseworker contact a month costs 60 EUR; the joint office
costs half the members' offices and 3 % of spend. Organisers are those of
``organising_cases`` (budgets 900, 300, 200, 100).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from organising_cases import alliance

from sim import load_scenario
from sim.labour.population import EMPLOYED, OUTSIDE, UNEMPLOYED
from sim.organising.ledger import ORGANISER_COLUMNS, Ledger
from sim.organising.overheads import (
    Caseworkers,
    book_overheads,
    joint_office_month,
    planned_overhead,
    separate_fixed_overhead,
)
from sim.organising.units import UnitRegistry, build_units
from sim.scenario import LEVERS
from sim.scenario.organising import Organisers as OrganiserSpec

OFFICE = 1_250.0


@pytest.fixture(scope="module")
def scenario():
    """The tiny scenario (only its organisers' overhead parameters are read)."""
    return load_scenario("tiny")


def test_a_unit_of_separate_action_pays_one_office_per_organiser(world, scenario):
    orgs, m, provs = world
    units = build_units(orgs, [], [(1, [3])], provs)  # region, A hosting C, B
    assert [separate_fixed_overhead(u, scenario) for u in units] == [OFFICE] * 3
    # A pooled alliance without a joint office keeps each member's office.
    a = alliance(m, orgs, provs, levers=("pooled_budget",))
    pooled, region = build_units(orgs, [a], [], provs)[:2]
    assert separate_fixed_overhead(pooled, scenario) == 3 * OFFICE
    # The region's budget left for the non-member C has no office of its own.
    assert region.organisers == [0] and region.areas.tolist() == [False, False, True]
    assert separate_fixed_overhead(region, scenario) == 0.0


def test_joint_office_costs_a_share_of_the_members_offices(world, scenario):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("joint_office",), joint_office_fixed_share=0.4)
    assert joint_office_month(a, scenario) == pytest.approx(0.4 * 3 * OFFICE)


def test_planned_overhead_of_a_unit_in_the_joint_office(world, scenario):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("joint_office",))  # not pooled: a unit per member
    units = build_units(orgs, [a], [], provs)
    joint = 0.5 * 3 * OFFICE
    # Each member's unit carries its budget's share of the office (of 1,400 EUR).
    for unit, budget in zip(units[:3], (900.0, 300.0, 200.0), strict=True):
        fixed, variable = planned_overhead(unit, [a], orgs, scenario, 6)
        assert fixed == pytest.approx(joint * budget / 1_400.0) and variable == 0.03
    assert planned_overhead(units[3], [a], orgs, scenario, 6) == (OFFICE, 0.08)
    # Before implementation the members plan with their own offices.
    assert planned_overhead(units[1], [a], orgs, scenario, 4) == (OFFICE, 0.08)


def test_planned_overhead_without_a_joint_office(world, scenario):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("pooled_budget",))
    pooled = build_units(orgs, [a], [], provs)[0]
    assert planned_overhead(pooled, [a], orgs, scenario, 6) == (3 * OFFICE, 0.08)


def booked(orgs, units, alliances, scenario, month, spend, unemployed=2):
    """The overhead booked to each organiser in ``month`` with ``spend`` on services."""
    ledger = Ledger(orgs, units)
    ledger.start_month()
    ledger.books.values["service_spend_eur"][:] = spend
    status = np.array([UNEMPLOYED] * unemployed + [EMPLOYED] * 3, dtype=np.int8)
    book_overheads(ledger, units, alliances, orgs, SimpleNamespace(status=status), scenario,
                   month)
    return ledger.books.values["overhead_eur"]


SPEND = np.array([1_000.0, 500.0, 200.0, 100.0])


def test_separate_action_books_offices_spend_share_and_contacts(world, scenario):
    orgs, _, provs = world
    units = UnitRegistry(orgs, [(1, [3])])
    units.of_month(1, [], provs)
    overhead = booked(orgs, units, [], scenario, 1, SPEND)
    # Offices: the region's, A's host office split 3:1 with C, B's; then 8 % of spend;
    # the region also pays one contact a month for each of the 2 jobseekers.
    assert overhead.tolist() == pytest.approx([
        OFFICE + 80.0 + 2 * 60.0, 0.75 * OFFICE + 40.0, OFFICE + 16.0, 0.25 * OFFICE + 8.0])


def test_caseworker_contacts_are_overhead_that_the_budget_does_not_pay(world, scenario):
    orgs, _, provs = world
    units = UnitRegistry(orgs, [])
    units.of_month(1, [], provs)
    ledger = Ledger(orgs, units)
    ledger.start_month()
    status = np.array([UNEMPLOYED, UNEMPLOYED, OUTSIDE, EMPLOYED], dtype=np.int8)
    book_overheads(ledger, units, [], orgs, SimpleNamespace(status=status), scenario, 1)
    # Two jobseekers (the person outside the labour force is none), the region's alone.
    assert ledger.books.values["caseworker_eur"].tolist() == [2 * 60.0, 0.0, 0.0, 0.0]
    closed = dict(zip(ORGANISER_COLUMNS, ledger.books.close().T, strict=True))
    np.testing.assert_allclose(closed["budget_outlays_eur"],
                               closed["overhead_eur"] - [2 * 60.0, 0.0, 0.0, 0.0])


def test_joint_office_replaces_the_members_offices_in_implementation(world, scenario):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("joint_office",))
    units = UnitRegistry(orgs, [])
    units.of_month(6, [a], provs)
    overhead = booked(orgs, units, [a], scenario, 6, SPEND, unemployed=0)
    # The office (1,875 a month) and 3 % of the members' spend (51), split by budget.
    joint = 0.5 * 3 * OFFICE + 0.03 * 1_700.0
    shares = np.array([900.0, 300.0, 200.0]) / 1_400.0
    assert overhead.tolist() == pytest.approx([*(joint * shares), OFFICE + 8.0])


def test_joint_office_formation_costs_on_top_of_separate_offices(world, scenario):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("joint_office",), formation_cost_eur=14_000.0)
    units = UnitRegistry(orgs, [])
    units.of_month(1, [a], provs)
    overhead = booked(orgs, units, [a], scenario, 1, SPEND, unemployed=0)
    formation = 7_000.0 * np.array([900.0, 300.0, 200.0, 0.0]) / 1_400.0
    separate = OFFICE + 0.08 * SPEND
    assert overhead.tolist() == pytest.approx((separate + formation).tolist())
    # In development the members pay their own offices and nothing more.
    units.of_month(4, [a], provs)
    assert booked(orgs, units, [a], scenario, 4, SPEND, unemployed=0).tolist() == \
        pytest.approx(separate.tolist())


# ------------------------------------------------------------------ caseworker capacity
# Unemployed jobseekers of A, B and C at month 0: at the default caseload of 136, the region
# employs 1.5 caseworkers for them (or A 1, B 0.375 and C 0.125 under TE24).
MONTH_0 = np.array([136.0, 51.0, 17.0])


def caseworkers(orgs, month_0=MONTH_0, **spec) -> Caseworkers:
    """Caseworkers fixed at month 0 for ``month_0`` jobseekers; ``spec``: organisers' fields."""
    c = Caseworkers(OrganiserSpec(**spec), orgs)
    c.start_observation(month_0)
    return c


def test_month_0_fixes_the_caseworkers_and_the_factor_starts_at_1(world):
    orgs, _, _ = world
    before = Caseworkers(OrganiserSpec(), orgs)
    assert before.search_factor([], MONTH_0 * 2, -3).tolist() == [1.0, 1.0, 1.0]  # burn-in
    assert before.staff.tolist() == [0.0, 0.0, 0.0]
    c = caseworkers(orgs)
    assert c.staff.tolist() == [1.0, 0.375, 0.125]
    assert c.search_factor([], MONTH_0, 0).tolist() == [1.0, 1.0, 1.0]
    assert c.caseload([], MONTH_0, 0).tolist() == [136.0] * 4  # and the region's
    # The caseworkers keep the numbers of month 0 whatever the count of jobseekers later.
    c.search_factor([], MONTH_0 * 3, 5)
    assert c.staff.tolist() == [1.0, 0.375, 0.125]


def test_more_jobseekers_mean_less_time_each_and_fewer_applications(world):
    orgs, _, _ = world
    now = np.array([204.0, 51.0, 17.0])  # A's jobseekers up by half: the region's by a third
    region = caseworkers(orgs)
    assert region.search_factor([], now, 3) == pytest.approx([0.75 ** 0.2] * 3)
    assert region.caseload([], now, 3) == pytest.approx([136.0 / 0.75] * 4)
    te24 = caseworkers(orgs, caseworkers="municipalities", caseload=120.0)
    assert te24.search_factor([], now, 3) == pytest.approx([(2 / 3) ** 0.2, 1.0, 1.0])
    assert te24.caseload([], now, 3) == pytest.approx([180.0, 120.0, 120.0, 160.0])
    # Fewer jobseekers, more time each.
    assert te24.search_factor([], np.array([68.0, 51.0, 17.0]), 3)[0] == pytest.approx(
        2.0 ** 0.2)


def test_the_time_ratio_is_clipped_and_elasticity_0_changes_nothing(world):
    orgs, _, _ = world
    c = caseworkers(orgs, caseworkers="municipalities", caseworker_search_elasticity=0.5,
                    caseworker_time_min=0.4, caseworker_time_max=3.0)
    # A's jobseekers five times as many, B's down to a tenth, C has none now.
    now = np.array([680.0, 5.1, 0.0])
    assert c.search_factor([], now, 3) == pytest.approx([0.4 ** 0.5, 3.0 ** 0.5, 3.0 ** 0.5])
    assert c.caseload([], now, 3)[2] == 0.0  # no jobseekers, no caseload
    flat = caseworkers(orgs, caseworker_search_elasticity=0.0)
    assert flat.search_factor([], now, 3).tolist() == [1.0, 1.0, 1.0]


def test_a_municipality_without_jobseekers_at_month_0_has_no_caseworkers(world):
    orgs, _, _ = world
    c = caseworkers(orgs, np.array([136.0, 51.0, 0.0]), caseworkers="municipalities")
    assert c.search_factor([], np.array([136.0, 51.0, 4.0]), 2)[2] == pytest.approx(0.5 ** 0.2)
    assert np.isnan(c.caseload([], np.array([136.0, 51.0, 4.0]), 2)[2])


def test_the_joint_office_pools_time_less_in_integration_more_in_implementation(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("joint_office",))  # region, A and B
    c = caseworkers(orgs)
    # Formation and development: the members' pooled time falls by a tenth; C's is the rest
    # of the region's pool and keeps its time.
    for month in (1, 4):
        assert c.search_factor([a], MONTH_0, month) == pytest.approx([0.9 ** 0.2] * 2 + [1.0])
    # Implementation: duplicated administration goes, the time rises by 5 %.
    assert c.search_factor([a], MONTH_0, 6) == pytest.approx([1.05 ** 0.2] * 2 + [1.0])
    assert c.caseload([a], MONTH_0, 6) == pytest.approx(
        [136.0 / 1.05] * 2 + [136.0, 136.0 * 204.0 / (187.0 * 1.05 + 17.0)])
    # Under TE24 A's and B's caseworkers share the members' jobseekers: A's more numerous
    # jobseekers draw on B's caseworkers.
    te24 = caseworkers(orgs, caseworkers="municipalities")
    now = np.array([204.0, 51.0, 17.0])
    pooled = 187.0 * 1.05 / 255.0
    assert te24.search_factor([a], now, 6) == pytest.approx([pooled ** 0.2] * 2 + [1.0])


def test_an_alliance_without_the_joint_office_leaves_caseworkers_alone(world):
    orgs, m, provs = world
    others = tuple(lever for lever in LEVERS if lever != "joint_office")
    a = alliance(m, orgs, provs, levers=others)
    now = np.array([204.0, 40.0, 30.0])
    for employer in ("region", "municipalities"):
        c = caseworkers(orgs, caseworkers=employer)
        for month in (0, 1, 4, 6, 12):
            assert c.search_factor([a], now, month).tolist() == \
                c.search_factor([], now, month).tolist()
            assert c.caseload([a], now, month).tolist() == c.caseload([], now, month).tolist()
