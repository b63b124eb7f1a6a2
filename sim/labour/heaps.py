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
