"""Eligibility (kohderyhmät): who may start which service this month.

The rules (:func:`eligible_persons`, :func:`eligible_firms`) and, for the monthly
purchase, the same person rules as thresholds applied in one kernel pass that also groups
the eligible by home municipality (:func:`eligible_by_home`).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ..labour.population import UNEMPLOYED, Firms, Persons
from ..scenario.services import PERSON_SERVICES, Targeting
from .counts import index_type
from .state import ServiceState, firm_column


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
        kernel :func:`eligible_by_home` applies them in one pass.
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


@nb.njit(cache=True)
def _group_kernel(idx, area, counts, out):
    # Counting sort: one pass to count, one to place. Stable, so that within an area the
    # indices keep their order (a purchasing unit's pool must not depend on the grouping).
    for i in range(idx.shape[0]):
        counts[area[idx[i]] + 1] += 1
    for a in range(1, counts.shape[0]):
        counts[a] += counts[a - 1]
    fill = counts[:-1].copy()
    for i in range(idx.shape[0]):
        a = area[idx[i]]
        out[fill[a]] = idx[i]
        fill[a] += 1

def group_by_area(idx: np.ndarray, area: np.ndarray, n_areas: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Indices grouped by area, keeping their order within each area.

    Args:
        idx: int64 indices (of persons or firms).
        area: per person or firm, its municipality (0 .. n_areas - 1).
        n_areas: number of municipalities.

    Returns:
        (grouped indices, bounds): area ``a``'s indices are ``grouped[bounds[a]:bounds[a + 1]]``.
    """
    idx = np.ascontiguousarray(idx, dtype=np.int64)  # area is read as it is (no copy)
    if idx.size and (area[idx].min() < 0 or area[idx].max() >= n_areas):
        raise ValueError(f"areas must lie in 0..{n_areas - 1}")
    bounds = np.zeros(n_areas + 1, dtype=np.int64)
    grouped = np.empty(idx.size, dtype=np.int64)
    _group_kernel(idx, area, bounds, grouped)
    return grouped, bounds

@nb.njit(cache=True)
def _free_kernel(status, service, referral_wait, out):
    # Jobseekers free for a service (unemployed, in none, waiting for none), in order.
    # Branch-free: the index is always written and the count advances only for the free,
    # since a branch on randomly scattered jobseekers is mispredicted most of the time.
    k = 0
    for p in range(status.shape[0]):
        out[k] = p
        k += (status[p] == UNEMPLOYED) & (service[p] < 0) & (referral_wait[p] < 0)
    return k

@nb.njit(cache=True)
def _count_eligible_kernel(free, months, employability, home, min_months, below, above,
                           counts):
    # Pass 1 of a counting sort over the free: eligible per (service, home), shifted by
    # one. Branch-free counting, as above.
    # Returns False on a home out of range (checked here, not in another pass).
    for i in range(free.shape[0]):
        p = free[i]
        m, e, h = months[p], employability[p], home[p] + 1
        if h < 1 or h >= counts.shape[1]:
            return False
        for s in range(min_months.shape[0]):
            counts[s, h] += (m >= min_months[s]) & (e < below[s]) & (e > above[s])
    return True

@nb.njit(cache=True)
def _fill_eligible_kernel(free, months, employability, home, min_months, below, above,
                          fill, out):
    # Pass 2: place each eligible person at its service's and home's next free slot, in
    # person order within a home (as a stable sort of the eligible by home would).
    for i in range(free.shape[0]):
        p = free[i]
        m, e, h = months[p], employability[p], home[p]
        for s in range(min_months.shape[0]):
            if (m >= min_months[s]) & (e < below[s]) & (e > above[s]):
                out[s, fill[s, h]] = p
                fill[s, h] += 1

def eligible_by_home(status: np.ndarray, service: np.ndarray, referral_wait: np.ndarray,
                     months: np.ndarray, employability: np.ndarray, home: np.ndarray,
                     rules: tuple[np.ndarray, np.ndarray, np.ndarray], n_areas: int
                     ) -> list[tuple[np.ndarray, np.ndarray]]:
    """The persons eligible for each person service, grouped by home municipality.

    A person is eligible for service ``s`` when unemployed, in no service and waiting for
    no referral, with ``months >= min_months[s]`` and ``above[s] < employability <
    below[s]`` (the rules of :func:`eligibility_rules`).

    Args:
        status: per person, status code.
        service: per person, current service index or -1.
        referral_wait: per person, months until a referred service starts, -1 none.
        months: per person, unemployment duration, months.
        employability: per person, employability now.
        home: per person, home municipality.
        rules: (min_months int64, below float64, above float64), one entry per service.
        n_areas: number of municipalities.

    Returns:
        Per service, (persons grouped by home in person order, bounds): home ``a``'s
        eligible are ``persons[bounds[a]:bounds[a + 1]]``.
    """
    n = status.shape[0]
    arrays = (status, service, referral_wait, months, employability, home)
    if any(a.shape != (n,) for a in arrays):
        raise ValueError("person arrays must all have one entry per person")
    min_months, below, above = (np.ascontiguousarray(r, dtype=t)
                                for r, t in zip(rules, (np.int64, np.float64, np.float64),
                                                strict=True))
    k = min_months.shape[0]
    free = np.empty(n + 1, dtype=index_type(n))  # a spare slot for the branch-free write
    free = free[: _free_kernel(status, service, referral_wait, free)]
    counts = np.zeros((k, n_areas + 1), dtype=np.int64)
    if not _count_eligible_kernel(free, months, employability, home, min_months, below, above,
                                  counts):
        raise ValueError(f"home municipalities must lie in 0..{n_areas - 1}")
    bounds = np.cumsum(counts, axis=1)
    out = np.empty((k, max(int(bounds[:, -1].max()) if k else 0, 1)), dtype=np.int64)
    fill = np.ascontiguousarray(bounds[:, :-1])
    _fill_eligible_kernel(free, months, employability, home, min_months, below, above, fill,
                          out)
    return [(out[s, : bounds[s, -1]], bounds[s]) for s in range(k)]
