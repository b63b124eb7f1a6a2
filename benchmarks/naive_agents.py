"""The agents of the naive Mesa model (``benchmarks/naive_mesa.py``): persons and firms.

One ``mesa.Agent`` per person and per firm, each rule a plain Python method that draws its
random numbers one at a time from the model's generators: each uniform from Mesa's
``model.random`` (Python's ``random.Random``, seeded from the model's seed, as Mesa's
example models draw; a scalar from it costs about a tenth of a scalar from numpy's
``model.rng``, so the reference is not slowed by its generator), the rarer Laplace shocks
and random subsets from ``model.rng``. The model
(:class:`naive_mesa.NaiveMesaModel`) schedules the methods stage by stage and holds what
the agents share: the parameters, the month's demand index, the open vacancies by bucket,
the fill rates and the month's flow counts.
"""

from __future__ import annotations

import bisect
import math
from typing import TYPE_CHECKING

import mesa

from sim.labour.population import EMPLOYED, OUTSIDE, UNEMPLOYED

if TYPE_CHECKING:
    from naive_mesa import NaiveMesaModel

SQRT3 = math.sqrt(3.0)


class Person(mesa.Agent):
    """A person: home, skill, employability, status, employer, unemployment spell.

    ``status`` is one of :data:`~sim.labour.population.EMPLOYED`, ``UNEMPLOYED`` or
    ``OUTSIDE`` (the labour force); ``employer`` is the firm agent, or None.
    """

    def __init__(self, model: NaiveMesaModel, home, skill, base, employability, status,
                 employer: Firm | None, months) -> None:
        """A person of the initial population, placed in its firm (if any) by the model."""
        super().__init__(model)
        self.home = int(home)
        self.skill = int(skill)
        self.base = float(base)
        self.employability = float(employability)
        self.status = int(status)
        self.employer = employer
        self.unemployment_months = int(months)
        self.active = True  # searched actively in the past four weeks
        # This month's search: applications, the value of the job held, the best offer.
        self.applications = 0
        self.reserve = -math.inf
        self.hired = False
        self.best: Firm | None = None
        self.best_value = -math.inf

    # ---------------------------------------------------------------- separations
    def separate(self) -> None:
        """A worker quits, or its match is drawn anew and no longer clears the standard."""
        model = self.model
        if self.status != EMPLOYED:
            return
        if model.random.random() < model.quit_rate:
            self.leave_job()
        elif model.random.random() < model.match_shock_rate and model.standard > 0.0:
            judged = (self.employability * model.fit[self.skill][self.employer.skill]
                      * math.exp(model.noise * SQRT3 * (2.0 * model.random.random() - 1.0))
                      * model.index)
            if judged < model.standard:
                self.leave_job()

    def leave_job(self) -> None:
        """Leave the employer for unemployment: a separation counted at home."""
        del self.employer.workers[self]
        self.employer = None
        self.status = UNEMPLOYED
        self.unemployment_months = 0
        self.model.flows["separations"][self.home] += 1

    def labour_force_flow(self) -> None:
        """Enter the labour force as a jobseeker, or leave it (retire, study, give up)."""
        model = self.model
        u = model.random.random()
        if self.status == OUTSIDE:
            if u < model.entry_rate:
                self.status = UNEMPLOYED
                self.unemployment_months = 0
                model.flows["labour_force_entries"][self.home] += 1
        elif self.status == EMPLOYED:
            if u < model.exit_rate_employed:
                del self.employer.workers[self]
                self.employer = None
                self.status = OUTSIDE
                model.flows["labour_force_exits"][self.home] += 1
        elif u < model.exit_rate_unemployed * (
                1.0 + model.discouragement * self.unemployment_months / 12.0):
            self.status = OUTSIDE
            self.unemployment_months = 0
            model.flows["labour_force_exits"][self.home] += 1

    # ------------------------------------------------------------------- matching
    def decide_search(self) -> None:
        """Whether to search this month: every unemployed person, some of the employed.

        An employed searcher holds a job worth its pay minus commuting cost and takes a
        new one only if it is worth ``job_switch_gain`` more.
        """
        model = self.model
        self.hired = False
        self.best = None
        self.applications = 0
        if self.status == UNEMPLOYED:
            self.applications = model.applications if self.active else 0
            self.reserve = -math.inf
            model.flows["seekers"][self.home] += 1
        elif self.status == EMPLOYED and model.random.random() < model.on_the_job_rate:
            firm = self.employer
            self.applications = model.on_the_job_applications
            self.reserve = (firm.productivity
                            - model.commute_cost * model.dist[self.home][firm.muni]
                            + model.switch_gain)
        self.best_value = self.reserve

    def searching(self) -> bool:
        """Whether this person sends applications this month."""
        return self.applications > 0

    def apply(self, rd: int) -> None:
        """Send this round's applications, each to a vacancy drawn by reach × fit."""
        model = self.model
        if self.hired or self.applications <= rd:
            return
        cumulative = model.bucket_weights(self.home, self.skill)
        running = cumulative[-1] if cumulative else 0.0
        if running <= 0.0:
            return
        fit = model.fit[self.skill]
        buckets = model.bucket_keys
        for _ in range(rd, self.applications, model.rounds):
            k = bisect.bisect_right(cumulative, model.random.random() * running)
            k = min(k, len(buckets) - 1)
            firms, cum_vac = model.bucket_firms[buckets[k]]
            j = bisect.bisect_right(cum_vac, model.random.random() * cum_vac[-1])
            firm = firms[min(j, len(firms) - 1)]
            score = (
                self.employability
                * fit[firm.skill]
                * math.exp(model.noise * SQRT3 * (2.0 * model.random.random() - 1.0))
            )
            firm.receive_application(score, self)

    def receive_offer(self, firm: Firm) -> None:
        """Keep the offer if it beats the best so far: pay minus commuting cost."""
        value = firm.productivity - self.model.commute_cost * self.model.dist[self.home][firm.muni]
        if value > self.best_value:
            self.best, self.best_value = firm, value

    def accept(self) -> None:
        """Take the best offer of the round, if any beat the job held."""
        firm = self.best
        if firm is None:
            return
        model = self.model
        self.best, self.best_value = None, self.reserve
        self.hired = True
        firm.open_now -= 1
        firm.workers[self] = None
        if self.status == EMPLOYED:  # a job-to-job move; the old post reopens next month
            del self.employer.workers[self]
            model.flows["job_to_job"][self.home] += 1
        else:
            self.status = EMPLOYED
            self.unemployment_months = 0
            model.flows["hires"][self.home] += 1
        self.employer = firm

    # -------------------------------------------------------------------- ageing
    def age(self) -> None:
        """Unemployment lengthens and scars employability; work and time outside restore it.

        Then an unemployed person's active search lapses or resumes; anyone else searches.
        """
        model = self.model
        if self.status == UNEMPLOYED:
            self.unemployment_months += 1
            self.employability = max(self.employability * (1.0 - model.scarring), model.floor)
        elif self.status == EMPLOYED:
            self.employability += model.recovery * (self.base - self.employability)
        elif self.status == OUTSIDE:
            self.employability += model.recovery_outside * (self.base - self.employability)
        if self.status != UNEMPLOYED:
            self.active = True
        elif self.active:
            self.active = model.random.random() >= model.search_lapse
        else:
            self.active = model.random.random() < model.search_resume


class Firm(mesa.Agent):
    """A firm: municipality, skill demanded, baseline and desired size, pay, workers."""

    def __init__(self, model: NaiveMesaModel, muni, skill, baseline, demand, productivity,
                 vacancies=0) -> None:
        """A firm with no workers yet (the model places the initial ones)."""
        super().__init__(model)
        self.muni = int(muni)
        self.skill = int(skill)
        self.baseline = float(baseline)
        self.demand = float(demand)
        self.productivity = float(productivity)
        self.workers: dict[Person, None] = {}  # an ordered set
        self.vacancies = int(vacancies)
        self.alive = True
        self.screening = False
        self.screened = 0
        self.open_now = 0
        self.applications: list[tuple[float, int, Person]] = []

    def bucket(self) -> int:
        """Index of the firm's (municipality, skill group) in the fill-rate table."""
        return self.muni * self.model.n_groups + self.skill

    def demand_shock(self, scale: float) -> None:
        """Laplace shock to log demand, spread falling with size, and a pull to the target.

        The target is the baseline times ``scale`` (births and deaths reallocate the
        region's organic demand) times the month's demand index.
        """
        fp = self.model.scenario.firms
        demand = max(self.demand, 1e-3)
        sigma = fp.demand_shock_sd * max(demand, 1.0) ** fp.volatility_exponent
        shock = self.model.rng.laplace(0.0, sigma / math.sqrt(2.0))
        log_d = math.log(demand)
        target = math.log(max(self.baseline * scale * self.model.index, 1e-3))
        log_d += fp.mean_reversion * (target - log_d) + shock
        self.demand = math.exp(log_d)

    def maybe_die(self) -> None:
        """Die with a probability that falls with size (workers go at the separations)."""
        fp = self.model.scenario.firms
        p = fp.monthly_death_rate * max(len(self.workers), 1) ** fp.death_size_exponent
        if self.model.random.random() < p:
            self.alive = False
            self.vacancies = 0
            self.model.flows["firm_deaths"][self.muni] += 1

    def shed_workers(self) -> None:
        """A dead firm releases every worker and leaves; a shrinking one lays off its surplus.

        The surplus over desired size is a uniformly random set of its workers.
        """
        if not self.alive:
            for person in list(self.workers):
                person.leave_job()
            self.remove()
            return
        need = len(self.workers) - round(self.demand)
        if need <= 0:
            return
        chosen = self.model.rng.choice(len(self.workers), size=need, replace=False)
        workers = list(self.workers)
        for k in chosen:
            workers[int(k)].leave_job()

    def post_vacancies(self) -> None:
        """Post the gap to desired size if posting pays: fill rate × pay covers the cost."""
        model = self.model
        self.vacancies = max(round(self.demand) - len(self.workers), 0)
        if model.vacancy_cost > 0.0 and (
                model.fill_rate[self.bucket()] * self.productivity < model.vacancy_cost):
            self.vacancies = 0
        model.flows["vacancies_posted"][self.muni] += self.vacancies

    def screen(self) -> None:
        """Screen applicants this month (with the recruiting share) or leave posts open."""
        self.screening = self.model.random.random() < self.model.recruiting_share
        self.open_now = self.screened = self.vacancies if self.screening else 0
        self.applications = []

    def receive_application(self, score: float, person: Person) -> None:
        """Keep an application that clears the hiring standard; turn the others down."""
        if score >= self.model.score_floor:
            self.applications.append((score, self.model.next_application(), person))

    def rank_and_offer(self) -> None:
        """Offer the open vacancies to the best distinct applicants."""
        if self.open_now <= 0 or not self.applications:
            self.applications = []
            return
        offered = set()
        for _score, _order, person in sorted(self.applications, key=lambda a: (-a[0], a[1])):
            if len(offered) == self.open_now:
                break
            if person not in offered:
                offered.add(person)
                person.receive_offer(self)
        self.applications = []

    def record_fills(self) -> None:
        """Count screened and filled posts; a screening firm keeps its unfilled ones open."""
        if not self.screening:
            return
        model = self.model
        filled = self.screened - self.open_now
        model.tried[self.bucket()] += self.screened
        model.filled[self.bucket()] += filled
        model.flows["vacancies_filled"][self.muni] += filled
        self.vacancies = self.open_now
