"""Numba kernels of the growth services' monthly work over persons and firms.

Ground floor of ``sim`` like :mod:`sim.kernels`: plain functions over 1-D arrays writing
into preallocated outputs, each behind a thin wrapper that checks its inputs; every kernel
is tested against a slow obvious reference in ``tests/naive.py``. The rules themselves are
stated in :mod:`sim.services` (eligibility, what a month in a service does); these kernels
only make one pass where numpy would make many.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .kernels import UNEMPLOYED


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
    idx = np.ascontiguousarray(idx, dtype=np.int64)
    area = np.ascontiguousarray(area, dtype=np.int64)
    if idx.size and (area[idx].min() < 0 or area[idx].max() >= n_areas):
        raise ValueError(f"areas must lie in 0..{n_areas - 1}")
    bounds = np.zeros(n_areas + 1, dtype=np.int64)
    grouped = np.empty(idx.size, dtype=np.int64)
    _group_kernel(idx, area, bounds, grouped)
    return grouped, bounds


@nb.njit(cache=True)
def _eligible(p, status, service, referral_wait, months, employability, min_months, below,
              above, s):
    return (status[p] == UNEMPLOYED and service[p] < 0 and referral_wait[p] < 0
            and months[p] >= min_months[s] and employability[p] < below[s]
            and employability[p] > above[s])


@nb.njit(cache=True)
def _count_eligible_kernel(status, service, referral_wait, months, employability, home,
                           min_months, below, above, counts):
    # Pass 1 of a counting sort: eligible persons per (service, home), shifted by one.
    for p in range(status.shape[0]):
        if status[p] != UNEMPLOYED or service[p] >= 0 or referral_wait[p] >= 0:
            continue  # most persons: one test and out
        for s in range(min_months.shape[0]):
            if _eligible(p, status, service, referral_wait, months, employability,
                         min_months, below, above, s):
                counts[s, home[p] + 1] += 1


@nb.njit(cache=True)
def _fill_eligible_kernel(status, service, referral_wait, months, employability, home,
                          min_months, below, above, fill, out):
    # Pass 2: place each eligible person at its service's and home's next free slot, in
    # person order within a home (as a stable sort of the eligible by home would).
    for p in range(status.shape[0]):
        if status[p] != UNEMPLOYED or service[p] >= 0 or referral_wait[p] >= 0:
            continue
        for s in range(min_months.shape[0]):
            if _eligible(p, status, service, referral_wait, months, employability,
                         min_months, below, above, s):
                out[s, fill[s, home[p]]] = p
                fill[s, home[p]] += 1


def eligible_by_home(status: np.ndarray, service: np.ndarray, referral_wait: np.ndarray,
                     months: np.ndarray, employability: np.ndarray, home: np.ndarray,
                     rules: tuple[np.ndarray, np.ndarray, np.ndarray], n_areas: int
                     ) -> list[tuple[np.ndarray, np.ndarray]]:
    """The persons eligible for each person service, grouped by home municipality.

    A person is eligible for service ``s`` when unemployed, in no service and waiting for
    no referral, with ``months >= min_months[s]`` and ``above[s] < employability <
    below[s]`` (the rules of :func:`sim.services.eligibility_rules`).

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
    if n and (home.min() < 0 or home.max() >= n_areas):
        raise ValueError(f"home municipalities must lie in 0..{n_areas - 1}")
    counts = np.zeros((k, n_areas + 1), dtype=np.int64)
    _count_eligible_kernel(status, service, referral_wait, months, employability, home,
                           min_months, below, above, counts)
    bounds = np.cumsum(counts, axis=1)
    out = np.empty((k, max(int(bounds[:, -1].max()) if k else 0, 1)), dtype=np.int64)
    fill = np.ascontiguousarray(bounds[:, :-1])
    _fill_eligible_kernel(status, service, referral_wait, months, employability, home,
                          min_months, below, above, fill, out)
    return [(out[s, : bounds[s, -1]], bounds[s]) for s in range(k)]
