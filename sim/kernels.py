"""Numba kernels: the person- and firm-level loops of the monthly step.

Ground floor of ``sim``: plain functions over 1-D (and a few 2-D) numpy arrays that write
into preallocated outputs and import nothing of the project. Each public wrapper validates
its inputs and calls a private ``_kernel``; the loops inside allocate nothing. Scratch
arrays come from a :class:`Workspace`, which a model keeps between months so that a month
allocates (almost) nothing either. The kernels draw no random numbers of their own: every
uniform they use is drawn by the caller from the model's generator and passed in, which
makes them deterministic functions of their inputs, so that tests can compare them with
slow references (``tests/naive.py``) match for match.

Status codes of persons are module constants so that later services can add their own.
"""

from __future__ import annotations

import numba as nb
import numpy as np

# The matching kernel and the scratch-array holder live in kernels_match (module size).
from .kernels_match import Workspace, match

EMPLOYED = 0
UNEMPLOYED = 1

__all__ = ["EMPLOYED", "UNEMPLOYED", "Workspace", "age", "firm_deaths", "layoff_need",
           "keep_unfilled", "layoff_uniforms_needed", "match", "open_vacancies",
           "screen_vacancies", "seekers", "separate", "size_power_table", "stocks",
           "take_jobs"]


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

    Returns :func:`layoff_uniforms_needed` for that ``need`` (one pass instead of a dozen
    numpy temporaries over all firm slots).
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


# ---------------------------------------------------------------------------- seekers
@nb.njit(cache=True)
def _count_unemployed(status):
    n = 0
    for p in range(status.shape[0]):
        n += status[p] == UNEMPLOYED
    return n


@nb.njit(cache=True)
def _seekers_kernel(status, home, out, by_area):
    n = 0
    for p in range(status.shape[0]):
        if status[p] == UNEMPLOYED:
            out[n] = p
            by_area[home[p]] += 1
            n += 1
    return n


def seekers(status: np.ndarray, home: np.ndarray, by_area: np.ndarray) -> np.ndarray:
    """Indices of the unemployed (työnhakijat), ascending; adds their count by home to ``by_area``.

    Two passes over the (one-byte) statuses, counting and then filling an array of exactly
    the seekers' size, instead of a comparison, a ``flatnonzero`` and a ``bincount``. Memory:
    no scratch array the size of the labour force.
    """
    out = np.empty(_count_unemployed(status), dtype=np.int64)
    _seekers_kernel(status, home, out, by_area)
    return out


# ------------------------------------------------------------------------ separations
@nb.njit(cache=True)
def _release(p, f, employer, status, unemployment_months, firm_emp, home, out_by_area):
    employer[p] = -1
    status[p] = UNEMPLOYED
    unemployment_months[p] = 0
    firm_emp[f] -= 1
    out_by_area[home[p]] += 1


@nb.njit(cache=True)
def _separate_kernel(
    employer,
    status,
    home,
    unemployment_months,
    firm_state,
    firm_need,
    firm_left,
    quitters,
    u_layoff,
    firm_emp,
    out_by_area,
):
    """Releases of dead and shrinking firms in one pass over persons, then the quitters.

    Performance: the per-person test is one byte per firm (``firm_state``: 0 untouched,
    1 dead, 2 shrinking), looked up in a table small enough for the cache; the quitters, a
    few thousand, are handled in a second pass over their own list rather than by merging
    them into the person loop. A quitter already released by a death or layoff is skipped
    there, and a quit consumes no uniform, so the result is that of the one-pass rule.
    """
    released = 0
    j = 0
    for p in range(employer.shape[0]):
        f = employer[p]
        if f < 0:
            continue
        state = firm_state[f]
        if state == 0:
            continue
        if state == 2:
            # Selection sampling (Knuth's Algorithm S): keep need/left odds so that exactly
            # firm_need of the firm's workers are laid off, each set equally likely.
            chosen = u_layoff[j] * firm_left[f] < firm_need[f]
            j += 1
            firm_left[f] -= 1
            if not chosen:
                continue
            firm_need[f] -= 1
            if firm_need[f] == 0:
                firm_state[f] = 0  # sample complete: the rest of its workers draw nothing
        _release(p, f, employer, status, unemployment_months, firm_emp, home, out_by_area)
        released += 1
    n = employer.shape[0]
    for q in range(quitters.shape[0]):
        p = quitters[q]
        if p < 0 or p >= n:
            continue
        f = employer[p]
        if f >= 0:
            _release(p, f, employer, status, unemployment_months, firm_emp, home, out_by_area)
            released += 1
    return released


@nb.njit(cache=True)
def _prepare_layoffs(firm_dead, firm_need, firm_emp, firm_state, need, left):
    """Per firm: state (0 untouched, 1 dead, 2 laying off), layoffs due, workers to visit.

    Returns the uniforms the layoffs may consume: one per worker of a firm that lays off.
    One pass instead of half a dozen numpy temporaries over all firm slots.
    """
    needed = 0
    for f in range(firm_emp.shape[0]):
        e = firm_emp[f]
        k = firm_need[f] if firm_need[f] < e else e
        need[f] = k
        left[f] = e
        if firm_dead[f]:
            firm_state[f] = 1
        elif k > 0:
            firm_state[f] = 2
            needed += e
        else:
            firm_state[f] = 0
    return needed


def separate(
    employer: np.ndarray,
    status: np.ndarray,
    home: np.ndarray,
    unemployment_months: np.ndarray,
    firm_dead: np.ndarray,
    firm_need: np.ndarray,
    quitters: np.ndarray,
    u_layoff: np.ndarray,
    firm_emp: np.ndarray,
    out_by_area: np.ndarray,
    workspace: Workspace | None = None,
) -> int:
    """Move workers into unemployment (erot): firm deaths, layoffs and other separations.

    A worker of a dead firm is released. A firm with ``firm_need[f] > 0`` lays off exactly
    that many of its workers (at most all), a uniformly random set, chosen in one pass by
    selection sampling: its workers are visited in person order and, while layoffs are
    still needed, each takes the next uniform of ``u_layoff`` (one sequence shared by all
    firms) and is laid off when (workers still to visit) · u < (layoffs still needed).
    Any other worker listed in ``quitters`` (sorted person indices) leaves too.
    ``employer``, ``status``, ``unemployment_months``, ``firm_emp`` and ``out_by_area``
    (separations by home municipality) are updated in place; ``workspace`` holds scratch
    arrays reused between calls. Returns the number released.
    """
    if quitters.size and np.any(np.diff(quitters) < 0):
        raise ValueError("quitters must be sorted")
    ws = Workspace() if workspace is None else workspace
    n_firms = firm_emp.shape[0]
    firm_state = ws.get("sep_state", n_firms, np.uint8)
    need = ws.get("sep_need", n_firms)
    left = ws.get("sep_left", n_firms)
    needed_uniforms = _prepare_layoffs(firm_dead, firm_need, firm_emp, firm_state, need, left)
    if u_layoff.shape[0] < needed_uniforms:
        raise ValueError(f"u_layoff has {u_layoff.shape[0]} uniforms, {needed_uniforms} needed")
    return _separate_kernel(
        employer,
        status,
        home,
        unemployment_months,
        firm_state,
        need,
        left,
        quitters,
        u_layoff,
        firm_emp,
        out_by_area,
    )


def layoff_uniforms_needed(
    firm_need: np.ndarray, firm_emp: np.ndarray, firm_dead: np.ndarray
) -> int:
    """How many uniforms :func:`separate` may consume for these firms (an upper bound).

    One per worker of a firm that lays off and does not die; a firm stops drawing once
    its layoffs are complete, so fewer are usually used, always the first ones, in order.
    """
    return int(firm_emp[(np.minimum(firm_need, firm_emp) > 0) & ~firm_dead].sum())


# ------------------------------------------------------------------- around matching
@nb.njit(cache=True)
def _screen_kernel(u, share, vacancies, open_now):
    for f in range(u.shape[0]):
        open_now[f] = vacancies[f] if u[f] < share else 0


def screen_vacancies(
    u: np.ndarray, share: float, vacancies: np.ndarray, open_now: np.ndarray
) -> None:
    """Vacancies open to this month's matching: a firm's when it screens (u < share), else 0.

    Firm f screens applicants this month when ``u[f] < share``; ``open_now`` gets its
    vacancies then and 0 otherwise (one pass instead of a mask and a ``where``).
    """
    _screen_kernel(u, float(share), vacancies, open_now)


@nb.njit(cache=True)
def _unscreen_kernel(u, share, open_now, vacancies):
    for f in range(u.shape[0]):
        if u[f] < share:
            vacancies[f] = open_now[f]


def keep_unfilled(u: np.ndarray, share: float, open_now: np.ndarray,
                  vacancies: np.ndarray) -> None:
    """After matching, screening firms keep what is left of ``open_now`` as vacancies."""
    _unscreen_kernel(u, float(share), open_now, vacancies)


@nb.njit(cache=True)
def _take_jobs_kernel(seekers, hired, s_home, employer, status, unemployment_months,
                      hires_by_area, new):
    n = 0
    for i in range(seekers.shape[0]):
        f = hired[i]
        if f >= 0:
            p = seekers[i]
            employer[p] = f
            status[p] = EMPLOYED
            unemployment_months[p] = 0
            hires_by_area[s_home[i]] += 1
            new[n] = p
            n += 1
    return n


def take_jobs(
    seekers: np.ndarray,
    hired: np.ndarray,
    s_home: np.ndarray,
    employer: np.ndarray,
    status: np.ndarray,
    unemployment_months: np.ndarray,
    hires_by_area: np.ndarray,
) -> np.ndarray:
    """Seekers hired by matching (``hired[i]`` ≥ 0) start work; returns them, in order.

    Each becomes employed by its firm with its spell reset, and counts as a hire in its
    home municipality (``s_home[i]``).
    """
    if hired.shape[0] != seekers.shape[0] or s_home.shape[0] != seekers.shape[0]:
        raise ValueError("seekers, hired and s_home must have the same length")
    new = np.empty(seekers.shape[0], dtype=np.int64)
    n = _take_jobs_kernel(seekers, hired, s_home, employer, status, unemployment_months,
                          hires_by_area, new)
    return new[:n]


# ----------------------------------------------------------------------------- ageing
@nb.njit(cache=True)
def _age_kernel(status, unemployment_months, employability, base, scarring, recovery, floor,
                months_not_employed, count_not_employed):
    keep = 1.0 - scarring
    for p in range(status.shape[0]):
        st = status[p]
        if st == UNEMPLOYED:
            unemployment_months[p] += 1
            e = employability[p] * keep
            employability[p] = e if e > floor else floor
        elif st == EMPLOYED:
            employability[p] += recovery * (base[p] - employability[p])
        # Performance: the services' count of months out of work, in the same pass.
        if count_not_employed and st != EMPLOYED:
            months_not_employed[p] += 1


def age(
    status: np.ndarray,
    unemployment_months: np.ndarray,
    employability: np.ndarray,
    base: np.ndarray,
    scarring: float,
    recovery: float,
    floor: float,
    months_not_employed: np.ndarray | None = None,
) -> None:
    """End of month: unemployment lengthens and scars, work restores employability.

    An unemployed person's spell grows by a month and its employability falls by the share
    ``scarring`` (never below ``floor``); an employed person's recovers the share
    ``recovery`` of its gap to ``base``. Other statuses are left alone. When
    ``months_not_employed`` is given, every person not employed adds a month to it.
    """
    count = months_not_employed is not None
    if count and months_not_employed.shape[0] != status.shape[0]:
        raise ValueError("months_not_employed must have one entry per person")
    _age_kernel(
        status,
        unemployment_months,
        employability,
        base,
        float(scarring),
        float(recovery),
        float(floor),
        months_not_employed if count else unemployment_months[:0],
        count,
    )


# ------------------------------------------------------------------------------ stats
@nb.njit(cache=True)
def _stocks_kernel(
    home, status, unemployment_months, long_term, firm_muni, firm_alive, firm_emp, firm_vac, out
):
    n_areas = out.shape[0] - 1
    for a in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[a, c] = 0.0
    # Performance: counts go into local integers and are flushed into ``out`` when the
    # home municipality changes. Persons are stored municipality by municipality, so this
    # is a few flushes a month, and it removes the chain of read-modify-writes of the same
    # four cells of ``out`` that bounded the loop. Integer counts give the same floats.
    cur = -1
    lf = 0
    emp = 0
    unemp = 0
    lt = 0
    for p in range(home.shape[0]):
        h = home[p]
        if h != cur:
            if cur >= 0:
                out[cur, 0] += lf
                out[cur, 1] += emp
                out[cur, 2] += unemp
                out[cur, 3] += lt
            cur = h
            lf = 0
            emp = 0
            unemp = 0
            lt = 0
        st = status[p]
        lf += 1
        emp += st == EMPLOYED
        if st == UNEMPLOYED:
            unemp += 1
            lt += unemployment_months[p] >= long_term
    if cur >= 0:
        out[cur, 0] += lf
        out[cur, 1] += emp
        out[cur, 2] += unemp
        out[cur, 3] += lt
    for f in range(firm_muni.shape[0]):
        if firm_alive[f]:
            m = firm_muni[f]
            out[m, 4] += 1.0
            out[m, 5] += firm_emp[f]
            out[m, 6] += firm_vac[f]
    for c in range(out.shape[1]):
        total = 0.0
        for a in range(n_areas):
            total += out[a, c]
        out[n_areas, c] = total


STOCK_COLUMNS = (
    "labour_force",
    "employed",
    "unemployed",
    "long_term_unemployed",
    "firms",
    "firm_employment",
    "vacancies",
)


def stocks(
    home: np.ndarray,
    status: np.ndarray,
    unemployment_months: np.ndarray,
    long_term: int,
    firm_muni: np.ndarray,
    firm_alive: np.ndarray,
    firm_emp: np.ndarray,
    firm_vac: np.ndarray,
    n_areas: int,
) -> np.ndarray:
    """Stocks per area in one pass over persons and firms; the last row is the region.

    Columns are :data:`STOCK_COLUMNS`. Persons count in their home municipality, firms and
    their jobs in the firm's municipality.
    """
    out = np.empty((n_areas + 1, len(STOCK_COLUMNS)), dtype=np.float64)
    _stocks_kernel(
        home,
        status,
        unemployment_months,
        int(long_term),
        firm_muni,
        firm_alive,
        firm_emp,
        firm_vac,
        out,
    )
    return out
