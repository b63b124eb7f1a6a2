"""A month in a service (palvelun kuukausi): effects while it runs and on completion.

Person services restore and raise employability; firm services raise productivity and
scale and lower the death rate; a recruitment service opens a firm's vacancies to all.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ..labour.pool import in_parts, matching_threads, person_ranges
from ..labour.population import EMPLOYED, Firms, Persons
from ..scenario.services import FIRM_SERVICES, SERVICES, Services
from .state import Coded, ServiceState, code_parts, firm_column

TRANSFERS = np.array([name in ("wage_subsidy", "start_up_grant") for name in SERVICES])
"""Per service: a transfer (tuki) paid for the months its holder works, not a service run."""


def progress_persons(state: ServiceState, persons: Persons, catalogue: Services,
                     quality: np.ndarray, parts: np.ndarray | None = None) -> None:
    """A month in person services: rehabilitation restores, completions add their gains.

    Each client's strength is its provider's quality times effort. While in a service the
    client closes ``recovery_per_month`` × strength (at most all) of the gap between its
    baseline and current employability; on completion both rise by
    ``employability_gain`` × strength (at most to 1). A person who found a job leaves the
    service, except that a transfer (a wage subsidy, or a start-up grant, whose founder
    works in the new firm from the start) follows its holder into the job for the months
    left (it is paid while they stay). One kernel pass (:func:`progress_month`), in
    ``parts`` on threads.
    """
    specs = [catalogue.spec(s) for s in SERVICES]
    progress_month(persons.status, persons.base_employability, persons.employability,
                   state.service, state.months_left, state.provider, state.payer, state.effort,
                   state.subsidy_left, quality,
                   np.array([c.recovery_per_month for c in specs], dtype=np.float64),
                   np.array([c.employability_gain for c in specs], dtype=np.float64),
                   TRANSFERS, parts)

def progress_firms(state: ServiceState) -> None:
    """A month in firm services: effects land at the start, months run down."""
    firm_services_month(state.firm_left, state.firm_provider, state.firm_payer)

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


@nb.njit(cache=True, nogil=True)
def _progress_kernel(status, base, employability, service, months_left, provider, payer,
                     effort_code, effort_value, subsidy_left, quality, recovery, gain, transfer,
                     lo, hi):
    # One pass over persons lo .. hi instead of a dozen masked numpy passes over the
    # served; each person's update reads only its own entries, so the order of work is
    # immaterial and ranges of persons run on threads.
    n_prov = quality.shape[0]
    # Performance: unsigned indices, which numba does not test for an index from the end
    # (from signed bounds, every access was tested: twice the time at Finland's scale).
    for p in range(np.uint64(lo), np.uint64(hi)):
        s = service[p]
        if s >= 0:
            q = provider[p]
            # -1: quality 1; effort: its value by its one-byte code (state.Coded)
            strength = quality[q if q >= 0 else n_prov - 1] * effort_value[effort_code[p]]
            gap = base[p] - employability[p]
            employability[p] += min(max(recovery[s] * strength, 0.0), 1.0) * max(gap, 0.0)
            hired = status[p] == EMPLOYED
            if hired and transfer[s]:
                subsidy_left[p] = months_left[p]
            months_left[p] -= 1
            done = months_left[p] <= 0 and not hired
            if done:
                g = gain[s] * strength
                base[p] = min(base[p] + g, 1.0)
                employability[p] = min(employability[p] + g, 1.0)
            if done or hired:
                service[p] = -1
                months_left[p] = 0
                provider[p] = -1
                payer[p] = -1
        if subsidy_left[p] > 0:
            if status[p] == EMPLOYED:
                subsidy_left[p] -= 1
            else:
                subsidy_left[p] = 0

def progress_month(status: np.ndarray, base: np.ndarray, employability: np.ndarray,
                   service: np.ndarray, months_left: np.ndarray, provider: np.ndarray,
                   payer: np.ndarray, effort: Coded | np.ndarray, subsidy_left: np.ndarray,
                   quality: np.ndarray, recovery: np.ndarray, gain: np.ndarray,
                   transfer: np.ndarray, parts: np.ndarray | None = None) -> None:
    """A month in person services, in place (the rule of :func:`progress_persons`).

    Args:
        status: per person, status code.
        base: per person, baseline employability (raised by a completed service).
        employability: per person, employability now.
        service: per person, service index or -1.
        months_left: per person, months left in the service.
        provider: per person, provider index or -1.
        payer: per person, paying unit or -1.
        effort: per person, the provider's effort.
        subsidy_left: per person, months of wage subsidy left in a subsidised job.
        quality: per provider, quality, with one extra last entry 1.0 for "no provider".
        recovery: per service, employability gap closed per month at strength 1.
        gain: per service, employability gain on completion at strength 1.
        transfer: per service, whether it is a transfer that follows its holder into work
            (wage subsidy, start-up grant).
        parts: bounds of ranges of persons (:func:`~sim.labour.pool.area_parts`),
            run on the calling thread's matching threads; one range when absent.
    """
    n = status.shape[0]
    for a in (base, employability, service, months_left, provider, payer, effort,
              subsidy_left):
        if a.shape != (n,):
            raise ValueError("person arrays must all have one entry per person")
    if recovery.shape != gain.shape or quality.ndim != 1 or quality.size == 0:
        raise ValueError("recovery and gain need one entry per service, quality one per "
                         "provider plus one")
    code, value = code_parts(effort)
    in_parts(_progress_kernel, (status, base, employability, service, months_left, provider,
                                payer, code, value, subsidy_left, quality, recovery, gain,
                                np.asarray(transfer, dtype=np.bool_)),
             person_ranges(parts, n), matching_threads())

@nb.njit(cache=True)
def _firm_month_kernel(left, provider, payer):
    # Entries are independent: a running service counts down; at zero it frees its slot.
    for i in range(left.shape[0]):
        if left[i] > 0:
            left[i] -= 1
            if left[i] == 0:
                provider[i] = -1
                payer[i] = -1

def firm_services_month(left: np.ndarray, provider: np.ndarray, payer: np.ndarray) -> None:
    """A month in firm services, in place: months left run down, ended ones free up.

    Args:
        left: (firms × firm services) months left, C-contiguous.
        provider: same shape, provider index or -1.
        payer: same shape, paying unit or -1.
    """
    if not (left.shape == provider.shape == payer.shape):
        raise ValueError("firm service arrays must have one shape")
    if not (left.flags.c_contiguous and provider.flags.c_contiguous
            and payer.flags.c_contiguous):
        raise ValueError("firm service arrays must be C-contiguous (updated in place)")
    _firm_month_kernel(left.reshape(-1), provider.reshape(-1), payer.reshape(-1))
