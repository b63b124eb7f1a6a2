"""The Mesa model of a region's labour market (kasvupalvelumalli): wiring and the month.

``GrowthServicesModel`` owns the populations (arrays), the organisers (Mesa agents) and the
collector. ``step()`` is one month and reads as its schedule; each stage is a method of its
own, and the loops over persons run in :mod:`sim.kernels`.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from . import kernels
from .agents import Municipality, Region
from .collect import METRICS, AreaCollector
from .kernels import EMPLOYED, UNEMPLOYED
from .params import Scenario
from .populations import (
    build_firms,
    build_geography,
    build_persons,
    fit_weights,
    reach_weights,
    zipf_sizes,
)

_FLOWS = ("hires", "separations", "seekers", "firm_births", "firm_deaths")


def bernoulli_indices(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    """Sorted indices of the successes among ``n`` independent Bernoulli(``p``) trials.

    Performance: the gaps between successes are geometric, so drawing about n·p gaps
    replaces n uniforms (n is the whole labour force, n·p a few thousand).
    """
    if p <= 0.0 or n == 0:
        return np.empty(0, dtype=np.int64)
    if p >= 1.0:
        return np.arange(n, dtype=np.int64)
    expected = n * p
    chunk = int(expected + 6.0 * math.sqrt(expected) + 16)
    positions = np.cumsum(rng.geometric(p, size=chunk)) - 1
    while positions[-1] < n:
        more = np.cumsum(rng.geometric(p, size=chunk)) + positions[-1]
        positions = np.concatenate([positions, more])
    return positions[positions < n].astype(np.int64)


class GrowthServicesModel(mesa.Model):
    """A region's persons, firms and organisers, stepped one month at a time.

    Construction builds the populations from the scenario and runs the burn-in, so that
    month 0 (recorded at once) is the model's own steady state. Each ``step()`` is one month.

    Args:
        scenario: the validated scenario (see :func:`sim.scenario.load_scenario`).
        seed: seed of all randomness; defaults to ``scenario.simulation.seed``.
        months: months to reserve in the collector; defaults to the scenario's.
    """

    def __init__(
        self, scenario: Scenario, *, seed: int | None = None, months: int | None = None
    ) -> None:
        """Build the region and run the burn-in."""
        seed = scenario.simulation.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        self.seed = seed
        self.scenario = scenario
        self.month = -scenario.simulation.burn_in_months

        self.geo = build_geography(scenario)
        m = scenario.matching
        self.reach_w = reach_weights(
            self.geo.distance_km, m.commuting_reach_km, m.distance_decay_km
        )
        self.fit_w = fit_weights(scenario.skill_groups, m.skill_mismatch_penalty)
        self.persons = build_persons(scenario, self.geo, self.rng)
        self.firms = build_firms(scenario, self.geo, self.persons, self.reach_w, self.rng)
        fp = scenario.firms
        self.birth_rate = fp.monthly_birth_rate
        if self.birth_rate is None:  # births match the initial stock's expected deaths
            self.birth_rate = float(
                np.mean(
                    fp.monthly_death_rate
                    * np.maximum(self.firms.employment, 1) ** fp.death_size_exponent
                )
            )

        self.municipalities = [
            Municipality(
                self,
                k,
                name,
                int(self.geo.population[k]),
                float(self.geo.lat[k]),
                float(self.geo.lon[k]),
                self.geo.sub_region[k],
            )
            for k, name in enumerate(self.geo.names)
        ]
        self.region = Region(self, scenario.name, self.municipalities)

        self.collector = AreaCollector(
            self.geo.names, scenario.simulation.months if months is None else months
        )
        self.flows = {name: np.zeros(self.geo.size, dtype=np.int64) for name in _FLOWS}
        for _ in range(scenario.simulation.burn_in_months):
            self.simulate_month()
        self.collector.record(self.month, self.measure())

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        """One month, then its record."""
        self.simulate_month()
        self.collector.record(self.month, self.measure())

    def simulate_month(self) -> None:
        """The month's schedule (kuukauden kulku)."""
        self.month += 1
        for counts in self.flows.values():
            counts[:] = 0
        self.demand_shocks()
        dead = self.firm_deaths()
        self.separations(dead)
        self.firm_births()
        self.post_vacancies()
        self.job_matching()
        self.unemployment_ageing()

    # ------------------------------------------------------------------- stages
    def demand_shocks(self) -> None:
        """Firms' desired size moves: a Laplace shock and a pull back to the baseline.

        The shock's spread falls with size (σ ∝ size^volatility_exponent).
        """
        f, fp = self.firms, self.scenario.firms
        alive = np.flatnonzero(f.alive)
        demand = np.maximum(f.demand[alive], 1e-3)
        sigma = fp.demand_shock_sd * np.maximum(demand, 1.0) ** fp.volatility_exponent
        shock = self.rng.laplace(0.0, sigma / math.sqrt(2.0))  # Laplace sd = scale·√2
        log_d = np.log(demand)
        log_d += fp.mean_reversion * (np.log(f.baseline[alive]) - log_d) + shock
        f.demand[alive] = np.exp(log_d)

    def firm_deaths(self) -> np.ndarray:
        """Firms die with a probability that falls with size; returns the dead mask."""
        f, fp = self.firms, self.scenario.firms
        p = fp.monthly_death_rate * np.maximum(f.employment, 1) ** fp.death_size_exponent
        dead = f.alive & (self.rng.random(f.capacity) < p)
        f.alive[dead] = False
        f.vacancies[dead] = 0
        np.add.at(self.flows["firm_deaths"], f.muni[dead], 1)
        return dead

    def separations(self, dead: np.ndarray) -> None:
        """Workers leave: all of a dead firm's, a shrinking firm's surplus, other quits."""
        p, f = self.persons, self.firms
        desired = np.rint(f.demand).astype(np.int64)
        need = np.where(f.alive, np.maximum(f.employment - desired, 0), 0)
        quitters = bernoulli_indices(self.rng, p.size, self.scenario.labour.monthly_separation_rate)
        u_layoff = self.rng.random(kernels.layoff_uniforms_needed(need, f.employment, dead))
        kernels.separate(
            p.employer,
            p.status,
            p.home,
            p.unemployment_months,
            dead,
            need,
            quitters,
            u_layoff,
            f.employment,
            self.flows["separations"],
        )

    def firm_births(self) -> None:
        """New firms in each municipality, in proportion to its initial firm count."""
        f, fp = self.firms, self.scenario.firms
        births = self.rng.poisson(self.birth_rate * f.initial_count)
        total = int(births.sum())
        if total == 0:
            return
        free = np.flatnonzero(~f.alive & (f.employment == 0))
        if free.size < total:
            f.grow(max(total - free.size, f.capacity // 2))
            free = np.flatnonzero(~f.alive & (f.employment == 0))
        slots = free[:total]
        shares = fp.skill_demand_shares or self.scenario.labour.skill_shares
        f.muni[slots] = np.repeat(np.arange(self.geo.size, dtype=np.int64), births)
        f.skill[slots] = self.rng.choice(len(shares), size=total, p=np.asarray(shares))
        f.baseline[slots] = (
            zipf_sizes(self.rng, total, fp.size_zipf_exponent, fp.max_size) * f.size_scale
        )
        f.demand[slots] = float(fp.startup_size)
        f.productivity[slots] = np.exp(
            fp.productivity_sd * self.rng.standard_normal(total) - fp.productivity_sd**2 / 2
        )
        f.employment[slots] = 0
        f.vacancies[slots] = 0
        f.alive[slots] = True
        f.born[slots] = self.month
        self.flows["firm_births"] += births

    def post_vacancies(self) -> None:
        """Every firm below its desired size posts the gap as open vacancies."""
        f = self.firms
        gap = np.rint(f.demand).astype(np.int64) - f.employment
        f.vacancies[:] = np.where(f.alive, np.maximum(gap, 0), 0)

    def job_matching(self) -> None:
        """Unemployed persons apply, firms rank and offer, persons accept (numba kernel)."""
        p, f, m = self.persons, self.firms, self.scenario.matching
        seekers = np.flatnonzero(p.status == UNEMPLOYED)
        s_home = p.home[seekers]
        self.flows["seekers"] += np.bincount(s_home, minlength=self.geo.size)
        s_apps = np.full(seekers.size, m.applications_per_month, dtype=np.int64)
        u = self.rng.random((seekers.size, m.applications_per_month, 3))
        hired = kernels.match(
            s_home,
            p.skill[seekers],
            p.employability[seekers],
            s_apps,
            u,
            m.rounds_per_month,
            self.reach_w,
            self.fit_w,
            self.geo.distance_km,
            f.muni,
            f.skill,
            f.productivity,
            f.vacancies,
            f.employment,
            commute_cost=m.commuting_cost_per_km,
            noise=m.ranking_noise,
        )
        ok = hired >= 0
        new = seekers[ok]
        p.employer[new] = hired[ok]
        p.status[new] = EMPLOYED
        p.unemployment_months[new] = 0
        self.flows["hires"] += np.bincount(s_home[ok], minlength=self.geo.size)

    def unemployment_ageing(self) -> None:
        """Spells lengthen and scar employability; work restores it."""
        lab = self.scenario.labour
        kernels.age(
            self.persons.status,
            self.persons.unemployment_months,
            self.persons.employability,
            self.persons.base_employability,
            lab.scarring_rate,
            lab.recovery_rate,
            lab.employability_floor,
        )

    # ------------------------------------------------------------- measurement
    def measure(self) -> np.ndarray:
        """This month's (areas + region) × :data:`~sim.collect.METRICS` array."""
        p, f = self.persons, self.firms
        st = kernels.stocks(
            p.home,
            p.status,
            p.unemployment_months,
            self.scenario.labour.long_term_months,
            f.muni,
            f.alive,
            f.employment,
            f.vacancies,
            self.geo.size,
        )
        columns = dict(zip(kernels.STOCK_COLUMNS, st.T, strict=True))
        for name, counts in self.flows.items():
            columns[name] = np.append(counts, counts.sum()).astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            columns["unemployment_rate"] = np.where(
                columns["labour_force"] > 0, columns["unemployed"] / columns["labour_force"], 0.0
            )
            columns["job_finding_rate"] = np.where(
                columns["seekers"] > 0, columns["hires"] / columns["seekers"], 0.0
            )
        return np.column_stack([columns[name] for name in METRICS])
