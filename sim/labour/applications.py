"""Applications of one matching round (hakemukset): sent in parallel, ranked firm by firm.

The round of :mod:`.matching` in four steps, numba kernels over flat arrays:

1. :func:`number_round`: the rows of bucket weights that the round's seekers need are
   built, and each seeker's applications of the round get their numbers, seeker after
   seeker (the number is the ranking's tie-break), both on every thread;
2. :func:`send`: every application picks its vacancy and gets its score, on every thread
   (:func:`.pool.in_parts`, each thread a range of seekers; each application's slot is fixed by
   its number, so the arrays written do not depend on the threads); those below the
   firm's hiring standard are dropped;
3. :func:`count_by_firm`, :func:`place_by_firm`, :func:`scatter_by_firm`: the
   applications are grouped by firm, in number order (a stable counting sort, its
   counting and scattering on every thread);
4. :func:`rank_by_firm`: each firm, on any thread, keeps its best distinct applicants in
   a heap (:mod:`.heaps`).

Every firm sees its applications in the order the sequential rule sends them, and firms do
not share state, so the result is the same on any number of threads and equal, match for
match, to the slow reference (``tests/naive.py``).

Performance: the sequential kernel this replaces took each application through the
seeker's row, the vacancy and the firm's heap, a chain of dependent cache misses in tables
far larger than the caches. Grouped by firm, a firm's applications are read one after
another and its heap stays in cache; the vacancy draws, most of the work, run on every
core. Measured on one captured month (docs/benchmarks.md).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from . import pool
from .draws import draw3
from .heaps import _sift_down, _sift_up

PARTS_PER_THREAD = 4
"""Parts of a round's work per thread: small enough that a thread that finishes early
takes another, few enough that handing them out costs little."""

MIN_PART = 16384
"""Fewest applications in a part: a part then takes about a millisecond, far more than
handing it to a thread costs (tens of microseconds). A round smaller than two parts runs
in the calling thread (in the tiny region, threads made the month slower: 6.4 → 8.3 ms)."""


def split_work(applications: int, threads: int) -> tuple[int, int]:
    """Threads and parts for a round of ``applications``: (1, 1) when too small to share."""
    parts = min(threads * PARTS_PER_THREAD, applications // MIN_PART)
    if threads <= 1 or parts < 2:
        return 1, 1
    return min(threads, parts), parts


@nb.njit(cache=True, no_cpython_wrapper=True)
def build_row(row, h, s, reach_w, fit_w, bucket_vac, bucket_vstart, rows):
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


@nb.njit(cache=True, nogil=True)
def build_rows(rd, reach_w, fit_w, heaps, rows, lo, hi):
    """Rows ``lo .. hi`` of a seeker who may still apply in round ``rd``, built anew.

    A (home, skill) row is built when a seeker of it sends more than ``rd`` applications
    this month (``rows.max_apps``); rows write only their own entries, so ranges of rows
    run on threads (:func:`.pool.in_parts`).
    """
    n_groups = fit_w.shape[0]
    for row in range(lo, hi):
        if rows.max_apps[row] > rd:
            build_row(row, row // n_groups, row % n_groups, reach_w, fit_w, heaps.bucket_vac,
                      heaps.bucket_vstart, rows)


@nb.njit(cache=True, nogil=True)
def count_round(rd, n_rounds, seekers, hired, rows, first, at, i_lo, i_hi):
    """Number the round's applications of seekers ``i_lo .. i_hi``, from 0 in the range.

    A seeker sends applications ``rd, rd + n_rounds, ...`` of its month's list unless
    hired or without any reachable vacancy (a row of total weight 0, rows built by
    :func:`build_rows`). ``first[i]`` gets seeker i's first number within the range and
    ``at[0]`` the range's applications; :func:`number_round` makes the numbers global.
    """
    n_groups = rows.log_fit.shape[0]
    total = 0
    # Performance: unsigned indices, which numba does not test for an index from the end
    # (from signed bounds, every access was tested).
    for i in range(np.uint64(i_lo), np.uint64(i_hi)):
        first[i] = total
        if hired[i] >= 0 or seekers.apps[i] <= rd:
            continue
        row = seekers.home[i] * n_groups + seekers.skill[i]
        if rows.total[row] > 0.0:
            total += (seekers.apps[i] - rd + n_rounds - 1) // n_rounds
    at[0] = total


def number_round(rd, n_rounds, seekers, reach_w, fit_w, hired, rows, heaps, first,
                 threads):
    """Build the round's rows and number its applications seeker after seeker, on threads.

    The number is the ranking's tie-break. Rows (:func:`build_rows`) and ranges of seekers
    (:func:`count_round`) run on ``threads`` threads; each range's numbers are then
    shifted by the applications of the ranges before it, so ``first[i]`` is seeker i's
    first number and ``first[n]`` the total, on any number of threads. Returns the total.
    """
    n_s = seekers.home.shape[0]
    n_rows = reach_w.shape[0] * fit_w.shape[0]  # (the workspace's arrays may be longer)
    # A seeker's numbering costs about an eighth of an application's sending, so a part
    # takes eight times MIN_PART seekers: the region's rounds stay in the calling thread,
    # where the threads' hand-off cost more than they saved (match 8.1 -> 9.9 ms a month).
    t, parts = split_work(n_s // 8, threads)
    pool.in_parts(build_rows, (rd, reach_w, fit_w, heaps, rows),
                  np.linspace(0, n_rows, parts + 1).astype(np.int64), t)
    bounds = np.linspace(0, n_s, parts + 1).astype(np.int64)
    at = np.zeros((parts, 1), dtype=np.int64)
    pool.in_parts(count_round, (rd, n_rounds, seekers, hired, rows, first), bounds, t, each=at)
    shift = np.cumsum(at[:, 0]) - at[:, 0]
    for k in range(1, parts):
        first[bounds[k]:bounds[k + 1]] += shift[k]
    total = int(at[:, 0].sum())
    first[n_s] = total
    return total


@nb.njit(inline="always")
def _score(log_score, lfit, noise_scale, u2):
    """Log score of an application: log(employability · fit) + noise·√3·(2u − 1)."""
    return log_score + lfit + noise_scale * (2.0 * u2 - 1.0)


@nb.njit(cache=True, nogil=True)
def send(rd, n_rounds, seekers, u, key, noise_scale, offers, rows, heaps, first, heap, i_lo,
         i_hi):
    """Applications of seekers ``i_lo .. i_hi`` pick their buckets and vacancies (see match).

    Writes, at each application's number, the heap of the vacancy's firm, or -1 when its
    score is below the firm's hiring standard. Releases the GIL: threads run it on
    disjoint ranges of seekers (:func:`.pool.in_parts`).
    """
    n_groups = rows.log_fit.shape[0]
    # Performance: unsigned indices, which numba does not test for an index from the end
    # (from signed bounds, every access was tested).
    for i in range(np.uint64(i_lo), np.uint64(i_hi)):
        q = first[i]
        if first[i + 1] == q:
            continue
        row = seekers.home[i] * n_groups + seekers.skill[i]
        total = rows.total[row]
        last = rows.off[row] + rows.length[row] - 1
        g_off = rows.guide_off[row]
        g_size = rows.guide_size[row]
        ui = offers.u_start[i]
        a = rd
        while a < seekers.apps[i]:
            # First stored bucket with cumulative weight > u·total: from the guide
            # table's cell, scan forward (see build_row).
            ua = draw3(u, key, ui + a, 0)
            t = ua * total
            cell = int(ua * g_size)
            k = rows.guide[g_off + (cell if cell < g_size else g_size - 1)]
            while k < last and rows.cum[k] <= t:
                k += 1
            bv = rows.bv[k]
            j = int(draw3(u, key, ui + a, 1) * bv)
            if j >= bv:
                j = bv - 1  # unreachable for u < 1
            lo = heaps.vac_owner[rows.vstart[k] + j]
            score = _score(offers.log_score[i], rows.lfit[k], noise_scale,
                           draw3(u, key, ui + a, 2))
            heap[q] = lo if score >= heaps.floor[lo] else -1
            q += 1
            a += n_rounds


@nb.njit(cache=True, nogil=True)
def count_by_firm(first, heap, counts, i_lo, i_hi):
    """Grouping by firm, step 1: applications of seekers ``i_lo .. i_hi`` to each heap.

    Added to ``counts`` (zeroed by the caller); one range a thread.
    """
    for q in range(first[i_lo], first[i_hi]):
        h = heap[q]
        if h >= 0:
            counts[h] += 1


@nb.njit(cache=True)
def place_by_firm(counts, n_vac, start):
    """Step 2: where each range's applications to each heap go.

    Heap by heap, then range by range (the ranges in seeker order), so each firm's
    applications keep their numbers' order: ``counts[k, h]`` becomes the first place of
    range k's applications to heap h, ``start[h]`` heap h's first place, ``start[n_vac]``
    the total.
    """
    running = 0
    for h in range(n_vac):
        start[h] = running
        for k in range(counts.shape[0]):
            c = counts[k, h]
            counts[k, h] = running
            running += c
    start[n_vac] = running


@nb.njit(cache=True, nogil=True)
def scatter_by_firm(rd, n_rounds, seekers, u, key, noise_scale, offers, rows, heaps, first,
                    heap, g_seeker, g_score, place, i_lo, i_hi):
    """Step 3: the applications of seekers ``i_lo .. i_hi`` to their places, with scores.

    ``place`` is the range's row of :func:`place_by_firm`. The score is computed again
    from the same operands as in :func:`send`, the same value bit for bit (the fit's log
    is the bucket's, and every firm of a bucket demands its skill group): memory, a float
    per application fewer to keep. One range a thread.
    """
    log_fit, skill = rows.log_fit, seekers.skill
    for i in range(i_lo, i_hi):
        ui = offers.u_start[i]
        a = rd
        for q in range(first[i], first[i + 1]):
            h = heap[q]
            if h >= 0:
                r = place[h]
                g_seeker[r] = i
                g_score[r] = _score(offers.log_score[i], log_fit[skill[i], heaps.skill[h]],
                                    noise_scale, draw3(u, key, ui + a, 2))
                place[h] = r + 1
            a += n_rounds


def group_by_firm(ws, threads, n_vac, rd, n_rounds, seekers, u, key, noise_scale, offers,
                  rows, heaps, first, heap):
    """The round's applications grouped by heap, on ``threads`` threads.

    One range of seekers a thread: counted (:func:`count_by_firm`), placed
    (:func:`place_by_firm`) and scattered with their scores (:func:`scatter_by_firm`), the
    scratch from the workspace ``ws``. Returns each heap's first place (``n_vac`` heaps,
    and the total at the end), then the grouped applicants and scores.
    """
    n_s, n_vac = seekers.home.shape[0], int(n_vac)
    start = ws.get("sent_start", n_vac + 1, np.int32)
    g_seeker = ws.get("sent_seeker", int(first[n_s]), np.int32)
    g_score = ws.get("sent_score", int(first[n_s]), np.float64)
    by_seeker = pool.balanced_bounds(first[: n_s + 1], threads)
    counts = ws.get("sent_counts", threads * n_vac, np.int32)[: threads * n_vac].reshape(
        threads, n_vac)
    counts.fill(0)
    pool.in_parts(count_by_firm, (first, heap), by_seeker, threads, each=counts)
    place_by_firm(counts, n_vac, start)
    pool.in_parts(scatter_by_firm, (rd, n_rounds, seekers, u, key, noise_scale, offers, rows,
                               heaps, first, heap, g_seeker, g_score), by_seeker, threads,
             each=counts)
    return start, g_seeker, g_score


@nb.njit(cache=True, nogil=True)
def rank_by_firm(heaps, start, g_seeker, g_score, o_lo, o_hi):
    """Open firms ``o_lo .. o_hi`` each keep their best distinct applicants (a heap).

    A firm's applications arrive in number order, so a seeker's applications to it are
    consecutive: a later one can only meet the seeker in the heap if an earlier one of the
    run was kept, and only then is the heap searched (the seeker's entry keeps the better
    score, the earlier application on a tie). The grouped position stands for the
    application's number in the tie-break: within a firm both have the same order.
    Releases the GIL: threads run it on disjoint ranges of firms (:func:`.pool.in_parts`).
    """
    fill, cap, top_seeker, top_score, top_order = (heaps.fill, heaps.cap, heaps.seeker,
                                                   heaps.score, heaps.order)
    for o in range(o_lo, o_hi):
        lo = np.int64(heaps.start[o])  # int64, as the other indices: one compiled sift
        previous = -1
        kept = False
        for r in range(start[lo], start[lo + 1]):
            i = g_seeker[r]
            score = g_score[r]
            if i != previous:
                previous, kept = i, False
            n = fill[lo]
            # The common case, an application that loses to the worst kept one, is decided
            # here in one comparison.
            if n < cap[lo] or score > top_score[lo]:
                if kept:  # a second application of the seeker to this firm
                    for q in range(lo, lo + n):
                        if top_seeker[q] == i:
                            if score > top_score[q]:
                                top_score[q] = score
                                top_order[q] = r
                                _sift_down(top_seeker, top_score, top_order, lo, n, q)
                            break
                elif n < cap[lo]:
                    q = lo + n
                    top_seeker[q], top_score[q], top_order[q] = i, score, r
                    fill[lo] = n + 1
                    _sift_up(top_seeker, top_score, top_order, lo, q)
                    kept = True
                else:
                    # Better than the worst kept (a later application never wins a tie):
                    # it takes the worst one's place.
                    top_seeker[lo], top_score[lo], top_order[lo] = i, score, r
                    _sift_down(top_seeker, top_score, top_order, lo, n, np.int64(lo))
                    kept = True
