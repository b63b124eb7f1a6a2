"""The month's money (kuukauden rahavirrat), booked per organiser, provider and area.

Provider payments under each contract, transfers (wage subsidies, start-up grants),
overheads, the municipal share of unemployment benefits and municipal income tax.
"""

from __future__ import annotations

import numpy as np

from ..labour.population import EMPLOYED
from ..scenario.services import FIRM_SERVICES, SERVICES
from ..services.counts import served_by_providers
from ..services.providers import outcome_price
from ..services.state import SERVICE_INDEX
from .public_money import benefits_and_taxes
from .units import REGION


def charge(system, uid: int, amount: float, areas: np.ndarray | None = None,
           weights: np.ndarray | None = None, column: str = "service_spend_eur") -> None:
    """Charge ``amount`` to unit ``uid``'s organisers by contribution; spread over areas."""
    unit = system.unit_list[uid]
    system.books.add(column, unit.organisers, unit.contribution, amount)
    system.unit_spend[uid] = system.unit_spend.get(uid, 0.0) + amount
    key = tuple(unit.organisers)
    system.key_spend[key] = system.key_spend.get(key, 0.0) + amount
    if areas is not None and amount:
        w = np.ones(areas.size) if weights is None else weights
        np.add.at(system.area_spend, areas, amount * w / w.sum())


def charge_groups(system, uids: np.ndarray, amounts: np.ndarray, areas: np.ndarray,
                  area_amounts: np.ndarray, counts: np.ndarray) -> None:
    """Many :func:`charge` calls at once, booked in the same order with the same sums.

    Charge ``g`` books ``amounts[g]`` to unit ``uids[g]`` and spreads it over the next
    ``counts[g]`` entries of ``areas`` with the amounts ``area_amounts`` (computed by the
    caller as :func:`charge` would). Performance: one ``np.add.at`` per array instead of
    several per charge; ``np.add.at`` adds in index order, so every sum is the same.
    """
    if uids.size == 0:
        return
    nonzero = amounts != 0.0  # charge books nothing for a zero amount
    books = system.books.values["service_spend_eur"]
    orgs, parts, weights = [], [], {}
    for uid, amount in zip(uids[nonzero].tolist(), amounts[nonzero].tolist(), strict=True):
        unit = system.unit_list[uid]
        if uid not in weights:
            weights[uid] = contribution_weights(unit.contribution)
        orgs.append(unit.organisers)
        parts.append(amount * weights[uid])
        system.unit_spend[uid] = system.unit_spend.get(uid, 0.0) + amount
        key = tuple(unit.organisers)
        system.key_spend[key] = system.key_spend.get(key, 0.0) + amount
    if orgs:
        np.add.at(books, np.concatenate(orgs).astype(np.int64), np.concatenate(parts))
    spread = np.repeat(nonzero, counts)
    np.add.at(system.area_spend, areas[spread], area_amounts[spread])


def contribution_weights(shares: np.ndarray) -> np.ndarray:
    """Organisers' shares of a unit's cost (as :meth:`OrganiserBooks.add` splits it)."""
    total = shares.sum()
    return shares / total if total > 0 else np.full(shares.size, 1.0 / shares.size)


def runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stable order of ``keys`` and the start and end of each run of equal keys in it.

    Performance: one stable sort replaces a mask over all entries per distinct key; within
    a run the entries keep their order, as ``entries[keys == k]`` would.
    """
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[sorted_keys.size > 0, sorted_keys[1:] != sorted_keys[:-1]])
    ends = np.r_[starts[1:], sorted_keys.size] if starts.size else starts.copy()
    return order, starts, ends


def pay_providers(system, month: int) -> None:
    """Pay each provider for this month's client-months under the payer unit's contract.

    One payment per (payer unit, provider, service): person services first in key order,
    then each firm service's. Performance: the groups' sums are array reductions; only
    payments under an alliance contract are walked one by one (few, and the alliance's
    books accumulate over a quarter).
    """
    st, persons, firms = system.state, system.model.persons, system.model.firms
    n_prov = len(system.providers) + 1
    n_svc = len(SERVICES)
    payers, provs, services, areas = [], [], [], []
    active = served_by_providers(st.service, st.provider)
    payer, provider = st.payer[active].astype(np.int64), st.provider[active]
    key = (payer * n_prov + provider) * n_svc + st.service[active]  # int64: no overflow
    order, first, _ = runs(key)
    members = active[order]
    payers.append(st.payer[members[first]])
    provs.append(st.provider[members[first]])
    services.append(st.service[members[first]])
    areas.append((persons.home[members], np.diff(np.r_[first, members.size])))
    for col, name in enumerate(FIRM_SERVICES):
        served = np.flatnonzero(st.firm_provider[: firms.capacity, col] >= 0)
        payer = st.firm_payer[served, col]
        prov = st.firm_provider[served, col]
        order, first, _ = runs(payer * n_prov + prov)
        payers.append(payer[order][first])
        provs.append(prov[order][first])
        services.append(np.full(first.size, SERVICE_INDEX[name], dtype=np.int64))
        areas.append((firms.muni[served[order]], np.diff(np.r_[first, served.size])))
    uid = np.concatenate(payers).astype(np.int64)
    pid = np.concatenate(provs).astype(np.int64)
    service = np.concatenate(services).astype(np.int64)
    area = np.concatenate([a for a, _ in areas]).astype(np.int64)
    n = np.concatenate([c for _, c in areas]).astype(np.int64)
    if uid.size == 0:
        return
    catalogue = system.sc.services
    base = np.array([catalogue.spec(s).cost_eur_per_month for s in SERVICES])[service]
    cost_factor = np.array([p.cost_factor for p in system.providers])[pid]
    price_factor = np.array([p.price_factor for p in system.providers])[pid]
    regime = np.array([system.unit_list[u].regime for u in range(len(system.unit_list))])[uid]
    alliance = np.array([u.alliance for u in system.unit_list], dtype=np.int64)[uid]
    fee_of = np.zeros(len(system.alliances) + 1)  # index -1: no alliance, no fee
    for a in system.alliances:
        fee_of[a.index] = a.spec.fee_share
    nf = n.astype(np.float64)
    # Same operations in the same order as a payment at a time (n × factor × base, ...).
    cost = nf * cost_factor * base
    fee = np.where(regime == "open_book", fee_of[alliance] * cost, 0.0)
    paid = np.where(regime == "open_book", cost + fee,
                    np.where(regime == "outcome",
                             nf * price_factor * base * system.sc.market.attachment_share,
                             nf * price_factor * base))
    # Each provider's ledger starts the month at zero, so sums from zero in payment order
    # are the same as adding payment after payment.
    clients = np.bincount(pid, weights=nf, minlength=n_prov - 1)
    cost_sum = np.bincount(pid, weights=cost, minlength=n_prov - 1)
    revenue = np.bincount(pid, weights=paid, minlength=n_prov - 1)
    for k in np.unique(pid).tolist():
        provider = system.providers[k]
        provider.clients += int(clients[k])
        provider.cost += float(cost_sum[k])
        provider.revenue += float(revenue[k])
    charge_groups(system, uid, paid, area, np.repeat(paid / nf, n), n)
    if system.alliances:
        for g in np.flatnonzero(tracked_by_alliances(system, uid, month)).tolist():
            system.track_cost(system.unit_list[uid[g]], month, int(n[g]), float(cost[g]),
                              float(fee[g]), int(pid[g]))


def tracked_by_alliances(system, uid: np.ndarray, month: int) -> np.ndarray:
    """Which payments' costs an alliance tracks (see ``ServiceSystem.track_cost``)."""
    tracked = np.zeros(uid.size, dtype=bool)
    for u in np.unique(uid).tolist():
        unit = system.unit_list[u]
        if any(unit.alliance == a.index
               or (a.phase(month) == "development" and unit.alliance < 0
                   and set(unit.organisers) <= set(a.members))
               for a in system.alliances):
            tracked[uid == u] = True
    return tracked


def pay_outcomes(system, month: int, hired: np.ndarray) -> None:
    """Outcome payments for clients who found a job within their follow-up."""
    st, persons = system.state, system.model.persons
    if hired.size == 0:
        return
    due = hired[(st.outcome_provider[hired] >= 0) & (st.outcome_until[hired] >= month)
                & ~st.outcome_paid[hired]]
    if due.size == 0:
        return
    pays = np.array([u.regime == "outcome" or u.outcome_bonus for u in system.unit_list])
    due = due[pays[st.outcome_payer[due]]]
    if due.size == 0:
        return
    catalogue = system.sc.services
    cost = np.array([catalogue.spec(s).cost_eur_per_month for s in SERVICES])
    months = np.array([catalogue.spec(s).duration_months for s in SERVICES])
    factor = np.array([p.price_factor for p in system.providers])
    provider, service, payer = (st.outcome_provider[due], st.outcome_service[due],
                                st.outcome_payer[due])
    amount = outcome_price(factor[provider] * cost[service], months[service],
                           system.sc.market, persons.base_employability[due])
    open_book = np.array([u.regime == "open_book" for u in system.unit_list])[payer]
    amount = np.where(open_book, system.sc.market.outcome_bonus_share * amount, amount)
    order, starts, ends = runs(payer.astype(np.int64) * (len(system.providers) + 1) + provider)
    amount, due, provider, payer = amount[order], due[order], provider[order], payer[order]
    totals = np.array([float(amount[a:b].sum()) for a, b in zip(starts, ends, strict=True)])
    for k, total in zip(provider[starts].tolist(), totals.tolist(), strict=True):
        system.providers[k].revenue += total
    charge_groups(system, payer[starts], totals, persons.home[due],
                  spread_by_weight(totals, amount, starts, ends), ends - starts)
    st.outcome_paid[due] = True
    st.outcome_provider[due] = -1


def spread_by_weight(totals: np.ndarray, weights: np.ndarray, starts: np.ndarray,
                     ends: np.ndarray) -> np.ndarray:
    """Each run's total over its entries in proportion to their weights (as :func:`charge`)."""
    out = np.empty(weights.size)
    for total, a, b in zip(totals.tolist(), starts.tolist(), ends.tolist(), strict=True):
        w = weights[a:b]
        out[a:b] = total * w / w.sum()
    return out


def pay_transfers(system) -> None:
    """Wage subsidies and start-up grants for the months their holders are in work."""
    st, persons = system.state, system.model.persons
    paid = np.flatnonzero((st.subsidy_left > 0) & (persons.status == EMPLOYED))
    paid = paid[st.outcome_payer[paid] >= 0]  # a trial's services have no payer
    if paid.size == 0:
        return
    svc = st.outcome_service[paid]
    cost = np.array([system.sc.services.spec(s).cost_eur_per_month for s in SERVICES])[svc]
    order, starts, ends = runs(st.outcome_payer[paid])
    paid, cost = paid[order], cost[order]
    totals = np.array([float(cost[a:b].sum()) for a, b in zip(starts, ends, strict=True)])
    charge_groups(system, st.outcome_payer[paid[starts]], totals, persons.home[paid],
                  spread_by_weight(totals, cost, starts, ends), ends - starts)


def book_overheads(system, month: int) -> None:
    """Procurement and contract overhead, the joint office, formation, statutory contacts.

    Fixed overhead is carried per purchasing unit (one office for a host-municipality
    unit), variable overhead per organiser as a share of its own service spend; under the
    joint_office lever both are replaced by the members' shares of the joint office.
    """
    org = system.sc.organisers
    books = system.books
    spend = books.values["service_spend_eur"].copy()
    joint = {a.index: a for a in system.active_alliances(month) if a.lever("joint_office")}
    in_joint = np.zeros(system.n_munis + 1, dtype=bool)
    for a in joint.values():
        in_joint[a.members] = True
    orgs, parts = [], []  # booked at once below: np.add.at adds in order, as unit by unit
    for uid in system.month_units:
        unit = system.unit_list[uid]
        if unit.alliance in joint:
            continue
        host = unit.alliance < 0 and len(unit.organisers) > 1
        fixed = org.overhead_eur_per_year / 12.0 * (1 if host else len(unit.organisers))
        if fixed != 0.0:  # (as OrganiserBooks.add)
            orgs.append(unit.organisers)
            parts.append(fixed * contribution_weights(unit.contribution))
    if orgs:
        np.add.at(books.values["overhead_eur"], np.concatenate(orgs).astype(np.int64),
                  np.concatenate(parts))
    variable = np.where(in_joint, 0.0, org.overhead_share_of_spend * spend)
    books.values["overhead_eur"] += variable
    for a in system.alliances:
        if not a.members or not a.lever("joint_office"):
            continue
        shares = system.budget[a.members]
        phase = a.phase(month)
        if phase == "formation" and a.spec.formation_months:
            books.add("overhead_eur", a.members, shares,
                      a.spec.formation_cost_eur / a.spec.formation_months)
        elif phase == "implementation":
            books.add("overhead_eur", a.members, shares,
                      system.joint_office_month(a)
                      + a.spec.joint_office_share_of_spend * spend[a.members].sum())
    jobseekers = float((system.model.persons.status != EMPLOYED).sum())
    books.add("overhead_eur", [REGION], np.ones(1),
              jobseekers * org.min_contacts_per_month * org.caseworker_cost_eur_per_contact)


def book_benefits_and_taxes(system) -> None:
    """Municipal share of unemployment benefits (by duration) and municipal income tax."""
    org = system.sc.organisers
    p, f, st = system.model.persons, system.model.firms, system.state
    benefit, tax = benefits_and_taxes(
        p.home, p.status, p.employer, p.unemployment_months, st.service >= 0,
        f.productivity, org.municipal_benefit_share, org.benefit_eur_per_month,
        org.mean_wage_eur_per_month * org.municipal_tax_rate, system.n_munis)
    system.area_benefit[:] = benefit
    system.books.values["benefit_cost_eur"][1:] += benefit
    system.books.values["tax_revenue_eur"][1:] += tax


def close_month(system, month: int, hired: np.ndarray) -> None:
    """All of the month's payments and books (before governance and the record)."""
    system.books.reset()
    system.books.values["budget_eur"][:] = system.budget
    system.unit_spend = {}
    system.key_spend = {}
    system.area_spend[:] = 0.0
    for provider in system.providers:
        provider.reset_month()
    pay_providers(system, month)
    pay_outcomes(system, month, hired)
    pay_transfers(system)
    book_overheads(system, month)
    book_benefits_and_taxes(system)
