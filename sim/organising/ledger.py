"""The ledger (kirjanpito): organisers' monthly books, spend by area, budget discipline.

Books are kept per organiser even inside an alliance (budgets stay separate, as the source
document requires); a pooled unit's costs are split by the members' contribution shares.
The ledger also keeps each purchasing unit's spend against its money (the pace of next
month's purchases, :meth:`Ledger.pace`) and the tables ``organisers.parquet`` and
``providers.parquet``. Every payment is booked with its payer, payee and item
(:class:`Flows`) and written as ``public_finance.parquet``, of which the books' money
columns are sums.

Budget discipline (talousarviokuri): a budget is an annual appropriation (määräraha).
Before a purchasing unit starts new clients, each of its organisers checks the year's
money against what the year has already cost and what earlier decisions still commit
(sitoumukset): clients in services and referrals waiting to start, for the months they
have left; wage subsidies and start-up grants for their remaining months (a subsidy
decision commits its whole sum); firm services; an alliance's KRA bonus pool and the
gain/pain share in sight (:func:`settlement_reserve`). Only what remains may be committed
to new starts within the year; a unit whose organisers lack the room starts fewer
clients, in proportion, rounding down (:func:`start_factors`). The money is the unit's
service money (its budget less the overheads it plans for), so that overheads are within
the budget as well. What the check cannot foresee sets the tolerance
(:data:`BUDGET_TOLERANCE`). The gentle pace (:meth:`Ledger.pace`) keeps spending near the
money over the years; the check keeps any one organiser's year from running over it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..collect import Table
from .organisers import REGION_INDEX, Organisers
from .units import Unit, UnitRegistry

if TYPE_CHECKING:
    from ..services.providers import ServiceProvider
    from .alliance import AllianceAgent

ORGANISER_COLUMNS = (
    "budget_eur",
    "service_spend_eur",
    "overhead_eur",
    "benefit_cost_eur",
    "tax_revenue_eur",
    "state_compensation_eur",
    "gain_pain_eur",
    "kra_bonus_eur",
    "net_eur",
    "budget_outlays_eur",
)
"""Per organiser and month. net = tax + the state's compensation − benefits − services −
overhead − gain/pain − bonus;
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


BUDGET_TOLERANCE = 0.05
"""How far an organiser's budget outlays may exceed its budget over a budget year (share
of the budget). The check cannot foresee outcome payments (due only on a job), a
gain/pain share that differs from the one projected, a member's exit that leaves the
alliance's costs to fewer members, or a whole start's cost where an organiser's year is
small: in runs of the built-in scenarios the worst organiser-year is 1-5 % over
(tests/sim/organising/test_budget.py)."""

FISCAL_YEAR = 12
"""Months in a budget year; budget years start at month 1 (month 0 is the reference)."""


def months_left_in_year(month: int) -> int:
    """Months of ``month``'s budget year from ``month`` on, ``month`` included (1–12)."""
    return FISCAL_YEAR - (month - 1) % FISCAL_YEAR


def settlement_reserve(a: AllianceAgent, month: int, budgets: np.ndarray) -> np.ndarray:
    """Per organiser, what an alliance's settlements are expected to take this year, EUR.

    Once the implementation contract is signed (the implementation phase), for each
    quarter end from ``month`` to the year's end at which it settles:
    the KRA bonus at its most (the contract's pool, a quarter of the year's) and the
    gain/pain share that this quarter's open-book costs so far point to (the last
    quarter's before this one has any), when it is a payment to providers; split over
    the members by their budgets as
    :meth:`sim.organising.alliance.AllianceAgent.settle` charges them.
    """
    out = np.zeros(budgets.size)
    if not a.members or not a.implemented(month):  # the implementation contract commits
        return out
    spec = a.spec
    # The first quarter end in implementation sets the KRA levels; settlements follow.
    first = ((spec.formation_months + spec.development_months) // 3 + 1) * 3
    ends = [q for q in range(month, month + months_left_in_year(month))
            if q % 3 == 0 and q > first]
    per_quarter = 0.0
    if a.lever("gain_pain_share"):
        # This quarter's gain so far, projected to its end; before its first payment,
        # the last quarter's.
        elapsed = (month - 1) % 3
        target, cost = a.target_cost(), a.acc[1]
        if elapsed and a.acc[0] > 0 and np.isfinite(target):
            gain = spec.provider_gain_share * (target - cost)
            per_quarter = max(gain * 3 / elapsed, 0.0)
        else:
            per_quarter = max(a.last_gain_pain, 0.0)
    if a.lever("outcome_payment"):
        per_quarter += spec.kra_bonus_eur_per_year / 4.0
    if ends and per_quarter > 0:
        shares = budgets[a.members]
        out[a.members] = len(ends) * per_quarter * shares / shares.sum()
    return out


def organiser_sums(units: list[Unit], amounts: list[float], n_organisers: int) -> np.ndarray:
    """Each organiser's part of per-unit ``amounts``, split by the units' contributions."""
    out = np.zeros(n_organisers)
    for unit, amount in zip(units, amounts, strict=True):
        if amount != 0.0:
            np.add.at(out, np.asarray(unit.organisers, dtype=np.int64),
                      amount * contribution_weights(unit.contribution))
    return out


def start_factors(units: list[Unit], allowance: np.ndarray, spent: np.ndarray,
                  committed: np.ndarray, new: list[float]) -> np.ndarray:
    """Per unit, the share of its planned starts that its organisers' budgets allow.

    Args:
        units: this month's purchasing units.
        allowance: per organiser, the year's service money (EUR).
        spent: per organiser, what the year has cost so far (EUR).
        committed: per organiser, what earlier decisions still cost within the year (EUR).
        new: per unit, the in-year cost of the starts it plans this month (EUR).

    Returns:
        Per unit, a factor in [0, 1]: the smallest of its organisers' room over their
        share of the planned starts (1 for an organiser whose starts fit).
    """
    need = organiser_sums(units, new, allowance.size)
    room = allowance - spent - committed
    factor = np.ones(allowance.size)
    over = need > np.maximum(room, 0.0)  # need > 0 here
    factor[over] = np.maximum(room[over], 0.0) / need[over]
    return np.array([factor[u.organisers].min() if u.organisers else 1.0 for u in units])


class BudgetYear:
    """Each organiser's money and spend in the current budget year (per organiser)."""

    def __init__(self, n_organisers: int) -> None:
        """A year with nothing planned or spent yet."""
        self.money = np.zeros(n_organisers)  # service money of the year's earlier months
        self.spent = np.zeros(n_organisers)  # service spend, gain/pain and bonus so far
        self.year = None

    def start_month(self, month: int) -> None:
        """A new budget year starts with nothing spent."""
        year = (month - 1) // FISCAL_YEAR
        if year != self.year:
            self.year = year
            self.money[:] = 0.0
            self.spent[:] = 0.0

    def allowance(self, units: list[Unit], money: list[float], month: int) -> np.ndarray:
        """Per organiser, the year's service money.

        The months gone at their money, the months left at this month's.
        """
        now = organiser_sums(units, money, self.money.size)
        return self.money + months_left_in_year(month) * now

    def close_month(self, month: int, units: list[Unit], money: list[float],
                    spent: np.ndarray) -> None:
        """Add ``month``'s planned service money and its spend (per organiser)."""
        self.start_month(month)
        self.money += organiser_sums(units, money, self.money.size)
        self.spent += spent


FINANCE_COLUMNS = ("month", "payer", "payee", "item", "budget_line", "euros")
"""Columns of ``public_finance.parquet``: every payment of the month, one row per payer,
payee and item, euros > 0 (a negative amount is a payment the other way)."""

STATE, PERSONS, FIRMS, ADMINISTRATION = "state", "persons", "firms", "administration"
"""Parties of the public finance table besides organisers (by name) and providers (by
name): the state, persons (benefits, grants, taxes), firms (wage subsidies), and the
organisers' own administration (procurement offices, joint offices, caseworkers)."""

BUDGET_ITEMS = ("service", "outcome_payment", "wage_subsidy", "start_up_grant", "overhead",
                "gain_pain", "kra_bonus")
"""Items an organiser's growth-services budget pays (``budget_line`` true)."""

ITEM_COLUMNS = {
    "service": "service_spend_eur", "outcome_payment": "service_spend_eur",
    "wage_subsidy": "service_spend_eur", "start_up_grant": "service_spend_eur",
    "overhead": "overhead_eur", "caseworker_contacts": "overhead_eur",
    "gain_pain": "gain_pain_eur", "kra_bonus": "kra_bonus_eur",
    "unemployment_benefit": "benefit_cost_eur", "income_tax": "tax_revenue_eur",
    "state_compensation": "state_compensation_eur",
}
"""The organisers.parquet column each item of the public finance table adds up in
(payments out, less payments in; the received columns of :data:`RECEIVED_COLUMNS` the other
way round)."""

RECEIVED_COLUMNS = ("tax_revenue_eur", "state_compensation_eur")
"""organisers.parquet columns of money an organiser receives."""


class Flows:
    """This month's payments between parties: (payer, payee, item) → euros."""

    def __init__(self) -> None:
        """No payments yet."""
        self.month: dict[tuple[str, str, str], float] = {}

    def add(self, payer: str, payee: str, item: str, euros: float) -> None:
        """Add a payment; a negative one is booked as a payment the other way."""
        if euros < 0.0:
            payer, payee, euros = payee, payer, -euros
        if euros != 0.0:
            key = (payer, payee, item)
            self.month[key] = self.month.get(key, 0.0) + euros

    def add_many(self, payers: list[str], payee: str, item: str,
                 euros: np.ndarray | list[float]) -> None:
        """Payments of ``euros[k]`` from ``payers[k]`` to ``payee``, as :meth:`add` books each.

        Performance: :meth:`add`'s rule inline, not a call per payment (thousands a month at
        national scale); the same sums in the same order.
        """
        if isinstance(euros, np.ndarray):
            euros = euros.tolist()
        month = self.month
        for payer, e in zip(payers, euros, strict=True):
            if e < 0.0:
                key, e = (payee, payer, item), -e
            elif e != 0.0:
                key = (payer, payee, item)
            else:
                continue
            month[key] = month.get(key, 0.0) + e

    def rows(self, month: int) -> list[tuple]:
        """The month's rows of the public finance table, in a canonical order."""
        return [(month, payer, payee, item, item in BUDGET_ITEMS, euros)
                for (payer, payee, item), euros in sorted(self.month.items())]


class OrganiserBooks:
    """This month's money of every organiser, in arrays indexed by organiser.

    With the payments behind it (:class:`Flows`).
    """

    def __init__(self, n_organisers: int, names: list[str] | None = None) -> None:
        """Zeroed books for ``n_organisers`` named ``names`` (default: their indices)."""
        self.n = n_organisers
        self.names = names if names is not None else [str(k) for k in range(n_organisers)]
        self.flows = Flows()
        self.reset()

    def reset(self) -> None:
        """Start a new month."""
        self.values = {name: np.zeros(self.n) for name in (*ORGANISER_COLUMNS, CASEWORKER)}
        self.flows.month.clear()

    def add(self, column: str, organisers: list[int], shares: np.ndarray, amount: float,
            payee: str = "", item: str = "") -> None:
        """Book ``amount`` in ``column``, split over ``organisers`` by ``shares``.

        With ``item``, each organiser's part is also a payment of that item to ``payee``.
        """
        if amount == 0.0:
            return
        total = shares.sum()
        weights = shares / total if total > 0 else np.full(len(organisers), 1.0 / len(organisers))
        parts = amount * weights
        np.add.at(self.values[column], np.asarray(organisers, dtype=np.int64), parts)
        if item:
            self.pay(organisers, parts, payee, item)

    def pay(self, organisers: list[int] | np.ndarray, parts: np.ndarray, payee: str,
            item: str) -> None:
        """Payments of ``parts[k]`` from organiser ``organisers[k]`` to ``payee``."""
        # A unit's organisers are a list already: read as they are, not through an array
        # (a payment per unit and item, thousands a month at national scale; same names).
        if isinstance(organisers, np.ndarray):
            organisers = organisers.tolist()
        self.flows.add_many([self.names[o] for o in organisers], payee, item,
                            np.asarray(parts, dtype=np.float64))

    def close(self) -> np.ndarray:
        """Compute net and return the (organisers × columns) array of the month."""
        v = self.values
        v["net_eur"] = (v["tax_revenue_eur"] + v["state_compensation_eur"]
                        - v["benefit_cost_eur"] - v["service_spend_eur"]
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
            budget less overheads, before the pace (negative when the overheads exceed
            the budget).
        capped: units whose starts the budget check cut this month (their pace is not
            raised: the money they did not spend was not theirs to spend).
    """

    unit_ids: list[int] = field(default_factory=list)
    service_money: dict[int, float] = field(default_factory=dict)
    capped: set[int] = field(default_factory=set)


class Ledger:
    """The month's money of every organiser and purchasing unit, and the books' tables."""

    def __init__(self, orgs: Organisers, units: UnitRegistry) -> None:
        """Empty books for the organisers ``orgs``, whose units ``units`` are."""
        self.orgs = orgs
        self.units = units
        self.books = OrganiserBooks(len(orgs.names), list(orgs.names))
        self.area_spend = np.zeros(orgs.n_munis)  # this month's service spend by area
        self.area_benefit = np.zeros(orgs.n_munis)  # municipal benefit share by area
        self.area_state_net = np.zeros(orgs.n_munis)  # state's taxes less benefits by area
        self.key_spend: dict[tuple[int, ...], float] = {}  # spend by paying organisers
        # Each quarterly gain/pain and KRA bonus, spread over the next quarter's months:
        # per unit key, [amount a month, months left] pairs.
        self.settled: dict[tuple[int, ...], list[list[float]]] = {}
        self.pacing: dict[tuple[int, ...], float] = {}  # organisers → pace of starts
        self.year = BudgetYear(len(orgs.names))  # the budget year's money and spend
        # Open-book cost per provider this quarter, under every alliance's contract
        # together (the gain/pain of an alliance is shared by these costs).
        self.open_book_cost: dict[int, float] = {}
        self.organiser_rows = Table(("month", "organiser", "kind", "alliance",
                                     *ORGANISER_COLUMNS))
        self.provider_rows = Table(("month", "provider", "kind", *PROVIDER_COLUMNS))
        self.finance_rows = Table(FINANCE_COLUMNS)

    def start_month(self) -> None:
        """New books for the month, each organiser's budget entered."""
        self.books.reset()
        self.books.values["budget_eur"][:] = self.orgs.budget
        self.key_spend = {}
        self.area_spend[:] = 0.0

    def charge_groups(self, uids: np.ndarray, amounts: np.ndarray, areas: np.ndarray,
                      area_amounts: np.ndarray, counts: np.ndarray, payees: list[str],
                      items: list[str]) -> None:
        """Charge service spend to units' organisers and spread it over areas.

        Charge ``g`` books ``amounts[g]`` to unit ``uids[g]``'s organisers by their
        contributions, as payments of item ``items[g]`` to ``payees[g]``, and spreads it
        over the next ``counts[g]`` entries of ``areas`` with the amounts
        ``area_amounts``. Performance: one ``np.add.at`` per array instead of several per
        charge; ``np.add.at`` adds in index order, so every sum is the same as charging
        one by one. A unit's payer names and weights are read once per call, and a charge's
        parts are Python floats (the same products as the array ``amount * weights``) paid
        straight into the flows: hundreds of charges a month at national scale, each
        otherwise several small array operations.
        """
        if uids.size == 0:
            return
        nonzero = amounts != 0.0  # a zero amount books nothing
        books = self.books.values["service_spend_eur"]
        names, add_many = self.books.names, self.books.flows.add_many
        orgs, parts, payers = [], [], {}
        for g in np.flatnonzero(nonzero).tolist():
            uid, amount = int(uids[g]), float(amounts[g])
            if uid not in payers:
                unit = self.units[uid]
                payers[uid] = (unit.organisers, [names[o] for o in unit.organisers],
                               contribution_weights(unit.contribution).tolist(), unit.key)
            organisers, payer_names, weights, key = payers[uid]
            orgs.extend(organisers)
            part = [amount * weight for weight in weights]
            parts.extend(part)
            add_many(payer_names, payees[g], items[g], part)
            self.key_spend[key] = self.key_spend.get(key, 0.0) + amount
        if orgs:
            np.add.at(books, np.array(orgs, dtype=np.int64), np.array(parts, dtype=np.float64))
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

    def pace(self, plan: MonthPlan, exponent: float, low: float, high: float) -> None:
        """Budget discipline: each unit scales next month's starts by its spend vs money.

        The pace is multiplied by (planned money / spend) ** ``exponent`` and kept within
        [``low``, ``high``] (``organisers.pace_exponent``, ``pace_min``, ``pace_max``).

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
                if uid in plan.capped:  # no wind-up while the budget check holds it
                    ratio = min(ratio, 1.0)
                # min(max(·)) is np.clip's rule for one number (NaN stays), without the
                # array call per unit and month.
                pace = float(min(max(pace * ratio ** exponent, low), high))
            self.pacing[key] = pace

    def close_year_month(self, month: int, plan: MonthPlan) -> None:
        """Carry the month's planned service money and its charges into the budget year.

        Charges are the organisers' service spend (transfers and outcome payments
        included), gain/pain and KRA bonus: the budget's lines other than overhead, which
        the units' service money already leaves out.
        """
        v = self.books.values
        units = [self.units[uid] for uid in plan.unit_ids]
        self.year.close_month(month, units, [plan.service_money[uid] for uid in plan.unit_ids],
                              v["service_spend_eur"] + v["gain_pain_eur"] + v["kra_bonus_eur"])

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
        for row in self.books.flows.rows(month):
            self.finance_rows.append(*row)
