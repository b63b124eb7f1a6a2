"""A naive Mesa 3 implementation of Kasvu's labour market, for the speed comparison only.

One ``mesa.Agent`` per person and per firm (``benchmarks/naive_agents.py``); every rule
runs as plain Python in the agents' methods, one agent and one random number at a time,
all drawn from the model's seeded generators (``self.random`` and ``self.rng``). It
starts from the same initial populations as the fast model (the
:mod:`sim.labour.population` builders, from the same scenario and seed: the employed,
the unemployed and those outside the labour force) and follows the monthly rules of the
labour-market core of :meth:`sim.model.GrowthServicesModel.simulate_month`, stage by stage:

1. demand shocks: log demand takes a Laplace shock whose spread falls with size and is
   pulled toward the firm's baseline, rescaled so that the region's organic demand stays
   at its starting total times the demand index (the economy's recession and cycle);
2. firm deaths, with a probability that falls with size;
3. separations: all workers of a dead firm; a shrinking firm lays off its surplus over
   desired size, a uniformly random set of its workers; other workers quit at the
   monthly separation rate, or have their match drawn anew (the match-shock rate) and
   lose the job when employability × fit × exp(noise) × demand index falls below the
   hiring standard (more of them in a downturn);
4. labour-force flows: persons outside the labour force enter it as unemployed
   jobseekers; the employed leave it (retirement, studies, care), freeing their jobs, and
   so do the unemployed, more likely the longer the spell (discouragement);
5. firm births in each municipality, Poisson in proportion to its initial firm count;
6. vacancies: every living firm below its desired size posts the gap, if posting pays:
   the recent fill rate of its municipality and skill group times its pay must cover the
   vacancy cost;
7. matching: the unemployed search, and so do employed persons drawn at the on-the-job
   search rate, who hold a reservation value (the job held plus the switching gain); only
   firms screening this month (the recruiting share) can hire, the others' posts stay
   open. In rounds, each searcher sends its applications of the round, each to one open
   vacancy drawn with weight reach(home → municipality) × fit(skill → job skill); firms
   turn down applicants below the hiring standard, score the rest by employability × fit
   × exp(noise), offer their open vacancies to their best distinct applicants; persons
   accept the best offer by pay minus commuting cost if it beats their reservation value
   (a job-to-job move frees the old post, which reopens next month). Afterwards the fill
   rates learn from the screened and filled posts and screening firms keep their
   unfilled posts open;
8. ageing: unemployment lengthens and scars employability, work restores it; an
   unemployed jobseeker who searched actively stops at the lapse rate, one who did not
   starts again at the resume rate, and a jobseeker who does not search sends no
   applications (everyone else counts as searching, so a spell starts active);

and measures the same stocks and flows per area each month (:data:`COLUMNS`). It is not
number-for-number identical to the fast model (it consumes random numbers one by one in
agent order, draws only the numbers a rule needs for the agent at hand, and leaves out the
growth services and the cooperation models: nobody is in a service, every unemployed
person sends the scenario's applications, every vacancy is visible to every searcher
within reach), but it does the same work per person and firm. It is not a reference for
tests (``tests/naive.py`` is) and is not used by the model: it exists only so that
``benchmarks/run.py`` can measure what the array-and-kernel design buys over the obvious
agent-per-object design.
"""

from __future__ import annotations

import math

import mesa
import numpy as np
from naive_agents import Firm, Person

from sim.labour.market import FLOWS
from sim.labour.population import (
    EMPLOYED,
    OUTSIDE,
    UNEMPLOYED,
    build_firms,
    build_geography,
    build_persons,
    fit_weights,
    reach_weights,
)
from sim.model import GrowthServicesModel
from sim.scenario import Scenario

STOCKS = ("labour_force", "employed", "unemployed", "long_term_unemployed",
          "outside_labour_force", "firms", "firm_employment", "vacancies")
"""Stocks measured per area, as the fast model's (without ``in_services``: no services)."""

COLUMNS = (*STOCKS, *FLOWS, "unemployment_rate", "job_finding_rate")
"""Columns of a row of :meth:`NaiveMesaModel.measure`."""


class NaiveMesaModel(mesa.Model):
    """The labour-market core of Kasvu with one Mesa agent per person and per firm.

    Args:
        scenario: the validated scenario.
        seed: seed of the model's generator; defaults to the scenario's.
    """

    def __init__(self, scenario: Scenario, *, seed: int | None = None) -> None:
        """Build the same initial populations as the fast model, as agents."""
        seed = scenario.simulation.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        self.scenario = scenario
        self.month = 0
        lab, fp, m = scenario.labour, scenario.firms, scenario.matching
        geo = build_geography(scenario)
        reach_w = reach_weights(geo.distance_km, m.commuting_reach_km, m.distance_decay_km)
        fit_w = fit_weights(scenario.skill_groups, m.skill_mismatch_penalty)
        persons = build_persons(scenario, geo, self.rng)
        firms = build_firms(scenario, geo, persons, reach_w, self.rng)
        self.n_areas, self.n_groups = geo.size, int(scenario.skill_groups)
        self.reach, self.fit = reach_w.tolist(), fit_w.tolist()
        self.dist = geo.distance_km.tolist()
        self.quit_rate, self.match_shock_rate = (lab.monthly_separation_rate,
                                                 lab.monthly_match_shock_rate)
        self.entry_rate, self.discouragement = lab.monthly_entry_rate, lab.discouragement_per_year
        self.exit_rate_employed = lab.monthly_exit_rate_employed
        self.exit_rate_unemployed = lab.monthly_exit_rate_unemployed
        self.on_the_job_rate = lab.monthly_on_the_job_search_rate
        self.on_the_job_applications = lab.on_the_job_applications_per_month
        self.switch_gain = lab.job_switch_gain
        self.scarring, self.recovery = lab.scarring_rate, lab.recovery_rate
        self.recovery_outside = lab.recovery_rate_outside
        self.search_lapse = lab.monthly_search_lapse_rate
        self.search_resume = lab.monthly_search_resume_rate
        self.floor, self.long_term = lab.employability_floor, lab.long_term_months
        self.applications, self.rounds = m.applications_per_month, m.rounds_per_month
        self.noise, self.commute_cost = m.ranking_noise, m.commuting_cost_per_km
        self.standard, self.recruiting_share = m.hiring_standard, m.recruiting_share
        self.vacancy_cost = fp.vacancy_cost
        self.initial_count = firms.initial_count.tolist()
        self.size_scale = firms.size_scale
        self.birth_rate = fp.monthly_birth_rate
        if self.birth_rate is None:  # births match the initial stock's expected deaths
            self.birth_rate = float(np.mean(
                fp.monthly_death_rate * np.maximum(firms.employment, 1) ** fp.death_size_exponent))
        self.skill_shares = list(fp.skill_demand_shares or lab.skill_shares)
        # The firms' memory of how easily posts fill, per (municipality × skill group).
        self.fill_rate = [1.0] * (self.n_areas * self.n_groups)

        firm_agents = [
            Firm(self, firms.muni[k], firms.skill[k], firms.baseline[k], firms.demand[k],
                 firms.productivity[k], firms.vacancies[k])
            for k in range(firms.capacity)
        ]
        for k in range(persons.size):
            e = int(persons.employer[k])
            employer = firm_agents[e] if e >= 0 else None
            person = Person(self, persons.home[k], persons.skill[k],
                            persons.base_employability[k], persons.employability[k],
                            persons.status[k], employer, persons.unemployment_months[k])
            if employer is not None:
                employer.workers[person] = None
        self.persons = self.agents_by_type[Person]
        self.firms = self.agents_by_type[Firm]
        self.organic_demand = sum(firm.baseline for firm in self.firms)
        self.index = 1.0
        self.score_floor = -math.inf
        self.application_count = 0
        self.flows = self.zero_flows()
        self.records: list[list[list[float]]] = []

    def zero_flows(self) -> dict[str, list[int]]:
        """The month's flow counts per area, all zero."""
        return {name: [0] * self.n_areas for name in FLOWS}

    def next_application(self) -> int:
        """Number of the next application sent (the firms' tie-break)."""
        self.application_count += 1
        return self.application_count

    # ------------------------------------------------------------------- the month
    def step(self) -> None:
        """One month, stage by stage as the fast model's labour-market core."""
        self.month += 1
        self.flows = self.zero_flows()
        # The economy's demand path: the fast model's own (a scalar a month).
        self.index = GrowthServicesModel.demand_index(self)
        self.score_floor = self.standard / self.index if self.standard > 0.0 else -math.inf
        self.demand_shocks()
        self.firms.do("maybe_die")
        self.firms.do("shed_workers")  # separations: deaths and layoffs, then persons
        self.persons.do("separate")
        self.persons.do("labour_force_flow")
        self.firm_births()
        self.firms.do("post_vacancies")
        self.match()
        self.persons.do("age")
        self.records.append(self.measure())

    def demand_shocks(self) -> None:
        """Every firm's demand shock, toward its baseline rescaled to the organic total."""
        organic = sum(firm.baseline for firm in self.firms)
        self.firms.do("demand_shock", self.organic_demand / max(organic, 1e-9))

    def firm_births(self) -> None:
        """New firms per municipality, Poisson in proportion to the initial firm count."""
        fp, rng = self.scenario.firms, self.rng
        for muni, count in enumerate(self.initial_count):
            for _ in range(int(rng.poisson(self.birth_rate * count))):
                skill = rng.choice(len(self.skill_shares), p=self.skill_shares)
                u = 1.0 - rng.random()  # a Zipf size, as sim.labour.population.zipf_sizes
                size = min(math.floor(u ** (-1.0 / fp.size_zipf_exponent)), fp.max_size)
                productivity = math.exp(
                    fp.productivity_sd * rng.standard_normal() - fp.productivity_sd**2 / 2)
                Firm(self, muni, skill, size * self.size_scale, fp.startup_size, productivity)
                self.flows["firm_births"][muni] += 1

    def match(self) -> None:
        """Screening, rounds of apply → offer → accept, then the fill rates learn."""
        self.persons.do("decide_search")
        seekers = self.persons.select(Person.searching)
        self.firms.do("screen")
        for rd in range(self.rounds):
            self.open_buckets()
            seekers.do("apply", rd)
            self.firms.do("rank_and_offer")
            seekers.do("accept")
        self.tried = [0] * (self.n_areas * self.n_groups)
        self.filled = [0] * (self.n_areas * self.n_groups)
        self.firms.do("record_fills")
        weight = 1.0 / self.scenario.firms.fill_rate_memory_months
        for b, tried in enumerate(self.tried):
            if tried > 0:
                self.fill_rate[b] += weight * (self.filled[b] / tried - self.fill_rate[b])

    def open_buckets(self) -> None:
        """Open vacancies by (municipality, skill), with cumulative counts over firms."""
        buckets: dict[tuple[int, int], tuple[list[Firm], list[int]]] = {}
        for firm in self.firms:
            if firm.open_now > 0:
                firms, cum = buckets.setdefault((firm.muni, firm.skill), ([], []))
                firms.append(firm)
                cum.append((cum[-1] if cum else 0) + firm.open_now)
        self.bucket_firms = buckets
        self.bucket_keys = list(buckets)
        self.bucket_vacancies = {key: cum[-1] for key, (_, cum) in buckets.items()}
        self.row_weights: dict[tuple[int, int], list[float]] = {}

    def bucket_weights(self, home: int, skill: int) -> list[float]:
        """Cumulative weights over the open buckets for a (home, skill) seeker.

        Computed once per round for each (home, skill) and shared by its seekers, as the
        fast kernel does, so that the comparison is of implementations, not algorithms.
        """
        row = self.row_weights.get((home, skill))
        if row is None:
            reach, fit = self.reach[home], self.fit[skill]
            row, running = [], 0.0
            for (m, g), vacancies in self.bucket_vacancies.items():
                if reach[m] > 0.0:
                    running += reach[m] * fit[g] * vacancies
                row.append(running)
            self.row_weights[(home, skill)] = row
        return row

    # ---------------------------------------------------------------- measurement
    def measure(self) -> list[list[float]]:
        """One row of :data:`COLUMNS` per area, then the region's row."""
        col = {name: k for k, name in enumerate(COLUMNS)}
        rows = [[0.0] * len(COLUMNS) for _ in range(self.n_areas + 1)]
        for person in self.persons:
            row = rows[person.home]
            if person.status == OUTSIDE:
                row[col["outside_labour_force"]] += 1
                continue
            row[col["labour_force"]] += 1
            if person.status == EMPLOYED:
                row[col["employed"]] += 1
            elif person.status == UNEMPLOYED:
                row[col["unemployed"]] += 1
                if person.unemployment_months >= self.long_term:
                    row[col["long_term_unemployed"]] += 1
        for firm in self.firms:
            row = rows[firm.muni]
            row[col["firms"]] += 1
            row[col["firm_employment"]] += len(firm.workers)
            row[col["vacancies"]] += firm.vacancies
        for name, counts in self.flows.items():
            for area, count in enumerate(counts):
                rows[area][col[name]] = float(count)
        region = rows[-1]
        for row in rows[:-1]:
            for c in range(len(STOCKS) + len(FLOWS)):
                region[c] += row[c]
        for row in rows:
            lf, seekers = row[col["labour_force"]], row[col["seekers"]]
            row[col["unemployment_rate"]] = row[col["unemployed"]] / lf if lf > 0 else 0.0
            row[col["job_finding_rate"]] = row[col["hires"]] / seekers if seekers > 0 else 0.0
        return rows
