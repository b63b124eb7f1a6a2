"""The Mesa model of a region's growth services (kasvupalvelumalli): wiring and the month.

``GrowthServicesModel`` wires the labour market (:mod:`sim.labour`: persons and firms as
arrays) to the growth services (:mod:`sim.organising`: organisers, providers and alliances
as Mesa agents) and keeps the time series. ``step()`` is one month, and
:meth:`~GrowthServicesModel.simulate_month` reads as its schedule.
"""

from __future__ import annotations

import math
from pathlib import Path

import mesa
import numpy as np

from .collect import METRICS, AreaCollector
from .labour import draws, flows, matching
from .labour.market import LabourMarket
from .organising.growth_services import GrowthServices
from .organising.organisers import Municipality, Region
from .scenario import InputError, Scenario, check_seed, load_scenario
from .scenario.loading import Overrides
from .scenario.region import MAX_MONTHS


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
        seed = scenario.simulation.seed if seed is None else seed
        check_seed(seed)
        seed = int(seed)
        super().__init__(rng=seed)
        self.seed = seed
        self.scenario = scenario
        self.months = scenario.simulation.months if months is None else int(months)
        if not 0 <= self.months <= MAX_MONTHS:
            raise InputError(f"months {self.months}: a run lasts 0..{MAX_MONTHS} months after "
                             "month 0")
        self.month = -scenario.simulation.burn_in_months
        self.streams = self.month_streams()

        self.labour = LabourMarket(scenario, self.rng)
        geo = self.labour.geo
        self.municipalities = [
            Municipality(self, k, name, int(geo.population[k]), float(geo.lat[k]),
                         float(geo.lon[k]), geo.sub_region[k])
            for k, name in enumerate(geo.names)
        ]
        self.region = Region(self, scenario.name, self.municipalities)
        self.services = GrowthServices(self)
        self.labour.on_new_firms = self.services.firms_born

        self.collector = AreaCollector(geo.names, self.months)
        self.datacollector = mesa.DataCollector(model_reporters=self.collector.reporters())
        self.metric_index = {name: k for k, name in enumerate(METRICS)}
        self.index = 1.0  # aggregate demand of the current month (demand_index)
        self.last_stats = self.measure(self.services.state.service >= 0)
        for _ in range(scenario.simulation.burn_in_months):
            self.simulate_month()
        self.services.start_observation()
        self.record()
        self.running = self.month < self.months  # a run of 0 months is over at month 0

    def release(self) -> None:
        """Let a finished model be freed: forget it in Mesa's class-level agent-id counter.

        Mesa 3.3 counts agent ids in a class-level dict keyed by model, which keeps every
        model alive (hundreds of MB for a region) in a long sweep or dashboard session.
        """
        mesa.Agent._ids.pop(self, None)

    STREAMS = ("demand", "deaths", "separations", "births", "matching", "services",
               "labour_force", "on_the_job", "search")
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

    # ------------------------------------------------------------ what others read
    @property
    def geo(self):
        """The municipalities' names, residents and distances (:class:`~sim.labour.Geography`)."""
        return self.labour.geo

    @property
    def persons(self):
        """The labour force as arrays (:class:`~sim.labour.Persons`)."""
        return self.labour.persons

    @property
    def firms(self):
        """The firms as arrays (:class:`~sim.labour.Firms`)."""
        return self.labour.firms

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
        self.streams = rng = self.month_streams()
        market, services = self.labour, self.services
        market.start_month(self.month)
        self.index = self.demand_index()
        market.demand_shocks(self.index, rng["demand"])
        dead = market.firm_deaths(services.survival_factor(), rng["deaths"])
        market.separations(dead, self.index, rng["separations"])
        market.labour_force_flows(services.busy(), rng["labour_force"])  # in and out
        market.firm_births(rng["births"])
        services.plan_and_start(self.month)  # organisers buy services (hankinnat)
        market.post_vacancies()
        hired = self.match()  # job matching (kohtaanto)
        services.pay_and_book(self.month, hired)  # the month's money
        services.progress()  # services run; completions take effect
        in_service = services.state.service >= 0
        market.age(services.state.months_unemployed if self.month >= 1 else None, in_service,
                   rng["search"])  # spells age; active search lapses and resumes
        self.last_stats = self.measure(in_service)
        services.govern(self.month)  # alliance quarter, provider market

    def record(self) -> None:
        """Store this month's time series row and books."""
        # The month's money after the alliances' quarter (settlements come after measure).
        for name, values in self.services.money_columns().items():
            self.last_stats[:, self.metric_index[name]] = values
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

    def start_firms_for(self, founders: np.ndarray) -> None:
        """Each founder (start-up grant) starts a one-person firm at home and works in it."""
        self.labour.start_firms_for(founders, self.streams["services"])

    def match(self) -> np.ndarray:
        """Jobseekers apply, firms rank and offer, persons accept (numba kernel).

        The unemployed search, and so do some of the employed (on-the-job search), who
        move only to a better job; firms hire only applicants who clear their hiring
        standard. Services (and the caseworkers' time per jobseeker) change how many
        applications a person sends, services how firms score them; which vacancies a
        person sees depends on the cooperation model (vacancy classes, see
        :mod:`sim.organising.vacancies`). Returns the unemployed persons hired.
        """
        market, services = self.labour, self.services
        p, f, m = market.persons, market.firms, self.scenario.matching
        rng = self.streams["matching"]
        unemployed = flows.seekers(p.status, p.home, market.flows["seekers"], market.person_parts)
        apps_u, boost = services.search(unemployed, m.applications_per_month, self.month)
        employed, reserve = market.on_the_job_searchers(services.busy(),
                                                        self.streams["on_the_job"])
        n_u, ojs = unemployed.shape[0], self.scenario.labour.on_the_job_applications_per_month
        # Each municipality m is two destination areas (see below): homes are the even ones.
        seekers, areas, skill, score, apps, s_reserve = matching.seeker_table(
            unemployed, employed, apps_u, ojs, boost, reserve, p.employability, p.home,
            p.skill, area_scale=2)
        del unemployed, employed, apps_u, boost, reserve  # memory: the month's peak is next
        # The hiring standard in the ranking's terms: the lowest log score hired.
        standard = m.hiring_standard / self.index
        floor = np.full(f.capacity, math.log(standard) if standard > 0.0 else -np.inf)
        key = draws.new_key(rng)  # applications' uniforms, computed in the kernels (draws)
        # Vacancy visibility without touching the kernel: each municipality m becomes two
        # destination areas 2m (open vacancies) and 2m + 1 (known only to its employer
        # services); homes are the even areas, and reach weights carry the visibility.
        reach2, dist2 = services.expanded_reach(market.reach_w, market.geo.distance_km,
                                                self.month)
        firm_area = 2 * f.muni + services.vacancy_class()
        # Only firms screening applicants this month can fill their vacancies; the others'
        # stay open (a vacancy lasts about 1 / recruiting_share months).
        u_screen = rng.random(f.capacity)
        open_now = market.workspace.get("open_now", f.capacity)[: f.capacity]
        matching.screen_vacancies(u_screen, m.recruiting_share, f.vacancies, open_now)
        screened = open_now.copy()
        hired = matching.match(
            areas, skill, score, apps, key,
            m.rounds_per_month, reach2, market.fit_w, dist2, firm_area, f.skill,
            f.productivity, open_now, f.employment, commute_cost=m.commuting_cost_per_km,
            noise=m.ranking_noise, workspace=market.workspace,
            s_reserve=s_reserve, firm_floor=floor)
        market.record_fills(screened, screened - open_now)
        matching.keep_unfilled(u_screen, m.recruiting_share, open_now, f.vacancies)
        moved = hired[n_u:] >= 0
        flows.move_jobs(seekers[n_u:][moved], hired[n_u:][moved], p.home, p.employer,
                        f.employment, market.flows["job_to_job"])
        unemployed = seekers[:n_u]
        new = flows.take_jobs(unemployed, hired[:n_u], p.home[unemployed], p.employer,
                              p.status, p.unemployment_months, market.flows["hires"])
        services.count_hires(new)
        return new

    # ------------------------------------------------------------- measurement
    def measure(self, in_service: np.ndarray) -> np.ndarray:
        """This month's (areas + region) × :data:`~sim.collect.METRICS` array."""
        columns = self.labour.stock_columns(in_service)
        columns.update(self.services.area_columns(columns))
        columns.update(self.services.money_columns())  # completed at the record
        with np.errstate(divide="ignore", invalid="ignore"):
            columns["unemployment_rate"] = np.where(
                columns["labour_force"] > 0, columns["unemployed"] / columns["labour_force"], 0.0
            )
            columns["job_finding_rate"] = np.where(
                columns["seekers"] > 0, columns["hires"] / columns["seekers"], 0.0
            )
        return np.column_stack([columns[name] for name in METRICS])
