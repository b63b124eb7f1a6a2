"""The provider market (palvelumarkkinat): who produces, their month, entry and exit.

:class:`ProviderMarket` owns the providers (Mesa agents, :mod:`.providers`): it closes
their month (fixed costs, cash, learning, with an alliance's joint learning and open-book
cost cutting when they work in one), lets loss-makers leave and high margins draw entrants
each quarter, and ranks them each month for the purchasing units (:class:`Rankings`).
"""

from __future__ import annotations

import mesa
import numpy as np

from ..scenario import SERVICES, Scenario
from ..scenario.organising import Alliance, Provider
from ..scenario.services import TRANSFERS
from .learning import OutcomeRecord
from .providers import ServiceProvider, rank_providers
from .state import MAX_INDEX

QUARTER_MONTHS = 3
"""Months in the quarter over which entry is judged."""


class ProviderMarket:
    """Every provider of the region, and the market's monthly and quarterly rules."""

    def __init__(self, model: mesa.Model, scenario: Scenario, organiser_names: list[str],
                 owner_index: dict[str, int]) -> None:
        """The scenario's providers, or each organiser producing its own services at cost."""
        self.model = model
        self.scenario = scenario
        specs = list(scenario.providers) or default_providers(scenario, organiser_names)
        self.providers = [ServiceProvider(model, k, spec, owner_index.get(spec.owner, -1))
                          for k, spec in enumerate(specs)]
        # This quarter's client-months bought from external providers by buyers free to
        # choose any, per service (where a newcomer could find clients).
        self.open_clients = np.zeros(len(SERVICES))
        m = scenario.market
        persons = getattr(model, "persons", None)  # a market without people: a uniform band
        employability = (persons.base_employability if persons is not None
                         else np.linspace(0.0, 1.0, 101))
        self.record = OutcomeRecord(employability, len(self.providers),
                                    m.expected_outcome_slope, m.estimate_prior_clients,
                                    m.outcome_memory_months)

    def quality(self) -> np.ndarray:
        """Quality per provider, with index -1 (no provider) mapping to quality 1."""
        return np.array([*(p.quality for p in self.providers), 1.0])

    def add(self, spec: Provider) -> None:
        """A new provider enters the market."""
        if len(self.providers) >= MAX_INDEX:  # the service state keeps provider ids in int16
            raise RuntimeError(f"more than {MAX_INDEX} service providers in one run")
        self.providers.append(ServiceProvider(self.model, len(self.providers), spec, -1))

    def start_observation(self) -> None:
        """Month 0: providers' books start afresh."""
        for provider in self.providers:
            provider.cash = 0.0

    def reset_month(self) -> None:
        """Clear every provider's ledger of the month (before the month's payments)."""
        for provider in self.providers:
            provider.reset_month()

    def rankings(self, scenario: Scenario) -> Rankings:
        """This month's rankings (providers change only at the month's close)."""
        return Rankings(self.providers, scenario)

    def close_month(self, alliances: list, month: int) -> None:
        """Providers book the month and learn from outcomes; open books cut costs.

        A provider learns from the follow-ups it has seen (its record, decayed by
        ``market.outcome_memory_months``): ``learning_per_year`` / 12 × n / (n +
        ``market.learning_evidence_clients``). Under joint learning an alliance's providers
        pool their records (more evidence, faster learning), and each copies part of the
        practice (``alliance.best_practice_pull``) of the provider with the highest
        measured value added among them, if that is above its own: measured on few
        outcomes, the copied practice may be the worse one. ``alliances`` are the alliances
        whose levers act this month.
        """
        m = self.scenario.market
        record = self.record
        record.grow(len(self.providers))
        windows = np.array([self.scenario.services.spec(s).duration_months for s in SERVICES],
                           dtype=float) + m.outcome_follow_up_months
        value_added, seen = record.value_added_by_provider(windows)
        for p in self.providers:
            pool, pull = [p.index], 0.0
            for a in alliances:
                if a.covers(p):
                    if a.lever("joint_learning"):
                        pool, pull = a.data_pool(p), a.spec.best_practice_pull
                    if a.lever("gain_pain_share"):
                        cut_cost(p, a.spec)
            n = float(seen[pool].sum())
            learning = m.learning_per_year / 12.0 * n / (n + m.learning_evidence_clients)
            best = p.index
            if pull > 0.0:
                measured = [q for q in pool if seen[q] > 0 and self.providers[q].active]
                if measured:
                    top = max(measured, key=lambda q: (value_added[q], -q))
                    if seen[p.index] == 0 or value_added[top] > value_added[p.index]:
                        best = top
            p.close_month(learning, self.providers[best].quality, pull if best != p.index
                          else 0.0, m.quality_max)

    def count_quarter_clients(self) -> None:
        """Add the month's clients to the quarter's (the KRA bonus is shared by them)."""
        for p in self.providers:
            p.quarter_clients += p.clients

    def count_open_clients(self, service: np.ndarray, clients: np.ndarray) -> None:
        """Client-months bought from external providers by buyers free to choose any.

        Only these buyers could contract with a newcomer (an alliance contract names its
        providers; own units are their organisers'); counted per service for the quarter.
        """
        np.add.at(self.open_clients, service, clients)

    def end_quarter(self, month: int, rng: np.random.Generator) -> None:
        """Quarterly: loss-making external providers leave; entrants come where buyers are.

        A provider enters a service that buyers free to choose bought from external
        providers this quarter, whose external sellers earned a margin over
        ``market.entry_margin`` and filled ``market.entry_capacity_use`` of their capacity
        (client-months over capacity-months): a buyer contracts with a newcomer only when
        the incumbents run short. Transfers are bought from no provider. An entrant's
        quality is drawn uniformly between ``market.entrant_quality_min`` and
        ``market.entrant_quality_max``.
        """
        market = self.scenario.market
        for p in self.providers:
            if (p.active and p.kind != "own"
                    and p.cash < -market.exit_after_loss_months * p.fixed_cost):
                p.active = False
        for s, name in enumerate(SERVICES):
            sellers = [p for p in self.providers
                       if p.active and p.offers[s] and p.kind != "own"]
            if not sellers or name in TRANSFERS or self.open_clients[s] <= 0:
                continue
            revenue = sum(p.quarter_revenue for p in sellers)
            margin = sum(p.quarter_revenue - p.quarter_cost for p in sellers)
            use = sum(p.quarter_clients for p in sellers) / (
                QUARTER_MONTHS * sum(p.capacity for p in sellers))
            if (revenue > 0 and margin / revenue > market.entry_margin
                    and use >= market.entry_capacity_use):
                template = sellers[0]
                self.add(Provider(
                    name=f"{name}-entrant-{month}", kind="external", services=[name],
                    capacity=int(np.mean([p.capacity for p in sellers])),
                    cost_factor=float(np.mean([p.cost_factor for p in sellers])),
                    price_factor=float(np.mean([p.price_factor for p in sellers])),
                    quality=float(rng.uniform(market.entrant_quality_min,
                                              market.entrant_quality_max)),
                    fixed_cost_eur_per_month=template.fixed_cost,
                ))
        for p in self.providers:
            p.quarter_revenue = 0.0
            p.quarter_cost = 0.0
        for p in self.providers:
            p.quarter_clients = 0
        self.open_clients[:] = 0.0


def default_providers(scenario: Scenario, organiser_names: list[str]) -> list[Provider]:
    """Without a provider list, each organiser produces its own services at cost."""
    org = scenario.organisers
    specs = [Provider(name="region own unit", kind="own", owner="region",
                      services=sorted(s for s, v in org.region_mix.items() if v > 0),
                      capacity=10**9, cost_factor=1.0, fixed_cost_eur_per_month=0.0)]
    municipal = sorted(s for s, v in org.municipal_mix.items() if v > 0)
    specs += [Provider(name=f"{name} own unit", kind="own", owner=name,
                       services=municipal, capacity=10**9, cost_factor=1.0,
                       fixed_cost_eur_per_month=0.0)
              for name in organiser_names[1:]]
    return specs


class Rankings:
    """A month's provider rankings per service, and what a unit may buy from whom.

    Performance: providers change only at the month's close, so each unit filters these
    rankings instead of sorting all providers for every purchase (at national scale there
    are hundreds of own units). For units free to buy from all, person services are bought
    from the external providers and the unit's organisers' own units, which are merged
    from short lists rather than filtered from all providers.
    """

    def __init__(self, providers: list[ServiceProvider], scenario: Scenario) -> None:
        """Rank ``providers`` for every service (see :func:`.providers.rank_providers`)."""
        self.providers = providers
        self.catalogue = scenario.services
        self._open_price: dict[int, float] = {}
        self._ranked, self._rank_pos, self._ranked_external, self._ranked_own = {}, {}, {}, {}
        for s, ranked in enumerate(rank_providers(providers)):
            self._ranked[s] = ranked
            self._rank_pos[s] = {p.index: k for k, p in enumerate(ranked)}
            self._ranked_external[s] = [p for p in ranked if p.kind != "own"]
            own: dict[int, list[ServiceProvider]] = {}
            for p in ranked:
                if p.kind == "own":
                    own.setdefault(p.owner, []).append(p)
            self._ranked_own[s] = own

    def candidates(self, allowed: np.ndarray | None, organisers: list[int], s: int,
                   person_service: bool) -> list[ServiceProvider]:
        """Providers a unit may buy service ``s`` from, best first.

        A unit with a provider list (``allowed``, an alliance contract) buys only from it;
        otherwise a firm service may come from any provider, a person service from any
        external provider or its own ``organisers``' units.
        """
        if allowed is not None:
            return [p for p in self._ranked[s] if allowed[p.index]]
        if not person_service:
            return self._ranked[s]
        own = [p for o in organisers for p in self._ranked_own[s].get(o, ())]
        if not own:
            return self._ranked_external[s]
        pos = self._rank_pos[s]
        return sorted(self._ranked_external[s] + own, key=lambda p: pos[p.index])

    def reference_price(self, name: str, allowed: np.ndarray | None) -> float:
        """Price per client-month a unit plans with: the mean over whom it may buy from."""
        spec = self.catalogue.spec(name)
        if name in TRANSFERS:
            return spec.cost_eur_per_month
        s = SERVICES.index(name)
        if allowed is None and s in self._open_price:
            return self._open_price[s]  # the same for every unit free to buy from all
        factors = [p.price_factor for p in self.providers if p.active and p.offers[s]
                   and (allowed is None or allowed[p.index])]
        price = spec.cost_eur_per_month * (float(np.mean(factors)) if factors else 1.0)
        if allowed is None:
            self._open_price[s] = price
        return price



def cut_cost(p: ServiceProvider, spec: Alliance) -> None:
    """Open books: ``p`` cuts its unit cost this month by as much as it gains from.

    Cutting the unit cost by a share x in a month costs the provider a reorganisation cost
    rising with x², scaled so that one keeping every euro saved would cut
    ``efficiency_gain_per_year`` a year. Under open books it keeps its gain share of a
    saving and loses the fee on it (the fee is a share of cost), so it cuts
    (``provider_gain_share`` − ``fee_share``) times that, down to ``cost_cut_floor`` of
    its first unit cost; with a fee at least its gain share it cuts nothing.
    """
    keep = max(spec.provider_gain_share - spec.fee_share, 0.0)
    rate = keep * spec.efficiency_gain_per_year / 12.0
    p.cost_factor = max(p.cost_factor * (1.0 - rate), spec.cost_cut_floor * p.initial_cost_factor)
