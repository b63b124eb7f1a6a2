"""The provider market: default own units, the month's close (fixed costs, learning, joint
learning and open-book cost cutting), the quarter's exits and entries, and the rankings and
reference prices the purchasing units plan with.

Four providers in the tiny region (catalogue prices: coaching 450, training 1,300 EUR a
client-month): Valmennus Oy (coaching, training, business advisory; 100 places, fixed cost
5,000), Koulutus Oy (training; 50 places, fixed cost 3,000, quality 1.5, price 1.2 × the
catalogue), Työpaja ry (coaching, rehabilitation; quality 1.2) and Keskikylä's own unit
(coaching, business advisory).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from organising_cases import FixedDraws, alliance, model, organisers

from sim import ScenarioError, load_scenario
from sim.scenario import SERVICES
from sim.scenario.organising import Provider
from sim.services.market import ProviderMarket, Rankings
from sim.services.providers import (
    Contract,
    choose_effort,
    expected_margins,
    expected_outcome,
    outcome_price,
)
from sim.services.state import MAX_INDEX

VALMENNUS, KOULUTUS, TYOPAJA, OWN = range(4)
COACHING, TRAINING, REHABILITATION, ADVISORY = (
    SERVICES.index(s) for s in ("coaching", "training", "rehabilitation", "business_advisory"))

PROVIDERS = [
    {"name": "Valmennus Oy", "kind": "external", "capacity": 100, "cost_factor": 0.9,
     "services": ["coaching", "training", "business_advisory"]},
    {"name": "Koulutus Oy", "kind": "external", "services": ["training"], "capacity": 50,
     "cost_factor": 1.0, "price_factor": 1.2, "quality": 1.5,
     "fixed_cost_eur_per_month": 3000.0},
    {"name": "Työpaja ry", "kind": "third_sector", "services": ["coaching", "rehabilitation"],
     "capacity": 100, "quality": 1.2},
    {"name": "Keskikylä own unit", "kind": "own", "owner": "Keskikylä", "capacity": 1000,
     "services": ["coaching", "business_advisory"], "cost_factor": 1.0},
]


@functools.cache
def scenario(with_providers: bool = True):
    """The tiny scenario with the four providers (or none: each organiser its own unit)."""
    return load_scenario("tiny", {"providers": PROVIDERS} if with_providers else {})


def market(with_providers: bool = True) -> ProviderMarket:
    """A fresh market of the tiny region."""
    names = ["region", "Keskikylä", "Rantala", "Metsälä"]
    return ProviderMarket(model(), scenario(with_providers), names,
                          {n: k for k, n in enumerate(names)})


def test_without_a_provider_list_every_organiser_produces_its_own_services():
    providers = market(with_providers=False).providers
    assert [(p.name, p.kind, p.owner) for p in providers] == [
        ("region own unit", "own", 0), ("Keskikylä own unit", "own", 1),
        ("Rantala own unit", "own", 2), ("Metsälä own unit", "own", 3)]
    plans = scenario(False).organisers
    assert [SERVICES[s] for s in providers[0].offers.nonzero()[0]] == [
        s for s in SERVICES if plans.region_mix.get(s, 0.0) > 0]
    assert [SERVICES[s] for s in providers[1].offers.nonzero()[0]] == [
        s for s in SERVICES if plans.municipal_mix.get(s, 0.0) > 0]
    assert {(p.capacity, p.fixed_cost, p.cost_factor) for p in providers} == {(1e9, 0.0, 1.0)}


def test_providers_from_the_scenario_with_their_owners():
    providers = market().providers
    assert [p.index for p in providers] == [0, 1, 2, 3]
    assert [p.owner for p in providers] == [-1, -1, -1, 1]
    assert market().quality().tolist() == [1.0, 1.5, 1.2, 1.0, 1.0]  # index -1: no provider


def test_loss_makers_leave_at_the_quarters_end_but_own_units_stay():
    m = market()
    p = m.providers
    # Six months of fixed cost: 30,000 for Valmennus Oy and Työpaja ry, 18,000 for Koulutus.
    p[VALMENNUS].cash, p[KOULUTUS].cash = -30_000.0, -18_000.01
    p[TYOPAJA].cash, p[OWN].cash = -30_000.01, -1e9
    m.end_quarter(6, FixedDraws([]))
    assert [q.active for q in p] == [True, False, False, True]
    assert len(p) == 4  # no revenue at all: no one enters


def margins(m: ProviderMarket, revenue_cost: dict[int, tuple[float, float]],
            full: bool = True) -> None:
    """Set the quarter's revenue and cost of providers by index; with ``full``, their
    capacity filled all quarter and every service bought by buyers free to choose."""
    for k, (revenue, cost) in revenue_cost.items():
        m.providers[k].quarter_revenue, m.providers[k].quarter_cost = revenue, cost
    if full:
        for p in m.providers:
            p.quarter_clients = 3 * p.capacity
        m.open_clients[:] = 1.0


def test_high_margins_draw_an_entrant_like_the_external_sellers():
    m = market()
    margins(m, {VALMENNUS: (1_000.0, 700.0), KOULUTUS: (500.0, 500.0),
                TYOPAJA: (1_000.0, 1_000.0)})
    m.end_quarter(6, FixedDraws([0.25, 0.5]))
    # Coaching: 300 over 2,000 is not above the entry margin 0.15; training (300 over
    # 1,500) and business advisory (300 over 1,000) are, in the catalogue's order.
    assert [p.name for p in m.providers[4:]] == ["training-entrant-6",
                                                 "business_advisory-entrant-6"]
    # An entrant takes its sellers' mean capacity and factors, the first one's fixed cost.
    entrant = m.providers[4]
    assert (entrant.name, entrant.kind, entrant.index, entrant.owner) == (
        "training-entrant-6", "external", 4, -1)
    assert [SERVICES[s] for s in entrant.offers.nonzero()[0]] == ["training"]
    assert (entrant.capacity, entrant.cost_factor, entrant.price_factor) == pytest.approx(
        (75.0, 0.95, 1.1))
    assert entrant.fixed_cost == 5_000.0
    assert entrant.quality == pytest.approx(0.9)  # 0.8 + 0.4 × the draw 0.25
    assert entrant.active and entrant.cash == 0.0
    assert m.providers[5].capacity == 100.0  # Valmennus Oy: the own unit is no seller
    # A new quarter starts for everyone.
    assert all(p.quarter_revenue == p.quarter_cost == 0.0 for p in m.providers)
    assert not m.open_clients.any()


def test_no_entrant_where_no_free_buyer_bought_or_the_incumbents_had_room():
    m = market()
    margins(m, {VALMENNUS: (1_000.0, 700.0), KOULUTUS: (500.0, 500.0)})
    m.open_clients[TRAINING] = 0.0  # only buyers under a contract list bought training
    m.providers[VALMENNUS].quarter_clients = 200  # two thirds of its capacity
    m.end_quarter(6, FixedDraws([0.5, 0.5]))
    # Training: no free buyer; business advisory: Valmennus Oy alone, not full.
    assert len(m.providers) == 4


def test_no_entrant_for_a_transfer():
    m = market()
    # Even a provider listed for wage subsidies earning a margin draws no entrant for it.
    margins(m, {VALMENNUS: (1_000.0, 1_000.0)})
    m.providers[VALMENNUS].offers[SERVICES.index("wage_subsidy")] = True
    m.providers[VALMENNUS].quarter_revenue, m.providers[VALMENNUS].quarter_cost = 1e3, 0.0
    m.providers[VALMENNUS].offers[[COACHING, TRAINING, ADVISORY]] = False
    m.end_quarter(6, FixedDraws([0.5]))
    assert len(m.providers) == 4


def test_only_active_sellers_count_for_entry():
    m = market()
    margins(m, {VALMENNUS: (1_000.0, 700.0), KOULUTUS: (500.0, 500.0)})
    m.providers[KOULUTUS].cash = -1e6  # leaves first
    m.end_quarter(9, FixedDraws([0.5, 0.5, 0.5]))
    # Valmennus Oy alone sells training and business advisory, and with Työpaja ry (no
    # revenue) coaching: 300 over 1,000 each.
    names = [p.name for p in m.providers[4:]]
    assert names == ["coaching-entrant-9", "training-entrant-9", "business_advisory-entrant-9"]
    training = m.providers[5]
    assert (training.capacity, training.cost_factor, training.price_factor) == (
        100.0, 0.9, 1.0)
    coaching = m.providers[4]  # the mean of Valmennus Oy and Työpaja ry
    assert coaching.capacity == 100.0


def test_quarter_clients_add_up_until_the_quarter_ends():
    m = market()
    p = m.providers[VALMENNUS]
    for clients in (3, 4):
        p.clients = clients
        m.count_quarter_clients()
    assert p.quarter_clients == 7
    m.end_quarter(3, FixedDraws([]))
    assert p.quarter_clients == 0


def seen(m: ProviderMarket, provider: int, follow_ups: float, jobs: float) -> None:
    """``provider`` has seen ``follow_ups`` coaching follow-ups in the bottom band."""
    m.record.grow(len(m.providers))
    m.record.seen[provider, COACHING, 0] = follow_ups
    m.record.jobs[provider, COACHING, 0] = jobs


def test_month_close_books_fixed_costs_and_learns_from_outcomes_seen():
    m = market()
    p = m.providers
    p[VALMENNUS].clients, p[VALMENNUS].revenue, p[VALMENNUS].cost = 50, 1_000.0, 300.0
    p[TYOPAJA].clients = 50  # clients, but no follow-up ended yet: nothing to learn from
    seen(m, VALMENNUS, 200.0, 50.0)
    p[KOULUTUS].active = False
    m.close_month([], 1)
    # Learning 2 % a year at 200 / (200 + 200) of full evidence.
    assert p[VALMENNUS].quality == pytest.approx(1.0 * (1 + 0.02 / 12 * 0.5))
    assert p[TYOPAJA].quality == 1.2
    assert (p[VALMENNUS].cost, p[VALMENNUS].cash) == (5_300.0, -4_300.0)
    assert (p[VALMENNUS].quarter_revenue, p[VALMENNUS].quarter_cost) == (1_000.0, 5_300.0)
    assert (p[KOULUTUS].cost, p[KOULUTUS].quality) == (0.0, 1.5)  # gone: no cost, no learning
    m.reset_month()
    assert (p[VALMENNUS].clients, p[VALMENNUS].revenue, p[VALMENNUS].cost) == (0, 0.0, 0.0)
    m.start_observation()
    assert p[VALMENNUS].cash == 0.0


def test_alliance_providers_pool_their_outcomes_copy_the_best_measured_and_cut_costs():
    m = market()
    p = m.providers
    orgs = organisers()
    a = alliance(model(), orgs, p, levers=("joint_learning", "gain_pain_share"),
                 providers=["Valmennus Oy", "Koulutus Oy"])
    seen(m, VALMENNUS, 100.0, 10.0)  # no baseline yet: value added = jobs per follow-up
    seen(m, KOULUTUS, 100.0, 30.0)
    seen(m, TYOPAJA, 100.0, 0.0)
    m.close_month([a], 6)
    # Valmennus Oy learns from the pooled 200 follow-ups, then copies 0.03 of the practice
    # of Koulutus Oy, whose measured value added (0.3) beats its own (0.1).
    learnt = 1.0 * (1 + 0.02 / 12 * 200 / 400)
    assert p[VALMENNUS].quality == pytest.approx(learnt + 0.03 * (1.5 - learnt))
    # Open books: it keeps a gain share of 0.5 less the fee of 0.08 of what it saves.
    assert p[VALMENNUS].cost_factor == pytest.approx(0.9 * (1 - 0.42 * 0.04 / 12))
    assert p[KOULUTUS].quality == pytest.approx(1.5 * (1 + 0.02 / 12 * 200 / 400))  # the best
    assert p[KOULUTUS].cost_factor == pytest.approx(1.0 * (1 - 0.42 * 0.04 / 12))
    # Työpaja ry works outside the alliance: its own 100 follow-ups, no copying, no cut.
    assert p[TYOPAJA].quality == pytest.approx(1.2 * (1 + 0.02 / 12 * 100 / 300))
    assert p[TYOPAJA].cost_factor == 0.9


def test_a_provider_copies_the_best_measured_practice_even_when_it_is_worse():
    m = market()
    p = m.providers
    a = alliance(model(), organisers(), p, levers=("joint_learning",),
                 providers=["Valmennus Oy", "Koulutus Oy"], best_practice_pull=0.1)
    p[VALMENNUS].quality = 2.0
    seen(m, VALMENNUS, 10.0, 1.0)  # few outcomes, measured value added 0.1
    seen(m, KOULUTUS, 10.0, 5.0)  # measured 0.5, though its quality is lower
    m.close_month([a], 6)
    learnt = 2.0 * (1 + 0.02 / 12 * 20 / 220)
    assert p[VALMENNUS].quality == pytest.approx(learnt + 0.1 * (1.5 - learnt))
    assert p[VALMENNUS].quality < 2.0


def test_a_fee_as_large_as_the_gain_share_cuts_no_cost():
    m = market()
    p = m.providers
    a = alliance(model(), organisers(), p, levers=("gain_pain_share",),
                 providers=["Valmennus Oy"], fee_share=0.5)
    m.close_month([a], 6)
    assert p[VALMENNUS].cost_factor == 0.9


def test_a_new_provider_gets_the_next_index():
    m = market()
    m.add(scenario().providers[1])
    assert m.providers[4].index == 4 and m.providers[4].name == "Koulutus Oy"
    assert m.providers[4].owner == -1


def rankings(m: ProviderMarket) -> Rankings:
    """The market's rankings of this month."""
    return m.rankings(scenario())


def names(providers) -> list[str]:
    """The providers' names, in order."""
    return [p.name for p in providers]


def test_rankings_put_quality_per_euro_first_and_ties_by_index():
    r = rankings(market())
    # Training: Koulutus Oy's 1.5 / 1.2 beats Valmennus Oy's 1.0 / 1.0.
    assert names(r.candidates(None, [0], TRAINING, True)) == ["Koulutus Oy", "Valmennus Oy"]
    # Coaching: Työpaja ry (1.2) first; Valmennus Oy and the own unit tie at 1.0.
    assert names(r.candidates(None, [1], COACHING, True)) == [
        "Työpaja ry", "Valmennus Oy", "Keskikylä own unit"]


def test_person_services_come_from_external_providers_and_the_units_own():
    r = rankings(market())
    assert names(r.candidates(None, [0], COACHING, True)) == ["Työpaja ry", "Valmennus Oy"]
    assert names(r.candidates(None, [2, 3], COACHING, True)) == ["Työpaja ry", "Valmennus Oy"]
    assert names(r.candidates(None, [0, 1], COACHING, True)) == [
        "Työpaja ry", "Valmennus Oy", "Keskikylä own unit"]
    # Firm services may come from anyone's unit.
    assert names(r.candidates(None, [2], ADVISORY, False)) == [
        "Valmennus Oy", "Keskikylä own unit"]


def test_a_contract_limits_the_candidates_to_its_providers():
    r = rankings(market())
    mask = np.array([True, False, False, True])
    assert names(r.candidates(mask, [2], COACHING, True)) == [
        "Valmennus Oy", "Keskikylä own unit"]
    assert names(r.candidates(mask, [2], TRAINING, True)) == ["Valmennus Oy"]
    assert names(r.candidates(mask, [2], REHABILITATION, True)) == []


def test_providers_that_left_are_not_ranked():
    m = market()
    m.providers[TYOPAJA].active = False
    r = rankings(m)
    assert names(r.candidates(None, [1], COACHING, True)) == [
        "Valmennus Oy", "Keskikylä own unit"]
    assert r.candidates(None, [1], REHABILITATION, True) == []


def test_reference_price_is_the_mean_over_whom_a_unit_may_buy_from():
    m = market()
    r = rankings(m)
    # Transfers cost what the catalogue says, whoever the providers.
    assert r.reference_price("wage_subsidy", None) == 900.0
    assert r.reference_price("training", None) == pytest.approx(1_300.0 * 1.1)
    assert r.reference_price("training", np.array([True, False, False, False])) == 1_300.0
    # No one to buy from: the catalogue price.
    assert r.reference_price("coaching", np.array([False, True, False, False])) == 450.0
    assert r.reference_price("growth_funding", None) == 8_000.0


def test_reference_price_is_fixed_for_the_month():
    m = market()
    r = rankings(m)
    open_price = r.reference_price("training", None)
    m.providers[KOULUTUS].price_factor = 2.0  # changes only at the month's close
    assert r.reference_price("training", None) == open_price
    assert rankings(m).reference_price("training", None) == pytest.approx(1_300.0 * 1.5)
    m.providers[KOULUTUS].active = False
    assert rankings(m).reference_price("training", None) == 1_300.0
    assert rankings(m).reference_price("training", np.array([False, True, False, False])) \
        == 1_300.0


def test_entrants_draw_their_quality_between_the_markets_bounds():
    names = ["region", "Keskikylä", "Rantala", "Metsälä"]
    bounds = {"market.entrant_quality_min": 1.0, "market.entrant_quality_max": 1.4}
    m = ProviderMarket(model(), load_scenario("tiny", {"providers": PROVIDERS, **bounds}),
                       names, {n: k for k, n in enumerate(names)})
    margins(m, {KOULUTUS: (1_000.0, 500.0)})
    m.end_quarter(6, FixedDraws([0.25]))
    assert m.providers[4].name == "training-entrant-6"
    assert m.providers[4].quality == pytest.approx(1.1)  # 1.0 + 0.4 × the draw 0.25
    with pytest.raises(ScenarioError, match="entrant_quality_min"):
        load_scenario("tiny", {"market.entrant_quality_min": 1.3,
                               "market.entrant_quality_max": 1.2})


def test_a_providers_guess_and_the_payment_groups_follow_the_market():
    market_ = load_scenario("tiny", {"market.differential_prices": True,
                                     "market.expected_outcome_slope": 0.5,
                                     "market.payment_group_employability": 0.8}).market
    employability = np.array([0.4, 0.05, 1.0])
    assert expected_outcome(employability, 0.5).tolist() == pytest.approx([0.2, 0.025, 0.5])
    base = (1 - 0.3) * 1_000.0 * 2 * 2.5  # withheld price × months × multiplier
    # Each client's payment is worth, in expectation, that of a client of employability 0.8
    # (a guessed chance of 0.4); the guess is floored at 0.05.
    assert outcome_price(1_000.0, 2, market_, employability) == pytest.approx(
        [base * 0.4 / 0.2, base * 0.4 / 0.05, base * 0.4 / 0.5])
    # Creaming: without payment groups, the margin rises with the chance of a job.
    plain = market_.model_copy(update={"differential_prices": False})
    pay = outcome_price(1_000.0, 2, plain, employability)
    _, margin = choose_effort(Contract("outcome", 1_000.0, 900.0, 2, pay),
                              expected_outcome(employability, 0.5), plain)
    assert np.argsort(-margin).tolist() == [2, 0, 1]


def effort_market(**update):
    """The tiny scenario's market settings, changed by ``update``."""
    return scenario().market.model_copy(update=update)


def test_under_output_pay_every_client_gets_the_contracted_standard():
    chance = np.array([0.05, 0.4, 0.9])
    effort, margin = choose_effort(Contract("output", 450.0, 405.0, 3, np.zeros(3)), chance,
                                   effort_market())
    assert effort.tolist() == [1.0, 1.0, 1.0]
    assert margin.tolist() == pytest.approx([3 * 45.0] * 3)  # the same: no one to cream
    # Without monitoring, a provider paid per output saves on effort.
    effort, _ = choose_effort(Contract("output", 450.0, 405.0, 3, np.zeros(3)), chance,
                              effort_market(monitoring_share=0.0))
    assert effort.tolist() == [0.3, 0.3, 0.3]


def test_outcome_pay_parks_the_hard_to_help_and_tries_for_the_likely():
    chance = np.array([0.05, 0.4, 0.9])
    market_ = effort_market(effort_job_chance_elasticity=1.0)
    pay = outcome_price(450.0, 3, market_, np.array([0.1, 0.6, 1.0]))
    effort, margin = choose_effort(Contract("outcome", 450.0, 405.0, 3, pay), chance, market_)
    assert effort[0] == 0.3 and effort[2] == 1.15
    assert np.all(np.diff(effort) >= 0) and np.all(np.diff(margin) > 0)


def test_open_books_keep_the_standard_and_its_gain_share_discourages_more():
    chance = np.array([0.05, 0.4, 0.9])
    bonus = np.full(3, 0.25 * 2_362.5)
    effort, _ = choose_effort(Contract("open_book", 450.0, 405.0, 3, bonus, 0.08, 0.5),
                              chance, effort_market())
    assert effort.tolist() == [1.0, 1.0, 1.0]
    # A fee above the gain share pays for more effort (cost-plus gold-plating).
    effort, _ = choose_effort(Contract("open_book", 450.0, 405.0, 3, bonus, 0.3, 0.0),
                              chance, effort_market())
    assert effort.tolist() == [1.15, 1.15, 1.15]


@pytest.mark.parametrize("regime", ["output", "outcome", "open_book"])
def test_chosen_effort_and_margin_are_the_bits_of_the_margins_argmax(regime):
    # The compiled choice against expected_margins and np.argmax, with chances at and beyond
    # the clip bounds, a NaN, and a belief steep enough to push chances below zero.
    rng = np.random.default_rng(7)
    chance = np.r_[rng.random(200) * 1.5, 0.0, 1.0, np.nan]
    pay = np.round(rng.random(chance.size) * 3_000.0, 0)
    market_ = effort_market(effort_min=0.1, effort_job_chance_elasticity=2.0)
    contract = Contract(regime, 450.0, 405.0, 3, pay, 0.08, 0.5)
    margins, levels = expected_margins(contract, chance, market_)
    best = np.argmax(margins, axis=1)
    effort, margin = choose_effort(contract, chance, market_)
    assert effort.tobytes() == levels[best].tobytes()
    assert margin.tobytes() == margins[np.arange(best.size), best].tobytes()


def test_an_entrant_beyond_the_int16_provider_ids_is_refused():
    """The service state keeps provider ids in int16: the market stops before they wrap."""
    m = market()
    spec = Provider(name="Entrant Oy", kind="external", services=["coaching"], capacity=10)
    m.providers.extend([m.providers[0]] * (MAX_INDEX - len(m.providers)))
    with pytest.raises(RuntimeError, match="more than 32767 service providers"):
        m.add(spec)
