"""Applicant heaps of job matching: each firm keeps its best applicants as they arrive.

A firm with v open vacancies offers them to the v distinct applicants whose best
application ranks highest, so, as applications stream in, it keeps only its current best
v distinct applicants in a small heap with the worst on top. Numba helpers over flat
arrays (every firm's heap a slice of the same arrays); called for a fifth of the month's
applications, so they take their arrays one by one rather than a bundle (numba passes a
tuple's fields as arguments, which costs in a call made this often).
"""

from __future__ import annotations

import numba as nb
import numpy as np

# Performance: called only from the matching kernel, so no CPython wrapper is built.
_helper = nb.njit(cache=True, no_cpython_wrapper=True)


@_helper
def _worse(score, order, a, b) -> bool:
    """Whether entry a ranks below entry b: lower score, or equal score and sent later."""
    return score[a] < score[b] or (score[a] == score[b] and order[a] > order[b])

@_helper
def _swap(seeker, score, order, a, b):
    seeker[a], seeker[b] = seeker[b], seeker[a]
    score[a], score[b] = score[b], score[a]
    order[a], order[b] = order[b], order[a]

@_helper
def _sift_up(seeker, score, order, lo, pos):
    """Move entry ``pos`` of the heap starting at ``lo`` up while it ranks below its parent."""
    while pos > lo:
        parent = lo + (pos - lo - 1) // 2
        if not _worse(score, order, pos, parent):
            break
        _swap(seeker, score, order, pos, parent)
        pos = parent

@_helper
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

@_helper
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
