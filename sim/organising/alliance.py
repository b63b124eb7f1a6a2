"""The alliance (allianssi) as a Mesa agent: its levers, phases, quarter and exits.

An alliance joins the region, any municipalities that wish and chosen providers. Phases
follow the source document: formation (negotiated procedure), development (sets the
target cost per client-month and the KRA levels), implementation (levers act; KRAs scored
quarterly; bonus pool and gain/pain paid). Any party may leave at the end of development;
an organiser may leave at any quarter once its own KRA results stay under the minimum for
a set number of quarters. Members who leave return to separate action.

Levers read here (the others are read where they act, see :mod:`sim.organising`):
``outcome_payment`` and ``gain_pain_share`` (the contract: :attr:`AllianceAgent.regime`,
the quarter's gain/pain and bonus), ``joint_learning`` (whose records its providers pool:
:meth:`~AllianceAgent.data_pool`; learning and cost cutting act in
:mod:`sim.services.market`), ``joint_decisions``
(:func:`adjust_mix`); ``joint_office`` acts in :mod:`sim.organising.overheads`
(its cost, and its pooled caseworkers: :func:`~sim.organising.overheads.caseworker_pools`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from ..scenario import LEVERS, SERVICES
from ..scenario.organising import Alliance
from .kra import Observed, composite, kra_levels, kra_score
from .organisers import Organisers

if TYPE_CHECKING:
    from ..services.market import ProviderMarket
    from ..services.providers import ServiceProvider
    from .ledger import Ledger
    from .units import Unit

QUARTER = 3
"""Months in a quarter: the alliance settles and decides quarterly."""


class AllianceAgent(mesa.Agent):
    """An alliance: members, phase, contract, target cost, KRA scores, mix and exits."""

    def __init__(self, model: mesa.Model, index: int, spec: Alliance, orgs: Organisers,
                 market: ProviderMarket, ledger: Ledger) -> None:
        """Create the alliance from its spec with the organisers, market and books it uses."""
        super().__init__(model)
        self.index = index
        self.spec = spec
        self.name = spec.name
        self.orgs = orgs
        self.market = market
        self.ledger = ledger
        self.members = [orgs.index_of[m] for m in spec.members]
        self.provider_ids = [p.index for p in market.providers if p.name in spec.providers]
        self.exited: list[int] = []
        self.failing = dict.fromkeys(self.members, 0)
        self.levels: dict[str, tuple[float, float]] | None = None  # set by development
        self.member_levels: dict[int, dict[str, tuple[float, float]]] = {}
        self.mix_adjust = np.ones(len(SERVICES))
        self.acc = np.zeros(3)  # this quarter: client-months, open-book cost, fees
        self.by_service = np.zeros((len(SERVICES), 2))  # this quarter: client-months, cost
        self.target_unit = np.full(len(SERVICES), np.nan)  # per client-month, by service
        self.last_gain_pain = 0.0  # the last quarter's gain/pain share, EUR
        self._pool: list[int] = []  # its_providers, kept for _pool_key
        self._pool_key: tuple | None = None

    # ----------------------------------------------------------------- levers, phases
    def lever(self, name: str) -> bool:
        """Whether lever ``name`` is on."""
        return self.spec.lever(name)

    @property
    def any_lever(self) -> bool:
        """Whether any lever is on (an all-off alliance is a placebo)."""
        return any(self.lever(name) for name in LEVERS)

    def phase(self, month: int) -> str:
        """Phase in ``month`` (months count from 1 after month 0)."""
        if not self.members:
            return "dissolved"
        if month < 1:
            return "strategy"  # before month 1 the organisers act separately
        f, d = self.spec.formation_months, self.spec.development_months
        if month <= f:
            return "formation"
        if month <= f + d:
            return "development"
        return "implementation"

    def implemented(self, month: int) -> bool:
        """Levers act only in the implementation phase."""
        return self.phase(month) == "implementation"

    def active(self, month: int) -> bool:
        """Whether its levers act this month (members left, implementation phase)."""
        return bool(self.members) and self.implemented(month)

    def units_key(self, month: int) -> tuple:
        """What its purchasing units depend on (they are rebuilt when it changes)."""
        return (self.implemented(month), tuple(self.members), tuple(self.provider_ids),
                self.mix_adjust.tobytes())

    # ----------------------------------------------------------------------- contract
    @property
    def contracts(self) -> bool:
        """Whether its units buy under the alliance contract (outcome pay or open books)."""
        return self.lever("gain_pain_share") or self.lever("outcome_payment")

    @property
    def regime(self) -> str:
        """How its units pay providers: ``open_book``, ``outcome`` or ``output``."""
        return ("open_book" if self.lever("gain_pain_share")
                else "outcome" if self.lever("outcome_payment") else "output")

    def allowed_providers(self, providers: list[ServiceProvider]) -> np.ndarray:
        """Bool per provider: its contracted providers and its members' own units."""
        allowed = np.zeros(len(providers), dtype=bool)
        allowed[self.provider_ids] = True
        for p in providers:
            if p.kind == "own" and p.owner in self.members:
                allowed[p.index] = True
        return allowed

    def covers(self, p: ServiceProvider) -> bool:
        """Whether provider ``p`` works in the alliance (contracted, or a member's own)."""
        return p.index in self.provider_ids or (p.kind == "own" and p.owner in self.members)

    def unit_mix(self, mix: np.ndarray) -> np.ndarray:
        """A unit's service mix: the plan, moved by joint decisions, summing to 1."""
        if self.lever("joint_decisions"):
            mix = mix * self.mix_adjust
        return mix / mix.sum() if mix.sum() > 0 else mix

    # ------------------------------------------------------------ providers' learning
    def data_pool(self, p: ServiceProvider) -> list[int]:
        """Providers whose outcome records ``p`` reads: under joint learning, all of its."""
        if not (self.lever("joint_learning") and self.covers(p)):
            return [p.index]
        return self.its_providers()

    def its_providers(self) -> list[int]:
        """Its contracted providers and its members' own units, by index.

        Performance: read per provider and purchase each month, so it is kept until its
        members, contracts or the number of providers change (entrants are never own units).
        """
        key = (tuple(self.members), tuple(self.provider_ids), len(self.market.providers))
        if self._pool_key != key:
            own = [q.index for q in self.market.providers if q.kind == "own"
                   and q.owner in self.members]
            self._pool, self._pool_key = sorted({*self.provider_ids, *own}), key
        return self._pool

    # ------------------------------------------------------------ the quarter's record
    def tracks(self, unit: Unit, month: int) -> tuple[bool, bool]:
        """Whether it books ``unit``'s payments, and whether they are its own.

        Its own units' costs count; so, in development, do its members' separate purchases
        (the baseline that sets the target cost).
        """
        mine = unit.alliance == self.index
        developing = (self.phase(month) == "development" and unit.alliance < 0
                      and set(unit.organisers) <= set(self.members))
        return mine or developing, mine

    def track(self, client_months: int, cost: float, fee: float, service: int) -> None:
        """Add a payment's client-months, open-book cost and fee to the quarter."""
        self.acc += (client_months, cost, fee)
        self.by_service[service] += (client_months, cost)

    def target_cost(self) -> float:
        """The quarter's target cost, NaN before development ends.

        Each service's target per client-month times its client-months (a service without
        a target counts at its cost), so that a change of mix or volume is neither gain nor
        pain.
        """
        if not np.isfinite(self.target_unit).any():
            return np.nan
        months, cost = self.by_service[:, 0], self.by_service[:, 1]
        has = np.isfinite(self.target_unit)
        return float((np.where(has, self.target_unit, 0.0) * months).sum()
                     + cost[~has].sum())

    # --------------------------------------------------------------------- the quarter
    def quarter(self, month: int, observed: Observed) -> list[tuple]:
        """Quarter end: phase transitions, settlements; returns its rows of the table.

        The rows are those of ``alliance.parquet``: one per KRA in implementation, one
        without a KRA otherwise (see :data:`ALLIANCE_COLUMNS`).
        """
        phase = self.phase(month)
        f, d = self.spec.formation_months, self.spec.development_months
        event, values, target = "", {}, np.nan
        if phase == "implementation" and month > f + d:
            if self.levels is None:
                event = self.end_development(observed)
            else:
                event, values, target = self.settle(observed)
                if self.lever("joint_decisions"):
                    self.mix_adjust = adjust_mix(self, observed.value_per_euro(self))
        elif phase == "development" and month + QUARTER > f + d:
            event = self.end_development(observed)
        return quarter_rows(self, month, phase, target, values, event)

    def kra_values(self, members: list[int], observed: Observed) -> dict[str, float]:
        """This quarter's value of each of its KRAs over the areas of ``members``."""
        values = observed.values(self.orgs.areas(members), self.acc, self.target_cost())
        return {k.name: float(values[k.name]) for k in self.spec.kras}

    def end_development(self, observed: Observed) -> str:
        """Set the target cost and KRA levels; parties using their exit right leave."""
        months, cost = self.by_service[:, 0], self.by_service[:, 1]
        unit = np.divide(cost, months, out=np.full(months.size, np.nan), where=months > 0)
        self.target_unit = unit * (1.0 - self.spec.target_saving)
        values = self.kra_values(self.members, observed)
        self.levels = {k.name: kra_levels(k.name, values[k.name], k.improvement)
                       for k in self.spec.kras}
        self.member_levels = {}
        for m in self.members:
            mv = self.kra_values([m], observed)
            self.member_levels[m] = {k.name: kra_levels(k.name, mv[k.name], k.improvement)
                                     for k in self.spec.kras}
        events = []
        for name in self.spec.leave_after_development:
            index = self.orgs.index_of.get(name)
            if index is not None and index in self.members:
                self.members.remove(index)
                self.exited.append(index)
                events.append(f"exit:{name}")
            for p in self.market.providers:
                if p.name == name and p.index in self.provider_ids:
                    self.provider_ids.remove(p.index)
                    events.append(f"exit:{name}")
        return ";".join(events)

    def settle(self, observed: Observed) -> tuple[str, dict[str, float], float]:
        """Gain/pain on target cost and the KRA bonus; member exits on failing KRAs."""
        acc, providers = self.acc, self.market.providers
        shares = self.orgs.budget[self.members]
        target = self.target_cost()
        target = acc[1] if not np.isfinite(target) else target
        values = self.kra_values(self.members, observed)
        score = composite(self.spec.kras, values, self.levels)
        # Open-book costs by provider this quarter, as the ledger collects them.
        prov_cost = dict(self.ledger.open_book_cost)
        total_cost = sum(prov_cost.values())
        if self.lever("gain_pain_share") and total_cost > 0:
            part = self.spec.provider_gain_share * (target - acc[1])
            part = max(part, -acc[2])  # providers' pain is capped at their fee
            for pid, c in prov_cost.items():
                providers[pid].gain_pain += part * c / total_cost
                pay_provider(self, shares, part * c / total_cost, providers[pid].name, "gain_pain")
            self.last_gain_pain = part
            self.ledger.settle(self.index, part)
        if self.lever("outcome_payment") and self.spec.kra_bonus_eur_per_year > 0:
            bonus = self.spec.kra_bonus_eur_per_year / 4.0 * score
            clients = {p: providers[p].quarter_clients for p in self.provider_ids}
            total = sum(clients.values())
            if total > 0 and bonus > 0:
                for pid, n in clients.items():
                    providers[pid].kra_bonus += bonus * n / total
                    pay_provider(self, shares, bonus * n / total, providers[pid].name, "kra_bonus")
                self.ledger.settle(self.index, bonus)
        return self._exits(observed), values, target

    def _exits(self, observed: Observed) -> str:
        """Members whose own KRA score stayed at 0 for the set quarters leave."""
        events = []
        n_fail = self.spec.exit_after_failing_quarters
        for m in list(self.members):
            mv = self.kra_values([m], observed)
            if composite(self.spec.kras, mv, self.member_levels[m]) <= 0.0:
                self.failing[m] = self.failing.get(m, 0) + 1
            else:
                self.failing[m] = 0
            if n_fail and self.failing[m] >= n_fail:
                self.members.remove(m)
                self.exited.append(m)
                events.append(f"exit:{self.orgs.names[m]}")
        return ";".join(events)

    def end_quarter(self) -> None:
        """A new quarter's record starts."""
        self.acc = np.zeros(3)
        self.by_service[:] = 0.0


def adjust_mix(a: AllianceAgent, value: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Joint decisions: the mix moves toward services with more value added per euro.

    ``value`` is, per service, the value added per euro its providers' clients showed and
    the follow-ups it rests on (:meth:`sim.organising.kra.Observed.value_per_euro`). Services
    with at least ``joint_decision_min_follow_ups`` follow-ups are compared: each one's
    weight changes by ``joint_decision_step`` times its value per euro less the mean over
    them, relative to the largest such deviation among them (``max |v − mean|``), so a
    quarter's change lies within ±``joint_decision_step`` however near zero the mean (the
    farthest from it moves by the whole step; nothing moves when all are equal); the
    weights stay within ``joint_decision_min_weight`` to ``joint_decision_max_weight`` of
    the plan. Person and firm services are compared
    alike: a firm service's value added is its client firms' jobs per follow-up above its
    random control group's (:meth:`sim.services.learning.OutcomeRecord.firm_value_added`).
    """
    spec = a.spec
    per_euro, seen = value
    used = seen >= spec.joint_decision_min_follow_ups
    if used.sum() < 2:
        return a.mix_adjust
    mean = per_euro[used].mean()
    scale = np.abs(per_euro[used] - mean).max()
    if scale == 0.0:
        return a.mix_adjust
    change = np.where(used, spec.joint_decision_step * (per_euro - mean) / scale, 0.0)
    return np.clip(a.mix_adjust * (1.0 + change), spec.joint_decision_min_weight,
                   spec.joint_decision_max_weight)


def pay_provider(a: AllianceAgent, shares: np.ndarray, amount: float, provider: str,
                 item: str) -> None:
    """``a``'s members pay ``amount`` of ``item`` (gain/pain, KRA bonus) to ``provider``.

    Split over the members by their ``shares``; the books' column is named after the item.
    """
    a.ledger.books.add(f"{item}_eur", a.members, shares, amount, provider, item)


ALLIANCE_COLUMNS = ("month", "alliance", "phase", "members", "target_cost_eur",
                    "actual_cost_eur", "kra", "kra_value", "kra_minimum", "kra_exceptional",
                    "kra_score", "event")
"""Columns of ``alliance.parquet``: quarter-end rows of every alliance."""


def quarter_rows(a: AllianceAgent, month: int, phase: str, target: float,
                 values: dict[str, float], event: str) -> list[tuple]:
    """An alliance's rows of the quarter (:data:`ALLIANCE_COLUMNS`).

    One row per KRA in implementation (value, levels, score), one without a KRA otherwise;
    the event (exits) goes on the first.
    """
    levels = a.levels or {}
    rows = [(k.name, values.get(k.name, np.nan), *levels.get(k.name, (np.nan, np.nan)))
            for k in a.spec.kras] if values else [("", np.nan, np.nan, np.nan)]
    out = []
    for i, (kra, value, lo, hi) in enumerate(rows):
        score = kra_score(value, lo, hi) if kra and np.isfinite(lo) else np.nan
        out.append((month, a.name, phase, len(a.members), float(target), float(a.acc[1]),
                    kra, value, lo, hi, score, event if i == 0 else ""))
    return out

