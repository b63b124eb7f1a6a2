"""Job matching (kohtaanto): apply, rank, offer, accept, one month at a time.

The numba kernel of the hot loop and its wrapper :func:`match`, with the screening of
vacancies around it. Plain functions over arrays, no random numbers of their own; tested
match for match against ``tests/naive.py``. The kernel prepares the month's tables, then
loops over rounds of four phases, each a small ``@njit`` function: open the firms'
vacancies (:func:`_open_firms`), send the round's applications (:func:`_apply`), let firms
offer (:func:`_offer`) and seekers accept (:func:`_accept`). Its scratch arrays come as one
:class:`~sim.labour.workspace.Scratch`, built in one place
(:func:`~sim.labour.workspace.scratch`).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .heaps import _keep
from .workspace import Firms, Seekers, Workspace, scratch

SQRT3 = math.sqrt(3.0)


# Performance: the phases and helpers are called only from the kernel, so numba builds no
# CPython wrapper for them (``no_cpython_wrapper``). The phases are inlined into the kernel
# by numba itself (``inline="always"``): as separate compiled functions, each with its
# arrays passed one by one, they made the kernel's compilation half as slow again; inlined,
# it costs about a sixth more than the kernel in one piece (docs/benchmarks.md).
# _build_row and the heap helpers stay separate functions: they run rarely, or are small
# enough for LLVM to inline.
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


@_helper
def _build_row(row, h, s, reach_w, fit_w, bucket_vac, bucket_vstart, rows):
    """Cumulative weights of one (home, skill) row over the buckets, kept compressed.

    A bucket's weight is reach(home → area) × fit(skill → job skill) × its open
    vacancies, summed in bucket order with the same operations as the reference, so the
    same floating-point totals. Performance: only areas within reach are visited
    (``reach_list``; most of a 309-municipality country is out of reach), and only buckets
    that raise the running total are stored. Inverse-CDF sampling returns the first bucket
    whose cumulative weight exceeds the target, and such a bucket always raises the total,
    so the compressed row gives the same bucket as the full one.

    Performance: the row also gets a guide table (Chen & Asau's index table) of ``G``
    cells, ``G`` a power of two: cell ``c`` holds the first stored bucket whose cumulative
    weight exceeds (c / G) · total. For u in cell c = floor(u · G) (exact, G being a power
    of two), u ≥ c / G, so u · total ≥ (c / G) · total after rounding too (rounding is
    monotone), and the bucket sought is at or after the cell's entry: a short forward scan
    from there finds exactly what a binary search finds, without its chain of dependent,
    mispredicted steps (a binary search cost ~40 ns an application here).
    """
    n_groups = fit_w.shape[0]
    cum = rows.cum
    off = rows.off[row]
    n = 0
    running = 0.0
    for r in range(rows.reach_start[h], rows.reach_start[h + 1]):
        m = rows.reach_list[r]
        rw = reach_w[h, m]
        for g in range(n_groups):
            b = m * n_groups + g
            bv = bucket_vac[b]
            if bv > 0:
                new = running + rw * fit_w[s, g] * bv
                if new > running:
                    cum[off + n] = new
                    # Performance: the bucket's vacancies and where they start in
                    # vac_owner come with the entry (one dependent load fewer).
                    rows.bv[off + n] = bv
                    rows.vstart[off + n] = bucket_vstart[b]
                    rows.lfit[off + n] = rows.log_fit[s, g]  # every firm of b has skill g
                    n += 1
                running = new
    rows.length[row] = n
    rows.total[row] = running
    g_off = rows.guide_off[row]
    g_size = rows.guide_size[row]
    k = 0
    for c in range(g_size):
        tc = (c / g_size) * running  # c / g_size is exact: g_size is a power of two
        while k < n - 1 and cum[off + k] <= tc:
            k += 1
        rows.guide[g_off + c] = off + k


@_phase
def _apply(rd, n_rounds, seekers, u, reach_w, fit_w, noise_scale, hired, offers, rows,
           heaps):
    """Phase 2: the round's applications, in seeker order, then application order.

    Each lands in its firm's heap or is dropped. A row of cumulative bucket weights is
    built the first time a seeker of that (home, skill) needs it in the round.
    """
    n_groups = fit_w.shape[0]
    s_home, s_skill, s_apps = seekers.home, seekers.skill, seekers.apps
    u_start, log_score = offers.u_start, offers.log_score
    stamp, total_w, off, length = rows.stamp, rows.total, rows.off, rows.length
    guide_off, guide_size, guide = rows.guide_off, rows.guide_size, rows.guide
    cum, row_bv, row_vstart, row_lfit = rows.cum, rows.bv, rows.vstart, rows.lfit
    vac_owner, fill, cap, floor, top_seeker, top_score, top_order, kept = (
        heaps.vac_owner, heaps.fill, heaps.cap, heaps.floor, heaps.seeker, heaps.score,
        heaps.order, heaps.kept)
    # The application's number in the round: the ranking's tie-break. Typed int64 from
    # the start (not a literal 0), so that _keep compiles once, not twice.
    n_app = np.int64(0)
    for i in range(s_home.shape[0]):
        if hired[i] >= 0 or s_apps[i] <= rd:
            continue
        row = s_home[i] * n_groups + s_skill[i]
        if stamp[row] != rd:
            _build_row(row, s_home[i], s_skill[i], reach_w, fit_w, heaps.bucket_vac,
                       heaps.bucket_vstart, rows)
            stamp[row] = rd
        total = total_w[row]
        if total <= 0.0:
            continue
        last = off[row] + length[row] - 1
        g_off = guide_off[row]
        g_size = guide_size[row]
        # A seeker's month of applications is spread over the rounds: round rd sends
        # applications rd, rd + n_rounds, ... of the seeker's list. (A while loop: range()
        # with a run-time step costs an integer division per seeker.)
        n_kept = np.int64(0)  # int64 from the start: _keep compiles once
        ui = u_start[i]
        a = rd
        while a < s_apps[i]:
            # First stored bucket with cumulative weight > u·total: from the guide table's
            # cell, scan forward (see _build_row). The last bucket is taken if none
            # exceeds it, which u < 1 never reaches.
            ua = u[ui + a, 0]
            t = ua * total
            c = int(ua * g_size)
            k = guide[g_off + (c if c < g_size else g_size - 1)]
            while k < last and cum[k] <= t:
                k += 1
            bv = row_bv[k]
            j = int(u[ui + a, 1] * bv)
            if j >= bv:
                j = bv - 1  # unreachable for u < 1
            lo = vac_owner[row_vstart[k] + j]
            # Ranked in logs: log(employability · fit · exp(noise)) needs no exp() here. The
            # fit's log comes with the bucket (no lookups through the firm).
            score = log_score[i] + row_lfit[k] + noise_scale * (2.0 * u[ui + a, 2] - 1.0)
            a += n_rounds
            # An application below the firm's hiring standard is turned down. The common
            # case, an application that loses to the worst applicant the firm keeps, is
            # decided here in a few loads; about one in five applications goes on to _keep.
            if score >= floor[lo] and (fill[lo] < cap[lo] or score > top_score[lo]):
                n_kept = _keep(lo, i, score, n_app, fill, cap, top_seeker, top_score,
                               top_order, kept, n_kept)
            n_app += 1


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
def _match_kernel(seekers, firms, u, u_stride, n_rounds, reach_w, fit_w, dist, commute_cost,
                  noise, sc, hired):
    """Rounds of apply → rank → offer → accept; writes ``hired`` and updates firms.

    See :func:`match` for the rules. Returns the number of hires.

    Performance, the main one: applications are not stored, grouped by firm and ranked.
    A firm with v open vacancies offers them to the v distinct applicants whose best
    application ranks highest, so each firm keeps, as the applications stream in, only
    its current best v distinct applicants in a small heap with the worst on top (the
    streaming top-v, :mod:`sim.labour.heaps`: an applicant dropped from it can never come
    back without a better application). Most applications lose to the firm's worst kept
    one in a single comparison. The heaps hold one entry per vacancy, a few kilobytes in
    all, so the month's few hundred thousand applications cost no scatter into firm order
    and no sort. A seeker's applications of a round arrive one after another, so a second
    application to the same firm can only meet the seeker in the firm's heap if an
    application of the same seeker was kept there earlier in this round (``kept``); only
    then is the heap searched for the seeker.
    """
    n_groups = fit_w.shape[0]
    n_buckets = reach_w.shape[0] * n_groups
    noise_scale = noise * SQRT3
    offers, rows, heaps = sc
    # Per call: each seeker's first row of uniforms (a fixed stride, or packed one after
    # another) and log score; the areas within reach of each home (in area order); where
    # each (home, skill) row and its guide table go.
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
            rows.stamp[row] = -1
            rows.guide_off[row] = cells
            rows.guide_size[row] = g_size
            cells += g_size
    hires = 0
    n_open = np.int64(0)  # int64 from the start: _open_firms compiles once
    for rd in range(n_rounds):
        n_open = _open_firms(rd, n_open, firms, n_buckets, n_groups, heaps)
        _apply(rd, n_rounds, seekers, u, reach_w, fit_w, noise_scale, hired, offers, rows,
               heaps)
        n_offered = _offer(n_open, seekers, firms, dist, commute_cost, offers, heaps)
        hires += _accept(n_offered, seekers, firms, hired, offers)
    return hires


def match(
    s_home: np.ndarray,
    s_skill: np.ndarray,
    s_score: np.ndarray,
    s_apps: np.ndarray,
    u: np.ndarray,
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
            (no uniforms are drawn for applications not sent).
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
    max_apps = int(s_apps.max(initial=0)) if n_s else 0
    if ragged:
        total_apps = int(s_apps[s_apps > 0].sum())
        if u.ndim != 2 or u.shape[1] != 3 or u.shape[0] < total_apps:
            raise ValueError(f"u must have shape ({total_apps}, 3) when ragged, got {u.shape}")
        u_rows, u_stride = u, 0
    else:
        if u.ndim != 3 or u.shape[0] != n_s or u.shape[2] != 3:
            raise ValueError(f"u must have shape ({n_s}, max_apps, 3), got {u.shape}")
        if max_apps > u.shape[1]:
            raise ValueError("s_apps exceeds the applications that u has uniforms for")
        # The same rows with a fixed stride (a free reshape of a C-ordered array).
        u_rows, u_stride = u.reshape(n_s * u.shape[1], 3), u.shape[1]
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
    sc = scratch(ws, n_s, n_firms, n_areas, n_groups, open_vacancies, row_cells,
                 -(-max_apps // n_rounds))
    hired = np.empty(n_s, dtype=np.int32)  # memory: a firm index, < 2**31
    _match_kernel(Seekers(s_home, s_skill, s_score, s_apps,
                          np.asarray(s_reserve, dtype=np.float64)),
                  Firms(firm_muni, firm_skill, firm_value, firm_vac, firm_emp,
                        np.asarray(firm_floor, dtype=np.float64)), u_rows,
                  int(u_stride), int(n_rounds), reach_w, fit_w, dist, float(commute_cost),
                  float(noise), sc, hired)
    return hired


# ------------------------------------------------------------- screening vacancies
# ------------------------------------------------------------- screening vacancies
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
