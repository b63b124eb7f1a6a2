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

from .kernels import EMPLOYED, UNEMPLOYED


def index_type(n: int) -> type:
    """The narrowest integer type of indices into ``n`` entries (int32 below 2^31).

    Memory: transient index lists over all persons are 4 bytes a person, not 8.
    """
    return np.int32 if n < 2**31 - 1 else np.int64


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


@nb.njit(cache=True)
def _progress_kernel(status, base, employability, service, months_left, provider, payer,
                     effort, subsidy_left, quality, recovery, gain, wage_subsidy):
    # One pass over persons instead of a dozen masked numpy passes over the served; each
    # person's update reads only its own entries, so the order of work is immaterial.
    n_prov = quality.shape[0]
    for p in range(status.shape[0]):
        s = service[p]
        if s >= 0:
            q = provider[p]
            strength = quality[q if q >= 0 else n_prov - 1] * effort[p]  # -1: quality 1
            gap = base[p] - employability[p]
            employability[p] += min(max(recovery[s] * strength, 0.0), 1.0) * max(gap, 0.0)
            hired = status[p] == EMPLOYED
            if hired and s == wage_subsidy:
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
                   payer: np.ndarray, effort: np.ndarray, subsidy_left: np.ndarray,
                   quality: np.ndarray, recovery: np.ndarray, gain: np.ndarray,
                   wage_subsidy: int) -> None:
    """A month in person services, in place (the rule of :func:`sim.services.progress_persons`).

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
        wage_subsidy: index of the wage subsidy service.
    """
    n = status.shape[0]
    for a in (base, employability, service, months_left, provider, payer, effort,
              subsidy_left):
        if a.shape != (n,):
            raise ValueError("person arrays must all have one entry per person")
    if recovery.shape != gain.shape or quality.ndim != 1 or quality.size == 0:
        raise ValueError("recovery and gain need one entry per service, quality one per "
                         "provider plus one")
    _progress_kernel(status, base, employability, service, months_left, provider, payer,
                     effort, subsidy_left, quality, recovery, gain, int(wage_subsidy))


@nb.njit(cache=True)
def _search_kernel(service, provider, effort, seekers, u, quality, extra, lock, score,
                   base_apps, out_apps, out_boost):
    # The uniforms belong to the persons in a service, in person order; walk all persons
    # to consume them in that order but write only the seekers' entries (no per-person
    # arrays for the whole population).
    n_prov = quality.shape[0]
    k = 0
    j = 0
    n_seekers = seekers.shape[0]
    for p in range(service.shape[0]):
        s = service[p]
        apps = base_apps
        boost = 1.0
        if s >= 0 and k < u.shape[0]:  # (a short u is caught by the wrapper)
            q = provider[p]
            strength = quality[q if q >= 0 else n_prov - 1] * effort[p]
            expected = (base_apps + extra[s] * min(strength, 2.0)) * (1.0 - lock[s])
            apps = np.int64(np.floor(expected + u[k]))
            boost = 1.0 + score[s] * strength
        if s >= 0:
            k += 1
        if j < n_seekers and seekers[j] == p:
            out_apps[j] = apps
            out_boost[j] = boost
            j += 1
    return k, j


def seeker_modifiers(service: np.ndarray, provider: np.ndarray, effort: np.ndarray,
                     seekers: np.ndarray, u: np.ndarray, quality: np.ndarray,
                     extra: np.ndarray, lock: np.ndarray, score: np.ndarray,
                     base_apps: int) -> tuple[np.ndarray, np.ndarray]:
    """Applications and score multipliers of the seekers (rule of ``search_modifiers``).

    Args:
        service: per person, service index or -1.
        provider: per person, provider index or -1.
        effort: per person, the provider's effort.
        seekers: ascending indices of the persons searching this month.
        u: one uniform per person in a service, in person order (randomised rounding).
        quality: per provider, quality, plus a last entry 1.0 for "no provider".
        extra: per service, extra applications at strength 1.
        lock: per service, lock-in (share of applications lost).
        score: per service, score boost at strength 1.
        base_apps: applications per month without a service.

    Returns:
        (applications int64, score multiplier float64), one entry per seeker.
    """
    seekers = np.ascontiguousarray(seekers, dtype=np.int64)
    apps = np.empty(seekers.size, dtype=np.int64)
    boost = np.empty(seekers.size)
    used, placed = _search_kernel(service, provider, effort, seekers, u, quality, extra, lock,
                                  score, int(base_apps), apps, boost)
    # The kernel checks as it goes: every uniform used once, every seeker met in order.
    if used != u.shape[0]:
        raise ValueError("u needs one uniform per person in a service")
    if placed != seekers.size:
        raise ValueError("seekers must be ascending indices of persons")
    return apps, boost


@nb.njit(cache=True)
def _load_kernel(provider, service, need, out):
    # Sequential in person order, as np.bincount with weights adds: the same sums.
    # Returns False on a provider index out of range (checked here, not in another pass).
    for p in range(provider.shape[0]):
        q = provider[p]
        if q >= 0:
            if q >= out.shape[0]:
                return False
            out[q] += need[service[p]]
    return True


def provider_load(provider: np.ndarray, service: np.ndarray, need: np.ndarray,
                  n_providers: int) -> np.ndarray:
    """Capacity each provider's clients use: the sum of ``need[service]`` per provider.

    Args:
        provider: per person, provider index or -1 (not counted).
        service: per person, service index.
        need: per service, capacity a client uses.
        n_providers: number of providers.

    Returns:
        float64 load per provider.
    """
    if provider.shape != service.shape:
        raise ValueError("provider and service need one entry per person")
    out = np.zeros(n_providers)
    if not _load_kernel(provider, service, np.asarray(need, dtype=np.float64), out):
        raise ValueError(f"providers must lie in -1..{n_providers - 1}")
    return out


@nb.njit(cache=True)
def _served_kernel(service, provider, out):
    # Branch-free collection of the persons served by a provider (see _free_kernel).
    k = 0
    for p in range(service.shape[0]):
        out[k] = p
        k += (service[p] >= 0) & (provider[p] >= 0)
    return k


def served_by_providers(service: np.ndarray, provider: np.ndarray) -> np.ndarray:
    """Ascending indices of the persons in a service bought from a provider."""
    if provider.shape != service.shape:
        raise ValueError("provider and service need one entry per person")
    out = np.empty(service.size + 1, dtype=index_type(service.size))  # + a spare slot
    return out[: _served_kernel(service, provider, out)]


@nb.njit(cache=True)
def _clients_kernel(service, home, out):
    # Returns False on a home out of range (checked here, not in another pass).
    for p in range(service.shape[0]):
        h = home[p]
        if h < 0 or h >= out.shape[0]:
            return False
        out[h] += service[p] >= 0
    return True


def clients_by_area(service: np.ndarray, home: np.ndarray, n_areas: int) -> np.ndarray:
    """Persons in a service, per home municipality (int64)."""
    if home.shape != service.shape:
        raise ValueError("service and home need one entry per person")
    out = np.zeros(n_areas, dtype=np.int64)
    if not _clients_kernel(service, home, out):
        raise ValueError(f"home municipalities must lie in 0..{n_areas - 1}")
    return out


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


@nb.njit(cache=True)
def _served_firms_kernel(left, alive, muni, out):
    for f in range(alive.shape[0]):
        if alive[f]:
            for c in range(left.shape[1]):
                if left[f, c] > 0:
                    out[muni[f]] += 1
                    break


def served_firms_by_area(left: np.ndarray, alive: np.ndarray, muni: np.ndarray,
                         n_areas: int) -> np.ndarray:
    """Living firms in at least one firm service, per municipality (int64).

    Args:
        left: (at least firms × firm services) months left; rows past ``alive`` ignored.
        alive: per firm, whether it lives.
        muni: per firm, its municipality.
        n_areas: number of municipalities.
    """
    if left.ndim != 2 or left.shape[0] < alive.shape[0] or muni.shape != alive.shape:
        raise ValueError("need a (firms × services) array and one alive and muni per firm")
    out = np.zeros(n_areas, dtype=np.int64)
    _served_firms_kernel(left, alive, muni, out)
    return out
