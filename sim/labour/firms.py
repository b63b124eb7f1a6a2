"""Firms' month (yritysten kuukausi): deaths, layoffs due, vacancies posted, free slots.

Numba kernels over the firm table (plain functions over 1-D arrays writing into
preallocated outputs, each behind a thin wrapper that checks its inputs; no random numbers
of their own), tested against the slow references in ``tests/naive.py``.
"""

from __future__ import annotations

import numba as nb
import numpy as np


# ------------------------------------------------------------------------- firm deaths
def size_power_table(largest: int, exponent: float) -> np.ndarray:
    """max(e, 1) ** exponent for e = 0..largest, computed by numpy.

    Performance: employment is a small integer, so the month's per-firm power (hundreds of
    thousands of ``pow`` calls) becomes a lookup in this table. The table is computed with
    the very numpy operation the per-firm power used, element by element, so the lookup
    gives the same bits (numpy's elementwise power does not depend on the array around it).
    """
    return np.maximum(np.arange(largest + 1, dtype=np.int64), 1) ** exponent

@nb.njit(cache=True)
def _deaths_kernel(u, employment, size_power, rate, survival, alive, vacancies, muni, dead,
                   deaths_by_area):
    n_dead = 0
    for f in range(alive.shape[0]):
        # Same operations in the same order as rate · size^x, then × survival.
        p = rate * size_power[employment[f]]
        p *= survival[f]
        d = alive[f] and u[f] < p
        dead[f] = d
        if d:
            alive[f] = False
            vacancies[f] = 0
            deaths_by_area[muni[f]] += 1
            n_dead += 1
    return n_dead

def firm_deaths(
    u: np.ndarray,
    employment: np.ndarray,
    size_power: np.ndarray,
    rate: float,
    survival: np.ndarray,
    alive: np.ndarray,
    vacancies: np.ndarray,
    muni: np.ndarray,
    dead: np.ndarray,
    deaths_by_area: np.ndarray,
) -> int:
    """Firms die (yritysten kuolemat): firm f dies when alive and u[f] < p[f].

    p[f] = ``rate`` · ``size_power[employment[f]]`` · ``survival[f]`` (the size table of
    :func:`size_power_table`, the services' survival factor). A dead firm is no longer
    alive and its vacancies close; ``dead`` (bool, per firm) marks this month's deaths and
    ``deaths_by_area`` counts them by municipality. Returns the number of deaths.
    """
    n = alive.shape[0]
    for name, arr in (("u", u), ("employment", employment), ("survival", survival),
                      ("vacancies", vacancies), ("muni", muni), ("dead", dead)):
        if arr.shape[0] != n:
            raise ValueError(f"{name} has {arr.shape[0]} entries, alive has {n}")
    if n and int(employment.max()) >= size_power.shape[0]:
        raise ValueError("size_power is shorter than the largest employment")
    return _deaths_kernel(u, employment, size_power, float(rate), survival, alive, vacancies,
                          muni, dead, deaths_by_area)

# ------------------------------------------------------------------ desired employment
@nb.njit(cache=True)
def _layoff_need_kernel(demand, alive, employment, dead, need):
    needed = 0
    for f in range(alive.shape[0]):
        k = 0
        if alive[f]:
            k = employment[f] - np.int64(np.rint(demand[f]))
            if k < 0:
                k = 0
        need[f] = k
        e = employment[f]
        if (k if k < e else e) > 0 and not dead[f]:
            needed += e
    return needed

def layoff_need(
    demand: np.ndarray,
    alive: np.ndarray,
    employment: np.ndarray,
    dead: np.ndarray,
    need: np.ndarray,
) -> int:
    """Layoffs due per firm, written into ``need``: employment above rint(demand), alive only.

    Returns :func:`sim.labour.flows.layoff_uniforms_needed` for that ``need`` (one pass
    instead of a dozen numpy temporaries over all firm slots).
    """
    return _layoff_need_kernel(demand, alive, employment, dead, need)

@nb.njit(cache=True)
def _open_vacancies_kernel(demand, alive, employment, vacancies):
    for f in range(alive.shape[0]):
        v = 0
        if alive[f]:
            v = np.int64(np.rint(demand[f])) - employment[f]
            if v < 0:
                v = 0
        vacancies[f] = v

def open_vacancies(
    demand: np.ndarray, alive: np.ndarray, employment: np.ndarray, vacancies: np.ndarray
) -> None:
    """Every live firm below its desired size (rint of demand) posts the gap (avoimet työpaikat)."""
    _open_vacancies_kernel(demand, alive, employment, vacancies)

# ------------------------------------------------------------------------- free slots
ALL_ALIVE = np.uint64(0x0101010101010101)
"""Eight live slots' ``alive`` flags (a bool is the byte 1) read as one 64-bit word."""

@nb.njit(cache=True)
def _free_slots_kernel(alive_words, alive, employment, slots):
    # Performance: the free slots lie past the long run of live firms at the table's start,
    # so the scan skips eight live slots at a time by reading their flags as one word.
    k = 0
    n = alive.shape[0]
    for w in range((n + 7) // 8):
        if w < alive_words.shape[0] and alive_words[w] == ALL_ALIVE:
            continue
        for f in range(8 * w, min(8 * w + 8, n)):
            if k == slots.shape[0]:
                return k
            if not alive[f] and employment[f] == 0:
                slots[k] = f
                k += 1
    return k

def free_slots(alive: np.ndarray, employment: np.ndarray, n: int) -> np.ndarray:
    """The first ``n`` slots free for a new firm (dead, employing none), in slot order.

    Fewer when fewer are free. Performance: new firms are opened some twenty times a month
    at national scale (one founder's start-up grant each), each wanting a few slots; the
    scan stops at the ``n``-th free slot instead of masking the whole firm table and
    listing every free slot (int64, as ``np.flatnonzero`` gives them).
    """
    if employment.shape != alive.shape:
        raise ValueError(f"employment has {employment.shape[0]} entries, alive has "
                         f"{alive.shape[0]}")
    alive = np.ascontiguousarray(alive, dtype=np.bool_)
    words = alive[: alive.shape[0] // 8 * 8].view(np.uint64)  # no copy
    slots = np.empty(max(int(n), 0), dtype=np.int64)
    return slots[: _free_slots_kernel(words, alive, employment, slots)]
