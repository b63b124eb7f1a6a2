"""Overheads (hallinto): procurement and contract offices, the joint office, caseworkers.

Under separate action each purchasing unit carries a procurement and contract office
(``organisers.overhead_eur_per_year``; one office for a host-municipality unit) and each
organiser a variable overhead on its own service spend. The alliance's joint office (lever
``joint_office``) replaces both for its members by its own cost: formation, then a fixed
share of the members' offices and a smaller variable share. The region pays the statutory
caseworker contacts of every jobseeker, or each municipality those of its residents
(``organisers.caseworkers``).
"""

from __future__ import annotations

import numpy as np

from ..labour.population import UNEMPLOYED, Persons
from ..scenario import Scenario
from .alliance import AllianceAgent
from .ledger import ADMINISTRATION, CASEWORKER, Ledger, contribution_weights
from .organisers import REGION_INDEX, Organisers
from .units import Unit, UnitRegistry


def separate_fixed_overhead(unit: Unit, scenario: Scenario) -> float:
    """A unit's own procurement office, EUR per month (one per organiser, one per host unit)."""
    host = unit.alliance < 0 and len(unit.organisers) > 1
    n = 1 if host else len(unit.organisers)
    return scenario.organisers.overhead_eur_per_year / 12.0 * n


def joint_office_month(a: AllianceAgent, scenario: Scenario) -> float:
    """Fixed monthly cost of an alliance's joint office: a share of its members' offices."""
    separate = scenario.organisers.overhead_eur_per_year / 12.0 * len(a.members)
    return a.spec.joint_office_fixed_share * separate


def joint_office_of(unit: Unit, alliances: list[AllianceAgent], month: int
                    ) -> AllianceAgent | None:
    """The alliance whose joint office serves ``unit`` this month, if any."""
    if unit.alliance < 0:
        return None
    a = alliances[unit.alliance]
    return a if a.lever("joint_office") and a.implemented(month) else None


def planned_overhead(unit: Unit, alliances: list[AllianceAgent], orgs: Organisers,
                     scenario: Scenario, month: int) -> tuple[float, float]:
    """The overhead a unit plans for: (fixed EUR per month, variable share of spend).

    A unit in an alliance's joint office carries its budget's share of the office's fixed
    cost and the office's variable share; any other unit its own office and the
    organisers' variable share.
    """
    a = joint_office_of(unit, alliances, month)
    if a is not None:
        share = unit.budget / max(orgs.budget[a.members].sum(), 1e-9)
        return (joint_office_month(a, scenario) * min(share, 1.0),
                a.spec.joint_office_share_of_spend)
    fixed = separate_fixed_overhead(unit, scenario) + formation_share(unit, alliances, orgs,
                                                                     month)
    return fixed, scenario.organisers.overhead_share_of_spend


def formation_share(unit: Unit, alliances: list[AllianceAgent], orgs: Organisers,
                    month: int) -> float:
    """A unit's part of the joint offices' formation cost this month, EUR.

    Each forming alliance with a joint office charges its members by their budgets
    (:func:`book_overheads`); a unit carries the part its contributions make of them.
    """
    total = 0.0
    for a in alliances:
        if (not a.members or not a.lever("joint_office") or a.phase(month) != "formation"
                or not a.spec.formation_months):
            continue
        members = set(a.members)
        mine = sum(c for o, c in zip(unit.organisers, unit.contribution.tolist(), strict=True)
                   if o in members)
        if mine:
            total += (a.spec.formation_cost_eur / a.spec.formation_months
                      * mine / max(orgs.budget[a.members].sum(), 1e-9))
    return total


def book_overheads(ledger: Ledger, units: UnitRegistry, alliances: list[AllianceAgent],
                   orgs: Organisers, persons: Persons, scenario: Scenario,
                   month: int) -> None:
    """Book the month's procurement and contract overhead, joint office and contacts.

    Fixed overhead is carried per purchasing unit, variable overhead per organiser as a
    share of its own service spend; under the joint_office lever both are replaced by the
    members' shares of the joint office (and its formation cost before).
    """
    org = scenario.organisers
    books = ledger.books
    spend = books.values["service_spend_eur"].copy()
    joint = {a.index: a for a in alliances
             if a.active(month) and a.lever("joint_office")}
    in_joint = np.zeros(len(orgs.names), dtype=bool)
    for a in joint.values():
        in_joint[a.members] = True
    members, parts = [], []  # booked at once below: np.add.at adds in order, unit by unit
    for _, unit in units.month_units():
        if unit.alliance in joint:
            continue
        fixed = separate_fixed_overhead(unit, scenario)
        if fixed != 0.0:  # (as OrganiserBooks.add)
            members.append(unit.organisers)
            parts.append(fixed * contribution_weights(unit.contribution))
            books.pay(unit.organisers, parts[-1], ADMINISTRATION, "overhead")
    if members:
        np.add.at(books.values["overhead_eur"], np.concatenate(members).astype(np.int64),
                  np.concatenate(parts))
    variable = np.where(in_joint, 0.0, org.overhead_share_of_spend * spend)
    books.values["overhead_eur"] += variable
    books.pay(np.arange(variable.size), variable, ADMINISTRATION, "overhead")
    for a in alliances:
        if not a.members or not a.lever("joint_office"):
            continue
        shares = orgs.budget[a.members]
        phase = a.phase(month)
        if phase == "formation" and a.spec.formation_months:
            books.add("overhead_eur", a.members, shares,
                      a.spec.formation_cost_eur / a.spec.formation_months,
                      ADMINISTRATION, "overhead")
        elif phase == "implementation":
            books.add("overhead_eur", a.members, shares,
                      joint_office_month(a, scenario)
                      + a.spec.joint_office_share_of_spend * spend[a.members].sum(),
                      ADMINISTRATION, "overhead")
    per_contact = org.min_contacts_per_month * org.caseworker_cost_eur_per_contact
    unemployed = persons.status == UNEMPLOYED
    if org.caseworkers == "region":
        payers = np.array([REGION_INDEX])
        contacts = np.array([float(unemployed.sum()) * per_contact])
    else:  # each jobseeker's home municipality (TE24 employment areas)
        payers = np.arange(1, orgs.n_munis + 1)
        contacts = np.bincount(persons.home[unemployed], minlength=orgs.n_munis) * per_contact
    books.values["overhead_eur"][payers] += contacts
    books.values[CASEWORKER][payers] += contacts  # not paid by the budget
    books.pay(payers, contacts, ADMINISTRATION, "caseworker_contacts")
