"""People's flows (virrat): who seeks work, who leaves a job, who starts one, spells age.

Numba kernels over the person table (plain functions over 1-D arrays writing into
preallocated outputs, each behind a thin wrapper that checks its inputs; every uniform they
use comes from the caller, drawn from the model's generator or as a stream key whose numbers
the kernel computes, :mod:`.draws`), tested against the slow references in
``tests/naive.py``.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .draws import draw, uniforms_or_key
from .pool import in_parts, matching_threads, person_ranges
from .population import EMPLOYED, OUTSIDE, UNEMPLOYED
from .workspace import Workspace

SQRT3 = math.sqrt(3.0)


def bernoulli_indices(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    """Sorted indices of the successes among ``n`` independent Bernoulli(``p``) trials.

    Performance: the gaps between successes are geometric, so drawing about n·p gaps
    replaces n uniforms (n is the whole labour force, n·p a few thousand).
    """
    if p <= 0.0 or n == 0:
        return np.empty(0, dtype=np.int64)
    if p >= 1.0:
        return np.arange(n, dtype=np.int64)
    expected = n * p
    chunk = int(expected + 6.0 * math.sqrt(expected) + 16)
    positions = np.cumsum(rng.geometric(p, size=chunk)) - 1
    while positions[-1] < n:
        more = np.cumsum(rng.geometric(p, size=chunk)) + positions[-1]
        positions = np.concatenate([positions, more])
    return positions[positions < n].astype(np.int64)


# ---------------------------------------------------------------------------- seekers
@nb.njit(cache=True)
def _count_unemployed(status, bounds, starts):
    # Where each range's unemployed start in the list of all; starts[-1]: all of them.
    # Performance: unsigned indices, so that the count is vectorised (1.4 → 0.2 ms).
    n = 0
    for k in range(bounds.shape[0] - 1):
        starts[k] = n
        for p in range(np.uint64(bounds[k]), np.uint64(bounds[k + 1])):
            n += status[p] == UNEMPLOYED
    starts[-1] = n

@nb.njit(cache=True, nogil=True)
def _seekers_kernel(status, home, out, by_area, start, lo, hi):
    # Persons lo .. hi, a range that splits no municipality (pool.area_parts), so ranges
    # run on threads: each fills its own places of ``out``, from ``start``, and adds to its
    # own homes' counts.
    n = start
    # Performance: unsigned indices, which numba does not test for an index from the end
    # (from signed bounds, every access was tested: twice the time at Finland's scale).
    for p in range(np.uint64(lo), np.uint64(hi)):
        if status[p] == UNEMPLOYED:
            out[n] = p
            by_area[home[p]] += 1
            n += 1

def seekers(status: np.ndarray, home: np.ndarray, by_area: np.ndarray,
            parts: np.ndarray | None = None) -> np.ndarray:
    """Indices of the unemployed (työnhakijat), ascending; adds their count by home to ``by_area``.

    Two passes over the (one-byte) statuses, counting and then filling an array of exactly
    the seekers' size, instead of a comparison, a ``flatnonzero`` and a ``bincount``. Memory:
    no scratch array the size of the labour force. ``parts``: ranges of persons that split
    no municipality (:func:`~sim.labour.pool.area_parts`), filled on the matching threads;
    one range when absent.
    """
    bounds = person_ranges(parts, status.shape[0], home)
    starts = np.empty(bounds.size, dtype=np.int64)
    _count_unemployed(status, bounds, starts)
    out = np.empty(starts[-1], dtype=np.int64)
    in_parts(_seekers_kernel, (status, home, out, by_area), bounds, matching_threads(),
             each=starts)
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

def move_jobs(movers: np.ndarray, new_firm: np.ndarray, home: np.ndarray,
              employer: np.ndarray, firm_emp: np.ndarray, moves_by_area: np.ndarray) -> None:
    """Employed persons change jobs (työpaikan vaihto): job-to-job moves.

    Matching has already counted each mover in ``new_firm``'s employment; here each leaves
    its old employer, whose post reopens as a vacancy next month (a vacancy chain), and
    counts as a job-to-job move in its home municipality.
    """
    if movers.shape[0] != new_firm.shape[0]:
        raise ValueError("movers and new_firm must have the same length")
    old = employer[movers]
    if movers.size and (old < 0).any():
        raise ValueError("a job-to-job mover must hold a job")
    np.subtract.at(firm_emp, old, 1)
    employer[movers] = new_firm
    np.add.at(moves_by_area, home[movers], 1)


@nb.njit(cache=True, nogil=True)
def _on_the_job_kernel(u, key, rate, status, busy, employer, home, firm_value, firm_muni,
                       distance_km, commute_cost, gain, out, reserve, at, lo, hi):
    # Persons lo .. hi. Called twice: with an empty ``out`` it counts the range's
    # searchers into at[0]; then it fills ``out`` (of one entry more than all the ranges'
    # searchers) from at[0], where the ranges before it end (memory: nothing the size of
    # the population). Ranges run on threads: a person's uniform is its own (number d).
    # Performance: no branch on who searches (a third of the employed, at random, which
    # the processor cannot predict): every person is written at the next free place and
    # kept by advancing it; the jobs' values follow in a loop of their own. Measured at
    # Finland's scale: 31 ms → 16 ms a month. A range stops at its last searcher, so that
    # it never writes the first place of the next range's.
    fill = out.shape[0] > 0
    start = at[0] if fill else 0
    n = start
    last = start + at[1] if fill else 0
    # Performance: unsigned indices, which numba does not test for an index from the end
    # (from signed bounds, every access was tested: twice the time at Finland's scale).
    for d in range(np.uint64(lo), np.uint64(hi)):
        if fill and n == last:
            break
        hit = (status[d] == EMPLOYED) & (not busy[d]) & (draw(u, key, d) < rate)
        if fill:
            out[n] = d
        n += hit
    if not fill:
        at[0] = n
        return
    for k in range(start, n):
        d = out[k]
        f = employer[d]
        reserve[k] = firm_value[f] - commute_cost * distance_km[home[d], firm_muni[f]] + gain


def on_the_job_searchers(u: np.ndarray | int, rate: float, status: np.ndarray,
                         busy: np.ndarray, employer: np.ndarray, home: np.ndarray,
                         firm_value: np.ndarray, firm_muni: np.ndarray,
                         distance_km: np.ndarray, commute_cost: float,
                         gain: float, parts: np.ndarray | None = None
                         ) -> tuple[np.ndarray, np.ndarray]:
    """On-the-job search (työnhaku työstä): who searches this month, and what they hold.

    Person p searches when employed, not ``busy`` and its uniform ``u[p]`` is below
    ``rate``; ``u`` is an array with one entry per person or a stream key (:mod:`.draws`,
    the stream's number p). Each searcher holds a job worth its pay (``firm_value``) minus
    commuting cost, and a new offer must beat that by ``gain``. Returns the searchers
    (ascending) and those reservation values. ``parts``: ranges of persons run on the
    matching threads (one range when absent); the result is the same on any number.

    Performance: a kernel computes each person's uniform where it needs it, instead of an
    array of uniforms or geometric gaps drawn ahead; it counts, then fills arrays of the
    searchers' size.
    """
    n = status.shape[0]
    if busy.shape[0] != n or employer.shape[0] != n or home.shape[0] != n:
        raise ValueError("busy, employer and home need one entry per person")
    u, key = uniforms_or_key(u, n)
    bounds = person_ranges(parts, n)
    args = (u, key, float(rate), status, busy, employer, home, firm_value, firm_muni,
            distance_km, float(commute_cost), float(gain))
    at = np.zeros((bounds.size - 1, 2), dtype=np.int64)  # per range: its count, then start
    threads = matching_threads()
    in_parts(_on_the_job_kernel, (*args, np.empty(0, dtype=np.int64), np.empty(0)), bounds,
             threads, each=at)
    counts = at[:, 0].copy()
    at[:, 0] = np.cumsum(counts) - counts
    at[:, 1] = counts
    k = int(counts.sum())
    out, reserve = np.empty(k + 1, dtype=np.int64), np.empty(k + 1)
    in_parts(_on_the_job_kernel, (*args, out, reserve), bounds, threads, each=at)
    return out[:k], reserve[:k]


def destroyed_matches(shocked: np.ndarray, status: np.ndarray, employability: np.ndarray,
                      fit: np.ndarray, u: np.ndarray, noise: float, standard: float,
                      index: float) -> np.ndarray:
    """Jobs that end when their match productivity is drawn anew (cyclical separations).

    Of the ``shocked`` persons (sorted), those employed whose employability × fit ×
    exp(noise·√3·(2u − 1)) × ``index`` falls below the hiring ``standard`` are returned
    (sorted): a job that no longer covers its wage ends, more often when demand is low.
    ``fit`` and ``u`` have one entry per shocked person.
    """
    if fit.shape[0] != shocked.shape[0] or u.shape[0] != shocked.shape[0]:
        raise ValueError("fit and u need one entry per shocked person")
    if standard <= 0.0 or shocked.size == 0:
        return shocked[:0]
    judged = (employability[shocked] * fit * np.exp(noise * SQRT3 * (2.0 * u - 1.0))
              * index)
    return shocked[(status[shocked] == EMPLOYED) & (judged < standard)]


# ------------------------------------------------------------------- labour force flows
@nb.njit(cache=True, nogil=True)
def _labour_force_kernel(status, employer, unemployment_months, home, busy, u, key,
                         exit_employed, exit_unemployed, discouragement, entry, exits, entries,
                         left, n_left, lo, hi):
    # Persons lo .. hi, a range that splits no municipality (pool.area_parts), so
    # ranges run on threads: each writes only its own persons and its own homes' counts.
    # The jobs that leavers free are not taken off their firms here (a firm's workers live
    # in many ranges): their firms go to ``left[lo:]``, ``n_left[0]`` of them.
    k = 0
    # Performance: unsigned indices, which numba does not test for an index from the end
    # (from signed bounds, every access was tested: twice the time at Finland's scale).
    for p in range(np.uint64(lo), np.uint64(hi)):
        if busy[p]:
            continue
        st = status[p]
        up = draw(u, key, p)
        if st == OUTSIDE:
            if up < entry:
                status[p] = UNEMPLOYED
                unemployment_months[p] = 0
                entries[home[p]] += 1
        elif st == EMPLOYED:
            if up < exit_employed:
                left[lo + k] = employer[p]
                k += 1
                employer[p] = -1
                status[p] = OUTSIDE
                exits[home[p]] += 1
        elif st == UNEMPLOYED:
            rate = exit_unemployed * (1.0 + discouragement * unemployment_months[p] / 12.0)
            if up < rate:
                status[p] = OUTSIDE
                unemployment_months[p] = 0
                exits[home[p]] += 1
    n_left[0] = k


def labour_force_flows(status: np.ndarray, employer: np.ndarray,
                       unemployment_months: np.ndarray, home: np.ndarray, busy: np.ndarray,
                       u: np.ndarray | int, exit_employed: float, exit_unemployed: float,
                       discouragement: float, entry: float, firm_emp: np.ndarray,
                       exits: np.ndarray, entries: np.ndarray,
                       parts: np.ndarray | None = None) -> None:
    """Entry into and exit from the labour force (työvoimaan tulo ja poistuminen).

    Person p, unless ``busy`` (in a service or waiting for one), uses its uniform ``u[p]``
    (or, when ``u`` is a stream key, the stream's number p, :mod:`.draws`): outside
    the labour force it enters as an unemployed jobseeker when u < ``entry``; employed it
    leaves (retires, studies, cares) when u < ``exit_employed``, its job freed; unemployed
    it leaves when u < ``exit_unemployed`` · (1 + ``discouragement`` · months / 12), more
    likely the longer the spell. Counts go to ``exits`` and ``entries`` by home.

    ``parts``: ranges of persons that split no municipality
    (:func:`~sim.labour.pool.area_parts`), run on the calling thread's matching
    threads; one range when absent. The jobs freed are then taken off their firms' counts
    (integers: the same in any order).
    """
    n = status.shape[0]
    for name, arr in (("employer", employer), ("unemployment_months", unemployment_months),
                      ("home", home), ("busy", busy)):
        if arr.shape[0] != n:
            raise ValueError(f"{name} has {arr.shape[0]} entries, status has {n}")
    u, key = uniforms_or_key(u, n)
    bounds = person_ranges(parts, n, home)
    left = np.empty(n, dtype=np.int32)  # pages touched only as far as leavers need
    n_left = np.zeros((bounds.size - 1, 1), dtype=np.int64)
    in_parts(_labour_force_kernel,
             (status, employer, unemployment_months, home, busy, u, key, float(exit_employed),
              float(exit_unemployed), float(discouragement), float(entry), exits, entries,
              left), bounds, matching_threads(), each=n_left)
    for lo, k in zip(bounds[:-1].tolist(), n_left[:, 0].tolist(), strict=True):
        np.subtract.at(firm_emp, left[lo:lo + k], 1)


# --------------------------------------------------------------------- search activity
@nb.njit(cache=True, nogil=True)
def _search_activity_kernel(status, searching, u, key, lapse, resume, lo, hi):
    # Persons lo .. hi: each writes only its own, so ranges run on threads.
    # Performance: unsigned indices, which numba does not test for an index from the end
    # (from signed bounds, every access was tested: twice the time at Finland's scale).
    for p in range(np.uint64(lo), np.uint64(hi)):
        if status[p] != UNEMPLOYED:
            searching[p] = 1  # the next spell starts with an active search
        elif searching[p]:
            if draw(u, key, p) < lapse:
                searching[p] = 0
        elif draw(u, key, p) < resume:
            searching[p] = 1


def search_activity(status: np.ndarray, searching: np.ndarray, u: np.ndarray | int,
                    lapse: float, resume: float, parts: np.ndarray | None = None) -> None:
    """Unemployed jobseekers stop and start searching actively (aktiivinen työnhaku).

    At the end of a month, an unemployed jobseeker (in a service or not) who searched
    actively stops with probability ``lapse``, and one who did not starts again with
    probability ``resume``, by its uniform ``u[p]`` (or the stream's number p when ``u`` is
    a key, :mod:`.draws`). Everyone else is set to searching, so that a spell starts with an
    active search. ``searching`` (uint8) is changed in place; ``parts``: ranges of persons
    run on the matching threads (one range when absent). A jobseeker who does not search
    sends only the applications a service adds (:mod:`sim.services.search`), and the
    Labour Force Survey counts it outside the labour force (no search in the past four
    weeks).
    """
    n = status.shape[0]
    if searching.shape[0] != n:
        raise ValueError(f"searching has {searching.shape[0]} entries, status has {n}")
    u, key = uniforms_or_key(u, n)
    bounds = person_ranges(parts, n)
    in_parts(_search_activity_kernel,
             (status, searching, u, key, float(lapse), float(resume)),
             bounds, matching_threads())


# ----------------------------------------------------------------------------- ageing
@nb.njit(cache=True, nogil=True)
def _age_kernel(status, unemployment_months, employability, base, scarring, recovery,
                recovery_outside, floor, months_not_employed, count_not_employed, in_service,
                break_spell, lo, hi):
    # Persons lo .. hi: each writes only its own, so ranges run on threads.
    keep = 1.0 - scarring
    # Performance: unsigned indices, which numba does not test for an index from the end
    # (from signed bounds, every access was tested: twice the time at Finland's scale).
    for p in range(np.uint64(lo), np.uint64(hi)):
        st = status[p]
        if st == UNEMPLOYED:
            if break_spell and in_service[p]:
                unemployment_months[p] = 0  # the spell restarts after the service
            else:
                unemployment_months[p] += 1
            e = employability[p] * keep
            employability[p] = e if e > floor else floor
        elif st == EMPLOYED:
            employability[p] += recovery * (base[p] - employability[p])
        elif st == OUTSIDE and recovery_outside > 0.0:  # by default scars stay outside
            employability[p] += recovery_outside * (base[p] - employability[p])
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
    in_service: np.ndarray | None = None,
    recovery_outside: float = 0.0,
    parts: np.ndarray | None = None,
) -> None:
    """End of month: unemployment lengthens and scars, work and time outside restore.

    An unemployed person's spell grows by a month and its employability falls by the share
    ``scarring`` (never below ``floor``); an employed person's recovers the share
    ``recovery`` of its gap to ``base``, and a person outside the labour force the share
    ``recovery_outside``. When
    ``months_not_employed`` is given, every person not employed adds a month to it. When
    ``in_service`` is given, an unemployed person in a service has its spell set to 0
    instead (a service interrupts the spell; scarring goes on). ``parts``: ranges of
    persons run on the matching threads (one range when absent).
    """
    count = months_not_employed is not None
    if count and months_not_employed.shape[0] != status.shape[0]:
        raise ValueError("months_not_employed must have one entry per person")
    if in_service is not None and in_service.shape[0] != status.shape[0]:
        raise ValueError("in_service must have one entry per person")
    in_parts(_age_kernel,
             (status, unemployment_months, employability, base, float(scarring),
              float(recovery), float(recovery_outside), float(floor),
              months_not_employed if count else unemployment_months[:0], count,
              in_service if in_service is not None else np.zeros(0, dtype=np.bool_),
              in_service is not None),
             person_ranges(parts, status.shape[0]), matching_threads())
