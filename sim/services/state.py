"""Service state (palvelutila): who is in which service, with whom, paid by whom.

Service attributes of persons and firms live in arrays beside the populations
(:class:`ServiceState`); starting a service writes them. The rules of who may start
(:mod:`.eligibility`), what a month in a service does (:mod:`.progress`, :mod:`.search`)
live beside; who pays and who produces is :mod:`sim.organising` and :mod:`.providers`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..labour.population import Firms
from ..scenario.services import FIRM_SERVICES, SERVICES, Services

SERVICE_INDEX = {name: k for k, name in enumerate(SERVICES)}

NONE = -1
MAX_INDEX = np.iinfo(np.int16).max  # providers and purchasing units, each (int16 indices)

class Coded:
    """Per-person numbers from a small set, stored as one-byte codes into that set.

    Memory: a provider's effort takes a few values (the effort grid), so a person's effort
    costs one byte instead of eight. Reads give the stored float64 values exactly;
    ``coded[idx]`` and ``coded[idx] = values`` work as on an array; kernels read
    ``values[codes[p]]`` (:func:`code_parts`).
    """

    def __init__(self, n: int, fill: float) -> None:
        """``n`` entries, all ``fill``."""
        self.values = np.array([fill], dtype=np.float64)  # the set, in order of arrival
        self.codes = np.zeros(n, dtype=np.uint8)
        self._sorted, self._order = self.values, np.zeros(1, dtype=np.uint8)

    def __getitem__(self, idx: np.ndarray | int) -> np.ndarray:
        """The values at ``idx``."""
        return self.values[self.codes[idx]]

    def __setitem__(self, idx: np.ndarray | int, values: np.ndarray | float) -> None:
        """Store ``values`` at ``idx``; a value not seen before joins the set."""
        values = np.asarray(values, dtype=np.float64)
        # Performance: services start thousands of times a month, almost always with known
        # values: one binary search in the sorted set and a check; the set grows rarely.
        pos = np.minimum(np.searchsorted(self._sorted, values), self._sorted.size - 1)
        known = self._sorted[pos] == values
        if not known.all():
            new = np.unique(values[~known])
            if self.values.size + new.size > 256:
                raise ValueError("more than 256 distinct values for one-byte codes")
            self.values = np.concatenate([self.values, new])
            self._order = np.argsort(self.values, kind="stable").astype(np.uint8)
            self._sorted = self.values[self._order]
            pos = np.searchsorted(self._sorted, values)
        self.codes[idx] = self._order[pos]

    @property
    def shape(self) -> tuple[int, ...]:
        """One entry per person, as an array's shape."""
        return self.codes.shape


def code_parts(values: Coded | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, values)`` for a kernel that reads ``values[codes[p]]``.

    A :class:`Coded` store gives its own; a plain float array (tests, references) is coded
    here by its distinct values, with the same float64 values read back.
    """
    if isinstance(values, Coded):
        return values.codes, values.values
    distinct, codes = np.unique(np.asarray(values, dtype=np.float64), return_inverse=True)
    return codes.astype(np.uint8 if distinct.size <= 256 else np.int64), distinct


@dataclass
class ServiceState:
    """Service attributes of persons and firms, one array per attribute.

    Persons hold at most one service at a time; a referral waits ``referral_wait`` months
    before its service starts. A firm may hold each firm service at once (one column each).
    """

    service: np.ndarray  # int8 person's current service index or -1
    months_left: np.ndarray  # int16 months left in it
    provider: np.ndarray  # int16 provider index or -1
    payer: np.ndarray  # int16 purchasing unit paying for it, or -1
    effort: Coded  # provider's effort for this client (float64 values, 1-byte codes)
    started: np.ndarray  # int16 month it started
    outcome_until: np.ndarray  # int16 last month in which a job counts as its outcome
    outcome_provider: np.ndarray  # int16 provider owed an outcome payment, or -1
    outcome_payer: np.ndarray  # int16 unit that would pay it
    outcome_service: np.ndarray  # int8 service the outcome belongs to
    subsidy_left: np.ndarray  # int16 months of wage subsidy left in a subsidised job
    referral_wait: np.ndarray  # int16 months until a referred service starts, -1 none
    ever_served: np.ndarray  # bool started any service since month 0
    outcome_paid: np.ndarray  # bool an outcome payment was made for this person
    outcome_found: np.ndarray  # bool a job was found within the current follow-up
    withheld: np.ndarray  # bool served below the standard, found out: per-output pay withheld
    months_unemployed: np.ndarray  # int16 months unemployed since month 0
    firm_left: np.ndarray  # int32 (firms × firm services) months left
    firm_provider: np.ndarray  # int32 (firms × firm services)
    firm_payer: np.ndarray  # int32 (firms × firm services)
    firm_class: np.ndarray  # int32 vacancy visibility class: 0 open, 1 municipality-known
    firm_start_employment: np.ndarray  # int32 (firms × firm services) employees at the start
    # (at the end of the month before it)
    firm_outcome_until: np.ndarray  # int32 (firms × firm services) last month of the follow-up
    firm_outcome_provider: np.ndarray  # int32 (firms × firm services) provider whose follow-up
    # runs, or -1 (kept after the service ends, unlike firm_provider)
    firm_last_employment: np.ndarray  # int32 per firm: employees at last month's end, -1 if
    # no firm was alive in the slot then (kept by OutcomeRecord.observe_firms)

    @classmethod
    def empty(cls, n_persons: int, n_firms: int) -> ServiceState:
        """No one in a service, no firm served, every vacancy open.

        Performance and memory: person attributes use the narrowest integer type that holds
        their values exactly (service indices in int8, months, providers and purchasing
        units in int16), since the monthly passes over all persons are bound by memory
        traffic; firm attributes (months, indices, employment) are int32. Months stay far
        below 2**15 (runs, burn-ins and follow-ups are at most 1,200 months, services 36),
        and so do providers and units (:data:`MAX_INDEX`, checked where they are made).
        """
        n = n_persons
        minus = lambda dtype: np.full(n, NONE, dtype=dtype)  # noqa: E731
        k = len(FIRM_SERVICES)
        return cls(
            minus(np.int8), np.zeros(n, np.int16), minus(np.int16), minus(np.int16),
            Coded(n, 1.0), np.zeros(n, np.int16), minus(np.int16), minus(np.int16),
            minus(np.int16), minus(np.int8), np.zeros(n, np.int16), minus(np.int16),
            np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool),
            np.zeros(n, np.int16),
            np.zeros((n_firms, k), np.int32), np.full((n_firms, k), NONE, np.int32),
            np.full((n_firms, k), NONE, np.int32), np.zeros(n_firms, np.int32),
            np.zeros((n_firms, k), np.int32), np.full((n_firms, k), NONE, np.int32),
            np.full((n_firms, k), NONE, np.int32), np.full(n_firms, NONE, np.int32),
        )

    def grow_firms(self, capacity: int) -> None:
        """Match the firm arrays to a grown firm table."""
        extra = capacity - self.firm_left.shape[0]
        if extra <= 0:
            return
        k = self.firm_left.shape[1]
        self.firm_left = np.vstack([self.firm_left, np.zeros((extra, k), np.int32)])
        self.firm_provider = np.vstack([self.firm_provider, np.full((extra, k), NONE, np.int32)])
        self.firm_payer = np.vstack([self.firm_payer, np.full((extra, k), NONE, np.int32)])
        self.firm_class = np.concatenate([self.firm_class, np.zeros(extra, np.int32)])
        none = np.full((extra, k), NONE, np.int32)
        self.firm_start_employment = np.vstack([self.firm_start_employment,
                                                np.zeros((extra, k), np.int32)])
        self.firm_outcome_until = np.vstack([self.firm_outcome_until, none])
        self.firm_outcome_provider = np.vstack([self.firm_outcome_provider, none])
        self.firm_last_employment = np.concatenate([self.firm_last_employment,
                                                    np.full(extra, NONE, np.int32)])

def firm_column(name: str) -> int:
    """Column of firm service ``name`` in the firm arrays."""
    return FIRM_SERVICES.index(name)

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
    state.outcome_found[idx] = False
    # A subsidy belongs to the job it was granted for: one who left that job and starts
    # a new service before the month's close has none left (paid once per transfer).
    state.subsidy_left[idx] = 0

def start_firms(state: ServiceState, firms: Firms, idx: np.ndarray, name: str,
                provider: np.ndarray, payer: int, strength: np.ndarray,
                spec_catalogue: Services, month: int, follow_up: int) -> None:
    """Start firm service ``name`` for firms ``idx``: its effect applies at once.

    The follow-up (the service's months plus ``follow_up``) starts with it: the provider
    and the employment at the start are kept for the outcome record
    (:meth:`sim.services.learning.OutcomeRecord.observe_firms`), the latter as at the end
    of last month (before this month's separations and hires; a firm born this month: its
    employment now), so that the follow-up spans whole months like those of its random
    control group (:func:`sim.services.learning.enrol_controls`). A follow-up of the same
    service still running is cut short, unobserved.
    """
    col = firm_column(name)
    spec = spec_catalogue.spec(name)
    state.firm_left[idx, col] = spec.duration_months
    state.firm_provider[idx, col] = provider
    state.firm_payer[idx, col] = payer
    state.firm_start_employment[idx, col] = employment_at_start(state, firms, idx, month)
    state.firm_outcome_until[idx, col] = month + spec.duration_months + follow_up
    state.firm_outcome_provider[idx, col] = provider
    firms.productivity[idx] *= 1.0 + spec.productivity_gain * strength
    gain = firms.baseline[idx] * spec.growth_gain * strength
    firms.baseline[idx] += gain
    firms.policy_gain[idx] += gain


def employment_at_start(state: ServiceState, firms: Firms, idx: np.ndarray, month: int
                        ) -> np.ndarray:
    """Employees of firms ``idx`` at the start of a follow-up in ``month``.

    As at the end of last month (before this month's separations and hires), so that the
    start month's hires count; a firm born this month: its employment now.
    """
    return np.where(firms.born[idx] == month, firms.employment[idx],
                    state.firm_last_employment[idx])

