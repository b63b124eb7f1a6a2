"""Purchasing (hankinnat): which clients a unit's money reaches and which providers serve them.

Each month every purchasing unit turns its money (budget less overheads, times its pace)
into service starts by its service mix, at the price it expects to pay; it draws the
clients from the eligible persons and firms of its municipalities (under the unanimity
rule when its budget is pooled) and places them with the providers it may buy from, best
quality per euro first, within their capacity. Under outcome pay the providers choose whom
to take first and how hard to try (:func:`sim.services.providers.choose_effort`).

Performance: eligibility and the provider rankings are made once a month; a unit then
works on slices of lists grouped by municipality and on short provider lists, never on the
whole population.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..labour import draws
from ..labour.population import Firms, Persons
from ..scenario import FIRM_SERVICES, PERSON_SERVICES, SERVICES, Scenario
from ..services.counts import provider_load
from ..services.eligibility import (
    eligibility_rules,
    eligible_by_home,
    eligible_firms,
    group_by_area,
)
from ..services.learning import enrol_controls
from ..services.market import TRANSFERS, ProviderMarket, Rankings
from ..services.outcomes import OutcomeTracker
from ..services.providers import (
    Contract,
    ServiceProvider,
    choose_effort,
    outcome_price,
    pick_providers,
)
from ..services.state import SERVICE_INDEX, ServiceState, firm_column, start_firms, start_persons
from .alliance import AllianceAgent
from .ledger import (
    Ledger,
    MonthPlan,
    months_left_in_year,
    settlement_reserve,
    start_factors,
)
from .organisers import Organisers
from .overheads import forming_offices, planned_overhead
from .referrals import ReferralDesk
from .units import Unit, UnitRegistry, unanimity_shares


class Purchasing:
    """Every purchasing unit's monthly purchase (see the module docstring)."""

    def __init__(self, scenario: Scenario, orgs: Organisers, units: UnitRegistry,
                 market: ProviderMarket, alliances: list[AllianceAgent], ledger: Ledger,
                 state: ServiceState, referrals: ReferralDesk, outcomes: OutcomeTracker,
                 persons: Persons, firms: Firms,
                 start_firms_for: Callable[[np.ndarray], None],
                 committed: Callable[[int], np.ndarray]) -> None:
        """The units, providers, books and people a purchase works with.

        ``start_firms_for(founders)`` opens a firm for each start-up grant's founder;
        ``committed(months)`` is each organiser's money that earlier decisions still take
        in the next ``months`` (:meth:`sim.organising.payments.Payments.committed`).
        """
        self.scenario = scenario
        self.orgs = orgs
        self.units = units
        self.market = market
        self.alliances = alliances
        self.ledger = ledger
        self.state = state
        self.referrals = referrals
        self.outcomes = outcomes
        self.persons = persons
        self.firms = firms
        self.start_firms_for = start_firms_for
        self.committed = committed
        self._rng = np.random.default_rng(0)  # replaced by each month's services stream

    def plan_and_start(self, month: int, rng: np.random.Generator) -> MonthPlan:
        """Every unit buys this month's service starts with its money and service mix.

        Returns what it planned (for the month's budget check, :meth:`Ledger.pace`).
        """
        self._rng = rng
        st, p, f, sc = self.state, self.persons, self.firms, self.scenario
        self.referrals.activate(st, p.status, self.begin, month)
        plan = MonthPlan(self.units.of_month(month, self.alliances, self.market.providers))
        load = self._provider_load()
        st.grow_firms(f.capacity)
        # Eligibility once a month over the whole population, grouped by home municipality
        # with slice bounds, so that a municipal unit's pool is one slice (one kernel pass);
        # each unit then skips persons another unit took.
        rules = eligibility_rules(sc.targeting, sc.labour.long_term_months)
        groups = eligible_by_home(p.status, st.service, st.referral_wait,
                                  p.unemployment_months, p.employability, p.home, rules,
                                  self.orgs.n_munis)
        self._eligible = dict(zip(PERSON_SERVICES, groups, strict=True))
        self._eligible_firms = {}
        for name in FIRM_SERVICES:
            idx = np.flatnonzero(eligible_firms(name, f, st, sc.targeting, month))
            self._eligible_firms[name] = (idx, *group_by_area(idx, f.muni, self.orgs.n_munis))
        self._rankings: Rankings = self.market.rankings(sc)
        self._unit_areas: dict[int, np.ndarray | None] = {}  # by id of this month's units
        self._quality = self.market.quality()  # fixed until the month's close
        self._chances: dict = {}  # job chances by pool: the record is fixed until the close
        self._taken = np.zeros(p.size, dtype=bool)
        for uid, name, starts in self._orders(plan, month, rng):
            unit = self.units[uid]
            if name in PERSON_SERVICES:
                self._start_person_service(name, unit, uid, starts, load, month)
            else:
                self._start_firm_service(name, unit, uid, starts, load, month)
        return plan

    def _orders(self, plan: MonthPlan, month: int, rng: np.random.Generator
                ) -> list[tuple[int, str, int]]:
        """This month's starts, (unit id, service, starts), within the budgets.

        Each unit's money for starts is its budget less the overheads it plans for
        (recorded in ``plan``), times its pace (:meth:`Ledger.pace`), over its mix, at the
        price it expects, rounded at random to whole starts (keeping their expected
        number). The budget check (:func:`.ledger.start_factors`) then cuts, in
        proportion and rounding down, the starts whose in-year cost would take an
        organiser's year over its money (the units so cut are recorded in
        ``plan.capped``).
        """
        sc = self.scenario
        left = months_left_in_year(month)
        orders, cost, money = [], [], []
        forming = forming_offices(self.alliances, self.orgs, month)  # once for every unit
        for uid in plan.unit_ids:
            unit = self.units[uid]
            fixed, variable = planned_overhead(unit, self.alliances, self.orgs, sc, month, forming)
            # Negative when the overheads exceed the budget (a joint office's formation in
            # a small municipality): no starts, and the year's money is that much less.
            plan.service_money[uid] = (unit.budget - fixed) / (1.0 + variable)
            money.append(plan.service_money[uid])
            paced = max(money[-1], 0.0) * self.ledger.pacing.get(unit.key, 1.0)
            for s, share in enumerate(unit.mix):
                if share <= 0 or paced <= 0:
                    continue
                name = SERVICES[s]
                spec = sc.services.spec(name)
                price = self._rankings.reference_price(name, unit.allowed)
                expected = paced * share / (price * spec.duration_months)
                whole = int(expected)  # randomised rounding keeps the expected starts
                starts = whole + int(rng.random() < expected - whole)
                if starts:
                    orders.append((uid, name, starts))
                    cost.append(price * min(spec.duration_months, left))  # in the year
        if not sc.organisers.budget_check or not orders:
            return orders
        committed = self.committed(left)
        for a in self.alliances:
            committed += settlement_reserve(a, month, self.orgs.budget)
        units = [self.units[uid] for uid in plan.unit_ids]
        return within_budgets(self.ledger, plan, units, money, month, orders, cost, committed)

    def begin(self, idx: np.ndarray, service: int, providers: np.ndarray,
              uid: int | np.ndarray, effort: np.ndarray, month: int) -> None:
        """Persons ``idx`` start ``service`` with their providers, payer units and effort."""
        spec = self.scenario.services.spec(SERVICES[service])
        start_persons(self.state, idx, service, providers, uid, effort, month,
                      spec.duration_months, self.scenario.market.outcome_follow_up_months)
        self.outcomes.count_starts(idx, effort)
        low = np.flatnonzero(effort < 1.0)  # below the standard: the buyer may find out
        self.state.withheld[idx] = False
        if low.size:
            found = self._rng.random(low.size) < self.scenario.market.monitoring_share
            self.state.withheld[idx[low[found]]] = True
        if SERVICES[service] == "start_up_grant":
            self.start_firms_for(idx)

    def _provider_load(self) -> np.ndarray:
        """Client-slots each provider has in use: its clients, referrals and firms."""
        st, desk = self.state, self.referrals
        need = np.array([self.scenario.services.spec(s).capacity_need for s in SERVICES])
        n = len(self.market.providers)
        load = np.zeros(n + 1)
        load += provider_load(st.provider, st.service, need, n + 1)
        load += provider_load(desk.provider, desk.service, need, n + 1)
        for col, name in enumerate(FIRM_SERVICES):
            fp = st.firm_provider[:, col]
            load += np.bincount(fp[fp >= 0], minlength=n + 1) * need[SERVICE_INDEX[name]]
        return load[:n]

    def _areas_of(self, unit: Unit) -> np.ndarray | None:
        """The municipalities ``unit`` serves, or None for all (kept for the month)."""
        key = id(unit)
        if key not in self._unit_areas:
            self._unit_areas[key] = None if unit.areas.all() else np.flatnonzero(unit.areas)
        return self._unit_areas[key]

    def _start_person_service(self, name: str, unit: Unit, uid: int, starts: int,
                              load: np.ndarray, month: int) -> None:
        """Draw ``starts`` clients of ``unit`` for person service ``name`` and start them."""
        p = self.persons
        idx, bounds = self._eligible[name]
        areas = self._areas_of(unit)
        if areas is None:
            pool = idx
        elif areas.size == 1:
            pool = idx[bounds[areas[0]]:bounds[areas[0] + 1]]  # a view: filtered next
        else:
            pool = np.concatenate([idx[bounds[m]:bounds[m + 1]] for m in areas])
        pool = pool[~self._taken[pool]]
        if pool.size == 0:
            return
        # Candidates per start (market.referrals_per_start), so that a provider has a
        # choice of whom to take first (creaming).
        referred = starts * self.scenario.market.referrals_per_start
        if unit.unanimity:
            candidates = unanimous_sample(self._rng, pool, self.persons.home[pool], unit,
                                              self.orgs.n_munis, referred)
        else:
            candidates = draws.sample(draws.new_key(self._rng), pool, min(pool.size, referred))
        if name in TRANSFERS:
            chosen = candidates[:starts]
            providers = np.full(chosen.size, -1, dtype=np.int64)
            effort = np.ones(chosen.size)
        else:
            chosen, providers, effort = self._assign(name, unit, candidates, starts, load)
        if chosen.size == 0:
            return
        self._taken[chosen] = True
        service = SERVICE_INDEX[name]
        if unit.municipal and name not in TRANSFERS:
            now = self.referrals.refer(self.scenario, unit, uid, service, chosen, providers,
                                       effort, p.home[chosen], self.state, self._rng)
            if now is None:
                return
            chosen, providers, effort = now
        self.begin(chosen, service, providers, uid, effort, month)

    def _assign(self, name: str, unit: Unit, candidates: np.ndarray, starts: int,
                load: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Providers take clients up to capacity and ``starts``, each at its chosen effort.

        The candidates come in random order; the first-ranked provider (the one that takes
        most of them) takes them in order of its expected margin (creaming when the margin
        depends on the client). Each provider then chooses each of its clients' effort.
        """
        s = SERVICE_INDEX[name]
        spec = self.scenario.services.spec(name)
        ranked = self._rankings.candidates(unit.allowed, unit.organisers, s, True)
        if ranked:
            _, margin = self._choose(unit, ranked[0], s, candidates)
            candidates = candidates[np.argsort(-margin, kind="stable")]
        chosen = candidates[:starts]
        providers = pick_providers(ranked, load, spec.capacity_need, chosen.size)
        chosen = chosen[: providers.size]
        effort = np.ones(chosen.size)
        for k in np.unique(providers).tolist():
            at = providers == k
            effort[at], _ = self._choose(unit, self.market.providers[k], s, chosen[at])
        return chosen, providers, effort

    def _choose(self, unit: Unit, provider: ServiceProvider, service: int,
                clients: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``provider``'s effort for each of ``clients`` under ``unit``'s contract, and margin."""
        alliance = self.alliances[unit.alliance] if unit.alliance >= 0 else None
        emp = self.persons.base_employability[clients]
        contract = client_contract(unit, provider, self.scenario, alliance, SERVICES[service],
                                   emp)
        pool = alliance.data_pool(provider) if alliance is not None else [provider.index]
        record = self.market.record
        chance = record.job_chance(pool, service, record.band(emp), self._chances)
        return choose_effort(contract, chance, self.scenario.market)

    def _start_firm_service(self, name: str, unit: Unit, uid: int, starts: int,
                            load: np.ndarray, month: int) -> None:
        """Draw ``starts`` client firms of ``unit`` for firm service ``name``; start them."""
        f = self.firms
        idx, grouped, bounds = self._eligible_firms[name]
        areas = self._areas_of(unit)
        if areas is None:
            pool = idx
        else:
            # The unit's municipalities' slices, back in firm order (the draw depends on it).
            pool = (grouped[bounds[areas[0]]:bounds[areas[0] + 1]] if areas.size == 1 else
                    np.sort(np.concatenate([grouped[bounds[m]:bounds[m + 1]] for m in areas]),
                            kind="stable"))
        pool = pool[self.state.firm_left[pool, firm_column(name)] == 0]
        if pool.size == 0:
            return
        chosen = draws.sample(draws.new_key(self._rng), pool, min(pool.size, starts))
        spec = self.scenario.services.spec(name)
        providers = pick_providers(
            self._rankings.candidates(unit.allowed, unit.organisers, SERVICE_INDEX[name],
                                      False), load, spec.capacity_need, chosen.size)
        chosen = chosen[: providers.size]
        if chosen.size:  # the rest of the pool, not drawn (at random), are its controls
            strength, sc = self._quality[providers], self.scenario
            start_firms(self.state, f, chosen, name, providers, uid, strength, sc.services,
                        month, sc.market.outcome_follow_up_months)
            enrol_controls(self.market.record, self.state, f, pool, chosen, name,
                           sc.services, month, sc.market.outcome_follow_up_months)


def within_budgets(ledger: Ledger, plan: MonthPlan, units: list[Unit], money: list[float],
                   month: int, orders: list[tuple[int, str, int]], cost: list[float],
                   committed: np.ndarray) -> list[tuple[int, str, int]]:
    """The budget check: ``orders`` cut in proportion, rounding down, to the room left.

    Args:
        ledger: the books, with the budget year.
        plan: this month's plan (its units, in the order of ``units`` and ``money``);
            the units cut are recorded in ``plan.capped``.
        units: this month's units.
        money: per unit, its service money this month (EUR).
        month: this month.
        orders: (unit id, service, starts) planned.
        cost: per order, the in-year cost of a start (EUR).
        committed: per organiser, what earlier decisions still cost within the year.
    """
    at = {uid: k for k, uid in enumerate(plan.unit_ids)}
    new = np.zeros(len(units))
    for (uid, _, starts), c in zip(orders, cost, strict=True):
        new[at[uid]] += starts * c
    year = ledger.year
    year.start_month(month)
    factor = start_factors(units, year.allowance(units, money, month), year.spent,
                           committed, new.tolist())
    plan.capped = {uid for uid, f in zip(plan.unit_ids, factor, strict=True) if f < 1.0}
    cut = [(uid, name, int(starts * factor[at[uid]])) for uid, name, starts in orders]
    return [order for order in cut if order[2] > 0]


def client_contract(unit: Unit, provider: ServiceProvider, scenario: Scenario,
                    alliance: AllianceAgent | None, name: str,
                    employability: np.ndarray) -> Contract:
    """What ``provider`` is paid for each client of ``unit`` in service ``name``.

    The outcome payment (under outcome pay, or its bonus share under open books with
    outcome payment) is priced as the payments price it, by baseline employability.
    """
    spec = scenario.services.spec(name)
    m = scenario.market
    price = provider.price_factor * spec.cost_eur_per_month
    cost = provider.cost_factor * spec.cost_eur_per_month
    pays = unit.regime == "outcome" or unit.outcome_bonus
    outcome = (outcome_price(price, spec.duration_months, m, employability) if pays
               else np.zeros(employability.size))
    open_book = unit.regime == "open_book" and alliance is not None
    if open_book:
        outcome = m.outcome_bonus_share * outcome
    return Contract(unit.regime, price, cost, spec.duration_months, outcome,
                    alliance.spec.fee_share if open_book else 0.0,
                    alliance.spec.provider_gain_share if open_book else 0.0)


def unanimous_sample(rng: np.random.Generator, pool: np.ndarray, home: np.ndarray, unit: Unit,
                     n_munis: int, size: int) -> np.ndarray:
    """Sample clients across member municipalities under the unanimity rule, in random order.

    ``home`` is each of ``pool``'s home municipality. The order matters: a transfer's
    starts, and providers' choices among equals, take the first candidates.
    """
    munis = np.array([m for m, _ in unit.unanimity], dtype=np.int64)
    floors = np.array([f for _, f in unit.unanimity])
    # Performance: the pool grouped by home once (in pool order within a home), rather
    # than a mask over the pool per member municipality. A pool already in order of home
    # (as purchasing builds it: the eligible are grouped by home) is its own grouping: the
    # grouping would be the identity, so only the bounds are found (binary search).
    if pool.size and home[0] >= 0 and home[-1] < n_munis and (home[1:] >= home[:-1]).all():
        grouped = pool
        bounds = np.searchsorted(home, np.arange(n_munis + 1), side="left")
    else:
        at, bounds = group_by_area(np.arange(pool.size), home, n_munis)
        grouped = pool[at]
    counts = (bounds[munis + 1] - bounds[munis]).astype(float)
    shares = unanimity_shares(counts, floors)
    take = np.minimum(np.floor(shares * size + rng.random(munis.size)).astype(int),
                      counts.astype(int))
    out = [draws.sample_groups(draws.new_key(rng), grouped, bounds[munis], bounds[munis + 1],
                               take)]
    member = np.zeros(n_munis, dtype=bool)
    member[munis] = True
    others = pool[~member[home]]
    if others.size:
        out.append(draws.sample(draws.new_key(rng), others, min(others.size, size)))
    # In random order across municipalities: the first in the list are taken first.
    out = np.concatenate(out)
    return out[rng.permutation(out.size)]
