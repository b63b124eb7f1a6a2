"""The ledger (kirjanpito): organisers' monthly books, spend by area, budget discipline.

Books are kept per organiser even inside an alliance (budgets stay separate, as the source
document requires); a pooled unit's costs are split by the members' contribution shares.
The ledger also keeps each purchasing unit's spend against its money (the pace of next
month's purchases, :meth:`Ledger.pace`) and the tables ``organisers.parquet`` and
``providers.parquet``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..collect import Table
from .organisers import REGION_INDEX, Organisers
from .units import UnitRegistry

if TYPE_CHECKING:
    from ..services.providers import ServiceProvider
    from .alliance import AllianceAgent

ORGANISER_COLUMNS = (
    "budget_eur",
    "service_spend_eur",
    "overhead_eur",
    "benefit_cost_eur",
    "tax_revenue_eur",
    "gain_pain_eur",
    "kra_bonus_eur",
    "net_eur",
    "budget_outlays_eur",
)
"""Per organiser and month. net = tax − benefits − services − overhead − gain/pain − bonus;
gain_pain_eur is limb 3 paid to providers (negative: pain received back). overhead_eur
includes the region's caseworker contacts, which the growth-services budget does not pay;
budget_outlays_eur is everything charged to the budget: services (transfers included),
overhead less caseworker contacts, gain/pain and KRA bonus."""

CASEWORKER = "caseworker_eur"
"""Books' entry (not a column of its own) of the caseworker contacts within overhead_eur."""

PROVIDER_COLUMNS = (
    "active",
    "clients",
    "revenue_eur",
    "cost_eur",
    "margin_eur",
    "gain_pain_eur",
    "kra_bonus_eur",
    "quality",
)


SETTLEMENT_MONTHS = 3
"""Months over which a quarterly settlement (gain/pain, KRA bonus) counts as spend."""


class OrganiserBooks:
    """This month's money of every organiser, in arrays indexed by organiser."""

    def __init__(self, n_organisers: int) -> None:
        """Zeroed books for ``n_organisers``."""
        self.n = n_organisers
        self.reset()

    def reset(self) -> None:
        """Start a new month."""
        self.values = {name: np.zeros(self.n) for name in (*ORGANISER_COLUMNS, CASEWORKER)}

    def add(self, column: str, organisers: list[int], shares: np.ndarray, amount: float) -> None:
        """Book ``amount`` in ``column``, split over ``organisers`` by ``shares``."""
        if amount == 0.0:
            return
        total = shares.sum()
        weights = shares / total if total > 0 else np.full(len(organisers), 1.0 / len(organisers))
        np.add.at(self.values[column], np.asarray(organisers, dtype=np.int64), amount * weights)

    def close(self) -> np.ndarray:
        """Compute net and return the (organisers × columns) array of the month."""
        v = self.values
        v["net_eur"] = (v["tax_revenue_eur"] - v["benefit_cost_eur"] - v["service_spend_eur"]
                        - v["overhead_eur"] - v["gain_pain_eur"] - v["kra_bonus_eur"])
        v["budget_outlays_eur"] = (v["service_spend_eur"] + v["overhead_eur"] - v[CASEWORKER]
                                   + v["gain_pain_eur"] + v["kra_bonus_eur"])
        return np.column_stack([v[c] for c in ORGANISER_COLUMNS])


def contribution_weights(shares: np.ndarray) -> np.ndarray:
    """Organisers' shares of a unit's cost (as :meth:`OrganiserBooks.add` splits it)."""
    total = shares.sum()
    return shares / total if total > 0 else np.full(shares.size, 1.0 / shares.size)


@dataclass
class MonthPlan:
    """What a month's purchases planned, carried from buying to paying.

    Attributes:
        unit_ids: this month's purchasing units, in order.
        service_money: per unit, the money it planned to spend on services (EUR): its
            budget less overheads, before the pace.
    """

    unit_ids: list[int] = field(default_factory=list)
    service_money: dict[int, float] = field(default_factory=dict)


class Ledger:
    """The month's money of every organiser and purchasing unit, and the books' tables."""

    def __init__(self, orgs: Organisers, units: UnitRegistry) -> None:
        """Empty books for the organisers ``orgs``, whose units ``units`` are."""
        self.orgs = orgs
        self.units = units
        self.books = OrganiserBooks(len(orgs.names))
        self.area_spend = np.zeros(orgs.n_munis)  # this month's service spend by area
        self.area_benefit = np.zeros(orgs.n_munis)  # municipal benefit share by area
        self.key_spend: dict[tuple[int, ...], float] = {}  # spend by paying organisers
        # Each quarterly gain/pain and KRA bonus, spread over the next quarter's months:
        # per unit key, [amount a month, months left] pairs.
        self.settled: dict[tuple[int, ...], list[list[float]]] = {}
        self.pacing: dict[tuple[int, ...], float] = {}  # organisers → pace of starts
        # Open-book cost per provider this quarter, under every alliance's contract
        # together (the gain/pain of an alliance is shared by these costs).
        self.open_book_cost: dict[int, float] = {}
        self.organiser_rows = Table(("month", "organiser", "kind", "alliance",
                                     *ORGANISER_COLUMNS))
        self.provider_rows = Table(("month", "provider", "kind", *PROVIDER_COLUMNS))

    def start_month(self) -> None:
        """New books for the month, each organiser's budget entered."""
        self.books.reset()
        self.books.values["budget_eur"][:] = self.orgs.budget
        self.key_spend = {}
        self.area_spend[:] = 0.0

    def charge_groups(self, uids: np.ndarray, amounts: np.ndarray, areas: np.ndarray,
                      area_amounts: np.ndarray, counts: np.ndarray) -> None:
        """Charge service spend to units' organisers and spread it over areas.

        Charge ``g`` books ``amounts[g]`` to unit ``uids[g]``'s organisers by their
        contributions and spreads it over the next ``counts[g]`` entries of ``areas`` with
        the amounts ``area_amounts``. Performance: one ``np.add.at`` per array instead of
        several per charge; ``np.add.at`` adds in index order, so every sum is the same
        as charging one by one.
        """
        if uids.size == 0:
            return
        nonzero = amounts != 0.0  # a zero amount books nothing
        books = self.books.values["service_spend_eur"]
        orgs, parts, weights = [], [], {}
        for uid, amount in zip(uids[nonzero].tolist(), amounts[nonzero].tolist(), strict=True):
            unit = self.units[uid]
            if uid not in weights:
                weights[uid] = contribution_weights(unit.contribution)
            orgs.append(unit.organisers)
            parts.append(amount * weights[uid])
            key = unit.key
            self.key_spend[key] = self.key_spend.get(key, 0.0) + amount
        if orgs:
            np.add.at(books, np.concatenate(orgs).astype(np.int64), np.concatenate(parts))
        spread = np.repeat(nonzero, counts)
        np.add.at(self.area_spend, areas[spread], area_amounts[spread])

    def settle(self, alliance: int, amount: float) -> None:
        """Carry an alliance's quarterly payment into its units' budget checks.

        The payment counts as spend in each of the next :data:`SETTLEMENT_MONTHS` months,
        a third in each, so that the whole of it is checked against the budget.
        """
        units = [u for _, u in self.units.month_units() if u.alliance == alliance]
        total = sum(u.budget for u in units)
        for u in units:
            share = u.budget / total if total > 0 else 1.0 / len(units)
            self.settled.setdefault(u.key, []).append(
                [amount * share / SETTLEMENT_MONTHS, SETTLEMENT_MONTHS])

    def settled_this_month(self, key: tuple[int, ...]) -> float:
        """The part of earlier settlements that counts as unit ``key``'s spend this month."""
        parts = self.settled.get(key)
        if not parts:
            return 0.0
        total = sum(part[0] for part in parts)
        for part in parts:
            part[1] -= 1
        kept = [part for part in parts if part[1] > 0]
        if kept:
            self.settled[key] = kept
        else:
            del self.settled[key]
        return total

    def pace(self, plan: MonthPlan) -> None:
        """Budget discipline: each unit scales next month's starts by its spend vs money.

        Plans assume list prices and full take-up; wage subsidies paid only when a job is
        found, outcome fees, capacity limits and open-book costs make the real spend
        differ. Each purchasing unit (keyed by its organisers, so that the key survives the
        change of cooperation model) corrects its pace gently, so that in the long run
        every model spends about the same money: the comparison is of organisation, not
        of budgets. An alliance's quarterly gain/pain and KRA bonus count as its units'
        spend too.
        """
        for uid in plan.unit_ids:
            key = self.units[uid].key
            target = plan.service_money.get(uid, 0.0)
            spent = self.key_spend.get(key, 0.0) + self.settled_this_month(key)
            pace = self.pacing.get(key, 1.0)
            if target > 0:
                ratio = target / spent if spent > 0 else 2.0
                pace = float(np.clip(pace * ratio ** 0.2, 0.25, 4.0))
            self.pacing[key] = pace

    def end_quarter(self) -> None:
        """A new quarter's open-book costs start."""
        self.open_book_cost.clear()

    def record(self, month: int, alliances: list[AllianceAgent],
               providers: list[ServiceProvider]) -> None:
        """Close the books and append this month's organiser and provider rows."""
        values = self.books.close()
        in_alliance = np.full(len(self.orgs.names), -1, dtype=np.int64)
        for a in alliances:  # membership in any phase from month 1 on
            if month >= 1 and a.members:
                in_alliance[a.members] = a.index
        for k, name in enumerate(self.orgs.names):
            kind = "region" if k == REGION_INDEX else "municipality"
            a = in_alliance[k]
            self.organiser_rows.append(month, name, kind, alliances[a].name if a >= 0 else "",
                                       *values[k].tolist())
        for p in providers:
            self.provider_rows.append(month, p.name, p.kind, p.active, p.clients, p.revenue,
                                      p.cost, p.margin, p.gain_pain, p.kra_bonus, p.quality)
