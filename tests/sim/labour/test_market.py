"""The labour market's month: the populations it builds, new firms and founders' firms,
demand, deaths, separations, vacancies, ageing and the stocks and flows it reports.

Each test builds the tiny region's market afresh (about 4,000 persons) and checks one
stage on it, with the other stages' randomness switched off where it would blur the result.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import load_scenario
from sim.labour.market import FLOWS, LabourMarket
from sim.labour.population import EMPLOYED, OUTSIDE, UNEMPLOYED
from sim.labour.stocks import STOCK_COLUMNS


def market(*overrides: str) -> LabourMarket:
    """The tiny region's labour market, with ``overrides`` of the scenario."""
    return LabourMarket(load_scenario("tiny", list(overrides)), np.random.default_rng(1))


def test_construction_builds_the_region_with_zero_flows():
    lm = market()
    sc = lm.scenario
    assert lm.geo.names == ["Keskikylä", "Rantala", "Metsälä"]
    lab = sc.labour
    expected = np.rint(np.array([5200, 1900, 1100]) * lab.labour_force_share
                       * (1.0 + lab.outside_share))
    assert np.bincount(lm.persons.home).tolist() == expected.astype(int).tolist()
    # About outside_share of the labour force starts outside it, with no spell.
    p = lm.persons
    outside = p.status == OUTSIDE
    assert outside.sum() / (~outside).sum() == pytest.approx(lab.outside_share, rel=0.1)
    assert (p.unemployment_months[outside] == 0).all() and (p.employer[outside] == -1).all()
    assert lm.month == -12
    assert set(lm.flows) == set(FLOWS) and not any(v.any() for v in lm.flows.values())
    f = lm.firms
    assert lm.organic_demand == pytest.approx(f.baseline.sum())
    # Births match the initial stock's expected deaths.
    fp = sc.firms
    deaths = fp.monthly_death_rate * np.maximum(f.employment, 1) ** fp.death_size_exponent
    assert lm.birth_rate == pytest.approx(deaths.mean())


def test_a_given_birth_rate_is_kept():
    assert market("firms.monthly_birth_rate=0.004").birth_rate == 0.004


def test_a_month_starts_with_zero_flows():
    lm = market()
    lm.flows["hires"][:] = 7
    lm.start_month(5)
    assert lm.month == 5 and not lm.flows["hires"].any()


def test_new_firms_fill_free_slots_and_call_the_services_hook():
    lm = market()
    f = lm.firms
    f.alive[[3, 8]] = False
    f.employment[[3, 8]] = 0
    f.policy_gain[3] = 2.0
    seen = []
    lm.on_new_firms = lambda slots, rng: seen.append(slots.tolist())
    lm.start_month(4)
    slots = lm.new_firms(np.array([2, 0]), np.array([1, 0]), 3.0, 0, np.random.default_rng(0))
    assert slots.tolist() == [3, 8] and seen == [[3, 8]]
    assert f.alive[[3, 8]].all() and f.muni[[3, 8]].tolist() == [2, 0]
    assert f.skill[[3, 8]].tolist() == [1, 0] and f.demand[[3, 8]].tolist() == [3.0, 3.0]
    assert f.born[[3, 8]].tolist() == [4, 4] and f.policy_gain[3] == 0.0
    assert (f.baseline[[3, 8]] > 0).all() and (f.vacancies[[3, 8]] == 0).all()


def test_new_firms_grow_the_table_when_no_slot_is_free():
    lm = market()
    f = lm.firms
    capacity = f.capacity
    assert f.alive.all()
    slots = lm.new_firms(np.array([1]), np.array([0]), 1.0, 0, np.random.default_rng(0))
    assert f.capacity == capacity + capacity // 2
    assert slots.tolist() == [capacity] and f.alive.sum() == capacity + 1


def test_founders_work_in_firms_of_their_own_at_home():
    lm = market()
    p = lm.persons
    founders = np.flatnonzero(p.status == UNEMPLOYED)[:3]
    homes = p.home[founders]
    lm.start_month(1)
    lm.start_firms_for(founders, np.random.default_rng(0))
    f = lm.firms
    employers = p.employer[founders]
    assert (p.status[founders] == EMPLOYED).all() and (p.unemployment_months[founders] == 0).all()
    assert f.muni[employers].tolist() == homes.tolist()
    assert f.employment[employers].tolist() == [1, 1, 1] and f.alive[employers].all()
    expected = np.bincount(homes, minlength=3).tolist()
    for flow in ("firm_births", "hires", "seekers"):
        assert lm.flows[flow].tolist() == expected, flow


def test_vacancies_are_the_gap_to_desired_size():
    lm = market("firms.vacancy_cost=0.0")
    f = lm.firms
    f.demand[0] = f.employment[0] + 3.4
    f.demand[1] = f.employment[1] - 2.0
    f.demand[2] = f.employment[2] + 5.0
    f.alive[2] = False
    lm.post_vacancies()
    assert f.vacancies[:3].tolist() == [3, 0, 0]


def test_deaths_follow_the_survival_factor():
    lm = market()
    f = lm.firms
    assert not lm.firm_deaths(np.zeros(f.capacity), np.random.default_rng(0)).any()
    assert f.alive.all() and not lm.flows["firm_deaths"].any()
    certain = np.full(f.capacity, 1e9)  # a death probability far above 1
    dead = lm.firm_deaths(certain, np.random.default_rng(0))
    assert dead.all() and not f.alive.any() and not f.vacancies.any()
    assert lm.flows["firm_deaths"].tolist() == np.bincount(f.muni, minlength=3).tolist()


def test_a_dead_firms_workers_are_separated():
    lm = market("labour.monthly_separation_rate=0.0", "labour.monthly_match_shock_rate=0.0")
    p, f = lm.persons, lm.firms
    f.demand[:] = f.employment + 10.0  # no firm wants to shrink
    victim = int(np.argmax(f.employment))
    workers = np.flatnonzero(p.employer == victim)
    dead = np.zeros(f.capacity, dtype=bool)
    dead[victim] = True
    f.alive[victim] = False
    lm.separations(dead, 1.0, np.random.default_rng(0))
    assert (p.status[workers] == UNEMPLOYED).all() and (p.employer[workers] == -1).all()
    assert f.employment[victim] == 0
    assert lm.flows["separations"].tolist() == np.bincount(p.home[workers], minlength=3).tolist()
    assert (p.status == EMPLOYED).sum() == f.employment.sum()


def test_a_shrinking_firm_lays_off_its_surplus():
    lm = market("labour.monthly_separation_rate=0.0", "labour.monthly_match_shock_rate=0.0")
    f = lm.firms
    f.demand[:] = f.employment + 10.0
    big = int(np.argmax(f.employment))
    before = int(f.employment[big])
    f.demand[big] = before - 2.0
    lm.separations(np.zeros(f.capacity, dtype=bool), 1.0, np.random.default_rng(0))
    assert f.employment[big] == before - 2 and lm.flows["separations"].sum() == 2


def test_match_shocks_end_more_jobs_when_demand_is_low():
    """Only the shocked jobs that no longer clear the hiring standard end; a slump ends more."""
    ended = {}
    for index in (1.0, 0.8):
        lm = market("labour.monthly_separation_rate=0.0", "labour.monthly_match_shock_rate=0.3")
        f = lm.firms
        f.demand[:] = f.employment + 10.0  # no layoffs
        lm.separations(np.zeros(f.capacity, dtype=bool), index, np.random.default_rng(3))
        ended[index] = int(lm.flows["separations"].sum())
        assert (lm.persons.status == EMPLOYED).sum() == f.employment.sum()
    assert 0 < ended[1.0] < ended[0.8]
    lm = market("labour.monthly_separation_rate=0.0", "matching.hiring_standard=0.0")
    lm.firms.demand[:] = lm.firms.employment + 10.0
    lm.separations(np.zeros(lm.firms.capacity, dtype=bool), 0.5, np.random.default_rng(3))
    assert lm.flows["separations"].sum() == 0  # no standard: no job falls below it


def test_labour_force_flows_move_persons_across_the_edge_and_spare_the_busy():
    lm = market("labour.monthly_entry_rate=0.5", "labour.monthly_exit_rate_employed=0.1",
                "labour.monthly_exit_rate_unemployed=0.3")
    p, f = lm.persons, lm.firms
    before = p.status.copy()
    busy = np.zeros(p.size, dtype=bool)
    busy[::3] = True
    lm.labour_force_flows(busy, np.random.default_rng(2))
    assert (p.status[busy] == before[busy]).all()
    entered = (before == OUTSIDE) & (p.status == UNEMPLOYED)
    left = (before != OUTSIDE) & (p.status == OUTSIDE)
    assert entered.sum() == lm.flows["labour_force_entries"].sum() > 0
    assert left.sum() == lm.flows["labour_force_exits"].sum() > 0
    assert (p.employer[p.status != EMPLOYED] == -1).all()
    assert (p.status == EMPLOYED).sum() == f.employment.sum()


def test_posting_pays_only_where_vacancies_fill_often_enough():
    lm = market("firms.vacancy_cost=0.5")
    f = lm.firms
    f.demand[:] = f.employment + 2.0  # every firm wants two more
    lm.fill_rate[:] = 1.0
    lm.post_vacancies()
    assert (f.vacancies[f.productivity >= 0.5] == 2).all()
    assert (f.vacancies[f.productivity < 0.5] == 0).all()
    bucket = f.muni * lm.n_groups + f.skill
    lm.fill_rate[:] = 0.0
    lm.fill_rate[bucket[0]] = 0.9  # only firm 0's municipality and skill fill posts
    lm.post_vacancies()
    posting = f.vacancies > 0
    assert posting.any() and (bucket[posting] == bucket[0]).all()
    assert (f.productivity[posting] * 0.9 >= 0.5).all()
    lm = market("firms.vacancy_cost=0.0")
    lm.fill_rate[:] = 0.0
    lm.firms.demand[:] = lm.firms.employment + 2.0
    lm.post_vacancies()
    assert (lm.firms.vacancies == 2).all()  # no cost: every wanted job is posted


def test_fill_rates_follow_the_fills_with_the_memory_asked_for():
    lm = market("firms.fill_rate_memory_months=4")
    f = lm.firms
    screened = np.zeros(f.capacity, dtype=np.int64)
    filled = np.zeros(f.capacity, dtype=np.int64)
    screened[0], filled[0] = 4, 1  # one of the four screened posts filled
    b = f.muni[0] * lm.n_groups + f.skill[0]
    mates = (f.muni * lm.n_groups + f.skill == b)
    mates[0] = False
    screened[np.flatnonzero(mates)[:1]] = 4  # another firm of the bucket: none filled
    before = lm.fill_rate.copy()
    lm.record_fills(screened, filled)
    rate = 1 / (4 + 4 * mates.any())
    assert lm.fill_rate[b] == pytest.approx(before[b] + 0.25 * (rate - before[b]))
    # Buckets with no screened vacancy keep their rate.
    empty = np.setdiff1d(np.arange(lm.fill_rate.size), [b])
    np.testing.assert_array_equal(lm.fill_rate[empty], before[empty])
    assert lm.flows["vacancies_filled"].sum() == 1


def test_on_the_job_searchers_are_employed_and_value_their_jobs():
    lm = market("labour.monthly_on_the_job_search_rate=0.5", "labour.job_switch_gain=0.1")
    p, f = lm.persons, lm.firms
    busy = np.zeros(p.size, dtype=bool)
    busy[::2] = True
    searchers, reserve = lm.on_the_job_searchers(busy, np.random.default_rng(0))
    assert searchers.size > 0 and (np.diff(searchers) > 0).all()
    assert (p.status[searchers] == EMPLOYED).all() and not busy[searchers].any()
    firm = p.employer[searchers]
    commute = lm.scenario.matching.commuting_cost_per_km * lm.geo.distance_km[
        p.home[searchers], f.muni[firm]]
    np.testing.assert_allclose(reserve, f.productivity[firm] - commute + 0.1)


def test_demand_follows_the_index_when_shocks_are_off():
    lm = market("firms.demand_shock_sd=0.0", "firms.mean_reversion=1.0")
    f = lm.firms
    f.alive[0] = False  # its organic demand is reallocated to the others
    lm.demand_shocks(1.1, np.random.default_rng(0))
    alive = f.alive
    scale = lm.organic_demand / f.baseline[alive].sum()
    np.testing.assert_allclose(f.demand[alive], f.baseline[alive] * scale * 1.1)
    assert f.demand[alive].sum() == pytest.approx(lm.organic_demand * 1.1)


def test_growth_funding_adds_to_demand_while_the_firm_lives():
    lm = market("firms.demand_shock_sd=0.0", "firms.mean_reversion=1.0")
    f = lm.firms
    f.baseline[5] += 4.0
    f.policy_gain[5] = 4.0
    lm.demand_shocks(1.0, np.random.default_rng(0))
    assert f.demand[5] == pytest.approx(f.baseline[5])
    assert f.demand.sum() == pytest.approx(lm.organic_demand + 4.0)


def test_ageing_lengthens_spells_and_counts_months_out_of_work():
    lm = market()
    p = lm.persons
    out = np.flatnonzero(p.status == UNEMPLOYED)
    months = p.unemployment_months.copy()
    counted = np.zeros(p.size, dtype=np.int32)
    none = np.zeros(p.size, dtype=bool)
    lm.age(counted, none, np.random.default_rng(0))
    assert (p.unemployment_months[out] == months[out] + 1).all()
    assert counted.tolist() == (p.status != EMPLOYED).astype(int).tolist()
    lm.age(None, none, np.random.default_rng(1))  # before month 1: nothing is counted
    assert (p.unemployment_months[out] == months[out] + 2).all()


def test_ageing_lets_the_unemployed_stop_and_start_searching():
    lm = market("labour.monthly_search_lapse_rate=0.3", "labour.monthly_search_resume_rate=0.2")
    p = lm.persons
    out = p.status == UNEMPLOYED
    none = np.zeros(p.size, dtype=bool)
    assert p.searching.all()  # everyone starts searching
    lm.age(None, none, np.random.default_rng(0))
    idle = p.searching == 0
    # Only unemployed jobseekers stop, about the lapse rate of them.
    assert not idle[~out].any()

    def near(share, rate, n):  # within four standard errors of a binomial share
        return abs(share - rate) <= 4.0 * np.sqrt(rate * (1.0 - rate) / n)

    assert near(idle[out].mean(), 0.3, out.sum())
    lm.age(None, none, np.random.default_rng(1))
    restarted = idle & (p.searching == 1)
    assert near(restarted[idle].mean(), 0.2, idle.sum())


def test_a_service_restarts_the_spell_only_when_the_switch_says_so():
    for switch, expected in (("true", 0), ("false", None)):
        lm = market(f"labour.services_break_spell={switch}")
        p = lm.persons
        out = np.flatnonzero(p.status == UNEMPLOYED)
        months = p.unemployment_months.copy()
        in_service = np.zeros(p.size, dtype=bool)
        in_service[out[:5]] = True
        lm.age(None, in_service, np.random.default_rng(0))
        got = p.unemployment_months[out[:5]]
        want = months[out[:5]] + 1 if expected is None else np.zeros(5)
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(p.unemployment_months[out[5:]], months[out[5:]] + 1)


def test_stock_columns_report_each_area_and_the_region():
    lm = market()
    lm.flows["hires"][:] = [1, 2, 3]
    lm.flows["vacancies_posted"][:] = [4, 0, 6]
    lm.flows["vacancies_filled"][:] = [2, 0, 3]
    p, f = lm.persons, lm.firms
    in_service = np.zeros(p.size, dtype=bool)
    in_service[np.flatnonzero(p.status == UNEMPLOYED)[:4]] = True
    columns = lm.stock_columns(in_service)
    assert set(columns) == set(STOCK_COLUMNS) | set(FLOWS) | {"vacancy_duration_months"}
    inside = p.status != OUTSIDE
    assert columns["labour_force"].tolist() == [*np.bincount(p.home[inside], minlength=3)
                                                .tolist(), inside.sum()]
    assert columns["in_services"][-1] == 4
    assert columns["unemployed"][-1] == (p.status == UNEMPLOYED).sum() - 4
    assert columns["outside_labour_force"][-1] == (~inside).sum()
    np.testing.assert_array_equal(columns["vacancy_duration_months"],
                                  [2.0, np.nan, 2.0, 2.0])
    employed = np.bincount(p.home[p.status == EMPLOYED], minlength=3)
    assert columns["employed"].tolist() == [*employed.tolist(), employed.sum()]
    assert columns["firms"].tolist() == [*np.bincount(f.muni).tolist(), f.capacity]
    assert columns["hires"].tolist() == [1.0, 2.0, 3.0, 6.0]
    assert columns["hires"].dtype == np.float64
