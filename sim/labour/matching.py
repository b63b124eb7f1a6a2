"""Job matching (kohtaanto): apply, rank, offer, accept, one month at a time.

The numba kernel of the hot loop and its wrapper :func:`match`, with the screening of
vacancies around it. Plain functions over arrays, scratch from a
:class:`~sim.labour.workspace.Workspace`, no random numbers of their own; tested match for
match against ``tests/naive.py``.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .workspace import Workspace

SQRT3 = math.sqrt(3.0)


# --------------------------------------------------------------------------- matching
@nb.njit(cache=True)
def _log0(x: float) -> float:
    """Natural log with log(0) = -inf, the same libm ``log`` with or without the JIT.

    Computed here rather than with ``np.log`` in the wrapper: numpy may use its own SIMD
    logarithm (AVX-512 builds), which can differ from libm in the last bit, and then a tie
    in the ranking could break differently from the pure-Python reference.
    """
    if x == 0.0:
        return -math.inf
    return math.log(x)


@nb.njit(cache=True)
def _worse(score, order, a, b) -> bool:
    """Whether entry a ranks below entry b: lower score, or equal score and sent later."""
    return score[a] < score[b] or (score[a] == score[b] and order[a] > order[b])


@nb.njit(cache=True)
def _swap(seeker, score, order, a, b):
    seeker[a], seeker[b] = seeker[b], seeker[a]
    score[a], score[b] = score[b], score[a]
    order[a], order[b] = order[b], order[a]


@nb.njit(cache=True)
def _sift_up(seeker, score, order, lo, pos):
    """Move entry ``pos`` of the heap starting at ``lo`` up while it ranks below its parent."""
    while pos > lo:
        parent = lo + (pos - lo - 1) // 2
        if not _worse(score, order, pos, parent):
            break
        _swap(seeker, score, order, pos, parent)
        pos = parent


@nb.njit(cache=True)
def _sift_down(seeker, score, order, lo, n, pos):
    """Move entry ``pos`` of the n-entry heap at ``lo`` down while a child ranks below it."""
    while True:
        child = lo + 2 * (pos - lo) + 1
        if child >= lo + n:
            break
        right = child + 1
        if right < lo + n and _worse(score, order, right, child):
            child = right
        if not _worse(score, order, child, pos):
            break
        _swap(seeker, score, order, pos, child)
        pos = child


@nb.njit(cache=True)
def _keep(lo, i, score, order, top_fill, top_cap, top_seeker, top_score, top_order, kept, n_kept):
    """Put application ``order`` (seeker i, ``score``) in the firm heap starting at ``lo``.

    The caller has checked that the heap has room or that the application beats its worst
    entry. ``kept[:n_kept]`` lists the heaps that hold seeker i from its earlier
    applications of this round; only those can hold it (no other seeker's application
    arrives in between to evict it). Returns the new ``n_kept``.
    """
    n = top_fill[lo]
    for r in range(n_kept):
        if kept[r] == lo:
            # A second application to the same firm in the round: the seeker's entry
            # keeps the better one (the earlier on a tie).
            for q in range(lo, lo + n):
                if top_seeker[q] == i:
                    if score > top_score[q]:
                        top_score[q] = score
                        top_order[q] = order
                        _sift_down(top_seeker, top_score, top_order, lo, n, q)
                    break
            return n_kept
    if n < top_cap[lo]:
        q = lo + n
        top_seeker[q] = i
        top_score[q] = score
        top_order[q] = order
        top_fill[lo] = n + 1
        _sift_up(top_seeker, top_score, top_order, lo, q)
    else:
        # Better than the worst kept (a later application never wins a tie): it takes
        # the worst one's place.
        top_seeker[lo] = i
        top_score[lo] = score
        top_order[lo] = order
        # The position as int64, as in the other call: one compiled _sift_down.
        _sift_down(top_seeker, top_score, top_order, lo, n, np.int64(lo))
    kept[n_kept] = lo
    return n_kept + 1


@nb.njit(cache=True)
def _build_row(
    row,
    h,
    s,
    reach_w,
    fit_w,
    log_fit,
    reach_start,
    reach_list,
    bucket_vac,
    bucket_vstart,
    row_off,
    row_cum,
    row_bv,
    row_vstart,
    row_lfit,
    row_len,
    row_total,
    guide_off,
    guide_size,
    guide,
):
    """Cumulative weights of one (home, skill) row over the buckets, kept compressed.

    A bucket's weight is reach(home → municipality) × fit(skill → job skill) × its open
    vacancies, summed in bucket order with the same operations as the reference, so the
    same floating-point totals. Performance: only municipalities within reach are visited
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
    off = row_off[row]
    n = 0
    running = 0.0
    for r in range(reach_start[h], reach_start[h + 1]):
        m = reach_list[r]
        rw = reach_w[h, m]
        for g in range(n_groups):
            b = m * n_groups + g
            bv = bucket_vac[b]
            if bv > 0:
                new = running + rw * fit_w[s, g] * bv
                if new > running:
                    row_cum[off + n] = new
                    # Performance: the bucket's vacancies and where they start in
                    # vac_owner come with the entry (one dependent load fewer).
                    row_bv[off + n] = bv
                    row_vstart[off + n] = bucket_vstart[b]
                    row_lfit[off + n] = log_fit[s, g]  # every firm of bucket b has skill g
                    n += 1
                running = new
    row_len[row] = n
    row_total[row] = running
    g_off = guide_off[row]
    g_size = guide_size[row]
    k = 0
    for c in range(g_size):
        tc = (c / g_size) * running  # c / g_size is exact: g_size is a power of two
        while k < n - 1 and row_cum[off + k] <= tc:
            k += 1
        guide[g_off + c] = off + k


@nb.njit(cache=True)
def _match_kernel(
    s_home,
    s_skill,
    s_score,
    s_apps,
    u,
    u_stride,
    n_rounds,
    reach_w,
    fit_w,
    dist,
    commute_cost,
    noise,
    firm_muni,
    firm_skill,
    firm_value,
    firm_vac,
    firm_emp,
    u_start,
    log_score,
    log_fit,
    reach_start,
    reach_list,
    row_off,
    row_cum,
    row_bv,
    row_vstart,
    row_lfit,
    row_len,
    row_total,
    row_stamp,
    guide_off,
    guide_size,
    guide,
    bucket_vac,
    bucket_vstart,
    bucket_fill,
    open_firm,
    vac_owner,
    top_start,
    top_fill,
    top_cap,
    top_seeker,
    top_score,
    top_order,
    kept,
    best_firm,
    best_value,
    offered_by,
    offered,
    hired_firm,
):
    """Rounds of apply → rank → offer → accept; writes ``hired_firm`` and updates firms.

    See :func:`match` for the rules. Every workspace is (re)initialised here before it is
    read, so the arrays can be reused between calls without carrying anything over.
    Returns the number of hires.

    Performance, the main one: applications are not stored, grouped by firm and ranked.
    A firm with v open vacancies offers them to the v distinct applicants whose best
    application ranks highest, so each firm keeps, as the applications stream in, only
    its current best v distinct applicants in a small heap with the worst on top (the
    streaming top-v: an applicant dropped from it can never come back without a better
    application). Most applications lose to the firm's worst kept one in a single
    comparison. The heaps hold one entry per vacancy, a few kilobytes in all, so the
    month's few hundred thousand applications cost no scatter into firm order and no sort.
    A seeker's applications of a round arrive one after another, so a second application
    to the same firm can only meet the seeker in the firm's heap if an application of
    the same seeker was kept there earlier in this round (``kept``); only then is the heap
    searched for the seeker.
    """
    n_s = s_home.shape[0]
    n_firms = firm_muni.shape[0]
    n_groups = fit_w.shape[0]
    n_munis = reach_w.shape[0]
    n_buckets = n_munis * n_groups
    noise_scale = noise * SQRT3
    hires = 0

    # Per call: each seeker's first row of uniforms (a fixed stride, or packed one after
    # another), logs of the scores (see _log0), the municipalities within reach of each
    # home (in municipality order), and where each (home, skill) row and its guide go.
    packed = 0
    for i in range(n_s):
        if u_stride > 0:
            u_start[i] = i * u_stride
        else:
            u_start[i] = packed
            if s_apps[i] > 0:
                packed += s_apps[i]
        log_score[i] = _log0(s_score[i])
        hired_firm[i] = -1
        best_firm[i] = -1
        best_value[i] = -np.inf
        offered_by[i] = -1
    for s in range(n_groups):
        for g in range(n_groups):
            log_fit[s, g] = _log0(fit_w[s, g])
    k = 0
    for h in range(n_munis):
        reach_start[h] = k
        for m in range(n_munis):
            if reach_w[h, m] > 0.0:
                reach_list[k] = m
                k += 1
    reach_start[n_munis] = k
    cells = 0
    for h in range(n_munis):
        width = (reach_start[h + 1] - reach_start[h]) * n_groups
        g_size = 1
        while g_size < width:
            g_size *= 2
        for s in range(n_groups):
            row = h * n_groups + s
            row_off[row] = reach_start[h] * n_groups * n_groups + s * width
            row_stamp[row] = -1
            guide_off[row] = cells
            guide_size[row] = g_size
            cells += g_size

    n_open = 0
    for rd in range(n_rounds):
        # 1. Open firms, in index order, and their vacancies by bucket (destination
        #    municipality × skill group). Vacancies only close during the month, so after
        #    round 0 the previous round's open list is filtered instead of all firm slots.
        if rd == 0:
            for f in range(n_firms):
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
            bucket_vac[firm_muni[f] * n_groups + firm_skill[f]] += firm_vac[f]
            # The firm's heap of best applicants, one entry per vacancy, at n_vac; its
            # fill and capacity are kept at the heap's first entry.
            top_start[o] = n_vac
            top_fill[n_vac] = 0
            top_cap[n_vac] = firm_vac[f]
            n_vac += firm_vac[f]
        top_start[n_open] = n_vac
        bucket_vstart[0] = 0
        for b in range(n_buckets):
            bucket_vstart[b + 1] = bucket_vstart[b] + bucket_vac[b]
            bucket_fill[b] = bucket_vstart[b]
        # Performance: one entry per open vacancy, naming its firm's heap, bucket by
        # bucket in firm order. The reference walks a bucket's firms until their running
        # vacancy count exceeds u·V; with integer counts that is the owner of vacancy
        # floor(u·V), so a search over firms becomes one lookup.
        for o in range(n_open):
            f = open_firm[o]
            b = firm_muni[f] * n_groups + firm_skill[f]
            k = bucket_fill[b]
            for _ in range(firm_vac[f]):
                vac_owner[k] = top_start[o]
                k += 1
            bucket_fill[b] = k

        # 2. Applications, in seeker order, then application order; each lands in its
        #    firm's heap or is dropped. A row of cumulative bucket weights is built the
        #    first time a seeker of that (home, skill) needs it in the round.
        # The application's number in the round: the ranking's tie-break. Typed int64
        # from the start (not a literal 0), so that _keep compiles once, not twice.
        n_app = np.int64(0)
        for i in range(n_s):
            if hired_firm[i] >= 0 or s_apps[i] <= rd:
                continue
            row = s_home[i] * n_groups + s_skill[i]
            if row_stamp[row] != rd:
                _build_row(
                    row,
                    s_home[i],
                    s_skill[i],
                    reach_w,
                    fit_w,
                    log_fit,
                    reach_start,
                    reach_list,
                    bucket_vac,
                    bucket_vstart,
                    row_off,
                    row_cum,
                    row_bv,
                    row_vstart,
                    row_lfit,
                    row_len,
                    row_total,
                    guide_off,
                    guide_size,
                    guide,
                )
                row_stamp[row] = rd
            total = row_total[row]
            if total <= 0.0:
                continue
            last = row_off[row] + row_len[row] - 1
            g_off = guide_off[row]
            g_size = guide_size[row]
            # A seeker's month of applications is spread over the rounds: round rd sends
            # applications rd, rd + n_rounds, ... of the seeker's list. (A while loop:
            # range() with a run-time step costs an integer division per seeker.)
            n_kept = np.int64(0)  # int64 from the start: _keep compiles once
            ui = u_start[i]
            a = rd
            while a < s_apps[i]:
                # First stored bucket with cumulative weight > u·total: from the guide
                # table's cell, scan forward (see _build_row). The last bucket is taken if
                # none exceeds it, which u < 1 never reaches.
                ua = u[ui + a, 0]
                t = ua * total
                c = int(ua * g_size)
                k = guide[g_off + (c if c < g_size else g_size - 1)]
                while k < last and row_cum[k] <= t:
                    k += 1
                bv = row_bv[k]
                j = int(u[ui + a, 1] * bv)
                if j >= bv:
                    j = bv - 1  # unreachable for u < 1
                lo = vac_owner[row_vstart[k] + j]
                # Ranked in logs: log(employability · fit · exp(noise)) needs no exp() here.
                # The fit's log comes with the bucket (no lookups through the firm).
                score = log_score[i] + row_lfit[k] + noise_scale * (2.0 * u[ui + a, 2] - 1.0)
                a += n_rounds
                # The common case, an application that loses to the worst applicant the
                # firm keeps, is decided here in a few loads; about one in five
                # applications goes on to _keep.
                if top_fill[lo] < top_cap[lo] or score > top_score[lo]:
                    n_kept = _keep(
                        lo,
                        i,
                        score,
                        n_app,
                        top_fill,
                        top_cap,
                        top_seeker,
                        top_score,
                        top_order,
                        kept,
                        n_kept,
                    )
                n_app += 1

        # 3. Each firm, in index order, offers its vacancies to the applicants it kept;
        #    each seeker keeps the best offer (pay minus commuting cost; the first on ties).
        n_offered = 0
        for o in range(n_open):
            f = open_firm[o]
            lo = top_start[o]
            for q in range(lo, lo + top_fill[lo]):
                i = top_seeker[q]
                if offered_by[i] < 0:
                    offered[n_offered] = i
                    n_offered += 1
                offered_by[i] = f
                value = firm_value[f] - commute_cost * dist[s_home[i], firm_muni[f]]
                if value > best_value[i]:
                    best_value[i] = value
                    best_firm[i] = f

        # 4. Acceptance, then the per-seeker scratch is reset for the seekers touched.
        for k in range(n_offered):
            i = offered[k]
            f = best_firm[i]
            if f >= 0:
                hired_firm[i] = f
                firm_vac[f] -= 1
                firm_emp[f] += 1
                hires += 1
            best_firm[i] = -1
            best_value[i] = -np.inf
            offered_by[i] = -1
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
       ``u[..., 2]`` (ranked as the sum of logs, log 0 = −inf), and offers its open
       vacancies to its best distinct applicants (higher score first, the earlier
       application on ties).
    3. A seeker accepts the best offer by pay minus commuting cost (the lowest-numbered
       firm on ties); the firm's vacancy closes and its employment grows. Unfilled
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

    Returns:
        int64 array: the hiring firm of each seeker, or -1.
    """
    n_s = s_home.shape[0]
    n_firms = firm_muni.shape[0]
    n_munis, n_groups = reach_w.shape[0], fit_w.shape[0]
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
    for name, arr in (("s_skill", s_skill), ("s_score", s_score), ("s_apps", s_apps)):
        if arr.shape[0] != n_s:
            raise ValueError(f"{name} has {arr.shape[0]} entries, s_home has {n_s}")
    for name, arr in (
        ("firm_skill", firm_skill),
        ("firm_value", firm_value),
        ("firm_vac", firm_vac),
        ("firm_emp", firm_emp),
    ):
        if arr.shape[0] != n_firms:
            raise ValueError(f"{name} has {arr.shape[0]} entries, firm_muni has {n_firms}")
    ws = Workspace() if workspace is None else workspace
    # Performance: indices into the month's small tables are int32 (half the cache
    # footprint); they count vacancies, applications of a round, cells of the rows and
    # seekers, all far below 2**31.
    n_buckets = n_munis * n_groups
    open_vacancies = int(np.maximum(firm_vac, 0).sum())
    row_cells = int(np.count_nonzero(reach_w > 0)) * n_groups * n_groups
    hired = np.empty(n_s, dtype=np.int64)
    _match_kernel(
        s_home,
        s_skill,
        s_score,
        s_apps,
        u_rows,
        int(u_stride),
        int(n_rounds),
        reach_w,
        fit_w,
        dist,
        float(commute_cost),
        float(noise),
        firm_muni,
        firm_skill,
        firm_value,
        firm_vac,
        firm_emp,
        ws.get("u_start", n_s),
        ws.get("log_score", n_s, np.float64),
        ws.get("log_fit", n_groups * n_groups, np.float64)[: n_groups * n_groups].reshape(
            n_groups, n_groups
        ),
        ws.get("reach_start", n_munis + 1),
        ws.get("reach_list", n_munis * n_munis, np.int32),
        ws.get("row_off", n_buckets),
        ws.get("row_cum", row_cells, np.float64),
        ws.get("row_bv", row_cells, np.int32),
        ws.get("row_vstart", row_cells, np.int32),
        ws.get("row_lfit", row_cells, np.float64),
        ws.get("row_len", n_buckets),
        ws.get("row_total", n_buckets, np.float64),
        ws.get("row_stamp", n_buckets),
        ws.get("guide_off", n_buckets),
        ws.get("guide_size", n_buckets),
        ws.get("guide", 2 * row_cells + n_buckets, np.int32),
        ws.get("bucket_vac", n_buckets),
        ws.get("bucket_vstart", n_buckets + 1, np.int32),
        ws.get("bucket_fill", n_buckets, np.int32),
        ws.get("open_firm", n_firms, np.int32),
        ws.get("vac_owner", open_vacancies, np.int32),
        ws.get("top_start", n_firms + 1, np.int32),
        ws.get("top_fill", open_vacancies, np.int32),
        ws.get("top_cap", open_vacancies, np.int32),
        ws.get("top_seeker", open_vacancies, np.int32),
        ws.get("top_score", open_vacancies, np.float64),
        ws.get("top_order", open_vacancies, np.int32),
        ws.get("kept", -(-max_apps // n_rounds), np.int32),
        ws.get("best_firm", n_s),
        ws.get("best_value", n_s, np.float64),
        ws.get("offered_by", n_s),
        ws.get("offered", n_s),
        hired,
    )
    return hired


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
