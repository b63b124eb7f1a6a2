"""The alliance as an agent: phases, contract, tracking, the end of development, the
quarter's settlement, exits, joint decisions, joint learning and the joint office.

Organisers and observations are those of ``organising_cases``; the alliance (region, A and
B unless said) forms in months 1-2, develops in months 3-5 and is implemented from month 6.
"""

from __future__ import annotations

import numpy as np
import pytest
from organising_cases import (
    COACHING,
    REHABILITATION,
    TRAINING,
    alliance,
    employment_kra,
    observed,
)

from sim.organising.alliance import ALLIANCE_COLUMNS, adjust_mix
from sim.organising.ledger import Ledger
from sim.organising.overheads import caseworker_pools
from sim.organising.units import Unit, UnitRegistry
from sim.scenario import SERVICES
from sim.scenario.organising import KRA
from sim.services.market import cut_cost


def test_phases_follow_the_months(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs)
    months = (-2, 0, 1, 2, 3, 5, 6, 30)
    assert [a.phase(t) for t in months] == [
        "strategy", "strategy", "formation", "formation", "development", "development",
        "implementation", "implementation"]
    assert [a.implemented(t) for t in months] == [False] * 6 + [True] * 2
    assert a.active(6)
    a.members.clear()
    assert a.phase(6) == "dissolved" and not a.active(6) and not a.implemented(6)


@pytest.mark.parametrize(("levers", "regime", "contracts"), [
    ((), "output", False),
    (("pooled_budget", "joint_learning"), "output", False),
    (("outcome_payment",), "outcome", True),
    (("gain_pain_share",), "open_book", True),
    (("gain_pain_share", "outcome_payment"), "open_book", True),
])
def test_the_contract_follows_the_payment_levers(world, levers, regime, contracts):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=levers)
    assert (a.regime, a.contracts, a.any_lever) == (regime, contracts, bool(levers))


def test_contracted_providers_and_members_own_units_are_allowed(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, providers=["Coach Oy"])
    # Coach Oy by contract, the region's own unit by membership; not Other Oy, not C's unit.
    assert a.allowed_providers(provs).tolist() == [True, False, True, False]
    assert [a.covers(p) for p in provs] == [True, False, True, False]
    with_c = alliance(m, orgs, provs, members=("A", "C"), providers=["Other Oy"])
    assert with_c.allowed_providers(provs).tolist() == [False, True, False, True]


def test_unit_mix_is_moved_only_by_joint_decisions(world):
    orgs, m, provs = world
    plan = np.zeros(len(SERVICES))
    plan[[COACHING, TRAINING]] = 2.0
    for levers, coaching in (((), 0.5), (("joint_decisions",), 2 / 3)):
        a = alliance(m, orgs, provs, levers=levers)
        a.mix_adjust[COACHING] = 2.0
        mix = a.unit_mix(plan)
        assert mix[COACHING] == pytest.approx(coaching)
        assert mix.sum() == pytest.approx(1.0)
    assert not alliance(m, orgs, provs).unit_mix(np.zeros(len(SERVICES))).any()


def test_joint_learning_pools_the_alliances_providers_outcome_records(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, providers=["Coach Oy", "Other Oy"],
                 levers=("joint_learning",))
    # Its contracted providers and the region's own unit (a member's) pool their records.
    assert a.data_pool(provs[2]) == [0, 1, 2]
    assert a.data_pool(provs[0]) == [0, 1, 2]
    alone = alliance(m, orgs, provs, providers=["Coach Oy", "Other Oy"], levers=())
    assert alone.data_pool(provs[0]) == [0]


def test_open_books_cut_a_providers_cost_by_its_gain_less_the_fee_down_to_a_floor(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, efficiency_gain_per_year=0.12)
    p = provs[0]  # cost factor 0.9
    cut_cost(p, a.spec)  # keeps 0.5 − 0.08 of a saving: cuts 0.42 × 1 % this month
    assert p.cost_factor == pytest.approx(0.9 * (1 - 0.42 * 0.01))
    p.cost_factor = 0.631
    cut_cost(p, a.spec)  # below 0.7 × 0.9
    assert p.cost_factor == pytest.approx(0.63)


def test_the_target_cost_is_per_service_so_a_change_of_mix_is_no_gain(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, kras=employment_kra())
    a.track(100, 50_000.0, 4_000.0, COACHING)
    a.track(10, 13_000.0, 1_040.0, TRAINING)
    a.end_development(observed())
    a.end_quarter()
    # Next quarter: the mix moves to training at the same unit costs.
    a.track(20, 10_000.0, 800.0, COACHING)
    a.track(50, 65_000.0, 5_200.0, TRAINING)
    assert a.target_cost() == pytest.approx(0.95 * 75_000.0)
    # A service bought for the first time counts at its cost.
    a.track(5, 2_000.0, 160.0, REHABILITATION)
    assert a.target_cost() == pytest.approx(0.95 * 75_000.0 + 2_000.0)


def unit(organisers_, alliance_index=-1):
    """A unit of ``organisers_`` (budgets of no concern here) under an alliance or none."""
    n = len(organisers_)
    return Unit("u", list(organisers_), np.ones(n), np.ones(3, dtype=bool), np.ones(8) / 8,
                alliance=alliance_index)


def test_tracks_its_own_units_and_in_development_its_members_separate_ones(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs)
    own, other = unit([0, 1, 2], 0), unit([3], 1)
    member, with_stranger = unit([1]), unit([1, 3])
    assert [a.tracks(u, 4) for u in (own, member, with_stranger, other)] == [
        (True, True), (True, False), (False, False), (False, False)]
    # The baseline is the development phase's: not formation, not implementation.
    assert a.tracks(member, 1) == (False, False)
    assert a.tracks(member, 7) == (False, False)
    assert a.tracks(own, 7) == (True, True)


def test_track_and_counts_add_up_over_the_quarter(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs)
    a.track(10, 900.0, 72.0, COACHING)
    a.track(5, 450.0, 36.0, COACHING)
    assert a.acc.tolist() == [15.0, 1350.0, 108.0]
    a.end_quarter()
    assert a.acc.tolist() == [0.0, 0.0, 0.0]


def value(per_euro: dict[int, float], seen: float = 50.0):
    """Value added per euro and follow-ups seen, per service (others unseen)."""
    v, n = np.zeros(len(SERVICES)), np.zeros(len(SERVICES))
    for s, x in per_euro.items():
        v[s], n[s] = x, seen
    return v, n


def test_joint_decisions_move_the_mix_toward_value_added_per_euro(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("joint_decisions",))
    mix = adjust_mix(a, value({COACHING: 5e-5, TRAINING: 1e-5}))
    # 5e-5 and 1e-5 against a mean of 3e-5, the largest deviation 2e-5: ±0.15 × 2 / 2.
    assert mix[COACHING] == pytest.approx(1.15)
    assert mix[TRAINING] == pytest.approx(0.85)
    assert mix[REHABILITATION] == 1.0  # not seen: unchanged
    # Value added may be negative (lock-in): still toward the better one.
    mix = adjust_mix(a, value({COACHING: -1e-5, TRAINING: -3e-5}))
    assert mix[COACHING] == pytest.approx(1.15) and mix[TRAINING] == pytest.approx(0.85)


def test_a_quarters_change_of_the_mix_stays_within_the_step(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("joint_decisions",))
    # 0, 1e-5 and 4e-5: mean 5e-5 / 3, deviations -5, -2 and +7 (1e-5 / 3), the largest 7.
    mix = adjust_mix(a, value({COACHING: 0.0, TRAINING: 1e-5, REHABILITATION: 4e-5}))
    assert mix[[COACHING, TRAINING, REHABILITATION]] == pytest.approx(
        [1 - 0.15 * 5 / 7, 1 - 0.15 * 2 / 7, 1.15])
    # A mean of zero (or near it) no longer multiplies the step: ±0.15.
    mix = adjust_mix(a, value({COACHING: 1e-5, TRAINING: -1e-5}))
    assert mix[[COACHING, TRAINING]] == pytest.approx([1.15, 0.85])
    # 1e-9, -3e-9 and 2e-9: mean 0, the largest deviation 3e-9.
    mix = adjust_mix(a, value({COACHING: 1e-9, TRAINING: -3e-9, REHABILITATION: 2e-9}))
    assert mix[[COACHING, TRAINING, REHABILITATION]] == pytest.approx([1.05, 0.85, 1.1])


def test_joint_decisions_compare_firm_services_with_person_services(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("joint_decisions",))
    advisory, recruitment = SERVICES.index("business_advisory"), SERVICES.index("recruitment")
    # Value per euro of a start, scored by client firms' jobs above the baseline.
    mix = adjust_mix(a, value({COACHING: 1e-5, advisory: 5e-5}))
    assert mix[advisory] == pytest.approx(1.15) and mix[COACHING] == pytest.approx(0.85)
    assert mix[recruitment] == 1.0  # not seen: unchanged
    mix = adjust_mix(a, value({recruitment: 1e-5, advisory: 5e-5, TRAINING: 3e-5}))
    assert mix[[recruitment, TRAINING, advisory]] == pytest.approx([0.85, 1.0, 1.15])


def test_joint_decisions_stay_within_half_and_double_the_plan(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("joint_decisions",))
    a.mix_adjust[[COACHING, TRAINING]] = [1.95, 0.52]
    mix = adjust_mix(a, value({COACHING: 5e-5, TRAINING: 1e-5}))
    assert mix[[COACHING, TRAINING]].tolist() == [2.0, 0.5]


@pytest.mark.parametrize(("per_euro", "seen"), [
    ({COACHING: 5e-5}, 50.0),  # one service seen: nothing to compare
    ({COACHING: 5e-5, TRAINING: 1e-5}, 29.0),  # too few follow-ups
    ({COACHING: 0.0, TRAINING: 0.0}, 50.0),  # no value added anywhere
    ({COACHING: 3e-5, TRAINING: 3e-5}, 50.0),  # all equal: no deviation from the mean
])
def test_joint_decisions_need_two_services_with_enough_follow_ups(world, per_euro, seen):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("joint_decisions",))
    assert adjust_mix(a, value(per_euro, seen)).tolist() == [1.0] * len(SERVICES)


def test_end_of_development_sets_the_target_cost_and_levels(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, kras=employment_kra(0.1))
    a.track(100, 50_000.0, 4_000.0, COACHING)
    assert a.end_development(observed()) == ""
    # 500 EUR a client-month less the target saving of 5 %.
    assert a.target_unit[COACHING] == pytest.approx(475.0)
    assert np.isnan(a.target_unit[TRAINING])  # not bought: no target
    # A and B employ 120 of 150; the region alone answers for all 200 (165 employed).
    assert a.levels == {"employment_rate": (pytest.approx(0.8), pytest.approx(0.88))}
    assert a.member_levels == {
        0: {"employment_rate": (pytest.approx(0.825), pytest.approx(0.9075))},
        1: {"employment_rate": (pytest.approx(0.8), pytest.approx(0.88))},
        2: {"employment_rate": (pytest.approx(0.8), pytest.approx(0.88))},
    }
    assert a.members == [0, 1, 2] and a.exited == []


def test_end_of_development_without_clients_sets_no_target(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, kras=employment_kra())
    a.end_development(observed())
    assert np.isnan(a.target_cost())


def test_parties_use_their_exit_right_at_the_end_of_development(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, providers=["Coach Oy", "Other Oy"], kras=employment_kra(),
                 leave_after_development=["B", "Coach Oy", "C"])
    assert a.provider_ids == [0, 1]
    # C is not a member: nothing happens for it.
    assert a.end_development(observed()) == "exit:B;exit:Coach Oy"
    assert a.members == [0, 1] and a.exited == [2]
    assert a.provider_ids == [1]


def test_quarter_ends_development_at_its_last_quarter_end(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, kras=employment_kra(), leave_after_development=["B"])
    a.track(10, 1_000.0, 80.0, COACHING)
    # Month 3 is the last quarter end before implementation starts in month 6.
    (row,) = a.quarter(3, observed())
    assert len(row) == len(ALLIANCE_COLUMNS)
    record = dict(zip(ALLIANCE_COLUMNS, row, strict=True))
    assert {k: record[k] for k in ("month", "alliance", "phase", "members", "kra", "event")} \
        == {"month": 3, "alliance": "Alliance", "phase": "development", "members": 2,
            "kra": "", "event": "exit:B"}
    assert record["actual_cost_eur"] == 1_000.0 and np.isnan(record["target_cost_eur"])
    assert a.levels is not None


def test_quarter_in_early_development_or_formation_only_reports(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, kras=employment_kra(), development_months=6)
    for month, phase in ((3, "development"), (2, "formation")):
        (row,) = a.quarter(month, observed())
        assert row[2] == phase and row[-1] == ""
    assert a.levels is None


def test_quarter_ends_development_late_when_no_quarter_end_fell_in_it(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, kras=employment_kra(), formation_months=1,
                 development_months=1)  # development is month 2 alone
    (row,) = a.quarter(3, observed())
    assert row[2] == "implementation" and a.levels is not None


@pytest.fixture
def settling(world):
    """An alliance in implementation with every contract lever, its units and ledger.

    Development measured 100 client-months at 50,000 EUR (target 475 EUR a client-month)
    and an employment rate of 0.8 in A and B (levels 0.8 and 0.88); the KRA bonus pool is
    400,000 EUR a year. Coach Oy had 30 clients this quarter, Other Oy 10.
    """
    orgs, m, provs = world
    registry = UnitRegistry(orgs, [])
    ledger = Ledger(orgs, registry)
    a = alliance(m, orgs, provs, levers=("pooled_budget", "gain_pain_share", "outcome_payment"),
                 providers=["Coach Oy", "Other Oy"], kras=employment_kra(0.1),
                 kra_bonus_eur_per_year=400_000.0, ledger=ledger)
    a.track(100, 50_000.0, 4_000.0, COACHING)
    a.end_development(observed())
    a.end_quarter()
    registry.of_month(6, [a], provs)  # one pooled unit of the region, A and B
    provs[0].quarter_clients, provs[1].quarter_clients = 30, 10
    ledger.open_book_cost.update({0: 30_000.0, 1: 10_000.0})
    return a, ledger, provs


def test_settle_shares_pain_and_pays_the_bonus_by_clients(settling):
    a, ledger, provs = settling
    a.track(100, 52_500.0, 4_200.0, COACHING)
    # Employment 126 of 150: 0.84, half way to the exceptional level.
    events, values, target = a.settle(observed(employed=(84.0, 42.0, 45.0)))
    assert (events, target) == ("", pytest.approx(47_500.0))
    assert values == {"employment_rate": pytest.approx(0.84)}
    # Pain: half of 47,500 - 52,500, shared by open-book cost 3:1.
    assert [provs[0].gain_pain, provs[1].gain_pain] == pytest.approx([-1_875.0, -625.0])
    # Bonus: 400,000 / 4 × 0.5 = 50,000, shared by clients 3:1.
    assert [provs[0].kra_bonus, provs[1].kra_bonus] == pytest.approx([37_500.0, 12_500.0])
    # The members pay both by their budgets (900, 300, 200).
    books = ledger.books.values
    shares = np.array([900.0, 300.0, 200.0, 0.0]) / 1400
    np.testing.assert_allclose(books["gain_pain_eur"], -2_500.0 * shares)
    np.testing.assert_allclose(books["kra_bonus_eur"], 50_000.0 * shares)
    # Both count as the alliance unit's spend, a third at each of the next three budget
    # checks: the whole of it (a check that counted a third once let the alliance
    # overspend its budget).
    key = (0, 1, 2)
    checks = [ledger.settled_this_month(key) for _ in range(4)]
    assert checks == pytest.approx([47_500.0 / 3] * 3 + [0.0])
    assert sum(checks) == pytest.approx(47_500.0) and key not in ledger.settled


def test_settle_caps_the_providers_pain_at_their_fee(settling):
    a, ledger, provs = settling
    a.track(100, 60_000.0, 4_800.0, COACHING)  # half of the overrun is 6,250
    a.settle(observed())
    assert provs[0].gain_pain + provs[1].gain_pain == pytest.approx(-4_800.0)
    assert ledger.books.values["gain_pain_eur"].sum() == pytest.approx(-4_800.0)


def test_settle_shares_gain_and_pays_no_bonus_at_the_minimum(settling):
    a, ledger, provs = settling
    a.track(100, 45_500.0, 3_640.0, COACHING)
    a.settle(observed())  # employment 0.8: at the minimum, score 0
    assert provs[0].gain_pain + provs[1].gain_pain == pytest.approx(1_000.0)
    assert provs[0].kra_bonus == provs[1].kra_bonus == 0.0
    assert not ledger.books.values["kra_bonus_eur"].any()
    assert sum(ledger.settled_this_month((0, 1, 2)) for _ in range(3)) == pytest.approx(1_000.0)


def test_settlements_of_successive_quarters_overlap_in_the_budget_checks(world):
    """Two settlements a month apart: each counts a third a month for three months."""
    from sim.organising.ledger import Ledger
    from sim.organising.units import UnitRegistry

    orgs, _, _ = world
    ledger = Ledger(orgs, UnitRegistry(orgs, []))
    key = (0, 1)
    ledger.settled[key] = [[100.0, 3]]
    first = ledger.settled_this_month(key)
    ledger.settled[key].append([10.0, 3])  # the next quarter's, settled a month later
    rest = [ledger.settled_this_month(key) for _ in range(4)]
    assert [first, *rest] == pytest.approx([100.0, 110.0, 110.0, 10.0, 0.0])


def test_settle_without_contract_levers_pays_nothing(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, providers=["Coach Oy"], kras=employment_kra())
    a.track(100, 50_000.0, 4_000.0, COACHING)
    a.end_development(observed())
    a.ledger.open_book_cost[0] = 1_000.0
    provs[0].quarter_clients = 10
    a.settle(observed(employed=(90.0, 45.0, 45.0)))
    assert provs[0].gain_pain == provs[0].kra_bonus == 0.0
    assert not a.ledger.settled


def test_members_failing_their_own_kras_leave_after_the_set_quarters(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, kras=employment_kra(0.1), exit_after_failing_quarters=2)
    a.end_development(observed())  # region 0.825, A and B 0.8
    b_falls = observed(employed=(84.0, 38.0, 45.0))  # B at 0.76: score 0
    assert a.settle(b_falls)[0] == ""
    assert a.failing == {0: 0, 1: 0, 2: 1}
    assert a.settle(b_falls)[0] == "exit:B"
    assert a.members == [0, 1] and a.exited == [2]


def test_a_good_quarter_resets_the_count_of_failing_ones(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, kras=employment_kra(0.1), exit_after_failing_quarters=2)
    a.end_development(observed())
    a.settle(observed(employed=(84.0, 38.0, 45.0)))
    a.settle(observed(employed=(84.0, 44.0, 45.0)))  # B at 0.88
    assert a.settle(observed(employed=(84.0, 38.0, 45.0)))[0] == ""
    assert a.members == [0, 1, 2] and a.failing[2] == 1


def test_no_exits_when_exits_on_failing_are_off(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, kras=employment_kra(0.1))
    a.end_development(observed())
    for _ in range(5):
        a.settle(observed(employed=(70.0, 30.0, 30.0)))
    assert a.members == [0, 1, 2] and a.failing[2] == 5


def test_implementation_quarter_gives_one_row_per_kra(world):
    orgs, m, provs = world
    kras = [*employment_kra(0.1), KRA(name="firm_employment", improvement=0.1)]
    a = alliance(m, orgs, provs, kras=kras, exit_after_failing_quarters=1)
    a.track(100, 50_000.0, 4_000.0, COACHING)
    a.end_development(observed())  # jobs in A and B: 100, levels 100 and 110
    a.end_quarter()
    a.track(50, 20_000.0, 1_600.0, COACHING)
    rows = a.quarter(6, observed(employed=(84.0, 36.0, 50.0)))
    records = [dict(zip(ALLIANCE_COLUMNS, row, strict=True)) for row in rows]
    assert [r["kra"] for r in records] == ["employment_rate", "firm_employment"]
    assert {r["phase"] for r in records} == {"implementation"}
    first, second = records
    assert first["kra_value"] == pytest.approx(0.8)
    assert (first["kra_minimum"], first["kra_exceptional"]) == pytest.approx((0.8, 0.88))
    assert first["kra_score"] == 0.0
    assert second["kra_value"] == 100.0 and second["kra_score"] == 0.0
    # The target is 475 EUR for each of this quarter's 50 client-months.
    assert first["target_cost_eur"] == pytest.approx(23_750.0)
    assert first["actual_cost_eur"] == 20_000.0
    # B (0.72, no job growth) fails in its first quarter and leaves, while the region
    # (0.85) and A (0.84) score; the event goes on the first row.
    assert (first["event"], second["event"]) == ("exit:B", "")
    assert first["members"] == 2


def test_joint_office_pools_the_members_caseworkers_slower_first_then_faster(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("joint_office",), transition_slowdown=0.2,
                 joint_office_caseworker_gain=0.1)
    # The region's caseworkers serve A, B and C in one pool; the joint office takes its
    # member municipalities A and B into a pool of their own from formation on.
    pool, scale = caseworker_pools([a], orgs, "region", 0)
    assert (pool.tolist(), scale.tolist()) == ([0, 0, 0], [1.0])
    for month in (1, 4):  # formation, development: integration costs a fifth of the time
        pool, scale = caseworker_pools([a], orgs, "region", month)
        assert (pool.tolist(), scale.tolist()) == ([1, 1, 0], [1.0, 0.8])
    pool, scale = caseworker_pools([a], orgs, "region", 6)  # implementation
    assert (pool.tolist(), scale.tolist()) == ([1, 1, 0], [1.0, 1.1])
    # Under TE24 each municipality employs its own: A's and B's join, C keeps its own.
    pool, scale = caseworker_pools([a], orgs, "municipalities", 6)
    assert (pool.tolist(), scale.tolist()) == ([3, 3, 2], [1.0, 1.0, 1.0, 1.1])


def test_caseworker_pools_without_a_joint_office_are_separate_actions(world):
    orgs, m, provs = world
    plain = alliance(m, orgs, provs, levers=("pooled_budget", "shared_vacancies"))
    no_region = alliance(m, orgs, provs, levers=("joint_office",), members=("A", "B"))
    for month in (0, 1, 4, 6):
        for employer, separate in (("region", ([0, 0, 0], [1.0])),
                                   ("municipalities", ([0, 1, 2], [1.0, 1.0, 1.0]))):
            pool, scale = caseworker_pools([plain], orgs, employer, month)
            assert (pool.tolist(), scale.tolist()) == separate
    # Without the region the members employ no caseworkers when the region does.
    pool, scale = caseworker_pools([no_region], orgs, "region", 6)
    assert (pool.tolist(), scale.tolist()) == ([0, 0, 0], [1.0])
    pool, _ = caseworker_pools([no_region], orgs, "municipalities", 6)
    assert pool.tolist() == [3, 3, 2]
    # The region alone answers for every municipality; a dissolved alliance pools nothing.
    alone = alliance(m, orgs, provs, levers=("joint_office",), members=("region",))
    assert caseworker_pools([alone], orgs, "region", 6)[0].tolist() == [1, 1, 1]
    alone.members.clear()
    assert caseworker_pools([alone], orgs, "region", 6)[0].tolist() == [0, 0, 0]


def test_joint_decisions_take_the_alliances_step_and_bounds(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, levers=("joint_decisions",), joint_decision_step=0.3,
                 joint_decision_min_weight=0.85, joint_decision_max_weight=1.15)
    mix = adjust_mix(a, value({COACHING: 5e-5, TRAINING: 1e-5}))
    # ±0.3 × 2 / 2 = ±0.3, within [0.85, 1.15].
    assert mix[[COACHING, TRAINING]].tolist() == [1.15, 0.85]


def test_open_books_stop_at_the_alliances_cost_floor(world):
    orgs, m, provs = world
    a = alliance(m, orgs, provs, efficiency_gain_per_year=0.12, cost_cut_floor=0.95)
    p = provs[0]  # cost factor 0.9
    p.cost_factor = 0.856
    cut_cost(p, a.spec)  # 0.856 × (1 − 0.0042) is below 0.95 × 0.9
    assert p.cost_factor == pytest.approx(0.855)
