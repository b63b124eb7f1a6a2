"""The labour market's month (työmarkkinoiden kuukausi): demand, firms, separations, ageing.

:class:`LabourMarket` owns the region's geography, persons and firms (struct-of-arrays) and
the month's flow counts by area, and runs each stage of the market's month over them with
the kernels of :mod:`.firms` and :mod:`.flows`. Job matching itself, where the market meets
the growth services, is scheduled by the model (:meth:`sim.model.GrowthServicesModel.match`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..scenario import Scenario
from . import draws, flows
from . import firms as firm_kernels
from .pool import area_parts
from .population import (
    EMPLOYED,
    build_firms,
    build_geography,
    build_persons,
    check_memory,
    fit_weights,
    reach_weights,
    zipf_sizes,
)
from .stocks import STOCK_COLUMNS, stocks
from .workspace import Workspace

FLOWS = ("hires", "separations", "seekers", "firm_births", "firm_deaths", "job_to_job",
         "labour_force_entries", "labour_force_exits", "vacancies_posted", "vacancies_filled")
"""Flows counted by home (persons) or firm municipality each month. ``hires`` and
``separations`` are moves between unemployment and work only (a job-to-job move is neither);
``vacancies_posted`` (open at the month's matching) and ``vacancies_filled`` give the
vacancy duration."""


class LabourMarket:
    """Persons, firms and their geography, and the market's monthly stages.

    Args:
        scenario: the validated scenario.
        rng: the generator that draws the initial populations.
    """

    def __init__(self, scenario: Scenario, rng: np.random.Generator) -> None:
        """Build the geography, the labour force and the firms (if they fit in memory)."""
        check_memory(scenario)
        self.scenario = scenario
        self.geo = build_geography(scenario)
        m = scenario.matching
        self.reach_w = reach_weights(self.geo.distance_km, m.commuting_reach_km,
                                     m.distance_decay_km)
        self.fit_w = fit_weights(scenario.skill_groups, m.skill_mismatch_penalty)
        self.persons = build_persons(scenario, self.geo, rng)
        self.person_parts = area_parts(self.persons.home)  # for passes on threads, fixed
        self.firms = build_firms(scenario, self.geo, self.persons, self.reach_w, rng)
        fp = scenario.firms
        self.birth_rate = fp.monthly_birth_rate
        if self.birth_rate is None:  # births match the initial stock's expected deaths
            self.birth_rate = float(np.mean(
                fp.monthly_death_rate
                * np.maximum(self.firms.employment, 1) ** fp.death_size_exponent))
        self.organic_demand = float(self.firms.baseline[self.firms.alive].sum())
        self.flows = {name: np.zeros(self.geo.size, dtype=np.int64) for name in FLOWS}
        self.month = -scenario.simulation.burn_in_months
        self.workspace = Workspace()  # scratch reused every month
        # Fill rate of screened vacancies per (municipality × skill) bucket, the firms'
        # memory of how easily posts are filled; it starts at 1, a saturated market's.
        self.n_groups = int(scenario.skill_groups)
        self.fill_rate = np.ones(self.geo.size * self.n_groups)
        self.size_power = np.empty(0)  # max(employment, 1) ** death_size_exponent by size
        self.on_new_firms: Callable[[np.ndarray, np.random.Generator], None] = \
            lambda slots, rng: None  # the growth services' hook, set by the model

    def start_month(self, month: int) -> None:
        """Month ``month`` begins: its flow counts start at zero."""
        self.month = month
        for counts in self.flows.values():
            counts[:] = 0

    def demand_shocks(self, index: float, rng: np.random.Generator) -> None:
        """Firms' desired size moves: a Laplace shock and a pull back to the baseline.

        The shock's spread falls with size (σ ∝ size^volatility_exponent). Aggregate demand
        ``index`` is the economy's: births and deaths reallocate the region's organic demand
        between firms (its total follows the index), while the baseline that growth funding
        added (``policy_gain``) adds to it as long as the funded firm lives.
        """
        f, fp = self.firms, self.scenario.firms
        alive = np.flatnonzero(f.alive)
        demand = np.maximum(f.demand[alive], 1e-3)
        sigma = fp.demand_shock_sd * np.maximum(demand, 1.0) ** fp.volatility_exponent
        shock = rng.laplace(0.0, sigma / math.sqrt(2.0))  # sd = scale·√2
        log_d = np.log(demand)
        gain = f.policy_gain[alive]
        organic = f.baseline[alive] - gain
        scale = self.organic_demand / max(organic.sum(), 1e-9)
        target = np.log(np.maximum((organic * scale + gain) * index, 1e-3))
        log_d += fp.mean_reversion * (target - log_d) + shock
        f.demand[alive] = np.exp(log_d)

    def firm_deaths(self, survival: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Firms die with a probability that falls with size; returns the dead mask.

        ``survival`` multiplies each firm's death rate (the firm services').
        """
        f, fp = self.firms, self.scenario.firms
        u = rng.random(f.capacity)
        largest = int(f.employment.max(initial=0))
        if self.size_power.shape[0] <= largest:  # grown with headroom, rarely recomputed
            self.size_power = firm_kernels.size_power_table(2 * largest + 64,
                                                            fp.death_size_exponent)
        dead = np.empty(f.capacity, dtype=bool)
        firm_kernels.firm_deaths(u, f.employment, self.size_power, fp.monthly_death_rate,
                                 survival, f.alive, f.vacancies, f.muni, dead,
                                 self.flows["firm_deaths"])
        return dead

    def separations(self, dead: np.ndarray, index: float, rng: np.random.Generator) -> None:
        """Workers leave: a dead firm's, a shrinking firm's surplus, quits, and lost matches.

        A lost match is a job whose match productivity, drawn anew, no longer clears the
        hiring standard (more of them when demand ``index`` is low).
        """
        p, f, lab = self.persons, self.firms, self.scenario.labour
        need = self.workspace.get("layoff_need", f.capacity)[: f.capacity]
        n_uniforms = firm_kernels.layoff_need(f.demand, f.alive, f.employment, dead, need)
        quitters = flows.bernoulli_indices(rng, p.size, lab.monthly_separation_rate)
        shocked = flows.bernoulli_indices(rng, p.size, lab.monthly_match_shock_rate)
        u_shock = rng.random(shocked.size)
        holds = p.employer[shocked] >= 0  # the draws stay those of every person drawn
        shocked, u_shock = shocked[holds], u_shock[holds]
        fit = self.fit_w[p.skill[shocked], f.skill[p.employer[shocked]]]
        destroyed = flows.destroyed_matches(
            shocked, p.status, p.employability, fit, u_shock,
            self.scenario.matching.ranking_noise, self.scenario.matching.hiring_standard,
            index)
        quitters = np.union1d(quitters, destroyed)
        u_layoff = rng.random(n_uniforms)
        flows.separate(p.employer, p.status, p.home, p.unemployment_months, dead, need,
                       quitters, u_layoff, f.employment, self.flows["separations"],
                       workspace=self.workspace)

    def labour_force_flows(self, busy: np.ndarray, rng: np.random.Generator) -> None:
        """Persons enter the labour force and leave it; ``busy`` ones (in services) stay."""
        p, lab = self.persons, self.scenario.labour
        flows.labour_force_flows(
            p.status, p.employer, p.unemployment_months, p.home, busy, draws.new_key(rng),
            lab.monthly_exit_rate_employed, lab.monthly_exit_rate_unemployed,
            lab.discouragement_per_year, lab.monthly_entry_rate, self.firms.employment,
            self.flows["labour_force_exits"], self.flows["labour_force_entries"], self.person_parts)

    def firm_births(self, rng: np.random.Generator) -> None:
        """New firms in each municipality, in proportion to its initial firm count."""
        f, fp = self.firms, self.scenario.firms
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
        slots = firm_kernels.free_slots(f.alive, f.employment, n)  # the first n free
        if slots.size < n:
            f.grow(max(n - slots.size, f.capacity // 2))
            slots = firm_kernels.free_slots(f.alive, f.employment, n)
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
        self.on_new_firms(slots, rng)
        return slots

    def start_firms_for(self, founders: np.ndarray, rng: np.random.Generator) -> None:
        """Each founder (start-up grant) starts a one-person firm at home and works in it."""
        p = self.persons
        p.employer[founders] = self.new_firms(p.home[founders], p.skill[founders], 1.0, 1, rng)
        p.status[founders] = EMPLOYED
        p.unemployment_months[founders] = 0
        np.add.at(self.flows["firm_births"], p.home[founders], 1)
        np.add.at(self.flows["hires"], p.home[founders], 1)
        np.add.at(self.flows["seekers"], p.home[founders], 1)  # they were seeking this month

    def post_vacancies(self) -> None:
        """Firms below their desired size post the gap while fill rate × pay covers the cost.

        A post costs ``firms.vacancy_cost`` (of a filled job's value at mean pay) and fills
        at the recent fill rate of the firm's municipality and skill group: where fewer
        jobseekers clear firms' standards, fewer jobs are posted (how a better pool of
        jobseekers creates jobs).
        """
        f = self.firms
        firm_kernels.open_vacancies(f.demand, f.alive, f.employment, f.vacancies)
        cost = self.scenario.firms.vacancy_cost
        if cost > 0.0:
            rate = self.fill_rate[f.muni * self.n_groups + f.skill]
            f.vacancies[rate * f.productivity < cost] = 0
        posted = np.bincount(f.muni, weights=f.vacancies, minlength=self.geo.size)
        self.flows["vacancies_posted"] += posted.astype(np.int64)  # (faster than np.add.at)

    def record_fills(self, screened: np.ndarray, filled: np.ndarray) -> None:
        """After matching: update the fill rates from each firm's screened and filled posts.

        Each bucket's share filled moves its rate (a mean over fill_rate_memory_months).
        """
        f = self.firms
        bucket = f.muni * self.n_groups + f.skill
        size = self.fill_rate.shape[0]
        tried = np.bincount(bucket, weights=screened, minlength=size)
        done = np.bincount(bucket, weights=filled, minlength=size)
        weight = 1.0 / self.scenario.firms.fill_rate_memory_months
        seen = tried > 0
        self.fill_rate[seen] += weight * (done[seen] / tried[seen] - self.fill_rate[seen])
        self.flows["vacancies_filled"] += done.reshape(-1, self.n_groups).sum(1).astype(np.int64)

    def age(self, months_not_employed: np.ndarray | None, in_service: np.ndarray,
            rng: np.random.Generator) -> None:
        """Spells lengthen and scar; work (and time outside) restores; search lapses, resumes.

        ``months_not_employed``, when given, counts months out of work (from month 1 on);
        with ``labour.services_break_spell`` a person ``in_service`` restarts the spell.
        Active search: :func:`.flows.search_activity`.
        """
        lab, p = self.scenario.labour, self.persons
        flows.age(p.status, p.unemployment_months, p.employability, p.base_employability,
                  lab.scarring_rate, lab.recovery_rate, lab.employability_floor,
                  months_not_employed, in_service if lab.services_break_spell else None,
                  recovery_outside=lab.recovery_rate_outside, parts=self.person_parts)
        flows.search_activity(p.status, p.searching, draws.new_key(rng),
                              lab.monthly_search_lapse_rate, lab.monthly_search_resume_rate,
                              self.person_parts)

    def stock_columns(self, in_service: np.ndarray) -> dict[str, np.ndarray]:
        """Stocks and flows per area, the region appended: the market's time-series columns.

        The unemployed marked ``in_service`` count in ``in_services``, not as unemployed.
        ``vacancy_duration_months``: vacancies posted over those filled (NaN: none filled).
        """
        p, f = self.persons, self.firms
        st = stocks(p.home, p.status, p.unemployment_months,
                    self.scenario.labour.long_term_months, f.muni, f.alive, f.employment,
                    f.vacancies, self.geo.size, in_service, p.searching, self.person_parts)
        columns = dict(zip(STOCK_COLUMNS, st.T, strict=True))
        for name, counts in self.flows.items():
            columns[name] = np.append(counts, counts.sum()).astype(np.float64)
        posted, filled = columns["vacancies_posted"], columns["vacancies_filled"]
        with np.errstate(divide="ignore", invalid="ignore"):
            columns["vacancy_duration_months"] = np.where(filled > 0, posted / filled, np.nan)
        return columns

    def on_the_job_searchers(self, busy: np.ndarray, rng: np.random.Generator
                             ) -> tuple[np.ndarray, np.ndarray]:
        """This month's employed searchers (sorted) and the value of the jobs they hold.

        See :func:`.flows.on_the_job_searchers`; ``busy`` persons (a subsidised worker,
        say) do not search.
        """
        p, f, lab = self.persons, self.firms, self.scenario.labour
        return flows.on_the_job_searchers(
            draws.new_key(rng), lab.monthly_on_the_job_search_rate, p.status, busy,
            p.employer, p.home, f.productivity, f.muni, self.geo.distance_km,
            self.scenario.matching.commuting_cost_per_km, lab.job_switch_gain, self.person_parts)
