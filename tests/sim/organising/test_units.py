"""Purchasing units: who buys together under separate action, host municipalities and
alliances (pooled or not, with a member gone), and the registry's stable ids.

The organisers are those of ``organising_cases``: region 900, A 300, B 200, C 100 EUR a
month; labour force A 60, B 30, C 10.
"""

from __future__ import annotations

import numpy as np
import pytest
from organising_cases import (
    COACHING,
    REHABILITATION,
    TRAINING,
    alliance,
    observed,
    provider,
)

from sim.organising.units import UnitRegistry, build_units, unanimity_shares
from sim.services.state import MAX_INDEX


def summary(units):
    """(name, organisers, contribution, areas, alliance) of each unit, in order."""
    return [(u.name, u.organisers, u.contribution.tolist(), u.areas.tolist(), u.alliance)
            for u in units]


def test_separate_action_is_one_unit_per_organiser_in_canonical_order(world):
    orgs, _, provs = world
    units = build_units(orgs, [], [], provs)
    assert summary(units) == [
        ("region", [0], [900.0], [True, True, True], -1),
        ("A", [1], [300.0], [True, False, False], -1),
        ("B", [2], [200.0], [False, True, False], -1),
        ("C", [3], [100.0], [False, False, True], -1),
    ]
    for unit, row in zip(units, orgs.mix, strict=True):
        np.testing.assert_array_equal(unit.mix, row)
        assert unit.regime == "output" and unit.allowed is None and not unit.unanimity
    # The region's clients reach its services directly; a municipality's by referral.
    assert [u.referral_friction for u in units] == [False, True, True, True]
    assert [u.municipal for u in units] == [False, True, True, True]
    assert [u.key for u in units] == [(0,), (1,), (2,), (3,)]


def test_pooled_alliance_of_everyone_is_one_unit(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("pooled_budget",), members=("region", "A", "B", "C"))
    (unit,) = build_units(orgs, [a], [], provs)
    assert unit.name == "Alliance" and unit.alliance == 0
    assert unit.organisers == [0, 1, 2, 3]
    assert unit.contribution.tolist() == [900.0, 300.0, 200.0, 100.0]
    assert unit.budget == 1500.0 and unit.areas.all()
    # Unanimity: no municipality's share below its contribution share less 0.05.
    floors = dict(unit.unanimity)
    assert floors == pytest.approx({0: 0.5 - 0.05, 1: 1 / 3 - 0.05, 2: 1 / 6 - 0.05})


def test_pooled_alliance_takes_the_regions_part_by_the_members_labour_force(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("pooled_budget",))  # region, A and B
    units = build_units(orgs, [a], [], provs)
    pooled = units[0]
    # The region's part: 900 × (60 + 30) / 100 = 810.
    assert pooled.organisers == [0, 1, 2]
    assert pooled.contribution.tolist() == pytest.approx([810.0, 300.0, 200.0])
    assert pooled.areas.tolist() == [True, True, False]
    assert dict(pooled.unanimity) == pytest.approx({0: 0.6 - 0.05, 1: 0.4 - 0.05})
    # The mix is the members' plans weighted by their money (1,310 EUR in all).
    assert pooled.mix[COACHING] == pytest.approx((810 * 0.5 + 200 * 1.0) / 1310)
    assert pooled.mix[TRAINING] == pytest.approx(810 * 0.5 / 1310)
    assert pooled.mix[REHABILITATION] == pytest.approx(300 / 1310)
    assert pooled.mix.sum() == pytest.approx(1.0)
    # C, outside the alliance, acts separately, and so does the rest of the region's money
    # (900 - 810) for C's residents.
    assert summary(units[1:]) == [("region", [0], [90.0], [False, False, True], -1),
                                  ("C", [3], [100.0], [False, False, True], -1)]


def test_pooled_alliance_leaves_the_region_serving_the_non_members(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("pooled_budget",))  # region, A and B; not C
    units = build_units(orgs, [a], [], provs)
    # Every euro of every organiser is in some unit, as under separate action; the
    # region's remaining 90 EUR serves C's residents.
    assert sum(u.budget for u in units) == pytest.approx(orgs.budget.sum())
    region = [u for u in units if u.organisers == [0]]
    assert len(region) == 1 and region[0].areas.tolist() == [False, False, True]


def test_minimum_share_floors_are_never_negative(world):
    orgs, m, provs = world
    # B's contribution share alone among B and C is 2/3, C's 1/3; a tolerance of 0.5 would
    # leave C's floor at -1/6, which the unit keeps at 0.
    a = alliance(m, orgs, provs, levers=("pooled_budget",), members=("B", "C"),
                 reallocation_tolerance=0.5)
    pooled = [u for u in build_units(orgs, [a], [], provs) if u.alliance == 0][0]
    assert dict(pooled.unanimity) == pytest.approx({1: 2 / 3 - 0.5, 2: 0.0})
    assert pooled.organisers == [2, 3] and pooled.contribution.tolist() == [200.0, 100.0]


def test_non_pooled_alliance_keeps_each_member_its_own_unit_under_the_contract(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("outcome_payment",), providers=["Coach Oy"])
    units = build_units(orgs, [a], [], provs)
    assert summary(units) == [
        ("region", [0], [900.0], [True, True, True], 0),
        ("A", [1], [300.0], [True, False, False], 0),
        ("B", [2], [200.0], [False, True, False], 0),
        ("C", [3], [100.0], [False, False, True], -1),
    ]
    assert [u.regime for u in units] == ["outcome", "outcome", "outcome", "output"]
    # Under the contract: the contracted provider and the members' own units only.
    allowed = [True, False, True, False]
    for unit in units[:3]:
        assert unit.allowed.tolist() == allowed
        assert not unit.outcome_bonus
    assert units[3].allowed is None
    # Without the one door, members' clients still reach the services by referral.
    assert [u.referral_friction for u in units] == [False, True, True, True]


def test_unified_referrals_remove_the_friction_only_with_the_region_in(world):
    orgs, m, provs = world
    with_region = alliance(m, orgs, provs, levers=("unified_referrals",))
    units = build_units(orgs, [with_region], [], provs)
    assert [u.referral_friction for u in units] == [False, False, False, True]
    without = alliance(m, orgs, provs, levers=("unified_referrals",), members=("A", "B"))
    units = build_units(orgs, [without], [], provs)
    assert [u.referral_friction for u in units] == [False, True, True, True]


def test_open_books_with_outcome_payment_pay_an_outcome_bonus(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("gain_pain_share", "outcome_payment"))
    units = build_units(orgs, [a], [], provs)
    assert [(u.regime, u.outcome_bonus) for u in units] == [
        ("open_book", True), ("open_book", True), ("open_book", True), ("output", False)]


def test_joint_decisions_move_a_members_mix(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("joint_decisions",), members=("C",))
    a.mix_adjust[COACHING] = 2.0
    (c,) = [u for u in build_units(orgs, [a], [], provs) if u.alliance == 0]
    # C plans half and half; coaching weighs double: 2/3 and 1/3.
    assert c.mix[COACHING] == pytest.approx(2 / 3)
    assert c.mix[REHABILITATION] == pytest.approx(1 / 3)


def test_host_municipality_buys_for_its_members(world):
    orgs, _, provs = world
    units = build_units(orgs, [], [(1, [3])], provs)  # A hosts C
    assert summary(units) == [
        ("region", [0], [900.0], [True, True, True], -1),
        ("A host", [1, 3], [300.0, 100.0], [True, False, True], -1),
        ("B", [2], [200.0], [False, True, False], -1),
    ]
    host = units[1]
    # A buys rehabilitation only, C half and half: (300 + 50) / 400 and 50 / 400.
    assert host.mix[REHABILITATION] == pytest.approx(0.875)
    assert host.mix[COACHING] == pytest.approx(0.125)
    assert host.municipal and host.referral_friction


def test_host_members_in_an_alliance_buy_under_it(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, members=("C",))
    units = build_units(orgs, [a], [(1, [3])], provs)
    # C is taken by the alliance, so A's arrangement has no one left to host.
    assert summary(units)[1:] == [
        ("A", [1], [300.0], [True, False, False], -1),
        ("B", [2], [200.0], [False, True, False], -1),
        ("C", [3], [100.0], [False, False, True], 0),
    ]


def test_a_member_that_left_acts_separately_again(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("outcome_payment",), leave_after_development=["B"])
    a.end_development(observed())
    assert a.members == [0, 1]
    units = build_units(orgs, [a], [], provs)
    assert [(u.name, u.alliance, u.regime) for u in units] == [
        ("region", 0, "outcome"), ("A", 0, "outcome"), ("B", -1, "output"),
        ("C", -1, "output")]
    assert units[2].allowed is None


def test_unanimity_shares_lift_members_under_their_floor():
    # Proportional shares 0.9, 0.09, 0.01; the two small members are lifted to their
    # floors and the first keeps what is left: 1 - 0.2 - 0.15.
    shares = unanimity_shares(np.array([90.0, 9.0, 1.0]), np.array([0.0, 0.2, 0.15]))
    assert shares.tolist() == pytest.approx([0.65, 0.2, 0.15])
    # Above every floor, shares follow the weights; no weight at all shares equally.
    assert unanimity_shares(np.array([3.0, 1.0]), np.array([0.1, 0.1])).tolist() == [0.75, 0.25]
    assert unanimity_shares(np.zeros(4), np.zeros(4)).tolist() == [0.25] * 4


def test_registry_ids_stay_the_same_across_months(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("outcome_payment",))
    registry = UnitRegistry(orgs, [])
    separate = registry.of_month(1, [a], provs)  # formation: everyone separate
    assert separate == [0, 1, 2, 3] and registry.month_ids == separate
    region_unit = registry[0]
    assert registry.of_month(2, [a], provs) == separate
    assert registry[0] is region_unit  # not rebuilt while nothing changed
    # Implementation: the members' units under the contract are new units; C keeps its id.
    implemented = registry.of_month(6, [a], provs)
    assert implemented == [4, 5, 6, 3]
    assert [registry[u].alliance for u in implemented] == [0, 0, 0, -1]
    assert len(registry) == 7 and [u.name for u in registry] == [
        "region", "A", "B", "C", "region", "A", "B"]
    # A member that leaves takes back its unit of separate action, under its old id.
    a.members.remove(2)
    assert registry.of_month(9, [a], provs) == [4, 5, 2, 3]
    assert [(uid, u.name) for uid, u in registry.month_units()] == [
        (4, "region"), (5, "A"), (2, "B"), (3, "C")]
    assert registry.column("alliance", np.int64).tolist() == [-1, -1, -1, -1, 0, 0, 0]
    assert registry.column("budget").tolist() == [900.0, 300.0, 200.0, 100.0,
                                                  900.0, 300.0, 200.0]


def test_registry_rebuilds_when_providers_enter(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("outcome_payment",))
    registry = UnitRegistry(orgs, [])
    assert registry.of_month(6, [a], provs) == [0, 1, 2, 3]
    before = registry[0]
    entered = [*provs, provider(m, 4, "Entrant Oy", ["coaching"])]
    assert registry.of_month(7, [a], entered) == [0, 1, 2, 3]
    # Same ids, new units: the contract's provider list has room for the entrant.
    assert registry[0] is not before and registry[0].allowed.size == 5


def test_registry_refuses_unit_ids_beyond_int16(world):
    """The service state keeps purchasing-unit ids in int16: registering stops first."""
    orgs, m, provs = world
    registry = UnitRegistry(orgs, [])
    registry._units.extend([None] * MAX_INDEX)  # ids already taken
    with pytest.raises(RuntimeError, match="more than 32767 purchasing units"):
        registry.of_month(1, [], provs)
