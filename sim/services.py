"""Services (palvelut): who is eligible, what a service does while it runs and when it ends.

Eight services (DESIGN §3), five for jobseekers and three for firms. Their state lives in
arrays beside the populations; every function here is a vectorised rule over those arrays,
with no knowledge of who pays or who produces (that is :mod:`sim.cooperation` and
:mod:`sim.providers`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .kernels import UNEMPLOYED
from .kernels_services import firm_services_month, progress_month, seeker_modifiers
from .params_services import FIRM_SERVICES, PERSON_SERVICES, SERVICES, Services, Targeting
from .populations import Firms, Persons

SERVICE_INDEX = {name: k for k, name in enumerate(SERVICES)}
NONE = -1


@dataclass
class ServiceState:
    """Service attributes of persons and firms, one array per attribute.

    Persons hold at most one service at a time; a referral waits ``referral_wait`` months
    before its service starts. A firm may hold each firm service at once (one column each).
    """

    service: np.ndarray  # int8 person's current service index or -1
    months_left: np.ndarray  # int32 months left in it
    provider: np.ndarray  # int32 provider index or -1
    payer: np.ndarray  # int32 purchasing unit paying for it, or -1
    effort: np.ndarray  # float64 provider's effort for this client
    started: np.ndarray  # int32 month it started
    outcome_until: np.ndarray  # int32 last month in which a job counts as its outcome
    outcome_provider: np.ndarray  # int32 provider owed an outcome payment, or -1
    outcome_payer: np.ndarray  # int32 unit that would pay it
    outcome_service: np.ndarray  # int8 service the outcome belongs to
    subsidy_left: np.ndarray  # int32 months of wage subsidy left in a subsidised job
    referral_wait: np.ndarray  # int16 months until a referred service starts, -1 none
    ever_served: np.ndarray  # bool started any service since month 0
    outcome_paid: np.ndarray  # bool an outcome payment was made for this person
    months_unemployed: np.ndarray  # int32 months unemployed since month 0
    firm_left: np.ndarray  # int64 (firms × firm services) months left
    firm_provider: np.ndarray  # int64 (firms × firm services)
    firm_payer: np.ndarray  # int64 (firms × firm services)
    firm_class: np.ndarray  # int64 vacancy visibility class: 0 open, 1 municipality-known

    @classmethod
    def empty(cls, n_persons: int, n_firms: int) -> ServiceState:
        """No one in a service, no firm served, every vacancy open.

        Performance and memory: person attributes use the narrowest integer type that holds
        their values exactly (service indices in int8, months and indices in int32), since
        the monthly passes over all persons are bound by memory traffic.
        """
        n = n_persons
        minus = lambda dtype: np.full(n, NONE, dtype=dtype)  # noqa: E731
        k = len(FIRM_SERVICES)
        return cls(
            minus(np.int8), np.zeros(n, np.int32), minus(np.int32), minus(np.int32),
            np.ones(n), np.zeros(n, np.int32), minus(np.int32), minus(np.int32),
            minus(np.int32), minus(np.int8), np.zeros(n, np.int32), minus(np.int16),
            np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, np.int32),
            np.zeros((n_firms, k), np.int64), np.full((n_firms, k), NONE, np.int64),
            np.full((n_firms, k), NONE, np.int64), np.zeros(n_firms, np.int64),
        )

    def grow_firms(self, capacity: int) -> None:
        """Match the firm arrays to a grown firm table."""
        extra = capacity - self.firm_left.shape[0]
        if extra <= 0:
            return
        k = self.firm_left.shape[1]
        self.firm_left = np.vstack([self.firm_left, np.zeros((extra, k), np.int64)])
        self.firm_provider = np.vstack([self.firm_provider, np.full((extra, k), NONE, np.int64)])
        self.firm_payer = np.vstack([self.firm_payer, np.full((extra, k), NONE, np.int64)])
        self.firm_class = np.concatenate([self.firm_class, np.zeros(extra, np.int64)])


def firm_column(name: str) -> int:
    """Column of firm service ``name`` in the firm arrays."""
    return FIRM_SERVICES.index(name)


def eligible_persons(name: str, persons: Persons, state: ServiceState, tg: Targeting,
                     long_term_months: int) -> np.ndarray:
    """Mask of persons eligible for person service ``name`` now (kohderyhmä)."""
    free = (persons.status == UNEMPLOYED) & (state.service < 0) & (state.referral_wait < 0)
    months = persons.unemployment_months
    if name == "coaching":
        return free
    if name == "training":
        return free & (months >= tg.training_after_months)
    if name == "wage_subsidy":
        return free & (months >= max(tg.wage_subsidy_after_months, 0))
    if name == "rehabilitation":
        return (free & (persons.employability < tg.rehabilitation_below_employability)
                & (months >= long_term_months))
    if name == "start_up_grant":
        return free & (persons.employability > tg.start_up_above_employability)
    raise ValueError(f"{name} is not a person service")


def eligibility_rules(tg: Targeting, long_term_months: int
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rules of :func:`eligible_persons` as thresholds per person service.

    Returns:
        (min_months int64, below float64, above float64) in ``PERSON_SERVICES`` order: a
        free jobseeker is eligible for service ``s`` when unemployed at least
        ``min_months[s]`` months with ``above[s] < employability < below[s]``. The
        kernel :func:`sim.kernels_services.eligible_by_home` applies them in one pass.
    """
    never = np.iinfo(np.int64).min  # no duration condition
    rules = {
        "coaching": (never, np.inf, -np.inf),
        "training": (tg.training_after_months, np.inf, -np.inf),
        "wage_subsidy": (max(tg.wage_subsidy_after_months, 0), np.inf, -np.inf),
        "rehabilitation": (long_term_months, tg.rehabilitation_below_employability, -np.inf),
        "start_up_grant": (never, np.inf, tg.start_up_above_employability),
    }
    rows = [rules[name] for name in PERSON_SERVICES]
    return (np.array([r[0] for r in rows], dtype=np.int64),
            np.array([r[1] for r in rows], dtype=np.float64),
            np.array([r[2] for r in rows], dtype=np.float64))


def eligible_firms(name: str, firms: Firms, state: ServiceState, tg: Targeting,
                   month: int) -> np.ndarray:
    """Mask of firms eligible for firm service ``name`` now."""
    free = firms.alive & (state.firm_left[: firms.capacity, firm_column(name)] == 0)
    if name == "business_advisory":
        return free & (firms.employment <= tg.advisory_max_firm_size)
    if name == "growth_funding":
        median = np.median(firms.productivity[firms.alive]) if firms.alive.any() else 0.0
        return free & (firms.productivity > median) & (month - firms.born >= 12)
    if name == "recruitment":
        return free & (firms.vacancies > 0)
    raise ValueError(f"{name} is not a firm service")


def search_modifiers(state: ServiceState, persons: Persons, catalogue: Services,
                     quality: np.ndarray, base_apps: int, rng: np.random.Generator,
                     seekers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Applications per month and score multiplier of the seekers, from their services.

    A client's strength is its provider's quality times the provider's effort; a service
    adds ``extra_applications`` × min(strength, 2) applications, loses the ``lock_in`` share
    of them, and multiplies the client's score by 1 + ``score_boost`` × strength.
    Expected applications are rounded at random (one uniform per person in a service, in
    person order), so that a lock-in of 30 % costs 30 % of the applications on average,
    not a rounded 25 % or 50 %. The work is one kernel pass
    (:func:`sim.kernels_services.seeker_modifiers`).

    Args:
        state: service state.
        persons: the labour force.
        catalogue: service specs.
        quality: quality of each provider, plus a last entry 1.0 for "no provider".
        base_apps: applications per month without a service (job-search obligation).
        rng: generator for rounding expected applications to whole ones.
        seekers: ascending indices of this month's jobseekers.

    Returns:
        (applications int64 per seeker, score multiplier float64 per seeker).
    """
    u = rng.random(int(np.count_nonzero(state.service >= 0)))
    specs = [catalogue.spec(s) for s in SERVICES]
    return seeker_modifiers(state.service, state.provider, state.effort, seekers, u, quality,
                            np.array([c.extra_applications for c in specs], dtype=np.float64),
                            np.array([c.lock_in for c in specs], dtype=np.float64),
                            np.array([c.score_boost for c in specs], dtype=np.float64),
                            base_apps)


def start_persons(state: ServiceState, idx: np.ndarray, service: int, provider: np.ndarray,
                  payer: int, effort: np.ndarray, month: int, months: int,
                  follow_up: int) -> None:
    """Put persons ``idx`` into ``service`` with their providers and efforts."""
    state.service[idx] = service
    state.months_left[idx] = months
    state.provider[idx] = provider
    state.payer[idx] = payer
    state.effort[idx] = effort
    state.started[idx] = month
    state.outcome_until[idx] = month + months + follow_up
    state.outcome_provider[idx] = provider
    state.outcome_payer[idx] = payer
    state.outcome_service[idx] = service
    state.ever_served[idx] = True


def progress_persons(state: ServiceState, persons: Persons, catalogue: Services,
                     quality: np.ndarray) -> None:
    """A month in person services: rehabilitation restores, completions add their gains.

    Each client's strength is its provider's quality times effort. While in a service the
    client closes ``recovery_per_month`` × strength (at most all) of the gap between its
    baseline and current employability; on completion both rise by
    ``employability_gain`` × strength (at most to 1). A person who found a job leaves the
    service, except that a wage subsidy follows its holder into the job for the months
    left (the subsidy is paid while they stay). One kernel pass
    (:func:`sim.kernels_services.progress_month`).
    """
    specs = [catalogue.spec(s) for s in SERVICES]
    progress_month(persons.status, persons.base_employability, persons.employability,
                   state.service, state.months_left, state.provider, state.payer, state.effort,
                   state.subsidy_left, quality,
                   np.array([c.recovery_per_month for c in specs], dtype=np.float64),
                   np.array([c.employability_gain for c in specs], dtype=np.float64),
                   SERVICE_INDEX["wage_subsidy"])


def progress_firms(state: ServiceState) -> None:
    """A month in firm services: effects land at the start, months run down."""
    firm_services_month(state.firm_left, state.firm_provider, state.firm_payer)


def start_firms(state: ServiceState, firms: Firms, idx: np.ndarray, name: str,
                provider: np.ndarray, payer: int, strength: np.ndarray,
                spec_catalogue: Services) -> None:
    """Start firm service ``name`` for firms ``idx``: its effect applies at once."""
    col = firm_column(name)
    spec = spec_catalogue.spec(name)
    state.firm_left[idx, col] = spec.duration_months
    state.firm_provider[idx, col] = provider
    state.firm_payer[idx, col] = payer
    firms.productivity[idx] *= 1.0 + spec.productivity_gain * strength
    gain = firms.baseline[idx] * spec.growth_gain * strength
    firms.baseline[idx] += gain
    firms.policy_gain[idx] += gain


def survival_factor(state: ServiceState, firms: Firms, catalogue: Services) -> np.ndarray:
    """Per-firm multiplier of the death rate from the firm services running now."""
    factor = np.ones(firms.capacity)
    for name in FIRM_SERVICES:
        gain = catalogue.spec(name).survival_gain
        if gain:
            factor[state.firm_left[: firms.capacity, firm_column(name)] > 0] *= 1.0 - gain
    return factor


def open_vacancy_class(state: ServiceState, firms: Firms) -> np.ndarray:
    """Visibility class of each firm's vacancies: a recruitment service opens them to all."""
    cls = state.firm_class[: firms.capacity].copy()
    cls[state.firm_left[: firms.capacity, firm_column("recruitment")] > 0] = 0
    return cls
