"""A naive Mesa 3 implementation of Kasvu's labour market, for the speed comparison only.

One ``mesa.Agent`` per person and per firm; every rule runs as plain Python in the agents'
methods, one agent and one random number at a time, all drawn from the model's generator
(``self.rng``). It starts from the same initial populations as the fast model (the
:mod:`sim.labour.population` builders, from the same scenario and seed) and follows the same
monthly rules as :meth:`sim.model.GrowthServicesModel.simulate_month`'s labour-market core:

1. demand shocks: log demand takes a Laplace shock whose spread falls with size and is
   pulled back toward the firm's baseline;
2. firm deaths, with a probability that falls with size;
3. separations: all workers of a dead firm; a shrinking firm lays off its surplus over
   desired size, a uniformly random set of its workers; other workers quit at the
   monthly separation rate;
4. firm births in each municipality, Poisson in proportion to its initial firm count;
5. vacancies: every living firm below its desired size posts the gap;
6. matching, in rounds: each unemployed person sends its applications of the round, each to
   one open vacancy drawn with weight reach(home → municipality) × fit(skill → job skill);
   firms score applicants by employability × fit × exp(noise), offer their vacancies to
   their best distinct applicants; persons accept the best offer by pay minus commuting
   cost;
7. ageing: unemployment lengthens and scars employability, work restores it;

and measures the same stocks per area each month. It is not number-for-number identical
to the fast model (it consumes random numbers one by one in agent order, and it leaves out
the growth services, the cooperation models and the recession index), but it does the same
work per person and firm. It is not a reference for tests (``tests/naive.py`` is) and is
not used by the model: it exists only so that ``benchmarks/run.py`` can measure what the
array-and-kernel design buys over the obvious agent-per-object design.
"""

from __future__ import annotations

import bisect
import math

import mesa
import numpy as np

from sim.labour.population import (
    build_firms,
    build_geography,
    build_persons,
    fit_weights,
    reach_weights,
    zipf_sizes,
)
from sim.scenario import Scenario

SQRT3 = math.sqrt(3.0)


class Person(mesa.Agent):
    """A labour force member: home, skill, employability, employer, unemployment spell."""

    def __init__(self, model: NaiveMesaModel, home, skill, base, employability, employer):
        super().__init__(model)
        self.home = int(home)
        self.skill = int(skill)
        self.base = float(base)
        self.employability = float(employability)
        self.employer: Firm | None = employer
        self.unemployment_months = 0
        self.hired = False
        self.offers: list[Firm] = []

    def quit_job(self) -> None:
        """Leave the job with the monthly separation probability."""
        if self.employer is not None and self.model.rng.random() < self.model.separation_rate:
            del self.employer.workers[self]
            self.become_unemployed()

    def become_unemployed(self) -> None:
        """Lose the job (the firm's worker list is the caller's business)."""
        self.employer = None
        self.unemployment_months = 0
        self.model.separations[self.home] += 1

    def apply(self, rd: int) -> None:
        """Send this round's applications, each to a vacancy drawn by reach × fit."""
        model = self.model
        if self.employer is not None or self.hired:
            return
        cumulative = model.bucket_weights(self.home, self.skill)
        running = cumulative[-1] if cumulative else 0.0
        if running <= 0.0:
            return
        fit = model.fit[self.skill]
        buckets = model.bucket_keys
        for _ in range(rd, model.applications, model.rounds):
            k = bisect.bisect_right(cumulative, model.rng.random() * running)
            k = min(k, len(buckets) - 1)
            firms, cum_vac = model.bucket_firms[buckets[k]]
            j = bisect.bisect_right(cum_vac, model.rng.random() * cum_vac[-1])
            firm = firms[min(j, len(firms) - 1)]
            score = (
                self.employability
                * fit[firm.skill]
                * math.exp(model.noise * SQRT3 * (2.0 * model.rng.random() - 1.0))
            )
            firm.applications.append((score, model.next_application(), self))

    def accept(self) -> None:
        """Take the best offer: pay minus commuting cost, the first on ties."""
        if not self.offers:
            return
        best, best_value = None, -math.inf
        for firm in self.offers:
            value = (
                firm.productivity - self.model.commute_cost * self.model.dist[self.home][firm.muni]
            )
            if value > best_value:
                best, best_value = firm, value
        self.offers = []
        if best is not None:
            self.employer = best
            self.hired = True
            self.unemployment_months = 0
            best.workers[self] = None
            best.vacancies -= 1
            self.model.hires[self.home] += 1

    def age(self) -> None:
        """Unemployment lengthens and scars employability; work restores it."""
        model = self.model
        self.hired = False
        if self.employer is None:
            self.unemployment_months += 1
            self.employability = max(self.employability * (1.0 - model.scarring), model.floor)
        else:
            self.employability += model.recovery * (self.base - self.employability)


class Firm(mesa.Agent):
    """A firm: municipality, skill demanded, baseline and desired size, pay, workers."""

    def __init__(self, model: NaiveMesaModel, muni, skill, baseline, demand, productivity):
        super().__init__(model)
        self.muni = int(muni)
        self.skill = int(skill)
        self.baseline = float(baseline)
        self.demand = float(demand)
        self.productivity = float(productivity)
        self.workers: dict[Person, None] = {}  # an ordered set
        self.vacancies = 0
        self.applications: list[tuple[float, int, Person]] = []

    def demand_shock(self) -> None:
        """Laplace shock to log demand, spread falling with size, and mean reversion."""
        fp = self.model.scenario.firms
        demand = max(self.demand, 1e-3)
        sigma = fp.demand_shock_sd * max(demand, 1.0) ** fp.volatility_exponent
        log_d = math.log(demand)
        shock = self.model.rng.laplace(0.0, sigma / math.sqrt(2.0))
        log_d += fp.mean_reversion * (math.log(self.baseline) - log_d) + shock
        self.demand = math.exp(log_d)

    def maybe_die(self) -> None:
        """Die with a probability that falls with size; the workers become unemployed."""
        fp = self.model.scenario.firms
        p = fp.monthly_death_rate * max(len(self.workers), 1) ** fp.death_size_exponent
        if self.model.rng.random() < p:
            for person in self.workers:
                person.become_unemployed()
            self.workers = {}
            self.model.firm_deaths[self.muni] += 1
            self.remove()

    def lay_off(self) -> None:
        """Lay off the surplus over desired size, a uniformly random set of workers."""
        need = len(self.workers) - round(self.demand)
        if need <= 0:
            return
        chosen = self.model.rng.choice(len(self.workers), size=need, replace=False)
        workers = list(self.workers)
        for k in chosen:
            person = workers[int(k)]
            del self.workers[person]
            person.become_unemployed()

    def post_vacancies(self) -> None:
        """Post the gap between desired size and employment."""
        self.vacancies = max(round(self.demand) - len(self.workers), 0)
        self.applications = []

    def rank_and_offer(self) -> None:
        """Offer the open vacancies to the best distinct applicants."""
        if self.vacancies <= 0 or not self.applications:
            self.applications = []
            return
        offered = set()
        for _score, _order, person in sorted(self.applications, key=lambda a: (-a[0], a[1])):
            if len(offered) == self.vacancies:
                break
            if person not in offered:
                offered.add(person)
                person.offers.append(self)
        self.applications = []


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
        self.n_areas = geo.size
        self.reach = reach_w.tolist()
        self.fit = fit_w.tolist()
        self.dist = geo.distance_km.tolist()
        self.separation_rate = lab.monthly_separation_rate
        self.scarring, self.recovery = lab.scarring_rate, lab.recovery_rate
        self.floor, self.long_term = lab.employability_floor, lab.long_term_months
        self.applications, self.rounds = m.applications_per_month, m.rounds_per_month
        self.noise, self.commute_cost = m.ranking_noise, m.commuting_cost_per_km
        self.initial_count = firms.initial_count.tolist()
        self.size_scale = firms.size_scale
        self.birth_rate = fp.monthly_birth_rate
        if self.birth_rate is None:
            self.birth_rate = float(
                np.mean(
                    fp.monthly_death_rate
                    * np.maximum(firms.employment, 1) ** fp.death_size_exponent
                )
            )
        self.skill_shares = np.asarray(fp.skill_demand_shares or lab.skill_shares)

        firm_agents = [
            Firm(
                self,
                firms.muni[k],
                firms.skill[k],
                firms.baseline[k],
                firms.demand[k],
                firms.productivity[k],
            )
            for k in range(firms.capacity)
        ]
        for k in range(persons.size):
            e = int(persons.employer[k])
            person = Person(
                self,
                persons.home[k],
                persons.skill[k],
                persons.base_employability[k],
                persons.employability[k],
                firm_agents[e] if e >= 0 else None,
            )
            person.unemployment_months = int(persons.unemployment_months[k])
            if e >= 0:
                firm_agents[e].workers[person] = None
        self.persons = self.agents_by_type[Person]
        self.firms = self.agents_by_type[Firm]
        self.application_count = 0
        self.records: list[list[list[float]]] = []

    def next_application(self) -> int:
        """Number of the next application sent (the firms' tie-break)."""
        self.application_count += 1
        return self.application_count

    def step(self) -> None:
        """One month."""
        self.month += 1
        self.hires = [0] * self.n_areas
        self.separations = [0] * self.n_areas
        self.firm_deaths = [0] * self.n_areas
        self.firms.do("demand_shock")
        self.firms.do("maybe_die")
        self.firms.do("lay_off")
        self.persons.do("quit_job")
        self.firm_births()
        self.firms.do("post_vacancies")
        for rd in range(self.rounds):
            self.open_buckets()
            self.persons.do("apply", rd)
            self.firms.do("rank_and_offer")
            self.persons.do("accept")
        self.persons.do("age")
        self.records.append(self.measure())

    def firm_births(self) -> None:
        """New firms per municipality, Poisson in proportion to the initial firm count."""
        fp = self.scenario.firms
        for muni, count in enumerate(self.initial_count):
            for _ in range(int(self.rng.poisson(self.birth_rate * count))):
                baseline = zipf_sizes(self.rng, 1, fp.size_zipf_exponent, fp.max_size)[0]
                productivity = math.exp(
                    fp.productivity_sd * self.rng.standard_normal() - fp.productivity_sd**2 / 2
                )
                skill = self.rng.choice(len(self.skill_shares), p=self.skill_shares)
                Firm(self, muni, skill, baseline * self.size_scale, fp.startup_size, productivity)

    def open_buckets(self) -> None:
        """Open vacancies by (municipality, skill), with cumulative counts over firms."""
        buckets: dict[tuple[int, int], tuple[list[Firm], list[int]]] = {}
        for firm in self.firms:
            if firm.vacancies > 0:
                firms, cum = buckets.setdefault((firm.muni, firm.skill), ([], []))
                firms.append(firm)
                cum.append((cum[-1] if cum else 0) + firm.vacancies)
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

    def measure(self) -> list[list[float]]:
        """Labour force, employed, unemployed, long-term, firms, jobs, vacancies per area."""
        rows = [[0.0] * 7 for _ in range(self.n_areas)]
        for person in self.persons:
            row = rows[person.home]
            row[0] += 1
            if person.employer is not None:
                row[1] += 1
            else:
                row[2] += 1
                if person.unemployment_months >= self.long_term:
                    row[3] += 1
        for firm in self.firms:
            row = rows[firm.muni]
            row[4] += 1
            row[5] += len(firm.workers)
            row[6] += firm.vacancies
        return rows
