"""The Mesa model of a region's labour market (kasvupalvelumalli): wiring and the month.

``GrowthServicesModel`` owns the populations (arrays), the organisers (Mesa agents) and the
collector. ``step()`` is one month and reads as its schedule; each stage is a method of its
own, and the loops over persons run in :mod:`sim.kernels`.
"""

from __future__ import annotations

import math
from pathlib import Path

import mesa
import numpy as np

from .collect import METRICS, AreaCollector
from .labour import firms as firm_kernels
from .labour import flows, matching, stocks
from .labour.flows import bernoulli_indices
from .labour.population import (
    EMPLOYED,
    build_firms,
    build_geography,
    build_persons,
    fit_weights,
    reach_weights,
    zipf_sizes,
)
from .labour.workspace import Workspace
from .organising.growth_services import GrowthServices
from .organising.organisers import Municipality, Region
from .scenario import Scenario, load_scenario
from .scenario.loading import Overrides

_FLOWS = ("hires", "separations", "seekers", "firm_births", "firm_deaths")




class GrowthServicesModel(mesa.Model):
    """A region's persons, firms and organisers, stepped one month at a time.

    Construction builds the populations from the scenario and runs the burn-in, so that
    month 0 (recorded at once) is the model's own steady state. Each ``step()`` is one month;
    ``running`` turns False after the scenario's last month (``months``), as Mesa's
    ``batch_run`` and ``run_model`` expect. ``datacollector`` is a ``mesa.DataCollector``
    whose model reporters are the region's metrics (:data:`~sim.collect.METRICS`, read from
    the fast per-area collector), so ``mesa.batch_run`` works as with any Mesa model.

    Args:
        scenario: a validated scenario, a path to a TOML file or a built-in name.
        seed: seed of all randomness; defaults to ``scenario.simulation.seed``.
        months: months the run lasts after month 0; defaults to the scenario's.
        overrides: values to change in the scenario, a mapping from key path to value
            (see :mod:`sim.scenario.overrides`).
    """

    def __init__(
        self,
        scenario: Scenario | str | Path = "pirkanmaa-separate",
        seed: int | None = None,
        *,
        months: int | None = None,
        overrides: Overrides | None = None,
    ) -> None:
        """Build the region and run the burn-in."""
        scenario = load_scenario(scenario, overrides or ())
        seed = scenario.simulation.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        self.seed = seed
        self.scenario = scenario
        self.months = scenario.simulation.months if months is None else int(months)
        self.month = -scenario.simulation.burn_in_months

        self.geo = build_geography(scenario)
        m = scenario.matching
        self.reach_w = reach_weights(
            self.geo.distance_km, m.commuting_reach_km, m.distance_decay_km
        )
        self.fit_w = fit_weights(scenario.skill_groups, m.skill_mismatch_penalty)
        self.streams = self.month_streams()
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

        self.services = GrowthServices(self)
        self.organic_demand = float(self.firms.baseline[self.firms.alive].sum())

        self.collector = AreaCollector(self.geo.names, self.months)
        self.datacollector = mesa.DataCollector(model_reporters=self.collector.reporters())
        self.metric_index = {name: k for k, name in enumerate(METRICS)}
        self.flows = {name: np.zeros(self.geo.size, dtype=np.int64) for name in _FLOWS}
        self.kernel_workspace = Workspace()  # scratch reused every month
        self.size_power = np.empty(0)  # max(employment, 1) ** death_size_exponent by size
        self.last_stats = self.measure()
        for _ in range(scenario.simulation.burn_in_months):
            self.simulate_month()
        self.services.start_observation()
        self.record()

    def release(self) -> None:
        """Let a finished model be freed: forget it in Mesa's class-level agent-id counter.

        Mesa 3.3 counts agent ids in a class-level dict keyed by model, which keeps every
        model alive (hundreds of MB for a region) in a long sweep or dashboard session.
        """
        mesa.Agent._ids.pop(self, None)

    STREAMS = ("demand", "deaths", "separations", "births", "matching", "services")
    """Random streams, one per process."""

    def month_streams(self) -> dict[str, np.random.Generator]:
        """This month's generator of each process, seeded by (seed, process, month).

        Common random numbers: a scenario that changes how often one process draws
        (services, say) leaves the other processes' draws unchanged, and every month starts
        all streams afresh, so that a difference in one month does not shift the random
        numbers of all later months.
        """
        month = self.month + 1_000_000  # burn-in months are negative
        return {name: np.random.default_rng([self.seed, k, month])
                for k, name in enumerate(self.STREAMS)}

    @property
    def alliances(self) -> list:
        """The alliances (Mesa agents), in scenario order."""
        return self.services.alliances

    @property
    def organiser_names(self) -> list[str]:
        """Organiser names by index: ``"region"``, then the municipalities."""
        return self.services.names

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        """One month, then its record."""
        self.simulate_month()
        self.record()
        self.running = self.month < self.months

    def simulate_month(self) -> None:
        """The month's schedule (kuukauden kulku)."""
        self.month += 1
        self.streams = self.month_streams()
        for counts in self.flows.values():
            counts[:] = 0
        self.demand_shocks()
        dead = self.firm_deaths()
        self.separations(dead)
        self.firm_births()
        self.services.plan_and_start(self.month)  # organisers buy services (hankinnat)
        self.post_vacancies()
        hired = self.job_matching()
        self.services.pay_and_book(self.month, hired)  # the month's money
        self.services.progress()  # services run; completions take effect
        self.unemployment_ageing()
        self.last_stats = self.measure()
        self.services.govern(self.month)  # alliance quarter, provider market

    def record(self) -> None:
        """Store this month's time series row and books."""
        self.collector.record(self.month, self.last_stats)
        self.datacollector.collect(self)
        self.services.record(self.month)

    # ------------------------------------------------------------------- stages
    def demand_index(self) -> float:
        """Aggregate demand this month: 1, times a triangular recession and a sine cycle.

        The recession (suhdanne) is a shock of ``shock_size`` at its trough; the business
        cycle (suhdannevaihtelu) a sine wave of ``cycle_amplitude`` from month 0 on, rising
        first. With no cycle the index is exactly what it was without the option.
        """
        eco = self.scenario.economy
        index = 1.0
        t = self.month - eco.shock_start_month
        if eco.shock_months > 0 and 0 <= t < eco.shock_months:
            half = eco.shock_months / 2.0
            depth = 1.0 - abs(t - half) / half
            index = 1.0 + eco.shock_size * depth
        if eco.cycle_amplitude > 0.0 and self.month >= 0:
            phase = 2.0 * math.pi * self.month / eco.cycle_period_months
            index *= 1.0 + eco.cycle_amplitude * math.sin(phase)
        return index

    def demand_shocks(self) -> None:
        """Firms' desired size moves: a Laplace shock and a pull back to the baseline.

        The shock's spread falls with size (σ ∝ size^volatility_exponent). Aggregate demand
        is set by the economy: births and deaths reallocate the region's organic demand
        between firms (its total follows the demand index), while the baseline that growth
        funding added (``policy_gain``) adds to it as long as the funded firm lives.
        """
        f, fp = self.firms, self.scenario.firms
        alive = np.flatnonzero(f.alive)
        demand = np.maximum(f.demand[alive], 1e-3)
        sigma = fp.demand_shock_sd * np.maximum(demand, 1.0) ** fp.volatility_exponent
        shock = self.streams["demand"].laplace(0.0, sigma / math.sqrt(2.0))  # sd = scale·√2
        log_d = np.log(demand)
        gain = f.policy_gain[alive]
        organic = f.baseline[alive] - gain
        scale = self.organic_demand / max(organic.sum(), 1e-9)
        target = np.log(np.maximum((organic * scale + gain) * self.demand_index(), 1e-3))
        log_d += fp.mean_reversion * (target - log_d) + shock
        f.demand[alive] = np.exp(log_d)

    def firm_deaths(self) -> np.ndarray:
        """Firms die with a probability that falls with size; returns the dead mask."""
        f, fp = self.firms, self.scenario.firms
        survival = self.services.survival_factor()
        u = self.streams["deaths"].random(f.capacity)
        largest = int(f.employment.max(initial=0))
        if self.size_power.shape[0] <= largest:  # grown with headroom, rarely recomputed
            self.size_power = firm_kernels.size_power_table(2 * largest + 64,
                                                            fp.death_size_exponent)
        dead = np.empty(f.capacity, dtype=bool)
        firm_kernels.firm_deaths(u, f.employment, self.size_power, fp.monthly_death_rate, survival,
                            f.alive, f.vacancies, f.muni, dead, self.flows["firm_deaths"])
        return dead

    def separations(self, dead: np.ndarray) -> None:
        """Workers leave: all of a dead firm's, a shrinking firm's surplus, other quits."""
        p, f = self.persons, self.firms
        need = self.kernel_workspace.get("layoff_need", f.capacity)[: f.capacity]
        n_uniforms = firm_kernels.layoff_need(f.demand, f.alive, f.employment, dead, need)
        rng = self.streams["separations"]
        quitters = bernoulli_indices(rng, p.size, self.scenario.labour.monthly_separation_rate)
        u_layoff = rng.random(n_uniforms)
        flows.separate(
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
            workspace=self.kernel_workspace,
        )

    def firm_births(self) -> None:
        """New firms in each municipality, in proportion to its initial firm count."""
        f, fp = self.firms, self.scenario.firms
        rng = self.streams["births"]
        births = rng.poisson(self.birth_rate * f.initial_count)
        total = int(births.sum())
        if total == 0:
            return
        shares = np.asarray(fp.skill_demand_shares or self.scenario.labour.skill_shares)
        muni = np.repeat(np.arange(self.geo.size, dtype=np.int64), births)
        skill = rng.choice(len(shares), size=total, p=shares)
        self.new_firms(muni, skill, float(fp.startup_size), 0, rng)
        self.flows["firm_births"] += births

    def new_firms(self, muni: np.ndarray, skill: np.ndarray, demand: float, employment: int,
                  rng: np.random.Generator) -> np.ndarray:
        """Open firms in free slots (growing the table if needed); return their slots.

        A new firm draws its baseline scale from the Zipf law and its productivity from the
        log-normal, starts at ``demand`` and ``employment``, with no services.
        """
        f, fp = self.firms, self.scenario.firms
        n = muni.size
        free = np.flatnonzero(~f.alive & (f.employment == 0))
        if free.size < n:
            f.grow(max(n - free.size, f.capacity // 2))
            free = np.flatnonzero(~f.alive & (f.employment == 0))
        slots = free[:n]
        f.muni[slots] = muni
        f.skill[slots] = skill
        f.baseline[slots] = (
            zipf_sizes(rng, n, fp.size_zipf_exponent, fp.max_size) * f.size_scale
        )
        f.demand[slots] = demand
        f.productivity[slots] = np.exp(
            fp.productivity_sd * rng.standard_normal(n) - fp.productivity_sd**2 / 2
        )
        f.employment[slots] = employment
        f.vacancies[slots] = 0
        f.alive[slots] = True
        f.born[slots] = self.month
        f.policy_gain[slots] = 0.0
        self.services.firms_born(slots, rng)
        return slots

    def start_firms_for(self, founders: np.ndarray) -> None:
        """Each founder (start-up grant) starts a one-person firm at home and works in it."""
        p = self.persons
        slots = self.new_firms(p.home[founders], p.skill[founders], 1.0, 1,
                               self.streams["services"])
        p.employer[founders] = slots
        p.status[founders] = EMPLOYED
        p.unemployment_months[founders] = 0
        np.add.at(self.flows["firm_births"], p.home[founders], 1)
        np.add.at(self.flows["hires"], p.home[founders], 1)
        np.add.at(self.flows["seekers"], p.home[founders], 1)  # they were seeking this month

    def post_vacancies(self) -> None:
        """Every firm below its desired size posts the gap as open vacancies."""
        f = self.firms
        firm_kernels.open_vacancies(f.demand, f.alive, f.employment, f.vacancies)

    def job_matching(self) -> np.ndarray:
        """Unemployed persons apply, firms rank and offer, persons accept (numba kernel).

        Services change how many applications a person sends and how firms score them;
        which vacancies a person sees depends on the cooperation model (vacancy classes,
        see :func:`sim.cooperation.visibility`). Returns the persons hired.
        """
        p, f, m = self.persons, self.firms, self.scenario.matching
        seekers = flows.seekers(p.status, p.home, self.flows["seekers"])
        s_home = p.home[seekers]
        apps, boost = self.services.search(seekers, m.applications_per_month, self.month)
        # Uniforms only for the applications sent, packed seeker after seeker (ragged).
        u = self.streams["matching"].random((int(apps.sum()), 3))
        # Vacancy visibility without touching the kernel: each municipality m becomes two
        # destination areas 2m (open vacancies) and 2m + 1 (known only to its employer
        # services); homes are the even areas, and reach weights carry the visibility.
        reach2, dist2 = self.services.expanded_reach(self.reach_w, self.geo.distance_km,
                                                     self.month)
        firm_area = 2 * f.muni + self.services.vacancy_class()
        # Only firms screening applicants this month can fill their vacancies; the others'
        # stay open (a vacancy lasts about 1 / recruiting_share months).
        u_screen = self.streams["matching"].random(f.capacity)
        open_now = self.kernel_workspace.get("open_now", f.capacity)[: f.capacity]
        matching.screen_vacancies(u_screen, m.recruiting_share, f.vacancies, open_now)
        hired = matching.match(
            2 * s_home,
            p.skill[seekers],
            p.employability[seekers] * boost,
            apps,
            u,
            m.rounds_per_month,
            reach2,
            self.fit_w,
            dist2,
            firm_area,
            f.skill,
            f.productivity,
            open_now,
            f.employment,
            commute_cost=m.commuting_cost_per_km,
            noise=m.ranking_noise,
            workspace=self.kernel_workspace,
            ragged=True,
        )
        matching.keep_unfilled(u_screen, m.recruiting_share, open_now, f.vacancies)
        new = flows.take_jobs(seekers, hired, s_home, p.employer, p.status,
                                p.unemployment_months, self.flows["hires"])
        self.services.count_hires(new)
        return new

    def unemployment_ageing(self) -> None:
        """Spells lengthen and scar employability; work restores it."""
        lab = self.scenario.labour
        flows.age(
            self.persons.status,
            self.persons.unemployment_months,
            self.persons.employability,
            self.persons.base_employability,
            lab.scarring_rate,
            lab.recovery_rate,
            lab.employability_floor,
            self.services.state.months_unemployed if self.month >= 1 else None,
        )

    # ------------------------------------------------------------- measurement
    def measure(self) -> np.ndarray:
        """This month's (areas + region) × :data:`~sim.collect.METRICS` array."""
        p, f = self.persons, self.firms
        st = stocks.stocks(
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
        columns = dict(zip(stocks.STOCK_COLUMNS, st.T, strict=True))
        for name, counts in self.flows.items():
            columns[name] = np.append(counts, counts.sum()).astype(np.float64)
        columns.update(self.services.area_columns())
        with np.errstate(divide="ignore", invalid="ignore"):
            columns["unemployment_rate"] = np.where(
                columns["labour_force"] > 0, columns["unemployed"] / columns["labour_force"], 0.0
            )
            columns["job_finding_rate"] = np.where(
                columns["seekers"] > 0, columns["hires"] / columns["seekers"], 0.0
            )
        return np.column_stack([columns[name] for name in METRICS])
