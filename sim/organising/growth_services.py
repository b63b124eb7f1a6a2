"""The growth services (kasvupalvelut) of one model: the components, and their month.

:class:`GrowthServices` is a thin coordinator: it builds the organisers, the provider
market, the purchasing units, the alliances, the ledger and the service state, and calls
them in the month's order for the model (:mod:`sim.model`). Every rule lives in its
component; this class only passes each the others it works with.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from ..collect import Table
from ..labour.population import UNEMPLOYED
from ..services.counts import clients_by_area, served_firms_by_area
from ..services.market import ProviderMarket
from ..services.outcomes import OutcomeTracker
from ..services.progress import (
    open_vacancy_class,
    progress_firms,
    progress_persons,
    survival_factor,
)
from ..services.search import search_modifiers
from ..services.state import ServiceState
from ..services.trial import Trial
from .alliance import ALLIANCE_COLUMNS, QUARTER, AllianceAgent
from .kra import Observed
from .ledger import ORGANISER_COLUMNS, Ledger, MonthPlan
from .organisers import Organisers
from .overheads import Caseworkers, book_overheads
from .payments import Payments
from .public_money import book_benefits_and_taxes
from .purchasing import Purchasing
from .referrals import ReferralDesk
from .units import UnitRegistry
from .vacancies import VacancyAccess


class GrowthServices:
    """Organisers, providers and alliances of one model, and their monthly work."""

    def __init__(self, model: mesa.Model) -> None:
        """Build every component from the model's scenario, geography and populations."""
        sc, persons, firms = model.scenario, model.persons, model.firms
        self.model = model
        self.scenario = sc
        self.orgs = Organisers.from_scenario(sc, model.geo, persons)
        self.market = ProviderMarket(model, sc, self.orgs.names, self.orgs.index_of)
        hosts = [(self.orgs.index_of[h.host], [self.orgs.index_of[m] for m in h.members])
                 for h in sc.host_arrangements]
        self.units = UnitRegistry(self.orgs, hosts)
        self.ledger = Ledger(self.orgs, self.units)
        self.alliances = [AllianceAgent(model, k, spec, self.orgs, self.market, self.ledger)
                          for k, spec in enumerate(sc.all_alliances)]
        self.caseworkers = Caseworkers(sc.organisers, self.orgs)
        self.state = ServiceState.empty(persons.size, firms.capacity)
        self.state.firm_class[:] = (model.streams["services"].random(firms.capacity)
                                    < sc.separate.municipal_vacancy_share)
        self.state.firm_last_employment[:] = np.where(firms.alive, firms.employment, -1)
        self.outcomes = OutcomeTracker(persons.size, self.orgs.n_munis)
        self.trial = Trial()
        self.vacancies = VacancyAccess(self.orgs, hosts, sc.separate.open_market_share)
        self.referrals = ReferralDesk(persons.size, self.orgs.n_munis)
        self.payments = Payments(sc, self.ledger, self.units, self.market, self.state,
                                 persons, firms, self.alliances, self.referrals)
        self.purchasing = Purchasing(sc, self.orgs, self.units, self.market, self.alliances,
                                     self.ledger, self.state, self.referrals, self.outcomes,
                                     persons, firms, model.start_firms_for,
                                     self.payments.committed)
        self.alliance_rows = Table(ALLIANCE_COLUMNS)
        self.plan = MonthPlan()

    @property
    def names(self) -> list[str]:
        """Organiser names by index."""
        return self.orgs.names

    def active_alliances(self, month: int) -> list[AllianceAgent]:
        """Alliances whose levers act this month."""
        return [a for a in self.alliances if a.active(month)]

    # ---------------------------------------------------------------- the month's work
    def plan_and_start(self, month: int) -> None:
        """Organisers buy this month's services (hankinnat) and the clients start."""
        self.plan = self.purchasing.plan_and_start(month, self.model.streams["services"])

    def search(self, seekers: np.ndarray, base_apps: int, month: int
               ) -> tuple[np.ndarray, np.ndarray]:
        """Applications and score multipliers of this month's seekers, from their services.

        See :mod:`sim.services.search` (a seeker not searching actively sends only what a
        service adds); the caseworker time per jobseeker of each home
        municipality's pool then scales the applications
        (:meth:`.overheads.Caseworkers.search_factor`; the seekers are the unemployed),
        rounded to whole ones at random without bias (down or up with the chances that keep
        the mean), so that a factor near 1 still moves the expected applications.
        """
        home = self.model.persons.home[seekers]
        apps, boost = search_modifiers(self.state, self.scenario.services,
                                       self.market.quality(), base_apps,
                                       self.model.streams["services"], seekers,
                                       self.model.persons.searching)
        factor = self.caseworkers.search_factor(
            self.alliances, np.bincount(home, minlength=self.orgs.n_munis), month)
        if (factor != 1.0).any():
            scaled = apps * factor[home]
            u = self.model.streams["services"].random(scaled.size)
            apps = np.floor(scaled + u).astype(np.int64)
        return apps, boost

    def expanded_reach(self, reach: np.ndarray, dist: np.ndarray, month: int
                       ) -> tuple[np.ndarray, np.ndarray]:
        """Reach and distance over (municipality, vacancy class) destinations."""
        return self.vacancies.expanded_reach(reach, dist, self.alliances, month)

    def vacancy_class(self) -> np.ndarray:
        """Visibility class of each firm's vacancies now."""
        self.state.grow_firms(self.model.firms.capacity)
        return open_vacancy_class(self.state, self.model.firms)

    def count_hires(self, hired: np.ndarray) -> None:
        """Count the month's hires: the hard to help (a KRA) and the outcome record.

        The providers' record of their clients' outcomes (:mod:`sim.services.learning`)
        feeds their job-chance estimates, joint learning and joint decisions.
        """
        persons = self.model.persons
        self.outcomes.count_hires(hired, persons.home)
        self.market.record.observe(self.model.month, hired, self.state, persons.status,
                                   persons.base_employability)

    def pay_and_book(self, month: int, hired: np.ndarray) -> None:
        """Pay providers and transfers, book overheads, benefits and taxes; keep the pace."""
        m = self.model
        self.ledger.start_month()
        self.market.reset_month()
        self.payments.pay_providers(month)
        self.payments.pay_outcomes(month, hired)
        self.payments.pay_transfers()
        book_overheads(self.ledger, self.units, self.alliances, self.orgs, m.persons,
                       self.scenario, month)
        book_benefits_and_taxes(self.ledger, m.persons, m.firms, self.state, self.scenario,
                                m.labour.person_parts)
        org = self.scenario.organisers
        self.ledger.pace(self.plan, org.pace_exponent, org.pace_min, org.pace_max)

    def progress(self) -> None:
        """Services run a month; completions take effect; firm follow-ups are observed.

        The firms' outcomes are observed here, once the month's employment is final (after
        the matching) and before the quarter's decisions read them (:meth:`govern`).
        """
        progress_persons(self.state, self.model.persons, self.scenario.services,
                         self.market.quality(), self.model.labour.person_parts)
        progress_firms(self.state)
        self.market.record.observe_firms(self.model.month, self.state, self.model.firms)

    def govern(self, month: int) -> None:
        """Quarterly: the alliances' quarter, then the providers' month and market."""
        self.market.count_quarter_clients()
        quarter_end = month >= 1 and month % QUARTER == 0
        if quarter_end:
            observed = Observed(self.model.last_stats, self.model.metric_index,
                                self.referrals.counts, self.outcomes.hard_to_help_hires,
                                self.market.record,
                                self.payments.list_price * self.payments.duration,
                                self.payments.duration.astype(float)
                                + self.scenario.market.outcome_follow_up_months)
            for a in self.alliances:
                if a.members:
                    for row in a.quarter(month, observed):
                        self.alliance_rows.append(*row)
        self.market.close_month(self.active_alliances(month), month)
        if quarter_end:
            for a in self.alliances:
                a.end_quarter()
            self.ledger.end_quarter()
            self.referrals.end_quarter()
            self.outcomes.end_quarter()
            self.market.end_quarter(month, self.model.streams["services"])

    # ------------------------------------------------------------- hooks of the model
    def record(self, month: int) -> None:
        """The month's books, trial and provider rows."""
        self.ledger.record(month, self.alliances, self.market.providers)
        self.ledger.close_year_month(month, self.plan)
        if self.trial.groups and month > 0:
            self.trial.record(month, self.model.persons.status)

    def start_observation(self) -> None:
        """Month 0: reset counters; fix employability quintiles and the caseworkers.

        The caseworkers are fixed from the unemployed jobseekers by home municipality now.
        """
        st = self.state
        self.caseworkers.start_observation(self.unemployed_by_home())
        st.ever_served[:] = False
        st.outcome_paid[:] = False
        st.months_unemployed[:] = 0
        self.outcomes.start_observation(self.model.persons.base_employability)
        self.market.start_observation()
        if self.scenario.experiment is not None:
            self.trial.start(self.scenario, self.model.persons, st,
                             self.model.streams["services"], self.purchasing.begin,
                             areas=self.model.geo.names)

    def busy(self) -> np.ndarray:
        """Per person: in a service or waiting to start one.

        They neither leave the labour force nor search from a job this month.
        """
        return (self.state.service >= 0) | (self.state.referral_wait >= 0)

    def survival_factor(self) -> np.ndarray:
        """Death-rate multiplier of each firm from its running firm services."""
        self.state.grow_firms(self.model.firms.capacity)
        return survival_factor(self.state, self.model.firms, self.scenario.services)

    def firms_born(self, slots: np.ndarray, rng: np.random.Generator) -> None:
        """New firms: no services, and a vacancy class drawn like the initial firms'.

        A dead firm's client follow-ups still running in a slot taken end (employing none);
        as a purchase's control the slot counts none from the new firm's birth.
        """
        st = self.state
        st.grow_firms(self.model.firms.capacity)
        self.market.record.firms_reborn(slots, st)
        st.firm_left[slots] = 0
        st.firm_provider[slots] = -1
        st.firm_payer[slots] = -1
        st.firm_class[slots] = rng.random(slots.size) < \
            self.scenario.separate.municipal_vacancy_share

    def unemployed_by_home(self) -> np.ndarray:
        """Unemployed jobseekers (in services or not) by home municipality now."""
        p = self.model.persons
        return np.bincount(p.home[p.status == UNEMPLOYED], minlength=self.orgs.n_munis)

    def area_columns(self, stocks: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Per-area service columns of the time series (region total appended).

        ``caseload``: unemployed jobseekers per caseworker of the pool that serves the area
        (:meth:`.overheads.Caseworkers.caseload`). The jobseekers are the month's
        ``stocks`` (the labour market's columns, region last) of the unemployed and those
        in services: the counts of :meth:`unemployed_by_home`, without another pass.
        """
        st, p, f = self.state, self.model.persons, self.model.firms
        m = self.orgs.n_munis
        clients = clients_by_area(st.service, p.home, m).astype(float)
        clients += served_firms_by_area(st.firm_left, f.alive, f.muni, m)
        cols = {"service_spend_eur": self.ledger.area_spend, "clients_in_services": clients,
                "municipal_benefit_cost_eur": self.ledger.area_benefit}
        out = {k: np.append(v, v.sum()) for k, v in cols.items()}
        jobseekers = (stocks["unemployed"] + stocks["in_services"])[:-1].astype(np.int64)
        out["caseload"] = self.caseworkers.caseload(self.alliances, jobseekers, self.model.month)
        return out

    def money_columns(self) -> dict[str, np.ndarray]:
        """Per area and for the region (``ALL``), the month's public money so far.

        ``organiser_outlays_eur``: what the growth-services budgets paid (a municipality's
        own; ``ALL`` every organiser's, the region's included). ``public_net_eur``: taxes
        less benefits, services, overheads, gain/pain and bonuses, for the municipality
        and the state on the area's residents (``ALL``: every organiser and the state).
        """
        books = self.ledger.books.close()
        outlays = books[:, ORGANISER_COLUMNS.index("budget_outlays_eur")]
        net = books[:, ORGANISER_COLUMNS.index("net_eur")]
        state = self.ledger.area_state_net
        return {"organiser_outlays_eur": np.append(outlays[1:], outlays.sum()),
                "public_net_eur": np.append(net[1:] + state, net.sum() + state.sum())}

    def tables(self) -> dict[str, pd.DataFrame]:
        """The service side's tables of a run, by name (see :class:`sim.run.Results`)."""
        return {"organisers": self.ledger.organiser_rows.to_frame(),
                "providers": self.ledger.provider_rows.to_frame(),
                "alliance": self.alliance_rows.to_frame(),
                "quintiles": self.outcomes.table(self.model.persons.status,
                                                 self.state).to_frame(),
                "experiment": self.trial.rows.to_frame(),
                "public_finance": self.ledger.finance_rows.to_frame()}
