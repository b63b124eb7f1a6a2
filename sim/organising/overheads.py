"""Overheads (hallinto): procurement and contract offices, the joint office, caseworkers.

Under separate action each purchasing unit carries a procurement and contract office
(``organisers.overhead_eur_per_year``; one office for a host-municipality unit) and each
organiser a variable overhead on its own service spend. The alliance's joint office (lever
``joint_office``) replaces both for its members by its own cost: formation, then a fixed
share of the members' offices and a smaller variable share. The region pays the statutory
caseworker contacts of every jobseeker, or each municipality those of its residents
(``organisers.caseworkers``).

Caseworker capacity (:class:`Caseworkers`): at month 0 each caseworker employer gets its
unemployed jobseekers / ``organisers.caseload`` caseworkers and keeps them; a jobseeker's
applications scale with the caseworker time per jobseeker of the pool that serves the home
municipality, relative to month 0. The joint office pools its members' caseworkers
(:func:`caseworker_pools`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..labour.population import UNEMPLOYED, Persons
from ..scenario import Scenario
from ..scenario.organising import Organisers as OrganiserSpec
from .alliance import AllianceAgent
from .ledger import ADMINISTRATION, CASEWORKER, Ledger, contribution_weights
from .organisers import REGION_INDEX, Organisers
from .units import Unit, UnitRegistry


def separate_fixed_overhead(unit: Unit, scenario: Scenario) -> float:
    """A unit's own procurement office, EUR per month (one per organiser, one per host unit).

    The region's remaining unit beside a pooled alliance has none: the pooled unit carries
    the region's office.
    """
    if not unit.own_office:
        return 0.0
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
                     scenario: Scenario, month: int,
                     forming: FormingOffices | None = None) -> tuple[float, float]:
    """The overhead a unit plans for: (fixed EUR per month, variable share of spend).

    A unit in an alliance's joint office carries its budget's share of the office's fixed
    cost and the office's variable share; any other unit its own office and the
    organisers' variable share.

    Args:
        unit: the purchasing unit.
        alliances: the alliances.
        orgs: the organisers.
        scenario: the scenario.
        month: the month.
        forming: this month's :func:`forming_offices` when the caller plans many units
            (made here when None).
    """
    a = joint_office_of(unit, alliances, month)
    if a is not None:
        share = unit.budget / max(orgs.budget[a.members].sum(), 1e-9)
        return (joint_office_month(a, scenario) * min(share, 1.0),
                a.spec.joint_office_share_of_spend)
    fixed = separate_fixed_overhead(unit, scenario) + formation_share(unit, alliances, orgs,
                                                                     month, forming)
    return fixed, scenario.organisers.overhead_share_of_spend


@dataclass
class FormingOffices:
    """The joint offices in formation in a month, for :func:`formation_share`.

    Attributes:
        offices: per forming office, in alliance order: its members (a set), its formation
            cost per month (EUR) and its members' budgets summed (at least 1e-9).
        by_org: per organiser, the positions in ``offices`` of the offices it is a member of.
    """

    offices: list[tuple[set[int], float, float]]
    by_org: dict[int, list[int]]


def forming_offices(alliances: list[AllianceAgent], orgs: Organisers,
                    month: int) -> FormingOffices:
    """The joint offices that charge their formation cost in ``month``.

    Performance: :func:`formation_share` runs for every purchasing unit each month (hundreds
    at national scale); reading each alliance's phase, levers and members' budgets once a
    month here, and only the offices a unit's organisers belong to there, replaces a loop
    over every alliance per unit. Safe: planning the units' orders changes no alliance,
    member or budget, and the values are those the loop computed.
    """
    offices: list[tuple[set[int], float, float]] = []
    by_org: dict[int, list[int]] = {}
    for a in alliances:
        if (not a.members or not a.lever("joint_office") or a.phase(month) != "formation"
                or not a.spec.formation_months):
            continue
        for o in set(a.members):
            by_org.setdefault(o, []).append(len(offices))
        offices.append((set(a.members), a.spec.formation_cost_eur / a.spec.formation_months,
                        max(orgs.budget[a.members].sum(), 1e-9)))
    return FormingOffices(offices, by_org)


def formation_share(unit: Unit, alliances: list[AllianceAgent], orgs: Organisers,
                    month: int, forming: FormingOffices | None = None) -> float:
    """A unit's part of the joint offices' formation cost this month, EUR.

    Each forming alliance with a joint office charges its members by their budgets
    (:func:`book_overheads`); a unit carries the part its contributions make of them.
    ``forming`` is this month's :func:`forming_offices` (made here when None).
    """
    if forming is None:
        forming = forming_offices(alliances, orgs, month)
    total = 0.0
    # Only the offices the unit's organisers belong to, in alliance order: any other adds
    # nothing (the loop over every alliance skipped it, its sum being 0).
    hit = sorted({k for o in unit.organisers for k in forming.by_org.get(o, ())})
    if not hit:
        return total
    contribution = unit.contribution.tolist()
    for k in hit:
        members, per_month, budget = forming.offices[k]
        mine = sum(c for o, c in zip(unit.organisers, contribution, strict=True)
                   if o in members)
        if mine:
            total += per_month * mine / budget
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


# ----------------------------------------------------------------- caseworker capacity
JOINT_OFFICE_PHASES = ("formation", "development", "implementation")
"""Phases in which a joint office pools its members' caseworkers (integration, then work)."""


def caseworker_pools(alliances: list[AllianceAgent], orgs: Organisers, employer: str,
                     month: int) -> tuple[np.ndarray, np.ndarray]:
    """Each municipality's caseworker pool this month, and each pool's time multiplier.

    Under separate action the region's caseworkers are one pool for every municipality
    (``organisers.caseworkers = "region"``), or each home municipality's are its own. An
    alliance with the ``joint_office`` lever pools its members' caseworkers from formation
    on for the municipalities they serve: the member municipalities' own, or the region's
    for the member municipalities (for all of them when the region is the only member)
    when the region is a member and employs them; non-members keep what is left of their
    pool. The pool's time per jobseeker is multiplied by 1 − ``transition_slowdown`` in
    formation and development (integration) and by 1 + ``joint_office_caseworker_gain`` in
    implementation (duplicated administration goes). With the lever off nothing changes.

    Args:
        alliances: the alliances, in scenario order (a later one's pool wins an overlap).
        orgs: the organisers.
        employer: ``organisers.caseworkers``, "region" or "municipalities".
        month: the month.

    Returns:
        (pool index per municipality, time multiplier per pool).
    """
    n = orgs.n_munis
    by_region = employer == "region"
    pool = np.zeros(n, dtype=np.int64) if by_region else np.arange(n, dtype=np.int64)
    scale = [1.0] * (1 if by_region else n)
    for a in alliances:
        phase = a.phase(month)
        if not a.lever("joint_office") or phase not in JOINT_OFFICE_PHASES:
            continue
        if by_region:
            served = (orgs.areas(a.members) if REGION_INDEX in a.members
                      else np.zeros(n, dtype=bool))
        else:
            served = np.zeros(n, dtype=bool)
            served[orgs.municipalities(a.members)] = True
        if served.any():
            pool[served] = len(scale)
            scale.append(1.0 + a.spec.joint_office_caseworker_gain
                         if phase == "implementation" else 1.0 - a.spec.transition_slowdown)
    return pool, np.array(scale)


class Caseworkers:
    """Caseworker capacity: the staff fixed at month 0, caseloads and the search factor.

    Caseworker time per jobseeker of a pool is its caseworkers (times its multiplier,
    :func:`caseworker_pools`) over its unemployed jobseekers now; a jobseeker's applications
    are scaled by (that time / month 0's) ** ``organisers.caseworker_search_elasticity``,
    the ratio clipped to [``caseworker_time_min``, ``caseworker_time_max``]. Before month 0
    the factor is 1. Municipality k's caseworkers are ``base[k] / caseload``: a pool's staff
    is the sum over the municipalities it serves, so that when a joint office takes some
    municipalities from the region's pool, the region's staff is split by their jobseekers
    at month 0.

    Attributes:
        spec: the organisers' parameters (caseworkers, caseload, elasticity, clip).
        orgs: the organisers.
        base: unemployed jobseekers by home municipality at month 0 (None before).
    """

    def __init__(self, spec: OrganiserSpec, orgs: Organisers) -> None:
        """No staff before month 0."""
        self.spec = spec
        self.orgs = orgs
        self.base: np.ndarray | None = None

    def start_observation(self, unemployed: np.ndarray) -> None:
        """Month 0: fix the staff from ``unemployed``, jobseekers by home municipality."""
        self.base = np.asarray(unemployed, dtype=np.float64).copy()

    @property
    def staff(self) -> np.ndarray:
        """Caseworkers serving each municipality's jobseekers since month 0."""
        base = self.base if self.base is not None else np.zeros(self.orgs.n_munis)
        return base / self.spec.caseload

    def pooled(self, alliances: list[AllianceAgent], unemployed: np.ndarray, month: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per municipality: its staff weight, and its pool's staff weight and jobseekers.

        A staff weight is caseworkers × caseload × the pool's multiplier (month-0
        jobseekers, moved by the joint office), so that a pool's caseworker time per
        jobseeker relative to month 0 is its weight over its jobseekers now. Before month 0
        the staff is what month 0's rule would give now.
        """
        unemployed = np.asarray(unemployed, dtype=np.float64)
        base = self.base if self.base is not None else unemployed
        pool, scale = caseworker_pools(alliances, self.orgs, self.spec.caseworkers, month)
        own = scale[pool] * base
        capacity = np.bincount(pool, weights=own, minlength=scale.size)
        now = np.bincount(pool, weights=unemployed, minlength=scale.size)
        return own, capacity[pool], now[pool]

    def search_factor(self, alliances: list[AllianceAgent], unemployed: np.ndarray,
                      month: int) -> np.ndarray:
        """Per municipality: the factor on its jobseekers' applications (1 before month 0).

        Args:
            alliances: the alliances (their joint offices pool caseworkers).
            unemployed: unemployed jobseekers by home municipality now.
            month: the month.
        """
        if self.base is None:
            return np.ones(self.orgs.n_munis)
        _, capacity, now = self.pooled(alliances, unemployed, month)
        # Time per jobseeker relative to month 0: a pool without jobseekers has all the time.
        ratio = np.divide(capacity, now, out=np.full(now.size, np.inf), where=now > 0)
        spec = self.spec
        ratio = np.clip(ratio, spec.caseworker_time_min, spec.caseworker_time_max)
        return ratio ** spec.caseworker_search_elasticity

    def caseload(self, alliances: list[AllianceAgent], unemployed: np.ndarray, month: int
                 ) -> np.ndarray:
        """Unemployed jobseekers per caseworker in each municipality's pool, region appended.

        0 where a pool has no jobseekers, NaN where it has jobseekers but no caseworkers;
        the region's value is all jobseekers over all caseworkers (multipliers counted).
        """
        own, capacity, now = self.pooled(alliances, unemployed, month)
        capacity, now = np.append(capacity, own.sum()), np.append(now, np.sum(unemployed))
        load = np.divide(self.spec.caseload * now, capacity, out=np.full(now.size, np.nan),
                         where=capacity > 0)
        load[now == 0] = 0.0
        return load
