"""Purchasing (hankinnat): which clients a unit's money reaches and which providers serve them.

A mixin of :class:`sim.organising.ServiceSystem`: each month every purchasing unit draws its
clients from the eligible persons and firms of its municipalities (under the unanimity rule
when its budget is pooled), and places them with the providers it may buy from, best
quality per euro first, within their capacity.

Performance: eligibility and the provider rankings are made once a month
(:meth:`~sim.organising.ServiceSystem.plan_and_start`); a unit then works on slices of
lists grouped by municipality and on short provider lists, never on the whole population.
"""

from __future__ import annotations

import numpy as np

from ..scenario.services import FIRM_SERVICES, SERVICES
from ..services.counts import provider_load
from ..services.eligibility import group_by_area
from ..services.providers import ServiceProvider, effort_and_order, pick_providers, rank_providers
from ..services.state import SERVICE_INDEX, firm_column, start_firms
from .units import REGION, Unit, unanimity_shares

TRANSFERS = ("wage_subsidy", "start_up_grant")
"""Services paid by the organiser to the client (or employer), not bought from a provider."""

REFERRAL_POOL = 2
"""Candidates referred per planned start, so that a provider has a choice (creaming)."""


class Purchasing:
    """Client and provider choice of the purchasing units (see the module docstring)."""

    def _reference_price(self, name: str, unit: Unit) -> float:
        spec = self.sc.services.spec(name)
        if name in TRANSFERS:
            return spec.cost_eur_per_month
        s = SERVICE_INDEX[name]
        if unit.allowed is None and s in self._open_price:
            return self._open_price[s]  # the same for every unit free to buy from all
        factors = [p.price_factor for p in self.providers if p.active and p.offers[s]
                   and (unit.allowed is None or unit.allowed[p.index])]
        price = spec.cost_eur_per_month * (float(np.mean(factors)) if factors else 1.0)
        if unit.allowed is None:
            self._open_price[s] = price
        return price

    def _rank_month_providers(self) -> None:
        """This month's provider rankings per service (see :func:`~sim.providers.rank_providers`).

        Performance: providers change only at the month's close, so each unit filters
        these rankings instead of sorting all providers for every purchase (at national
        scale there are hundreds of own units). For units free to buy from all, person
        services are bought from the external providers and the unit's organisers' own
        units, which are merged from short lists rather than filtered from all providers.
        """
        self._open_price: dict[int, float] = {}
        self._unit_areas: dict[int, np.ndarray | None] = {}  # by id of this month's units
        self._ranked, self._rank_pos, self._ranked_external, self._ranked_own = {}, {}, {}, {}
        for s, ranked in enumerate(rank_providers(self.providers)):
            self._ranked[s] = ranked
            self._rank_pos[s] = {p.index: k for k, p in enumerate(ranked)}
            self._ranked_external[s] = [p for p in ranked if p.kind != "own"]
            own: dict[int, list[ServiceProvider]] = {}
            for p in ranked:
                if p.kind == "own":
                    own.setdefault(p.owner, []).append(p)
            self._ranked_own[s] = own

    def _candidates(self, unit: Unit, s: int, person_service: bool) -> list[ServiceProvider]:
        """Providers ``unit`` may buy service ``s`` from, best first.

        A unit with a provider list (an alliance contract) buys only from it; otherwise a
        firm service may come from any provider, a person service from any external
        provider or its own organisers' units.
        """
        if unit.allowed is not None:
            return [p for p in self._ranked[s] if unit.allowed[p.index]]
        if not person_service:
            return self._ranked[s]
        own = [p for o in unit.organisers for p in self._ranked_own[s].get(o, ())]
        if not own:
            return self._ranked_external[s]
        pos = self._rank_pos[s]
        return sorted(self._ranked_external[s] + own, key=lambda p: pos[p.index])

    def _provider_load(self) -> np.ndarray:
        st = self.state
        need = np.array([self.sc.services.spec(s).capacity_need for s in SERVICES])
        n = len(self.providers)
        load = np.zeros(n + 1)
        load += provider_load(st.provider, st.service, need, n + 1)
        load += provider_load(self.pending["provider"], self.pending["service"], need, n + 1)
        for col, name in enumerate(FIRM_SERVICES):
            fp = st.firm_provider[:, col]
            load += np.bincount(fp[fp >= 0], minlength=n + 1) * need[SERVICE_INDEX[name]]
        return load[:n]

    def _areas_of(self, unit: Unit) -> np.ndarray | None:
        """The municipalities ``unit`` serves, or None for all (kept for the month)."""
        key = id(unit)
        if key not in self._unit_areas:
            self._unit_areas[key] = None if unit.areas.all() else np.flatnonzero(unit.areas)
        return self._unit_areas[key]

    def _start_person_service(self, name: str, unit: Unit, uid: int, starts: int,
                              load: np.ndarray, month: int) -> None:
        model, st, p = self.model, self.state, self.model.persons
        spec = self.sc.services.spec(name)
        idx, bounds = self._eligible[name]
        areas = self._areas_of(unit)
        if areas is None:
            pool = idx
        elif areas.size == 1:
            pool = idx[bounds[areas[0]]:bounds[areas[0] + 1]]  # a view: filtered next
        else:
            pool = np.concatenate([idx[bounds[m]:bounds[m + 1]] for m in areas])
        pool = pool[~self._taken[pool]]
        if pool.size == 0:
            return
        if unit.unanimity:
            candidates = self._unanimous_sample(pool, unit, starts * REFERRAL_POOL)
        else:
            candidates = model.streams["services"].choice(
                pool, size=min(pool.size, starts * REFERRAL_POOL), replace=False)
        if name in TRANSFERS:
            chosen = candidates[:starts]
            providers = np.full(chosen.size, -1, dtype=np.int64)
            effort = np.ones(chosen.size)
        else:
            chosen, providers, effort = self._assign(name, unit, candidates, starts, load)
        if chosen.size == 0:
            return
        self._taken[chosen] = True
        municipal = REGION not in unit.organisers
        sep = self.sc.separate
        if municipal and unit.referral_friction and name not in TRANSFERS:
            homes = p.home[chosen]
            np.add.at(self.referrals[:, 0], homes, 1.0)
            if sep.referral_loss > 0:
                lost = model.streams["services"].random(chosen.size) < sep.referral_loss
                np.add.at(self.referrals[:, 1], homes[lost], 1.0)
                keep = ~lost
                chosen, providers, effort = chosen[keep], providers[keep], effort[keep]
            if sep.referral_delay_months > 0:
                st.referral_wait[chosen] = sep.referral_delay_months
                self.pending["service"][chosen] = SERVICE_INDEX[name]
                self.pending["provider"][chosen] = providers
                self.pending["payer"][chosen] = uid
                self.pending_effort[chosen] = effort
                return
        elif municipal and name not in TRANSFERS:
            np.add.at(self.referrals[:, 0], p.home[chosen], 1.0)
        self._begin(chosen, SERVICE_INDEX[name], providers, uid, effort, month, spec)

    def _unanimous_sample(self, pool: np.ndarray, unit: Unit, size: int) -> np.ndarray:
        """Sample clients across member municipalities under the unanimity rule."""
        rng, home = self.model.streams["services"], self.model.persons.home[pool]
        munis = np.array([m for m, _ in unit.unanimity], dtype=np.int64)
        floors = np.array([f for _, f in unit.unanimity])
        # Performance: the pool grouped by home once (in pool order within a home), rather
        # than a mask over the pool per member municipality.
        at, bounds = group_by_area(np.arange(pool.size), home, self.n_munis)
        counts = (bounds[munis + 1] - bounds[munis]).astype(float)
        shares = unanimity_shares(counts, floors)
        take = np.minimum(np.floor(shares * size + rng.random(munis.size)).astype(int),
                          counts.astype(int))
        out = [rng.choice(pool[at[bounds[m]:bounds[m + 1]]], size=t, replace=False)
               for m, t in zip(munis, take, strict=True) if t > 0]
        member = np.zeros(self.n_munis, dtype=bool)
        member[munis] = True
        others = pool[~member[home]]
        if others.size:
            out.append(rng.choice(others, size=min(others.size, size), replace=False))
        return np.concatenate(out) if out else np.empty(0, dtype=np.int64)

    def _assign(self, name, unit, candidates, starts, load):
        """Providers take clients: in their preferred order, up to capacity and ``starts``."""
        s = SERVICE_INDEX[name]
        spec = self.sc.services.spec(name)
        price = self._reference_price(name, unit)
        emp = self.model.persons.employability[candidates]
        effort, order = effort_and_order(unit.regime, price, spec.duration_months,
                                         self.sc.market, emp,
                                         self.model.streams["services"])
        chosen = candidates[order][:starts]
        effort = effort[order][:starts]
        providers = pick_providers(self._candidates(unit, s, True), load, spec.capacity_need,
                                   chosen.size)
        n = providers.size
        return chosen[:n], providers, effort[:n]

    def _start_firm_service(self, name, unit, uid, starts, load, month) -> None:
        model, f = self.model, self.model.firms
        idx, grouped, bounds = self._eligible_firms[name]
        areas = self._areas_of(unit)
        if areas is None:
            pool = idx
        else:
            # The unit's municipalities' slices, back in firm order (the draw depends on it).
            pool = (grouped[bounds[areas[0]]:bounds[areas[0] + 1]] if areas.size == 1 else
                    np.sort(np.concatenate([grouped[bounds[m]:bounds[m + 1]] for m in areas])))
        pool = pool[self.state.firm_left[pool, firm_column(name)] == 0]
        if pool.size == 0:
            return
        chosen = model.streams["services"].choice(pool, size=min(pool.size, starts), replace=False)
        spec = self.sc.services.spec(name)
        providers = pick_providers(self._candidates(unit, SERVICE_INDEX[name], False), load,
                                   spec.capacity_need, chosen.size)
        chosen = chosen[: providers.size]
        if chosen.size:
            strength = self._quality[providers]
            start_firms(self.state, f, chosen, name, providers, uid, strength,
                        self.sc.services)
