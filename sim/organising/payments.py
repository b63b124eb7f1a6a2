"""Payments (maksut): providers paid under each unit's contract, outcome fees, transfers.

Each month every purchasing unit pays for its clients' service months: per output under
separate action; an attachment share plus an outcome payment when the client finds work
under outcome pay (lever ``outcome_payment``); actual open-book costs plus a fee under the
alliance's three-limb payment (lever ``gain_pain_share``, whose third limb, the quarterly
gain/pain share, is the alliance's: :meth:`sim.organising.alliance.AllianceAgent.settle`).
Organisers also pay wage subsidies and start-up grants (transfers) for the months their
holders work. Every payment is charged to the unit's organisers in the ledger.
"""

from __future__ import annotations

from typing import NamedTuple

import numba as nb
import numpy as np

from ..labour.population import EMPLOYED, Firms, Persons
from ..scenario import FIRM_SERVICES, SERVICES, Scenario
from ..services.counts import served_by_providers
from ..services.market import ProviderMarket
from ..services.progress import TRANSFERS as TRANSFER_MASK
from ..services.providers import outcome_price
from ..services.state import SERVICE_INDEX, ServiceState
from .alliance import AllianceAgent
from .ledger import FIRMS, PERSONS, Ledger, organiser_sums
from .referrals import ReferralDesk
from .units import UnitRegistry


class PriceTerms(NamedTuple):
    """The terms of a month's prices (:meth:`Payments.prices`), as arrays for kernels.

    Attributes:
        list_price: per service, the catalogue price of a client-month (EUR).
        duration: per service, its months.
        cost_factor: per provider, its cost relative to the catalogue.
        price_factor: per provider, its price relative to the catalogue.
        open_book: per unit, whether it pays open books.
        outcome: per unit, whether it pays for outcomes (the attachment share now).
        fee_share: per unit, its alliance's fee on open-book costs (0 outside one).
        attachment_share: the share of the price paid at once under outcome pay.
    """

    list_price: np.ndarray
    duration: np.ndarray
    cost_factor: np.ndarray
    price_factor: np.ndarray
    open_book: np.ndarray
    outcome: np.ndarray
    fee_share: np.ndarray
    attachment_share: float


class Payments:
    """The month's payments of every purchasing unit (see the module docstring)."""

    def __init__(self, scenario: Scenario, ledger: Ledger, units: UnitRegistry,
                 market: ProviderMarket, state: ServiceState, persons: Persons, firms: Firms,
                 alliances: list[AllianceAgent], referrals: ReferralDesk | None = None
                 ) -> None:
        """The payments' sources and where they are booked.

        ``referrals`` is the desk of waiting referrals, whose services are committed.
        """
        self.scenario = scenario
        self.ledger = ledger
        self.units = units
        self.market = market
        self.state = state
        self.persons = persons
        self.firms = firms
        self.alliances = alliances
        self.referrals = referrals
        # The catalogue per service, fixed for the run: read once, not every month.
        specs = [scenario.services.spec(name) for name in SERVICES]
        self.list_price = np.array([spec.cost_eur_per_month for spec in specs])
        self.duration = np.array([spec.duration_months for spec in specs])

    def pay_providers(self, month: int) -> None:
        """Pay each provider for this month's client-months under the payer unit's contract.

        One payment per (payer unit, provider, service): person services first in key order,
        then each firm service's. Performance: the groups' sums are array reductions; only
        payments under an alliance contract are walked one by one (few, and the alliance's
        books accumulate over a quarter).
        """
        n_prov = len(self.market.providers) + 1
        uid, pid, service, area, n, weights = payment_groups(
            self.state, self.persons, self.firms, n_prov,
            self.scenario.market.effort_cost_share)
        if uid.size == 0:
            return
        effort_w, billed, billed_w = weights
        nf = n.astype(np.float64)
        unit_cost, unit_fee, unit_paid = self.prices(uid, pid, service)
        # Open books pay the billed clients' cost at their effort, plus the fee; the other
        # contracts pay the billed clients' price (or attachment share).
        open_book = self.units.column("regime")[uid] == "open_book"
        cost = unit_cost * effort_w  # what serving them cost the provider
        fee = unit_fee * billed_w
        paid = np.where(open_book, unit_paid * billed_w, unit_paid * billed)
        # Each provider's ledger starts the month at zero, so sums from zero in payment order
        # are the same as adding payment after payment.
        clients = np.bincount(pid, weights=nf, minlength=n_prov - 1)
        cost_sum = np.bincount(pid, weights=cost, minlength=n_prov - 1)
        revenue = np.bincount(pid, weights=paid, minlength=n_prov - 1)
        for k in np.unique(pid).tolist():
            provider = self.market.providers[k]
            provider.clients += int(clients[k])
            provider.cost += float(cost_sum[k])
            provider.revenue += float(revenue[k])
        names = [self.market.providers[k].name for k in pid.tolist()]
        self.ledger.charge_groups(uid, paid, area, np.repeat(paid / nf, n), n, names,
                                  ["service"] * uid.size)
        free = np.array([u.allowed is None for u in self.units])[uid]  # no contract list
        external = np.array([p.kind != "own" for p in self.market.providers])[pid]
        self.market.count_open_clients(service[free & external], nf[free & external])
        if self.alliances:
            self._track(uid, month, n, np.where(open_book, unit_cost * billed_w, cost),
                        fee, pid, service)

    def prices(self, uid: np.ndarray, pid: np.ndarray, service: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A client-month's open-book cost, fee and payment under each payer's contract.

        Per output: the provider's price; under outcome pay the attachment share of it
        (the outcome payment comes on a job); under open books the provider's actual cost
        plus the alliance's fee.

        Args:
            uid: per payment, the paying unit's id.
            pid: per payment, the provider.
            service: per payment, the service index.

        Returns:
            (cost, fee, paid) per client-month, EUR.
        """
        t = self.price_terms()
        uid, pid, service = (np.asarray(a, dtype=np.int64) for a in (uid, pid, service))
        out = np.empty((3, uid.shape[0]))
        _prices_kernel(uid, pid, service, t.list_price.astype(np.float64), t.cost_factor,
                       t.price_factor, t.open_book, t.outcome, t.fee_share.astype(np.float64),
                       float(t.attachment_share), out)
        return out[0], out[1], out[2]

    def committed(self, months: int) -> np.ndarray:
        """Per organiser, what earlier decisions still cost within the next ``months``.

        Clients in provider services for their months left (at most ``months``), holders
        of a wage subsidy or start-up grant, searching or in work, for theirs (the whole
        decision is committed, as if they worked each month), referrals waiting to start
        for the months from their start, firm services for theirs.
        Outcome payments are not committed (they fall due only on a job). Split over each
        paying unit's organisers by their contributions.
        """
        units = self.units
        if len(units) == 0:
            return np.zeros(len(self.ledger.orgs.names))
        by_unit = committed_by_unit(self.state, self.persons.status, self.referrals,
                                    self.firms.capacity, self.price_terms(), months)
        return organiser_sums(list(units), by_unit.tolist(), len(self.ledger.orgs.names))

    def price_terms(self) -> PriceTerms:
        """The terms of this month's prices, per service, provider and unit (:meth:`prices`).

        Performance: the regimes are compared per unit, to be gathered per payment (the
        same booleans as comparing the gathered strings, without string comparisons per
        client).
        """
        providers = self.market.providers
        regime = self.units.column("regime")
        fee_of = np.zeros(len(self.alliances) + 1)  # index -1: no alliance, no fee
        for a in self.alliances:
            fee_of[a.index] = a.spec.fee_share
        return PriceTerms(self.list_price, self.duration,
                          np.array([p.cost_factor for p in providers], dtype=np.float64),
                          np.array([p.price_factor for p in providers], dtype=np.float64),
                          regime == "open_book", regime == "outcome",
                          fee_of[self.units.column("alliance", np.int64)],
                          float(self.scenario.market.attachment_share))

    def _track(self, uid: np.ndarray, month: int, n: np.ndarray, cost: np.ndarray,
               fee: np.ndarray, pid: np.ndarray, service: np.ndarray) -> None:
        """Book the alliances' open-book costs of this month's payments.

        Payment ``g`` counts for every alliance that tracks its unit (see
        :meth:`~sim.organising.alliance.AllianceAgent.tracks`); under the alliance's own
        contract its cost also counts as the provider's open-book cost of the quarter.
        """
        # Performance: which alliances book a unit's payments (and whether as their own) is
        # asked once per unit, not again per payment and alliance; booking changes neither
        # answer (phases and members), and the alliances book in the same order. Only a
        # unit's own alliance, or for a unit outside every alliance an alliance in
        # development, can book it (AllianceAgent.tracks), so only those are asked: at
        # national scale, 19 alliances × hundreds of units a month otherwise.
        own = {a.index: [a] for a in self.alliances}
        developing = [a for a in self.alliances if a.phase(month) == "development"]
        trackers: dict[int, list[tuple[AllianceAgent, bool]]] = {}
        tracked = np.zeros(uid.size, dtype=bool)
        for u in np.unique(uid).tolist():
            unit = self.units[u]
            found = []
            for a in developing if unit.alliance < 0 else own.get(unit.alliance, []):
                books, mine = a.tracks(unit, month)
                if books:
                    found.append((a, mine))
            if found:
                trackers[u] = found
                tracked[uid == u] = True
        open_book = self.ledger.open_book_cost
        for g in np.flatnonzero(tracked).tolist():
            c, p = float(cost[g]), int(pid[g])
            for a, mine in trackers[int(uid[g])]:
                a.track(int(n[g]), c, float(fee[g]), int(service[g]))
                if mine:
                    open_book[p] = open_book.get(p, 0.0) + c

    def pay_outcomes(self, month: int, hired: np.ndarray) -> None:
        """Outcome payments for clients who found a job within their follow-up."""
        st, persons = self.state, self.persons
        if hired.size == 0:
            return
        # Performance: the conditions narrow the hires in turn (the same hires, in order),
        # so that only those owed to a provider are read twice more.
        due = hired[st.outcome_provider[hired] >= 0]
        due = due[(st.outcome_until[due] >= month) & ~st.outcome_paid[due]]
        if due.size == 0:
            return
        pays = np.array([u.regime == "outcome" or u.outcome_bonus for u in self.units])
        due = due[pays[st.outcome_payer[due]]]
        if due.size == 0:
            return
        cost, months = self.list_price, self.duration
        factor = np.array([p.price_factor for p in self.market.providers])
        provider, service, payer = (st.outcome_provider[due], st.outcome_service[due],
                                    st.outcome_payer[due])
        amount = outcome_price(factor[provider] * cost[service], months[service],
                               self.scenario.market, persons.base_employability[due])
        open_book = self.units.column("regime")[payer] == "open_book"
        amount = np.where(open_book, self.scenario.market.outcome_bonus_share * amount, amount)
        n_prov = len(self.market.providers) + 1
        order, starts, ends = runs(payer.astype(np.int64) * n_prov + provider)
        amount, due, provider, payer = amount[order], due[order], provider[order], payer[order]
        totals = np.array([float(amount[a:b].sum()) for a, b in zip(starts, ends, strict=True)])
        for k, total in zip(provider[starts].tolist(), totals.tolist(), strict=True):
            self.market.providers[k].revenue += total
        names = [self.market.providers[k].name for k in provider[starts].tolist()]
        self.ledger.charge_groups(payer[starts], totals, persons.home[due],
                                  spread_by_weight(totals, amount, starts, ends), ends - starts,
                                  names, ["outcome_payment"] * starts.size)
        st.outcome_paid[due] = True
        st.outcome_provider[due] = -1

    def pay_transfers(self) -> None:
        """Wage subsidies and start-up grants for the months their holders are in work."""
        st, persons = self.state, self.persons
        # Performance: one pass over persons for the few with a subsidy left, whose status
        # and payer are then read (the same persons, in order, as one mask of all three).
        paid = np.flatnonzero(st.subsidy_left > 0)
        paid = paid[persons.status[paid] == EMPLOYED]
        paid = paid[st.outcome_payer[paid] >= 0]  # a trial's services have no payer
        if paid.size == 0:
            return
        svc = st.outcome_service[paid].astype(np.int64)
        cost = self.list_price[svc]
        # One charge per payer and transfer: a wage subsidy is paid to the employer, a
        # start-up grant to its founder.
        order, starts, ends = runs(st.outcome_payer[paid].astype(np.int64) * len(SERVICES) + svc)
        paid, cost, svc = paid[order], cost[order], svc[order]
        totals = np.array([float(cost[a:b].sum()) for a, b in zip(starts, ends, strict=True)])
        items = [SERVICES[k] for k in svc[starts].tolist()]
        payees = [FIRMS if item == "wage_subsidy" else PERSONS for item in items]
        self.ledger.charge_groups(st.outcome_payer[paid[starts]], totals, persons.home[paid],
                                  spread_by_weight(totals, cost, starts, ends), ends - starts,
                                  payees, items)


@nb.njit(cache=True)
def _price_parts(u, q, s, list_price, cost_factor, price_factor, open_book, outcome,
                 fee_share, attachment_share):
    # The payment rule in one place (Payments.prices): a client-month of service s from
    # provider q for unit u costs the provider ``cost``, earns the alliance ``fee`` under
    # open books, and the unit pays ``paid``.
    base = list_price[s]
    cost = cost_factor[q] * base
    if open_book[u]:
        fee = fee_share[u] * cost
        return cost, fee, cost + fee
    price = price_factor[q] * base
    return cost, 0.0, price * attachment_share if outcome[u] else price


@nb.njit(cache=True)
def _prices_kernel(uid, pid, service, list_price, cost_factor, price_factor, open_book,
                   outcome, fee_share, attachment_share, out):
    # Rows of ``out``: cost, fee and payment of each client-month (_price_parts).
    for i in range(uid.shape[0]):
        out[0, i], out[1, i], out[2, i] = _price_parts(
            uid[i], pid[i], service[i], list_price, cost_factor, price_factor, open_book,
            outcome, fee_share, attachment_share)


@nb.njit(cache=True)
def _committed_kernel(service, provider, payer, months_left, subsidy_left, status,
                      outcome_payer, outcome_service, referral_wait, waiting_service,
                      waiting_provider, waiting_payer, transfer, list_price, duration,
                      cost_factor, price_factor, open_book, outcome, fee_share,
                      attachment_share, months, out):
    # One pass over persons in place of the masks, gathers and bincounts of each kind of
    # commitment. Row k of ``out`` sums kind k per unit in person order, as np.bincount
    # with weights adds: the same floats. Returns False on a unit out of range
    # (np.bincount would have failed or grown its output).
    # Performance: most persons have no service, subsidy or referral; one test of all
    # three without branching between them (``|``) skips them with one branch, not three.
    n_units = out.shape[1]
    referrals = waiting_payer.shape[0] > 0
    for p in range(service.shape[0]):
        s = service[p]
        if not ((s >= 0) | (subsidy_left[p] > 0) | (referral_wait[p] > 0)):
            continue
        if s >= 0:
            u = payer[p]
            served = provider[p] >= 0
            holding = u >= 0 and transfer[s]
            if served or holding:
                if u < 0 or u >= n_units:
                    return False
                left = min(months_left[p], months)
                if served:
                    out[0, u] += _price_parts(u, provider[p], s, list_price, cost_factor,
                                              price_factor, open_book, outcome, fee_share,
                                              attachment_share)[2] * left
                if holding:
                    out[1, u] += list_price[s] * left
        if subsidy_left[p] > 0 and status[p] == EMPLOYED and outcome_payer[p] >= 0:
            u = outcome_payer[p]
            if u >= n_units:
                return False
            out[2, u] += list_price[outcome_service[p]] * min(subsidy_left[p], months)
        if referrals and referral_wait[p] > 0 and waiting_payer[p] >= 0:
            u, s = waiting_payer[p], waiting_service[p]
            if u >= n_units:
                return False
            left = min(max(months - referral_wait[p], 0), duration[s])  # np.clip's rule
            out[3, u] += _price_parts(u, waiting_provider[p], s, list_price, cost_factor,
                                      price_factor, open_book, outcome, fee_share,
                                      attachment_share)[2] * left
    return True


@nb.njit(cache=True)
def _firm_committed_kernel(firm_provider, firm_payer, firm_left, n_firms, services,
                           list_price, cost_factor, price_factor, open_book, outcome,
                           fee_share, attachment_share, months, out):
    # Per firm service (column c, service services[c]), its sums per unit in row c, in
    # firm order (as np.bincount adds). Returns False on a unit out of range.
    n_units = out.shape[1]
    for c in range(services.shape[0]):
        s = services[c]
        for f in range(n_firms):
            q = firm_provider[f, c]
            if q >= 0:
                u = firm_payer[f, c]
                if u < 0 or u >= n_units:
                    return False
                paid = _price_parts(u, q, s, list_price, cost_factor, price_factor,
                                    open_book, outcome, fee_share, attachment_share)[2]
                out[c, u] += paid * min(firm_left[f, c], months)
    return True


def committed_by_unit(st: ServiceState, status: np.ndarray, desk: ReferralDesk | None,
                      n_firms: int, terms: PriceTerms, months: int) -> np.ndarray:
    """Per unit, what earlier decisions still cost within the next ``months`` (EUR).

    The sums of :meth:`Payments.committed` before their split over organisers: per kind
    (provider services, transfer holders searching, in work, referrals waiting, each firm
    service) per unit in person or firm order, added up kind after kind.

    Args:
        st: the service state (persons and the first ``n_firms`` firms).
        status: per person, status code.
        desk: the referrals waiting, or None.
        n_firms: firm slots in use.
        terms: the month's prices (:meth:`Payments.price_terms`).
        months: the horizon.

    Raises:
        ValueError: a paying unit out of range.
    """
    n_units = terms.open_book.size
    t = terms
    prices = (t.list_price.astype(np.float64), t.cost_factor, t.price_factor,
              t.open_book, t.outcome, t.fee_share.astype(np.float64),
              float(t.attachment_share))
    none8, none16 = np.empty(0, np.int8), np.empty(0, np.int16)
    waiting = (desk.service, desk.provider, desk.payer) if desk is not None else \
        (none8, none16, none16)
    kinds = np.zeros((4, n_units))
    ok = _committed_kernel(st.service, st.provider, st.payer, st.months_left,
                           st.subsidy_left, status, st.outcome_payer, st.outcome_service,
                           st.referral_wait, *waiting, TRANSFER_MASK,
                           prices[0], t.duration.astype(np.int64), *prices[1:],
                           int(months), kinds)
    firm_kinds = np.zeros((len(FIRM_SERVICES), n_units))
    n_firms = min(int(n_firms), st.firm_provider.shape[0])  # as the slice [:n_firms]
    ok &= _firm_committed_kernel(st.firm_provider, st.firm_payer, st.firm_left, n_firms,
                                 np.array([SERVICE_INDEX[s] for s in FIRM_SERVICES]),
                                 *prices, int(months), firm_kinds)
    if not ok:
        raise ValueError(f"paying units must lie in 0..{n_units - 1}")
    by_unit = np.zeros(n_units)
    for row in (*kinds[: 4 if desk is not None else 3], *firm_kinds):
        by_unit += row
    return by_unit


def runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stable order of ``keys`` and the start and end of each run of equal keys in it.

    Performance: one stable sort replaces a mask over all entries per distinct key; within
    a run the entries keep their order, as ``entries[keys == k]`` would. Keys that span
    fewer than 2**16 values (the month's payment keys do) are sorted as uint16 offsets
    from the smallest, which numpy's stable sort orders by radix sort, a few times faster
    than its merge sort of wider integers; the offsets keep the keys' order, and a stable
    sort of keys in the same order is the same permutation.
    """
    sortable = keys
    if keys.size:
        low = int(keys.min())
        if int(keys.max()) - low < 2**16:
            sortable = (keys.astype(np.int64) - low).astype(np.uint16)
    order = np.argsort(sortable, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[sorted_keys.size > 0, sorted_keys[1:] != sorted_keys[:-1]])
    ends = np.r_[starts[1:], sorted_keys.size] if starts.size else starts.copy()
    return order, starts, ends


def spread_by_weight(totals: np.ndarray, weights: np.ndarray, starts: np.ndarray,
                     ends: np.ndarray) -> np.ndarray:
    """Each run's total over its entries in proportion to their weights.

    The area shares of a charge, as :meth:`~sim.organising.ledger.Ledger.charge_groups`
    books them.
    """
    out = np.empty(weights.size)
    for total, a, b in zip(totals.tolist(), starts.tolist(), ends.tolist(), strict=True):
        w = weights[a:b]
        out[a:b] = total * w / w.sum()
    return out


def payment_groups(st: ServiceState, persons: Persons, firms: Firms, n_prov: int,
                   effort_cost_share: float) -> tuple[np.ndarray, ...]:
    """The month's payments: one per (payer unit, provider, service).

    Person services first in key order, then each firm service's.

    Returns:
        (payer unit, provider, service per payment; the clients' areas, in payment order;
        clients per payment; the effort and billing weights of :func:`effort_weights`).
    """
    n_svc = len(SERVICES)
    payers, provs, services, areas, weights = [], [], [], [], []
    active = served_by_providers(st.service, st.provider)
    payer, provider = st.payer[active].astype(np.int64), st.provider[active]
    key = (payer * n_prov + provider) * n_svc + st.service[active]  # int64: no overflow
    order, first, _ = runs(key)
    members = active[order]
    payers.append(st.payer[members[first]])
    provs.append(st.provider[members[first]])
    services.append(st.service[members[first]])
    areas.append((persons.home[members], np.diff(np.r_[first, members.size])))
    weights.append(effort_weights(st, members, first, effort_cost_share))
    for col, name in enumerate(FIRM_SERVICES):
        served = np.flatnonzero(st.firm_provider[: firms.capacity, col] >= 0)
        payer = st.firm_payer[served, col]
        prov = st.firm_provider[served, col]
        order, first, _ = runs(payer * n_prov + prov)
        payers.append(payer[order][first])
        provs.append(prov[order][first])
        services.append(np.full(first.size, SERVICE_INDEX[name], dtype=np.int64))
        count = np.diff(np.r_[first, served.size]).astype(np.float64)
        areas.append((firms.muni[served[order]], count.astype(np.int64)))
        weights.append(np.stack([count, count, count]))  # firm services: the standard
    return (np.concatenate(payers).astype(np.int64), np.concatenate(provs).astype(np.int64),
            np.concatenate(services).astype(np.int64),
            np.concatenate([a for a, _ in areas]).astype(np.int64),
            np.concatenate([c for _, c in areas]).astype(np.int64),
            np.concatenate(weights, axis=1))


def effort_weights(st: ServiceState, members: np.ndarray, first: np.ndarray,
                   effort_cost_share: float) -> np.ndarray:
    """Per payment group of ``members`` (runs starting at ``first``): effort and billing.

    Rows: the clients' cost weights ``1 + effort_cost_share × (effort − 1)`` summed; the
    clients billed (not withheld for service below the standard); the billed clients' cost
    weights summed.
    """
    out = np.zeros((3, first.size))
    if members.size == 0:
        return out
    weight = 1.0 + effort_cost_share * (st.effort[members] - 1.0)
    billed = ~st.withheld[members]
    out[0] = np.add.reduceat(weight, first)
    out[1] = np.add.reduceat(billed.astype(np.float64), first)
    out[2] = np.add.reduceat(np.where(billed, weight, 0.0), first)
    return out
