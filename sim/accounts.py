"""The month's money (kuukauden rahavirrat), booked per organiser, provider and area.

Provider payments under each contract, transfers (wage subsidies, start-up grants),
overheads, the municipal share of unemployment benefits and municipal income tax.
"""

from __future__ import annotations

import numpy as np

from .cooperation import REGION
from .kernels import EMPLOYED
from .kernels_money import benefits_and_taxes
from .params_services import FIRM_SERVICES, SERVICES
from .providers import outcome_price
from .services import SERVICE_INDEX


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


def pay_providers(system, month: int) -> None:
    """Pay each provider for this month's client-months under the payer unit's contract."""
    st, persons, firms = system.state, system.model.persons, system.model.firms
    fee_of = {a.index: a.spec.fee_share for a in system.alliances}
    n_prov = len(system.providers) + 1
    groups = []  # (payer unit, provider, service, client areas)
    active = np.flatnonzero((st.service >= 0) & (st.provider >= 0))
    if active.size:
        key = (st.payer[active] * n_prov + st.provider[active]) * len(SERVICES) \
            + st.service[active]
        for k in np.unique(key):
            idx = active[key == k]
            groups.append((int(st.payer[idx[0]]), int(st.provider[idx[0]]),
                           int(st.service[idx[0]]), persons.home[idx]))
    for col, name in enumerate(FIRM_SERVICES):
        served = np.flatnonzero(st.firm_provider[: firms.capacity, col] >= 0)
        if served.size == 0:
            continue
        payer = st.firm_payer[served, col]
        prov = st.firm_provider[served, col]
        key = payer * n_prov + prov
        for k in np.unique(key):
            sel = key == k
            groups.append((int(payer[sel][0]), int(prov[sel][0]), SERVICE_INDEX[name],
                           firms.muni[served[sel]]))
    catalogue = system.sc.services
    for uid, pid, service, areas in groups:
        unit = system.unit_list[uid]
        provider = system.providers[pid]
        n = areas.size
        base = catalogue.spec(SERVICES[service]).cost_eur_per_month
        cost = n * provider.cost_factor * base
        provider.clients += n
        provider.cost += cost
        fee = 0.0
        if unit.regime == "open_book":
            fee = fee_of.get(unit.alliance, 0.0) * cost
            paid = cost + fee
        elif unit.regime == "outcome":
            paid = n * provider.price_factor * base * system.sc.market.attachment_share
        else:
            paid = n * provider.price_factor * base
        provider.revenue += paid
        charge(system, uid, paid, areas)
        system.track_cost(unit, month, n, cost, fee, pid)


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
    key = payer * (len(system.providers) + 1) + provider
    for k in np.unique(key):
        sel = key == k
        total = float(amount[sel].sum())
        system.providers[int(provider[sel][0])].revenue += total
        charge(system, int(payer[sel][0]), total, persons.home[due[sel]], amount[sel])
    st.outcome_paid[due] = True
    st.outcome_provider[due] = -1


def pay_transfers(system) -> None:
    """Wage subsidies and start-up grants for the months their holders are in work."""
    st, persons = system.state, system.model.persons
    paid = np.flatnonzero((st.subsidy_left > 0) & (persons.status == EMPLOYED))
    if paid.size == 0:
        return
    svc = st.outcome_service[paid]
    cost = np.array([system.sc.services.spec(s).cost_eur_per_month for s in SERVICES])[svc]
    payer = st.outcome_payer[paid]
    for uid in np.unique(payer[payer >= 0]):  # a trial's services have no payer
        sel = payer == uid
        charge(system, int(uid), float(cost[sel].sum()), persons.home[paid[sel]], cost[sel])


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
    for uid in system.month_units:
        unit = system.unit_list[uid]
        if unit.alliance in joint:
            continue
        host = unit.alliance < 0 and len(unit.organisers) > 1
        fixed = org.overhead_eur_per_year / 12.0 * (1 if host else len(unit.organisers))
        books.add("overhead_eur", unit.organisers, unit.contribution, fixed)
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
