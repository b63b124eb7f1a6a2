"""Purchasing units (hankintayksiköt): who buys together under which cooperation model.

Each month the organisers are grouped into purchasing units: under separate action every
organiser is one; a host-municipality arrangement (vastuukuntamalli) is one; an alliance in
its implementation phase with a pooled budget (lever ``pooled_budget``) is one, serving all
members' residents under the unanimity rule; without it each member buys for its own
under the alliance's contract. A unit carries how it pays providers (the contract levers
``outcome_payment`` and ``gain_pain_share``), whether its clients are referred across
organisers (``unified_referrals``) and its service mix (moved by ``joint_decisions``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..services.state import MAX_INDEX
from .organisers import REGION_INDEX, Organisers

if TYPE_CHECKING:
    from ..services.providers import ServiceProvider
    from .alliance import AllianceAgent


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
    own_office: bool = True  # False: its organisers' offices are carried by another unit

    @property
    def budget(self) -> float:
        """EUR per month."""
        return float(self.contribution.sum())

    @property
    def key(self) -> tuple[int, ...]:
        """Its paying organisers: what its budget discipline is kept by across months."""
        return tuple(self.organisers)

    @property
    def municipal(self) -> bool:
        """Whether the region pays no part of it (its services are reached by referral)."""
        return REGION_INDEX not in self.organisers


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


def build_units(orgs: Organisers, active: list[AllianceAgent],
                hosts: list[tuple[int, list[int]]],
                providers: list[ServiceProvider]) -> list[Unit]:
    """The purchasing units of a month.

    Args:
        orgs: the organisers.
        active: alliances in their implementation phase this month (levers act).
        hosts: host-municipality arrangements, (host, members) as organiser indices.
        providers: every provider (an alliance contract lists whom a unit may buy from).
    """
    units: list[Unit] = []
    taken = np.zeros(orgs.n_munis + 1, dtype=bool)
    lf = orgs.labour_force_by_home
    region_left = orgs.budget[REGION_INDEX]
    region_areas = np.ones(orgs.n_munis, dtype=bool)
    for a in active:
        regime = a.regime
        allowed = a.allowed_providers(providers) if a.contracts else None
        munis = orgs.municipalities(a.members)
        friction = not (a.lever("unified_referrals") and REGION_INDEX in a.members)
        bonus = regime == "open_book" and a.lever("outcome_payment")
        if a.lever("pooled_budget"):
            areas = np.zeros(orgs.n_munis, dtype=bool)
            areas[munis] = True
            members = [m for m in a.members if m != REGION_INDEX]
            contrib = [orgs.budget[m] for m in members]
            if REGION_INDEX in a.members:
                part = orgs.budget[REGION_INDEX] * lf[munis].sum() / lf.sum()
                region_left -= part
                region_areas[munis] = False
                members.insert(0, REGION_INDEX)
                contrib.insert(0, part)
            contrib = np.asarray(contrib)
            mix = a.unit_mix((orgs.mix[members] * contrib[:, None]).sum(axis=0))
            muni_contrib = np.array([orgs.budget[m + 1] for m in munis])
            floors = (muni_contrib / muni_contrib.sum() - a.spec.reallocation_tolerance
                      if muni_contrib.sum() > 0 else np.zeros(len(munis)))
            units.append(Unit(a.name, members, contrib, areas, mix, a.index, regime, bonus,
                              friction, allowed,
                              list(zip(munis, np.maximum(floors, 0.0), strict=True))))
            # The region's part is pooled, not the region: what is left of its budget
            # still serves the non-members' residents (below).
            taken[[m for m in members if m != REGION_INDEX]] = True
        else:
            for m in a.members:
                if m == REGION_INDEX:
                    continue
                areas = np.zeros(orgs.n_munis, dtype=bool)
                areas[m - 1] = True
                units.append(Unit(orgs.names[m], [m], np.array([orgs.budget[m]]), areas,
                                  a.unit_mix(orgs.mix[m]), a.index, regime, bonus, friction,
                                  allowed))
                taken[m] = True
            if REGION_INDEX in a.members:
                units.append(Unit(orgs.names[REGION_INDEX], [REGION_INDEX],
                                  np.array([region_left]), region_areas.copy(),
                                  a.unit_mix(orgs.mix[REGION_INDEX]), a.index, regime, bonus,
                                  False, allowed))
                taken[REGION_INDEX] = True
    for host, members in hosts:
        group = [m for m in [host, *members] if not taken[m]]
        if len(group) > 1:
            areas = np.zeros(orgs.n_munis, dtype=bool)
            areas[[m - 1 for m in group]] = True
            contrib = orgs.budget[group]
            mix = (orgs.mix[group] * contrib[:, None]).sum(axis=0) / contrib.sum()
            units.append(Unit(orgs.names[host] + " host", group, contrib, areas, mix))
            taken[group] = True
    if not taken[REGION_INDEX] and region_areas.any():
        # The region's own unit, or what is left of its budget after its parts went into
        # pooled alliances: it serves the rest (whose office the pooled unit carries).
        units.append(Unit(orgs.names[REGION_INDEX], [REGION_INDEX], np.array([region_left]),
                          region_areas, orgs.mix[REGION_INDEX], referral_friction=False,
                          own_office=region_left == orgs.budget[REGION_INDEX]))
    for m in range(1, orgs.n_munis + 1):
        if not taken[m]:
            areas = np.zeros(orgs.n_munis, dtype=bool)
            areas[m - 1] = True
            units.append(Unit(orgs.names[m], [m], np.array([orgs.budget[m]]), areas,
                              orgs.mix[m]))
    # A canonical order (by first organiser, then as built: a pooled alliance before the
    # region's remaining unit) keeps the draws of the random number generator in the same
    # order whatever the cooperation model: the placebo rests on it.
    return sorted(units, key=lambda u: min(u.organisers))


class UnitRegistry:
    """The purchasing units of every month, under stable ids (payments refer to them).

    A unit keeps its id across months as long as its name, alliance and paying organisers
    stay the same; each month's units replace the earlier ones of the same id.
    """

    def __init__(self, orgs: Organisers, hosts: list[tuple[int, list[int]]]) -> None:
        """No units yet; ``hosts`` are the host-municipality arrangements."""
        self.orgs = orgs
        self.hosts = hosts
        self._ids: dict[str, int] = {}
        self._units: list[Unit] = []
        self._built_key: tuple | None = None
        self._built: list[Unit] = []
        self.month_ids: list[int] = []

    def __getitem__(self, uid: int) -> Unit:
        """The unit with id ``uid``."""
        return self._units[uid]

    def __len__(self) -> int:
        """Units ever registered."""
        return len(self._units)

    def __iter__(self):
        """Every unit ever registered, by id."""
        return iter(self._units)

    def of_month(self, month: int, alliances: list[AllianceAgent],
                 providers: list[ServiceProvider]) -> list[int]:
        """Build (when the alliances or providers changed) and register this month's units.

        Performance: units change only with the alliances (phase, members, providers,
        joint decisions) and the provider list, so they are rebuilt only when those change
        (hundreds of units a month at national scale). Units are never modified once built.

        Returns:
            The ids of this month's units, in their canonical order (also kept as
            :attr:`month_ids`).
        """
        key = (len(providers), tuple(a.units_key(month) for a in alliances))
        if key != self._built_key:
            active = [a for a in alliances if a.members and a.implemented(month)]
            self._built_key = key
            self._built = build_units(self.orgs, active, self.hosts, providers)
        self.month_ids = [self._register(u) for u in self._built]
        return self.month_ids

    def _register(self, unit: Unit) -> int:
        key = f"{unit.name}|{unit.alliance}|{','.join(map(str, unit.organisers))}"
        if key not in self._ids:
            if len(self._units) >= MAX_INDEX:  # the service state keeps unit ids in int16
                raise RuntimeError(f"more than {MAX_INDEX} purchasing units in one run")
            self._ids[key] = len(self._units)
            self._units.append(unit)
        else:
            self._units[self._ids[key]] = unit
        return self._ids[key]

    def month_units(self) -> list[tuple[int, Unit]]:
        """This month's (id, unit) pairs, in order."""
        return [(uid, self._units[uid]) for uid in self.month_ids]

    def column(self, name: str, dtype: type | None = None) -> np.ndarray:
        """One attribute of every registered unit as an array indexed by unit id."""
        return np.array([getattr(u, name) for u in self._units], dtype=dtype)
