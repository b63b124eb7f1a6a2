"""Counts over the service state: providers' load, clients paid for, clients by area.

Numba passes over persons and firms in place of several numpy temporaries each.
"""

from __future__ import annotations

import numba as nb
import numpy as np


def index_type(n: int) -> type:
    """The narrowest integer type of indices into ``n`` entries (int32 below 2^31).

    Memory: transient index lists over all persons are 4 bytes a person, not 8.
    """
    return np.int32 if n < 2**31 - 1 else np.int64


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
