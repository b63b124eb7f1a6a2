"""Cooperation models (yhteistyömallit): separate action, host municipalities and alliances.

Organisers are numbered 0 (the region) and 1 + k (municipality k). Each month they are
grouped into purchasing units (hankintayksiköt): under separate action every organiser is
one; a host-municipality arrangement is one; an alliance in its implementation phase with a
pooled budget is one. The alliance differs from separate action only through its levers
(``LEVERS``), each read here in one place:

- ``pooled_budget``: the members' budgets form one unit serving all members' residents,
  under the unanimity rule (no member's share of services below its contribution share
  minus a tolerance).
- ``shared_vacancies``: vacancies known to one member's employer services are seen by all
  members' jobseekers.
- ``unified_referrals``: one door: referrals between members lose no one and take no time.
- ``joint_office``: one project office replaces the members' procurement overheads (it
  costs formation and a transition slowdown first).
- ``outcome_payment``: alliance providers are paid for results: attachment + outcome fees
  and a KRA bonus pool.
- ``gain_pain_share``: open-book costs + fee + gain/pain share on target cost.
- ``joint_learning``: providers learn faster and from the best among them.
- ``joint_decisions``: the pooled service mix moves quarterly toward what works.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from ..scenario.organising import LEVERS, Alliance
from ..scenario.services import SERVICES

REGION = 0


@dataclass
class Unit:
    """A purchasing unit: who pays, whom it serves, and how it pays providers."""

    name: str
    organisers: list[int]  # organiser indices paying into it
    contribution: np.ndarray  # EUR/month from each organiser in ``organisers``
    areas: np.ndarray  # bool per municipality: whose residents and firms it serves
    mix: np.ndarray  # share of service money per service (SERVICES order)
    alliance: int = -1  # alliance index when it buys under an alliance contract
    regime: str = "output"  # output | outcome | open_book
    outcome_bonus: bool = False  # open_book with outcome payments on top
    referral_friction: bool = True  # municipal services reached by referral
    allowed: np.ndarray | None = None  # providers it may buy from (None: all)
    unanimity: list[tuple[int, float]] = field(default_factory=list)  # (muni, floor share)

    @property
    def budget(self) -> float:
        """EUR per month."""
        return float(self.contribution.sum())


class AllianceAgent(mesa.Agent):
    """An alliance (allianssi): members, phase, target cost, KRA scores and exits."""

    def __init__(self, model: mesa.Model, index: int, spec: Alliance,
                 members: list[int], provider_ids: list[int]) -> None:
        """Create the alliance from its spec; ``members`` are organiser indices."""
        super().__init__(model)
        self.index = index
        self.spec = spec
        self.name = spec.name
        self.members = list(members)
        self.provider_ids = list(provider_ids)
        self.exited: list[int] = []
        self.failing = dict.fromkeys(members, 0)
        self.target_per_client_month = np.nan
        self.levels: dict[str, tuple[float, float]] | None = None  # set by development
        self.member_levels: dict[int, dict[str, tuple[float, float]]] = {}
        self.mix_adjust = np.ones(len(SERVICES))
        self.service_starts = np.zeros(len(SERVICES))  # this quarter, for joint decisions
        self.service_jobs = np.zeros(len(SERVICES))

    def adjust_mix(self, step: float = 0.15) -> None:
        """Joint decisions: move the pooled mix toward services whose clients find jobs.

        Each quarter a service's weight changes by ``step`` times its jobs per start
        relative to the average over services, within [0.5, 2] of the plan.
        """
        used = self.service_starts > 0
        if used.sum() >= 2:
            rate = np.where(used, self.service_jobs / np.maximum(self.service_starts, 1), 0.0)
            mean = rate[used].mean()
            if mean > 0:
                change = np.where(used, step * (rate - mean) / mean, 0.0)
                self.mix_adjust = np.clip(self.mix_adjust * (1.0 + change), 0.5, 2.0)
        self.service_starts[:] = 0.0
        self.service_jobs[:] = 0.0

    def lever(self, name: str) -> bool:
        """Whether lever ``name`` is on."""
        return self.spec.lever(name)

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

    @property
    def any_lever(self) -> bool:
        """Whether any lever is on (an all-off alliance is a placebo)."""
        return any(self.lever(name) for name in LEVERS)


def kra_score(value: float, minimum: float, exceptional: float) -> float:
    """Score 0 at the minimum, 1 at the exceptional level, linear between, clipped."""
    if exceptional == minimum:
        return 1.0 if value >= minimum else 0.0
    return float(np.clip((value - minimum) / (exceptional - minimum), 0.0, 1.0))


def kra_levels(name: str, baseline: float, improvement: float) -> tuple[float, float]:
    """Minimum and exceptional levels from the development-phase value."""
    if name == "long_term_unemployed":
        return baseline, baseline * (1.0 - improvement)
    if name == "cost_vs_target":
        return 1.0, 1.0 - improvement
    return baseline, baseline * (1.0 + improvement)


def unanimity_shares(weights: np.ndarray, floors: np.ndarray) -> np.ndarray:
    """Shares proportional to ``weights`` but none below its floor (the unanimity rule).

    Members under their floor are lifted to it; the rest share what is left in proportion
    to their weights.
    """
    w = np.maximum(weights, 0.0)
    shares = w / w.sum() if w.sum() > 0 else np.full(w.size, 1.0 / w.size)
    fixed = np.zeros(w.size, dtype=bool)
    for _ in range(w.size):
        low = ~fixed & (shares < floors)
        if not low.any():
            break
        fixed |= low
        rest = 1.0 - floors[fixed].sum()
        free_w = w[~fixed]
        shares = np.where(fixed, floors, 0.0)
        if (~fixed).any():
            shares[~fixed] = rest * (free_w / free_w.sum() if free_w.sum() > 0
                                     else 1.0 / free_w.size)
    return shares


def visibility(n_munis: int, groups: list[set[int]], open_share: float) -> np.ndarray:
    """Weight with which a home municipality's jobseekers see each vacancy class.

    Returns an (M, M, 2) array: class 0 vacancies (open) weigh 1; class 1 vacancies (known
    only to a municipality's employer services) weigh 1 at home and inside a group that
    shares vacancies, ``open_share`` elsewhere.
    """
    vis = np.ones((n_munis, n_munis, 2))
    vis[:, :, 1] = open_share
    np.fill_diagonal(vis[:, :, 1], 1.0)
    for group in groups:
        idx = np.array(sorted(group), dtype=np.int64)
        if idx.size:
            vis[np.ix_(idx, idx, [1])] = 1.0
    return vis


def build_units(system, month: int) -> list[Unit]:
    """The purchasing units of this month (separate, host arrangements, alliances)."""
    units: list[Unit] = []
    taken = np.zeros(system.n_munis + 1, dtype=bool)
    lf = system.labour_force_by_home  # persons do not move: counted once
    region_left = system.budget[REGION]
    region_areas = np.ones(system.n_munis, dtype=bool)
    for a in system.active_alliances(month):
        contract = a.lever("gain_pain_share") or a.lever("outcome_payment")
        regime = ("open_book" if a.lever("gain_pain_share")
                  else "outcome" if a.lever("outcome_payment") else "output")
        allowed = None
        if contract:
            allowed = np.zeros(len(system.providers), dtype=bool)
            allowed[a.provider_ids] = True
            for p in system.providers:
                if p.kind == "own" and p.owner in a.members:
                    allowed[p.index] = True
        munis = [m - 1 for m in a.members if m != REGION]
        friction = not (a.lever("unified_referrals") and REGION in a.members)
        if a.lever("pooled_budget"):
            areas = np.zeros(system.n_munis, dtype=bool)
            areas[munis] = True
            orgs = [m for m in a.members if m != REGION]
            contrib = [system.budget[m] for m in orgs]
            if REGION in a.members:
                part = system.budget[REGION] * lf[munis].sum() / lf.sum()
                region_left -= part
                region_areas[munis] = False
                orgs.insert(0, REGION)
                contrib.insert(0, part)
            contrib = np.asarray(contrib)
            mix = unit_mix(a, (system.mix[orgs] * contrib[:, None]).sum(axis=0))
            muni_contrib = np.array([system.budget[m + 1] for m in munis])
            floors = (muni_contrib / muni_contrib.sum() - a.spec.reallocation_tolerance
                      if muni_contrib.sum() > 0 else np.zeros(len(munis)))
            unit = Unit(a.name, orgs, contrib, areas, mix, a.index, regime,
                        regime == "open_book" and a.lever("outcome_payment"), friction,
                        allowed, list(zip(munis, np.maximum(floors, 0.0), strict=True)))
            units.append(unit)
            taken[orgs] = True
        else:
            for m in a.members:
                if m == REGION:
                    continue
                areas = np.zeros(system.n_munis, dtype=bool)
                areas[m - 1] = True
                units.append(Unit(system.names[m], [m], np.array([system.budget[m]]), areas,
                                  unit_mix(a, system.mix[m]), a.index, regime,
                                  regime == "open_book" and a.lever("outcome_payment"),
                                  friction, allowed))
                taken[m] = True
            if REGION in a.members:
                units.append(Unit(system.names[REGION], [REGION], np.array([region_left]),
                                  region_areas.copy(), unit_mix(a, system.mix[REGION]),
                                  a.index, regime,
                                  regime == "open_book" and a.lever("outcome_payment"),
                                  False, allowed))
                taken[REGION] = True
    for host, members in system.hosts:
        group = [m for m in [host, *members] if not taken[m]]
        if len(group) > 1:
            areas = np.zeros(system.n_munis, dtype=bool)
            areas[[m - 1 for m in group]] = True
            contrib = system.budget[group]
            mix = (system.mix[group] * contrib[:, None]).sum(axis=0) / contrib.sum()
            units.append(Unit(system.names[host] + " host", group, contrib, areas, mix))
            taken[group] = True
    if not taken[REGION]:
        units.insert(0, Unit(system.names[REGION], [REGION], np.array([region_left]),
                             region_areas, system.mix[REGION], referral_friction=False))
    for m in range(1, system.n_munis + 1):
        if not taken[m]:
            areas = np.zeros(system.n_munis, dtype=bool)
            areas[m - 1] = True
            units.append(Unit(system.names[m], [m], np.array([system.budget[m]]), areas,
                              system.mix[m]))
    # A canonical order (by first organiser) keeps the draws of the random number
    # generator in the same order whatever the cooperation model: the placebo rests on it.
    return sorted(units, key=lambda u: min(u.organisers))

def unit_mix(a: AllianceAgent, mix: np.ndarray) -> np.ndarray:
    """A unit's service mix: the plan, moved by joint decisions, summing to 1."""
    if a.lever("joint_decisions"):
        mix = mix * a.mix_adjust
    return mix / mix.sum() if mix.sum() > 0 else mix
