"""Job matching (kohtaanto): apply, rank, offer, accept, one month at a time.

The numba kernels of the hot loop and their wrapper :func:`match`, with the screening of
vacancies around it. Plain functions over arrays; their uniforms come from the caller, as
an array or as a stream key whose numbers the kernels compute (:mod:`.draws`); tested
match for match against ``tests/naive.py``. :func:`_rounds` prepares the month's tables,
then loops over rounds of four phases: open the firms' vacancies (:func:`_open_firms`),
send the round's applications and let each firm rank its own (:mod:`.applications`, on
every thread), let firms offer (:func:`_offer`) and seekers accept (:func:`_accept`). The
scratch arrays come as one :class:`~sim.labour.workspace.Scratch`, built in one place
(:func:`~sim.labour.workspace.scratch`).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from . import applications, draws, pool
from .workspace import Firms, Seekers, Workspace, scratch

SQRT3 = math.sqrt(3.0)


# Performance: the phases and helpers are called only from the kernels, so numba builds no
# CPython wrapper for them (``no_cpython_wrapper``). The phases are inlined into the
# kernels that call them by numba itself (``inline="always"``): as separate compiled
# functions, each with its arrays passed one by one, they made compilation slower
# (docs/benchmarks.md).
_helper = nb.njit(cache=True, no_cpython_wrapper=True)
_phase = nb.njit(cache=True, no_cpython_wrapper=True, inline="always")


@_helper
def _log0(x: float) -> float:
    """Natural log with log(0) = -inf, the same libm ``log`` with or without the JIT.

    Computed here rather than with ``np.log`` in the wrapper: numpy may use its own SIMD
    logarithm (AVX-512 builds), which can differ from libm in the last bit, and then a tie
    in the ranking could break differently from the pure-Python reference.
    """
    if x == 0.0:
        return -math.inf
    return math.log(x)


@_phase
def _open_firms(rd, n_open, firms, n_buckets, n_groups, heaps):
    """Phase 1: open firms, in index order, and their vacancies by bucket.

    A bucket is a destination area × skill group. Vacancies only close during the month,
    so after round 0 the previous round's open list is filtered instead of all firm slots.
    Returns the number of open firms.
    """
    open_firm, start, fill, cap = heaps.open_firm, heaps.start, heaps.fill, heaps.cap
    bucket_vac, bucket_vstart, bucket_fill = heaps.bucket_vac, heaps.bucket_vstart, \
        heaps.bucket_fill
    firm_vac = firms.vac
    if rd == 0:
        for f in range(firm_vac.shape[0]):
            if firm_vac[f] > 0:
                open_firm[n_open] = f
                n_open += 1
    else:
        still_open = 0
        for o in range(n_open):
            f = open_firm[o]
            if firm_vac[f] > 0:
                open_firm[still_open] = f
                still_open += 1
        n_open = still_open
    for b in range(n_buckets):
        bucket_vac[b] = 0
    n_vac = 0
    for o in range(n_open):
        f = open_firm[o]
        bucket_vac[firms.area[f] * n_groups + firms.skill[f]] += firm_vac[f]
        # The firm's heap of best applicants, one entry per vacancy, at n_vac; its
        # fill and capacity are kept at the heap's first entry.
        start[o] = n_vac
        fill[n_vac] = 0
        cap[n_vac] = firm_vac[f]
        heaps.floor[n_vac] = firms.floor[f]
        heaps.skill[n_vac] = firms.skill[f]
        n_vac += firm_vac[f]
    start[n_open] = n_vac
    bucket_vstart[0] = 0
    for b in range(n_buckets):
        bucket_vstart[b + 1] = bucket_vstart[b] + bucket_vac[b]
        bucket_fill[b] = bucket_vstart[b]
    # Performance: one entry per open vacancy, naming its firm's heap, bucket by bucket in
    # firm order. The reference walks a bucket's firms until their running vacancy count
    # exceeds u·V; with integer counts that is the owner of vacancy floor(u·V), so a search
    # over firms becomes one lookup.
    for o in range(n_open):
        f = open_firm[o]
        b = firms.area[f] * n_groups + firms.skill[f]
        k = bucket_fill[b]
        for _ in range(firm_vac[f]):
            heaps.vac_owner[k] = start[o]
            k += 1
        bucket_fill[b] = k
    return n_open


@_phase
def _offer(n_open, seekers, firms, dist, commute_cost, offers, heaps):
    """Phase 3: each firm, in index order, offers its vacancies to the applicants it kept.

    Each seeker keeps the best offer (pay minus commuting cost; the first on ties).
    Returns the number of seekers offered a job.
    """
    n_offered = 0
    for o in range(n_open):
        f = heaps.open_firm[o]
        lo = heaps.start[o]
        for q in range(lo, lo + heaps.fill[lo]):
            i = heaps.seeker[q]
            if offers.offered_by[i] < 0:
                offers.offered[n_offered] = i
                n_offered += 1
            offers.offered_by[i] = f
            value = firms.value[f] - commute_cost * dist[seekers.home[i], firms.area[f]]
            if value > offers.best_value[i]:
                offers.best_value[i] = value
                offers.best_firm[i] = f
    return n_offered


@_phase
def _accept(n_offered, seekers, firms, hired, offers):
    """Phase 4: seekers accept their best offers; the per-seeker scratch is reset.

    An offer is only the best when it is worth more than the seeker's reservation value
    (``best_value`` starts there), so an employed seeker moves only to a better job.

    Returns the number hired.
    """
    hires = 0
    for k in range(n_offered):
        i = offers.offered[k]
        f = offers.best_firm[i]
        if f >= 0:
            hired[i] = f
            firms.vac[f] -= 1
            firms.emp[f] += 1
            hires += 1
        offers.best_firm[i] = -1
        offers.best_value[i] = seekers.reserve[i]
        offers.offered_by[i] = -1
    return hires


@nb.njit(cache=True)
def _prepare(seekers, u_stride, reach_w, fit_w, sc, hired):
    """The month's tables before the first round (see :func:`_rounds`)."""
    n_groups = fit_w.shape[0]
    offers, rows, _ = sc
    # Per call: the areas within reach of each home (in area order); where each (home,
    # skill) row and its guide table go; each seeker's first row of uniforms (a fixed
    # stride, or packed one after another) and log score.
    n_areas = reach_w.shape[0]
    for s in range(n_groups):
        for g in range(n_groups):
            rows.log_fit[s, g] = _log0(fit_w[s, g])
    k = 0
    for h in range(n_areas):
        rows.reach_start[h] = k
        for m in range(n_areas):
            if reach_w[h, m] > 0.0:
                rows.reach_list[k] = m
                k += 1
    rows.reach_start[n_areas] = k
    cells = 0
    for h in range(n_areas):
        width = (rows.reach_start[h + 1] - rows.reach_start[h]) * n_groups
        g_size = 1
        while g_size < width:
            g_size *= 2
        for s in range(n_groups):
            row = h * n_groups + s
            rows.off[row] = rows.reach_start[h] * n_groups * n_groups + s * width
            rows.max_apps[row] = 0
            rows.guide_off[row] = cells
            rows.guide_size[row] = g_size
            cells += g_size
    # Per seeker, after the rows: its row's most applications (which rows a round builds).
    packed = 0
    for i in range(seekers.home.shape[0]):
        if u_stride > 0:
            offers.u_start[i] = i * u_stride
        else:
            offers.u_start[i] = packed
            if seekers.apps[i] > 0:
                packed += seekers.apps[i]
        offers.log_score[i] = _log0(seekers.score[i])
        hired[i] = -1
        offers.best_firm[i] = -1
        offers.best_value[i] = seekers.reserve[i]
        offers.offered_by[i] = -1
        row = seekers.home[i] * n_groups + seekers.skill[i]
        if seekers.apps[i] > rows.max_apps[row]:
            rows.max_apps[row] = seekers.apps[i]


@nb.njit(cache=True)
def _open_round(rd, n_open, fit_w, heaps, firms):
    """Phase 1 of a round (:func:`_open_firms`); returns the open firms and vacancies."""
    n_open = _open_firms(rd, n_open, firms, heaps.bucket_vac.shape[0], fit_w.shape[0], heaps)
    return n_open, heaps.start[n_open]


@nb.njit(cache=True)
def _close_round(n_open, seekers, firms, dist, commute_cost, offers, heaps, hired):
    """Phases 3 and 4 of a round: firms offer, seekers accept; returns the hires."""
    n_offered = _offer(n_open, seekers, firms, dist, commute_cost, offers, heaps)
    return _accept(n_offered, seekers, firms, hired, offers)


def _rounds(seekers, firms, u, key, u_stride, n_rounds, reach_w, fit_w, dist, commute_cost, noise,
            sc, ws, hired):
    """Rounds of apply → rank → offer → accept; writes ``hired`` and updates firms.

    See :func:`match` for the rules. Returns the number of hires.

    Performance, the main one: a firm with v open vacancies offers them to the v distinct
    applicants whose best application ranks highest, so each firm keeps only its current
    best v distinct applicants in a small heap with the worst on top (the streaming top-v,
    :mod:`sim.labour.heaps`: an applicant dropped from it can never come back without a
    better application), and most applications lose to the worst kept one in a single
    comparison. The applications of a round are drawn on every thread and then grouped by
    firm, so that each firm ranks its own on any thread with its heap in cache
    (:mod:`.applications`). The rounds are driven from Python: a few calls a round.
    """
    offers, rows, heaps = sc
    noise_scale = noise * SQRT3
    n_s = seekers.home.shape[0]
    _prepare(seekers, u_stride, reach_w, fit_w, sc, hired)
    first = ws.get("sent_first", n_s + 1, np.int32)
    asked = pool.matching_threads()
    hires = 0
    n_open = np.int64(0)  # int64 from the start: _open_round compiles once
    for rd in range(n_rounds):
        n_open, n_vac = _open_round(rd, n_open, fit_w, heaps, firms)
        total = applications.number_round(rd, n_rounds, seekers, reach_w, fit_w, hired, rows,
                                          heaps, first, asked)
        # Memory: per application of the round 4 bytes here and 4 + 8 grouped (the round's,
        # not the month's: the first round has the most).
        heap = ws.get("sent_heap", total, np.int32)
        threads, parts = applications.split_work(total, asked)
        pool.in_parts(
            applications.send, (rd, n_rounds, seekers, u, key, noise_scale, offers, rows, heaps,
                                first, heap),
            pool.balanced_bounds(first[: n_s + 1], parts), threads)
        start, g_seeker, g_score = applications.group_by_firm(
            ws, threads, n_vac, rd, n_rounds, seekers, u, key, noise_scale, offers, rows, heaps,
            first, heap)
        pool.in_parts(
            applications.rank_by_firm, (heaps, start, g_seeker, g_score),
            pool.balanced_bounds(start[heaps.start[: n_open + 1]], parts), threads)
        hires += _close_round(n_open, seekers, firms, dist, float(commute_cost), offers, heaps,
                              hired)
    return hires


def _uniform_rows(u: np.ndarray | int, s_apps: np.ndarray, n_s: int, ragged: bool
                  ) -> tuple[np.ndarray, int, np.uint64]:
    """:func:`match`'s uniforms checked: rows of three, the fixed stride (0: packed), key."""
    if isinstance(u, int | np.integer):
        return draws.NO_ROWS, 0, np.uint64(u)
    if ragged:
        total_apps = int(s_apps[s_apps > 0].sum())
        if u.ndim != 2 or u.shape[1] != 3 or u.shape[0] < total_apps:
            raise ValueError(f"u must have shape ({total_apps}, 3) when ragged, got {u.shape}")
        return u, 0, np.uint64(0)
    if u.ndim != 3 or u.shape[0] != n_s or u.shape[2] != 3:
        raise ValueError(f"u must have shape ({n_s}, max_apps, 3), got {u.shape}")
    if (int(s_apps.max(initial=0)) if n_s else 0) > u.shape[1]:
        raise ValueError("s_apps exceeds the applications that u has uniforms for")
    # The same rows with a fixed stride (a free reshape of a C-ordered array).
    return u.reshape(n_s * u.shape[1], 3), u.shape[1], np.uint64(0)


def match(
    s_home: np.ndarray,
    s_skill: np.ndarray,
    s_score: np.ndarray,
    s_apps: np.ndarray,
    u: np.ndarray | int,
    n_rounds: int,
    reach_w: np.ndarray,
    fit_w: np.ndarray,
    dist: np.ndarray,
    firm_muni: np.ndarray,
    firm_skill: np.ndarray,
    firm_value: np.ndarray,
    firm_vac: np.ndarray,
    firm_emp: np.ndarray,
    commute_cost: float = 0.0,
    noise: float = 0.0,
    workspace: Workspace | None = None,
    ragged: bool = False,
    s_reserve: np.ndarray | None = None,
    firm_floor: np.ndarray | None = None,
) -> np.ndarray:
    """Match seekers to vacancies (kohtaanto) for one month; return each seeker's new firm.

    Rules, in each of ``n_rounds`` rounds:

    1. Every seeker not yet hired sends its applications of this round (application ``a``
       of the ``s_apps[i]`` in the month goes out in round ``a % n_rounds``). Each goes to
       one open vacancy drawn with weight ``reach_w[home, firm_muni] *
       fit_w[skill, firm_skill]``: ``u[..., 0]`` picks the bucket (municipality × skill
       group, in that order) by inverse CDF over the buckets' summed weights, ``u[..., 1]``
       the vacancy ``floor(u · V)`` of the bucket's ``V``, counted over its firms in index
       order.
    2. A firm scores an application as employability × fit × exp(noise·√3·(2u−1)), with
       ``u[..., 2]`` (ranked as the sum of logs, log 0 = −inf), turns down those whose
       log score is below its hiring standard ``firm_floor``, and offers its open
       vacancies to its best distinct applicants among the rest (higher score first, the
       earlier application on ties).
    3. A seeker accepts the best offer by pay minus commuting cost (the lowest-numbered
       firm on ties) if it is worth more than its reservation value ``s_reserve`` (the
       job it holds); the firm's vacancy closes and its employment grows. Unfilled
       vacancies and seekers go on to the next round.

    Args:
        s_home: per seeker, home municipality.
        s_skill: per seeker, skill group.
        s_score: per seeker, employability (what firms rank by).
        s_apps: per seeker, applications this month.
        u: uniforms in [0, 1), shape (seekers, max applications per month, 3): row
            ``u[i, a]`` serves application ``a`` of seeker ``i``. With ``ragged``, shape
            (total applications, 3) instead: the seekers' applications one after
            another, seeker ``i``'s ``s_apps[i]`` rows after those of seekers ``< i``
            (no uniforms are drawn for applications not sent). Or a stream key
            (:mod:`.draws`, an integer): the kernels compute the ragged array's entry
            ``[r, c]`` where they need it as the stream's number ``3r + c``, and
            ``ragged`` is implied.
        n_rounds: rounds of applications, offers and acceptances in the month.
        reach_w: (municipalities × municipalities) weight of commuting from home to job.
        fit_w: (skill groups × skill groups) fit of a person's skill to a job's.
        dist: (municipalities × municipalities) commuting distance, km.
        firm_muni: per firm, municipality.
        firm_skill: per firm, skill group demanded.
        firm_value: per firm, pay offered (relative to the mean).
        firm_vac: per firm, open vacancies; updated in place.
        firm_emp: per firm, employment; updated in place.
        commute_cost: value lost per km of commute.
        noise: spread of the firms' judgement.
        workspace: scratch arrays to reuse between calls (a fresh one when absent).
        ragged: whether ``u`` is packed (see ``u``).
        s_reserve: per seeker, the value of the job it holds (pay minus commuting cost),
            below which it turns an offer down; -inf (the default) for the unemployed.
        firm_floor: per firm, its hiring standard as the lowest log score it hires;
            -inf (the default) hires anyone.

    Returns:
        int32 array: the hiring firm of each seeker, or -1.
    """
    n_s = s_home.shape[0]
    n_firms = firm_muni.shape[0]
    n_areas, n_groups = reach_w.shape[0], fit_w.shape[0]
    if n_rounds < 1:
        raise ValueError("n_rounds must be at least 1")
    u_rows, u_stride, key = _uniform_rows(u, s_apps, n_s, ragged)
    s_reserve = np.full(n_s, -np.inf) if s_reserve is None else s_reserve
    firm_floor = np.full(n_firms, -np.inf) if firm_floor is None else firm_floor
    for name, arr in (("s_skill", s_skill), ("s_score", s_score), ("s_apps", s_apps),
                      ("s_reserve", s_reserve)):
        if arr.shape[0] != n_s:
            raise ValueError(f"{name} has {arr.shape[0]} entries, s_home has {n_s}")
    for name, arr in (
        ("firm_skill", firm_skill),
        ("firm_value", firm_value),
        ("firm_vac", firm_vac),
        ("firm_emp", firm_emp),
        ("firm_floor", firm_floor),
    ):
        if arr.shape[0] != n_firms:
            raise ValueError(f"{name} has {arr.shape[0]} entries, firm_muni has {n_firms}")
    ws = Workspace() if workspace is None else workspace
    open_vacancies = int(np.maximum(firm_vac, 0).sum())
    row_cells = int(np.count_nonzero(reach_w > 0)) * n_groups * n_groups
    sc = scratch(ws, n_s, n_firms, n_areas, n_groups, open_vacancies, row_cells)
    hired = np.empty(n_s, dtype=np.int32)  # memory: a firm index, < 2**31
    _rounds(Seekers(s_home, s_skill, s_score, s_apps, np.asarray(s_reserve, dtype=np.float64)),
            Firms(firm_muni, firm_skill, firm_value, firm_vac, firm_emp,
                  np.asarray(firm_floor, dtype=np.float64)), u_rows, key,
            int(u_stride), int(n_rounds), reach_w, fit_w, dist, float(commute_cost),
            float(noise), sc, ws, hired)
    return hired


# ------------------------------------------------ screening vacancies, around matching
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


# ------------------------------------------------------------ the month's seeker table
@nb.njit(cache=True)
def _seeker_table_kernel(unemployed, employed, apps_u, ojs_apps, boost, reserve,
                         employability, home, skill, area_scale, seekers, s_area, s_skill,
                         s_score, s_apps, s_reserve):
    n_u = unemployed.shape[0]
    for i in range(n_u + employed.shape[0]):
        p = unemployed[i] if i < n_u else employed[i - n_u]
        seekers[i] = p
        s_area[i] = area_scale * home[p]
        s_skill[i] = skill[p]
        if i < n_u:
            s_score[i] = employability[p] * boost[i]
            s_apps[i] = apps_u[i]
            s_reserve[i] = -np.inf
        else:
            s_score[i] = employability[p]
            s_apps[i] = ojs_apps
            s_reserve[i] = reserve[i - n_u]


def seeker_table(unemployed: np.ndarray, employed: np.ndarray, apps_u: np.ndarray,
                 ojs_apps: int, boost: np.ndarray, reserve: np.ndarray,
                 employability: np.ndarray, home: np.ndarray, skill: np.ndarray,
                 area_scale: int = 1) -> tuple[np.ndarray, ...]:
    """The month's seekers, the unemployed first, as :func:`match` takes them.

    Returns (persons int32, area = ``area_scale`` × home, skill, score, applications int32,
    reservation value): the unemployed with their applications ``apps_u``, score
    employability × ``boost`` and no reservation value (-inf); the employed with
    ``ojs_apps`` each, their employability and the ``reserve`` of the job they hold.
    Performance: one pass instead of a concatenation, gather or product per column (at
    national scale about 700,000 seekers a month).
    """
    n_u, n_e = unemployed.shape[0], employed.shape[0]
    if apps_u.shape[0] != n_u or boost.shape[0] != n_u or reserve.shape[0] != n_e:
        raise ValueError("apps_u and boost need one entry per unemployed seeker, reserve "
                         "one per employed seeker")
    n = n_u + n_e
    out = (np.empty(n, dtype=np.int32), np.empty(n, dtype=home.dtype),
           np.empty(n, dtype=skill.dtype), np.empty(n), np.empty(n, dtype=np.int32),
           np.empty(n))
    _seeker_table_kernel(unemployed, employed, apps_u, int(ojs_apps), boost, reserve,
                         employability, home, skill, int(area_scale), *out)
    return out
