"""Work in parts on threads (säikeet): the thread setting, the pool, ranges of persons.

Job matching's phases (:mod:`.applications`) and the passes over persons at national scale
(labour-force flows, benefits and taxes, a month in services) split their work into parts
that write disjoint outputs, and run them here on the calling thread and helpers from one
pool: :func:`in_parts`. How work is cut changes the time only, never the result:
:func:`balanced_bounds` gives parts of about equal work, :func:`area_parts` ranges of
persons that split no municipality (so sums by home are the same additions in the same
order), :func:`person_ranges` checks such ranges.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numba as nb
import numpy as np

_local = threading.local()
_pool: ThreadPoolExecutor | None = None
_pool_threads = 0
_pool_lock = threading.Lock()  # models in several threads of one process share the pool


def set_matching_threads(threads: int | None) -> None:
    """Run job matching and the passes over persons in ranges on ``threads`` threads.

    From this thread on; None restores the default.

    The default is numba's thread count (``NUMBA_NUM_THREADS``, one per core unless set).
    The setting belongs to the calling thread, so each worker thread of a sweep has its
    own. Results do not depend on it.
    """
    if threads is not None and threads < 1:
        raise ValueError(f"threads must be at least 1, got {threads}")
    _local.threads = threads


def matching_threads() -> int:
    """Threads job matching runs on in this thread (:func:`set_matching_threads`)."""
    return getattr(_local, "threads", None) or nb.config.NUMBA_NUM_THREADS


def _forget_pool() -> None:
    """A forked child has none of its parent's threads: it starts a pool of its own."""
    global _pool, _pool_threads, _pool_lock
    _pool, _pool_threads, _pool_lock = None, 0, threading.Lock()


os.register_at_fork(after_in_child=_forget_pool)


def in_parts(kernel, args: tuple, bounds: np.ndarray, threads: int, each=None) -> None:
    """``kernel(*args, lo, hi)`` for each part ``bounds[k] .. bounds[k + 1]``, on threads.

    With ``each``, part k's call gets ``each[k]`` before its bounds (a row of its own).

    The kernels release the GIL and write disjoint parts of their outputs, so the parts
    run side by side: the calling thread and ``threads − 1`` helpers from a pool each take
    the next part when done with one (parts of equal size take unequal time); it returns
    when all are done, re-raising a part's exception. Performance: Python threads over
    plain compiled kernels, rather than numba's parallel loops, which took twice as long
    to compile (docs/benchmarks.md) and whose threads spin-wait when oversubscribed. The
    caller works too, rather than waiting for the pool: a pool thread asleep on an idle
    core here often starts a millisecond or two after it is handed work, longer than a
    part takes in the region (docs/benchmarks.md, "What a second thread gives here"), and
    a helper that has not started by the time the caller finds no part left is called
    off, not waited for.
    """
    global _pool, _pool_threads
    parts = [(*args, *(() if each is None else (each[k],)), int(a), int(b))
             for k, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)) if b > a]
    if threads <= 1 or len(parts) <= 1:
        for part in parts:
            kernel(*part)
        return
    helpers = min(threads, len(parts)) - 1
    with _pool_lock:
        if _pool is None or _pool_threads < helpers:
            # A larger pool replaces a smaller one; the smaller one is not shut down, as
            # another thread may still be handing it parts (its idle threads end at exit).
            _pool_threads = helpers
            _pool = ThreadPoolExecutor(max_workers=helpers, thread_name_prefix="kasvu-matching")
        pool = _pool
    todo = iter(parts)  # shared: next() on a list's iterator is atomic under the GIL

    def work() -> None:
        for part in todo:
            kernel(*part)

    started = [pool.submit(work) for _ in range(helpers)]
    try:
        work()
    finally:
        for future in started:
            if not future.cancel():  # running or done: wait, and re-raise its exception
                future.result()


def balanced_bounds(cumulative: np.ndarray, parts: int) -> np.ndarray:
    """Bounds of ``parts`` index ranges with about equal work.

    ``cumulative[i]`` is the work before item i (nondecreasing, one entry more than
    items). Which items go together changes the time only, never the result.
    """
    targets = np.arange(parts + 1) * (int(cumulative[-1]) / parts)
    bounds = np.searchsorted(cumulative, targets, side="left")
    bounds[0], bounds[-1] = 0, cumulative.shape[0] - 1
    return bounds


MIN_PERSONS = 1 << 18
"""Fewest persons in a part of a pass over persons: a simple pass takes a few nanoseconds
a person, so a part takes about a millisecond. The region (320,000 persons) is one part;
the country (3.4 million) is twelve."""

MAX_PERSON_PARTS = 16
"""Most parts of a pass over persons (a few per thread)."""


def area_parts(home: np.ndarray) -> np.ndarray:
    """Bounds of ranges of persons for passes on threads, that split no municipality.

    Persons are stored municipality by municipality (the population is built so, and no
    one moves), so a municipality's persons lie in one range, and a pass that sums by home
    adds the same numbers in the same order, range by range, as in one pass. A table not
    in that order (hand-made) gets one range. The bounds do not depend on the threads.
    """
    n = home.shape[0]
    parts = min(MAX_PERSON_PARTS, n // MIN_PERSONS)
    if parts < 2 or not (home[1:] >= home[:-1]).all():
        return np.array([0, n], dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, home[1:] != home[:-1]])  # each municipality's first
    cumulative = np.r_[starts, n]  # persons before each municipality, and all of them
    return np.unique(cumulative[balanced_bounds(cumulative, parts)]).astype(np.int64)


def person_ranges(parts: np.ndarray | None, n: int, home: np.ndarray | None = None
                  ) -> np.ndarray:
    """``parts`` checked, or one range of all ``n`` persons when None.

    Bounds must rise from 0 to ``n`` (every person in one range) and, given ``home``,
    split no municipality: a pass that sums by home on threads would otherwise have two
    threads write one municipality's sums.
    """
    if parts is None:
        return np.array([0, n], dtype=np.int64)
    bounds = np.asarray(parts, dtype=np.int64)
    if bounds.ndim != 1 or bounds.size < 2 or bounds[0] != 0 or bounds[-1] != n \
            or (np.diff(bounds) < 0).any():
        raise ValueError(f"parts must rise from 0 to {n}, got {bounds.tolist()}")
    inner = bounds[1:-1]
    inner = inner[(inner > 0) & (inner < n)]
    if home is not None and (home[inner - 1] == home[inner]).any():
        raise ValueError("parts must not split a municipality's persons")
    return bounds
