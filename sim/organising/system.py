"""Organising growth services (kasvupalveluiden järjestäminen): units, purchases, payments.

``ServiceSystem`` is the model's service side: each month it forms the purchasing units of
the cooperation model in force (:mod:`sim.cooperation`), lets them buy services for their
residents and firms from providers (:mod:`sim.providers`), runs the services
(:mod:`sim.services`), pays providers under each unit's contract, keeps the organisers'
books (:mod:`sim.finance`) and governs the alliances quarterly.
"""

from __future__ import annotations

import numpy as np

from ..collect import Table
from ..labour.population import EMPLOYED
from ..scenario.organising import Provider
from ..scenario.services import FIRM_SERVICES, PERSON_SERVICES, SERVICES
from ..services.counts import clients_by_area, served_firms_by_area
from ..services.eligibility import (
    eligibility_rules,
    eligible_by_home,
    eligible_firms,
    eligible_persons,
    group_by_area,
)
from ..services.progress import (
    open_vacancy_class,
    progress_firms,
    progress_persons,
    survival_factor,
)
from ..services.providers import ServiceProvider
from ..services.search import search_modifiers
from ..services.state import SERVICE_INDEX, ServiceState, start_persons
from .governance import govern
from .ledger import ORGANISER_COLUMNS, PROVIDER_COLUMNS, OrganiserBooks
from .payments import close_month
from .purchasing import Purchasing
from .units import REGION, AllianceAgent, Unit, build_units, visibility


class ServiceSystem(Purchasing):
    """Organisers, providers and alliances of one model, and their monthly work."""

    def __init__(self, model) -> None:
        """Build organisers' budgets, providers, alliances and the service state."""
        sc = model.scenario
        self.model = model
        self.sc = sc
        geo = model.geo
        self.n_munis = geo.size
        self.names = ["region", *geo.names]  # organiser names as scenarios spell them
        org = sc.organisers
        muni_budget = [org.municipal_budgets.get(n, org.municipal_budget_eur_per_resident * p)
                       for n, p in zip(geo.names, geo.population, strict=True)]
        region_budget = org.region_budget_eur_per_year
        if region_budget is None:
            region_budget = org.region_budget_eur_per_resident * float(geo.population.sum())
        self.budget = np.array([region_budget, *muni_budget]) / 12.0
        self.mix = np.zeros((self.n_munis + 1, len(SERVICES)))
        for s, share in org.region_mix.items():
            self.mix[REGION, SERVICE_INDEX[s]] = share
        for s, share in org.municipal_mix.items():
            self.mix[1:, SERVICE_INDEX[s]] = share
        self.index_of = {"region": REGION, **{n: k + 1 for k, n in enumerate(geo.names)}}

        specs = list(sc.providers) or self.default_providers()
        self.providers = [ServiceProvider(model, k, spec, self.index_of.get(spec.owner, -1))
                          for k, spec in enumerate(specs)]
        self.alliances = []
        for k, spec in enumerate(sc.all_alliances):
            members = [self.index_of[m] for m in spec.members]
            pids = [p.index for p in self.providers if p.name in spec.providers]
            self.alliances.append(AllianceAgent(model, k, spec, members, pids))
        self.hosts = [(self.index_of[h.host], [self.index_of[m] for m in h.members])
                      for h in sc.host_arrangements]

        n_p = model.persons.size
        self.labour_force_by_home = np.bincount(model.persons.home,
                                                minlength=self.n_munis).astype(float)
        self.state = ServiceState.empty(n_p, model.firms.capacity)
        self.state.firm_class[:] = model.streams["services"].random(model.firms.capacity) < \
            sc.separate.municipal_vacancy_share
        self.pending = {"service": np.full(n_p, -1, np.int8),  # narrow, as in ServiceState
                        "provider": np.full(n_p, -1, np.int32),
                        "payer": np.full(n_p, -1, np.int32)}
        self.pending_effort = np.ones(n_p)
        self.units: dict[str, int] = {}
        self.unit_list: list[Unit] = []
        self._units_key, self._units = None, []  # this month's units, rebuilt on change
        self.month_units: list[int] = []
        self.books = OrganiserBooks(self.n_munis + 1)
        self.organiser_rows = Table(("month", "organiser", "kind", "alliance",
                                     *ORGANISER_COLUMNS))
        self.provider_rows = Table(("month", "provider", "kind", *PROVIDER_COLUMNS))
        self.alliance_rows = Table(("month", "alliance", "phase", "members", "target_cost_eur",
                                    "actual_cost_eur", "kra", "kra_value", "kra_minimum",
                                    "kra_exceptional", "kra_score", "event"))
        self.referrals = np.zeros((self.n_munis, 2))  # per municipality: sent, lost (quarter)
        self.area_spend = np.zeros(self.n_munis)
        self.area_benefit = np.zeros(self.n_munis)
        self.unit_spend: dict[int, float] = {}
        self.key_spend: dict[tuple[int, ...], float] = {}  # spend by paying organisers
        self.settled: dict[tuple[int, ...], float] = {}  # last quarter's gain/pain and bonus
        self.service_money: dict[int, float] = {}  # unit → money for services this month
        self.pacing: dict[tuple[int, ...], float] = {}  # organisers → pace of starts
        self.alliance_acc: dict[int, np.ndarray] = {}  # client-months, cost, fees this quarter
        self.provider_cost_q: dict[int, float] = {}  # open-book cost per provider this quarter
        self.hard_to_help_hires = np.zeros(self.n_munis)  # this quarter, by home
        self.hard_to_help = np.zeros(n_p, dtype=bool)  # bottom quintile at month 0
        self.quintile = np.zeros(n_p, dtype=np.int8)
        self.effort_sum = np.zeros(6)  # by quintile (index 0: before month 0)
        self.effort_count = np.zeros(6)
        self.trial: dict[str, np.ndarray] = {}
        self.trial_rows = Table(("month", "group", "persons", "employed_share"))
        self._vis_key = None
        self.vis = visibility(self.n_munis, [], sc.separate.open_market_share)

    def default_providers(self) -> list[Provider]:
        """Without a provider list, each organiser produces its own services at cost."""
        org = self.sc.organisers
        specs = [Provider(name="region own unit", kind="own", owner="region",
                          services=sorted(s for s, v in org.region_mix.items() if v > 0),
                          capacity=10**9, cost_factor=1.0, fixed_cost_eur_per_month=0.0)]
        municipal = sorted(s for s, v in org.municipal_mix.items() if v > 0)
        specs += [Provider(name=f"{name} own unit", kind="own", owner=name,
                           services=municipal, capacity=10**9, cost_factor=1.0,
                           fixed_cost_eur_per_month=0.0)
                  for name in self.names[1:]]
        return specs

    # ------------------------------------------------------------ cooperation state
    def active_alliances(self, month: int) -> list[AllianceAgent]:
        """Alliances whose levers act this month."""
        return [a for a in self.alliances if a.members and a.implemented(month)]

    def build_units(self, month: int) -> list[Unit]:
        """The purchasing units of this month (see :func:`sim.cooperation.build_units`).

        Performance: units change only with the alliances (phase, members, providers,
        joint decisions) and the provider list, so they are rebuilt only when those change
        (hundreds of units a month at national scale). Units are never modified once built.
        """
        key = (len(self.providers), tuple(
            (a.implemented(month), tuple(a.members), tuple(a.provider_ids),
             a.mix_adjust.tobytes()) for a in self.alliances))
        if key != self._units_key:
            self._units_key, self._units = key, build_units(self, month)
        return self._units

    def register(self, units: list[Unit]) -> list[int]:
        """Stable indices for units across months (payments refer to them)."""
        out = []
        for u in units:
            key = f"{u.name}|{u.alliance}|{','.join(map(str, u.organisers))}"
            if key not in self.units:
                self.units[key] = len(self.unit_list)
                self.unit_list.append(u)
            else:
                self.unit_list[self.units[key]] = u
            out.append(self.units[key])
        return out

    def vacancy_visibility(self, month: int) -> np.ndarray:
        """(M, M, 2) visibility of vacancy classes (see :func:`sim.cooperation.visibility`)."""
        groups = [frozenset(m - 1 for m in a.members if m != REGION)
                  for a in self.active_alliances(month) if a.lever("shared_vacancies")]
        groups += [frozenset(m - 1 for m in [h, *ms]) for h, ms in self.hosts]
        key = tuple(sorted(tuple(sorted(g)) for g in groups))
        if key != self._vis_key:
            self._vis_key = key
            self.vis = visibility(self.n_munis, [set(g) for g in groups],
                                  self.sc.separate.open_market_share)
        return self.vis

    def application_factor(self, month: int) -> np.ndarray:
        """Per municipality: share of applications kept (the integration slowdown)."""
        factor = np.ones(self.n_munis)
        for a in self.alliances:
            if a.lever("joint_office") and a.phase(month) in ("formation", "development"):
                for m in a.members:
                    if m != REGION:
                        factor[m - 1] *= 1.0 - a.spec.transition_slowdown
        return factor

    # ------------------------------------------------------------------ purchasing
    def quality(self) -> np.ndarray:
        """Quality per provider, with index -1 (no provider) mapping to quality 1."""
        return np.array([*(p.quality for p in self.providers), 1.0])

    def plan_and_start(self, month: int) -> None:
        """Every unit buys this month's service starts with its money and service mix."""
        model, st = self.model, self.state
        self._activate_referrals(month)
        units = self.build_units(month)
        self.month_units = self.register(units)
        load = self._provider_load()
        # Eligibility is computed once a month over the whole population; each unit then
        # filters the (much shorter) lists by area, skipping persons another unit took.
        p, f = model.persons, model.firms
        st.grow_firms(f.capacity)
        # Grouped by home municipality, with slice bounds, so that a municipal unit's pool
        # is one slice rather than a filter over the whole list (one kernel pass).
        rules = eligibility_rules(self.sc.targeting, self.sc.labour.long_term_months)
        groups = eligible_by_home(p.status, st.service, st.referral_wait,
                                  p.unemployment_months, p.employability, p.home, rules,
                                  self.n_munis)
        self._eligible = dict(zip(PERSON_SERVICES, groups, strict=True))
        self._eligible_firms = {}
        for name in FIRM_SERVICES:
            idx = np.flatnonzero(eligible_firms(name, f, st, self.sc.targeting, month))
            self._eligible_firms[name] = (idx, *group_by_area(idx, f.muni, self.n_munis))
        self._rank_month_providers()
        self._quality = self.quality()  # fixed until the month's close
        self._taken = np.zeros(p.size, dtype=bool)
        for uid in self.month_units:
            unit = self.unit_list[uid]
            money = unit.budget - self._fixed_overhead(unit, month)
            money /= 1.0 + self._overhead_share(unit)
            self.service_money[uid] = max(money, 0.0)
            money *= self.pacing.get(tuple(unit.organisers), 1.0)
            for s, share in enumerate(unit.mix):
                if share <= 0 or money <= 0:
                    continue
                name = SERVICES[s]
                spec = self.sc.services.spec(name)
                price = self._reference_price(name, unit)
                expected = money * share / (price * spec.duration_months)
                whole = int(expected)  # randomised rounding keeps the expected starts
                starts = whole + int(model.streams["services"].random() < expected - whole)
                if starts == 0:
                    continue
                if name in PERSON_SERVICES:
                    self._start_person_service(name, unit, uid, starts, load, month)
                else:
                    self._start_firm_service(name, unit, uid, starts, load, month)

    def _joint_office(self, unit: Unit, month: int) -> AllianceAgent | None:
        if unit.alliance < 0:
            return None
        a = self.alliances[unit.alliance]
        return a if a.lever("joint_office") and a.implemented(month) else None

    def _fixed_overhead(self, unit: Unit, month: int) -> float:
        """Fixed overhead this unit carries per month (paid from its budget)."""
        a = self._joint_office(unit, month)
        if a is not None:
            share = unit.budget / max(self.budget[a.members].sum(), 1e-9)
            return self.joint_office_month(a) * min(share, 1.0)
        host = unit.alliance < 0 and len(unit.organisers) > 1
        n = 1 if host else len(unit.organisers)
        return self.sc.organisers.overhead_eur_per_year / 12.0 * n

    def joint_office_month(self, a: AllianceAgent) -> float:
        """Fixed monthly cost of an alliance's joint office."""
        separate = self.sc.organisers.overhead_eur_per_year / 12.0 * len(a.members)
        return a.spec.joint_office_fixed_share * separate

    def _overhead_share(self, unit: Unit) -> float:
        """Variable overhead as a share of this unit's service spend."""
        a = self._joint_office(unit, self.model.month)
        return (a.spec.joint_office_share_of_spend if a is not None
                else self.sc.organisers.overhead_share_of_spend)

    def _begin(self, idx, service, providers, uid, effort, month, spec) -> None:
        start_persons(self.state, idx, service, providers, uid, effort, month,
                      spec.duration_months, self.sc.market.outcome_follow_up_months)
        q = self.quintile[idx]  # 0 before month 0: not counted in the tables
        np.add.at(self.effort_sum, q, np.broadcast_to(effort, idx.shape))
        np.add.at(self.effort_count, q, 1.0)
        if np.ndim(uid) == 0 and uid >= 0 and self.unit_list[uid].alliance >= 0:
            self.alliances[self.unit_list[uid].alliance].service_starts[service] += idx.size
        if SERVICES[service] == "start_up_grant":
            self.model.start_firms_for(idx)

    def _activate_referrals(self, month: int) -> None:
        st = self.state
        waiting = np.flatnonzero(st.referral_wait > 0)
        if waiting.size == 0:
            return
        st.referral_wait[waiting] -= 1
        due = waiting[st.referral_wait[waiting] == 0]
        st.referral_wait[due] = -1
        still = due[self.model.persons.status[due] != EMPLOYED]
        for s in np.unique(self.pending["service"][still]):
            idx = still[self.pending["service"][still] == s]
            spec = self.sc.services.spec(SERVICES[s])
            self._begin(idx, int(s), self.pending["provider"][idx], self.pending["payer"][idx],
                        self.pending_effort[idx], month, spec)
        for arr in self.pending.values():
            arr[due] = -1

    # ---------------------------------------------------------------- month's close
    def progress(self) -> None:
        """Services run a month; completions add their effects."""
        q = self.quality()
        progress_persons(self.state, self.model.persons, self.sc.services, q)
        progress_firms(self.state)

    def track_cost(self, unit: Unit, month: int, client_months: int, cost: float, fee: float,
                   provider: int) -> None:
        """Accumulate open-book cost for the alliances it belongs to (target vs actual)."""
        for a in self.alliances:
            mine = unit.alliance == a.index
            developing = (a.phase(month) == "development" and unit.alliance < 0
                          and set(unit.organisers) <= set(a.members))
            if mine or developing:
                acc = self.alliance_acc.setdefault(a.index, np.zeros(3))
                acc += (client_months, cost, fee)
                if mine:
                    self.provider_cost_q[provider] = self.provider_cost_q.get(provider, 0.0) + cost

    def pay_and_book(self, month: int, hired: np.ndarray) -> None:
        """Pay providers and transfers, book overheads, benefits and taxes."""
        close_month(self, month, hired)
        self._pace()

    def _pace(self) -> None:
        """Budget discipline: each unit scales next month's starts by its spend vs money.

        Plans assume list prices and full take-up; wage subsidies paid only when a job is
        found, outcome fees, capacity limits and open-book costs make the real spend differ.
        Each purchasing unit (keyed by its organisers, so that the key survives the change
        of cooperation model) corrects its pace gently, so that in the long run every model
        spends about the same money: the comparison is of organisation, not of budgets.
        An alliance's quarterly gain/pain and KRA bonus count as its units' spend too.
        """
        for uid in self.month_units:
            unit = self.unit_list[uid]
            key = tuple(unit.organisers)
            target = self.service_money.get(uid, 0.0)
            spent = self.key_spend.get(key, 0.0) + self.settled.pop(key, 0.0) / 3.0
            pace = self.pacing.get(key, 1.0)
            if target > 0:
                ratio = target / spent if spent > 0 else 2.0
                pace = float(np.clip(pace * ratio ** 0.2, 0.25, 4.0))
            self.pacing[key] = pace

    def settle(self, a: AllianceAgent, amount: float) -> None:
        """Carry an alliance's quarterly payment into its units' next budget check."""
        units = [self.unit_list[uid] for uid in self.month_units
                 if self.unit_list[uid].alliance == a.index]
        total = sum(u.budget for u in units)
        for u in units:
            key = tuple(u.organisers)
            share = u.budget / total if total > 0 else 1.0 / len(units)
            self.settled[key] = self.settled.get(key, 0.0) + amount * share

    def govern(self, month: int) -> None:
        """Quarterly alliance governance: phases, KRA, gain/pain, bonus, exits."""
        govern(self, month)

    # ------------------------------------------------------- hooks for the model
    def start_observation(self) -> None:
        """Month 0: reset per-person counters; fix employability quintiles for the tables."""
        st, p = self.state, self.model.persons
        st.ever_served[:] = False
        st.outcome_paid[:] = False
        st.months_unemployed[:] = 0
        edges = np.quantile(p.base_employability, [0.2, 0.4, 0.6, 0.8])
        self.quintile = (np.searchsorted(edges, p.base_employability, side="right")
                         + 1).astype(np.int8)
        self.hard_to_help = self.quintile == 1
        self.effort_sum[:] = 0.0
        self.effort_count[:] = 0.0
        for provider in self.providers:  # providers' books start at month 0 too
            provider.cash = 0.0
        if self.sc.experiment is not None:
            self._start_experiment()

    def _start_experiment(self) -> None:
        """Randomise the eligible into the tested service (treated) or not (control)."""
        exp, st, p = self.sc.experiment, self.state, self.model.persons
        eligible = np.flatnonzero(eligible_persons(exp.service, p, st, self.sc.targeting,
                                                   self.sc.labour.long_term_months))
        treated = self.model.streams["services"].random(eligible.size) < exp.treated_share
        self.trial = {"treated": eligible[treated], "control": eligible[~treated]}
        spec = self.sc.services.spec(exp.service)
        idx = self.trial["treated"]
        self._begin(idx, SERVICE_INDEX[exp.service], np.full(idx.size, -1, dtype=np.int64), -1,
                    np.ones(idx.size), 0, spec)
        self.trial_rows = Table(("month", "group", "persons", "employed_share"))
        self.record_trial(0)

    def record_trial(self, month: int) -> None:
        """Each trial group's employment share this month."""
        status = self.model.persons.status
        for group, idx in self.trial.items():
            share = float((status[idx] == EMPLOYED).mean()) if idx.size else np.nan
            self.trial_rows.append(month, group, int(idx.size), share)

    def survival_factor(self) -> np.ndarray:
        """Death-rate multiplier of each firm from its running firm services."""
        self.state.grow_firms(self.model.firms.capacity)
        return survival_factor(self.state, self.model.firms, self.sc.services)

    def firms_born(self, slots: np.ndarray, rng: np.random.Generator) -> None:
        """New firms: no services, and a vacancy class drawn like the initial firms'."""
        st = self.state
        st.grow_firms(self.model.firms.capacity)
        st.firm_left[slots] = 0
        st.firm_provider[slots] = -1
        st.firm_payer[slots] = -1
        st.firm_class[slots] = rng.random(slots.size) < \
            self.sc.separate.municipal_vacancy_share

    def search(self, seekers: np.ndarray, base_apps: int, month: int):
        """Applications and score multipliers of the seekers this month."""
        apps_s, boost = search_modifiers(self.state, self.model.persons, self.sc.services,
                                         self.quality(), base_apps,
                                         self.model.streams["services"], seekers)
        factor = self.application_factor(month)
        if (factor < 1.0).any():
            apps_s = np.rint(apps_s * factor[self.model.persons.home[seekers]]).astype(np.int64)
        return apps_s, boost

    def expanded_reach(self, reach: np.ndarray, dist: np.ndarray, month: int):
        """Reach and distance over (municipality, vacancy class) destinations.

        Home h is row 2h; destination 2m + c is municipality m's class-c vacancies.
        """
        vis = self.vacancy_visibility(month)
        key = (id(reach), self._vis_key)
        if getattr(self, "_reach_key", None) != key:
            m = self.n_munis
            reach2 = np.zeros((2 * m, 2 * m))
            dist2 = np.zeros((2 * m, 2 * m))
            for c in (0, 1):
                reach2[0::2, c::2] = reach * vis[:, :, c]
                dist2[0::2, c::2] = dist
            self._reach2, self._dist2, self._reach_key = reach2, dist2, key
        return self._reach2, self._dist2

    def vacancy_class(self) -> np.ndarray:
        """Visibility class of each firm's vacancies now."""
        self.state.grow_firms(self.model.firms.capacity)
        return open_vacancy_class(self.state, self.model.firms)

    def count_hires(self, hired: np.ndarray) -> None:
        """Hires of the hard to help (a KRA), and jobs after each service (joint decisions)."""
        hard = hired[self.hard_to_help[hired]]
        np.add.at(self.hard_to_help_hires, self.model.persons.home[hard], 1.0)
        st = self.state
        due = hired[(st.outcome_service[hired] >= 0) & (st.outcome_until[hired] >= self.model.month)
                    & (st.outcome_payer[hired] >= 0)]
        if not self.alliances or due.size == 0:
            return
        alliance_of_unit = np.array([u.alliance for u in self.unit_list], dtype=np.int64)
        payer_alliance = alliance_of_unit[st.outcome_payer[due]]
        for a in self.alliances:
            mine = payer_alliance == a.index
            np.add.at(a.service_jobs, st.outcome_service[due[mine]], 1.0)

    def area_columns(self) -> dict[str, np.ndarray]:
        """Per-area service columns of the time series (region total appended)."""
        st, p, f = self.state, self.model.persons, self.model.firms
        m = self.n_munis
        clients = clients_by_area(st.service, p.home, m).astype(float)
        clients += served_firms_by_area(st.firm_left, f.alive, f.muni, m)
        cols = {"service_spend_eur": self.area_spend, "clients_in_services": clients,
                "municipal_benefit_cost_eur": self.area_benefit}
        return {k: np.append(v, v.sum()) for k, v in cols.items()}

    def tables(self) -> dict[str, object]:
        """The service side's tables of a run, by name (see :class:`sim.run.Results`)."""
        return {"organisers": self.organiser_rows.to_frame(),
                "providers": self.provider_rows.to_frame(),
                "alliance": self.alliance_rows.to_frame(),
                "quintiles": self.quintile_table(),
                "experiment": self.trial_rows.to_frame()}

    def add_provider(self, spec) -> None:
        """A new provider enters the market."""
        self.providers.append(ServiceProvider(self.model, len(self.providers), spec, -1))

    def quintile_table(self):
        """Outcomes by quintile of baseline employability at month 0 (creaming, parking)."""
        st, p = self.state, self.model.persons
        rows = []
        for q in range(1, 6):
            sel = self.quintile == q
            n = int(sel.sum())
            effort = (self.effort_sum[q] / self.effort_count[q] if self.effort_count[q]
                      else np.nan)
            rows.append((q, n, float((p.status[sel] == EMPLOYED).mean()) if n else 0.0,
                         float(st.ever_served[sel].mean()) if n else 0.0,
                         float(st.outcome_paid[sel].mean()) if n else 0.0,
                         float(st.months_unemployed[sel].mean()) if n else 0.0,
                         float(effort)))
        return Table(("quintile", "persons", "employed_share", "ever_served_share",
                      "outcome_paid_share", "mean_months_unemployed",
                      "mean_effort")).rows_from(rows)
