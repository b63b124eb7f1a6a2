"""Scratch arrays of the kernels, kept between months (one per model, one thread).

A :class:`Workspace` keeps every array and grows it when a month needs more; the matching
kernel takes its scratch as one :class:`Scratch` built here by :func:`scratch`, with its
inputs as :class:`Seekers` and :class:`Firms`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Workspace:
    """Scratch arrays of the kernels, kept between calls (one per model, one thread).

    Performance: a Pirkanmaa month needs a few megabytes of scratch; allocating it afresh
    every month costs page faults, so arrays are kept and grown (with headroom) only when a
    call needs more. Holds no state between calls: every kernel initialises the part of an
    array it reads before reading it.
    """

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}

    def get(self, name: str, size: int, dtype: type = np.int64) -> np.ndarray:
        """A 1-D array of at least ``size`` entries, contents undefined."""
        arr = self._arrays.get(name)
        if arr is None or arr.shape[0] < size or arr.dtype != dtype:
            arr = np.empty(size + size // 4 + 16, dtype=dtype)
            self._arrays[name] = arr
        return arr


class Seekers(NamedTuple):
    """The month's jobseekers, one entry each."""

    home: np.ndarray  # destination-area index of the home (int64)
    skill: np.ndarray  # skill group
    score: np.ndarray  # employability, what firms rank by (float64)
    apps: np.ndarray  # applications this month (int64)
    reserve: np.ndarray  # value of the job held, -inf for the unemployed (float64)


class Firms(NamedTuple):
    """The firms matching sees, one entry each; ``vac`` and ``emp`` change as they hire."""

    area: np.ndarray  # destination area
    skill: np.ndarray  # skill group demanded
    value: np.ndarray  # pay offered (relative to the mean)
    vac: np.ndarray  # open vacancies (updated)
    emp: np.ndarray  # employment (updated)
    floor: np.ndarray  # hiring standard: lowest log score hired, -inf none (float64)


class Offers(NamedTuple):
    """Per seeker: where its uniforms start, its log score, the round's offers."""

    u_start: np.ndarray  # its first row of uniforms
    log_score: np.ndarray  # log of its score (see _log0)
    best_firm: np.ndarray  # best offer of the round, -1 none
    best_value: np.ndarray  # its value (pay minus commuting cost)
    offered_by: np.ndarray  # last firm that offered it a job this round, -1 none
    offered: np.ndarray  # seekers offered a job this round, in order


class Rows(NamedTuple):
    """Per (home, skill) row: cumulative weights over the buckets and a guide table."""

    log_fit: np.ndarray  # (skill groups × skill groups) log of the fit
    reach_start: np.ndarray  # per home: start of its reachable areas in reach_list
    reach_list: np.ndarray
    off: np.ndarray  # per row: where its entries go
    cum: np.ndarray  # entries: cumulative weight (buckets that raise it only)
    bv: np.ndarray  # entries: the bucket's vacancies
    vstart: np.ndarray  # entries: where the bucket's vacancies start in vac_owner
    lfit: np.ndarray  # entries: log fit of the bucket's skill
    length: np.ndarray  # per row: entries stored
    total: np.ndarray  # per row: total weight
    max_apps: np.ndarray  # per row: the most applications a seeker of it sends
    guide_off: np.ndarray  # per row: its guide table (Chen & Asau's index table)
    guide_size: np.ndarray
    guide: np.ndarray


class Heaps(NamedTuple):
    """Open firms, their vacancies by bucket, and each open firm's heap of applicants."""

    open_firm: np.ndarray  # firms with open vacancies this round, in index order
    bucket_vac: np.ndarray  # per (area × skill) bucket: open vacancies
    bucket_vstart: np.ndarray  # per bucket: its first entry in vac_owner
    bucket_fill: np.ndarray
    vac_owner: np.ndarray  # per open vacancy: the heap of its firm
    start: np.ndarray  # per open firm: its heap's first entry
    fill: np.ndarray  # per heap (at its first entry): entries kept
    cap: np.ndarray  # per heap: capacity (the firm's vacancies)
    floor: np.ndarray  # per heap: the firm's hiring standard (log score)
    skill: np.ndarray  # per heap: the skill group the firm demands
    seeker: np.ndarray  # heap entries: seeker, score, application number
    score: np.ndarray
    order: np.ndarray


class Scratch(NamedTuple):
    """Every scratch array of the matching kernel, built in one place (:func:`scratch`).

    Holds no state between calls: each phase initialises what it reads. Each phase takes
    only the groups it uses (numba passes a tuple's arrays as arguments one by one).
    """

    offers: Offers
    rows: Rows
    heaps: Heaps


def scratch(ws: Workspace, n_seekers: int, n_firms: int, n_areas: int, n_groups: int,
            open_vacancies: int, row_cells: int) -> Scratch:
    """The kernel's scratch arrays, from ``ws`` (kept and grown between months).

    Performance and memory: indices are int32 (half the cache footprint, and the per-seeker
    arrays are kept between months for a third of the persons); they count vacancies,
    applications of a month, cells of the rows, seekers and firms, all far below 2**31.
    """
    n_buckets = n_areas * n_groups
    i32, f64 = np.int32, np.float64
    offers = Offers(
        u_start=ws.get("u_start", n_seekers, i32),
        log_score=ws.get("log_score", n_seekers, f64),
        best_firm=ws.get("best_firm", n_seekers, i32),
        best_value=ws.get("best_value", n_seekers, f64),
        offered_by=ws.get("offered_by", n_seekers, i32),
        offered=ws.get("offered", n_seekers, i32),
    )
    rows = Rows(
        log_fit=ws.get("log_fit", n_groups * n_groups, f64)[: n_groups * n_groups].reshape(
            n_groups, n_groups),
        reach_start=ws.get("reach_start", n_areas + 1),
        reach_list=ws.get("reach_list", n_areas * n_areas, i32),
        off=ws.get("row_off", n_buckets),
        cum=ws.get("row_cum", row_cells, f64),
        bv=ws.get("row_bv", row_cells, i32),
        vstart=ws.get("row_vstart", row_cells, i32),
        lfit=ws.get("row_lfit", row_cells, f64),
        length=ws.get("row_len", n_buckets),
        total=ws.get("row_total", n_buckets, f64),
        max_apps=ws.get("row_max_apps", n_buckets),
        guide_off=ws.get("guide_off", n_buckets),
        guide_size=ws.get("guide_size", n_buckets),
        guide=ws.get("guide", 2 * row_cells + n_buckets, i32),
    )
    heaps = Heaps(
        open_firm=ws.get("open_firm", n_firms, i32),
        bucket_vac=ws.get("bucket_vac", n_buckets),
        bucket_vstart=ws.get("bucket_vstart", n_buckets + 1, i32),
        bucket_fill=ws.get("bucket_fill", n_buckets, i32),
        vac_owner=ws.get("vac_owner", open_vacancies, i32),
        start=ws.get("top_start", n_firms + 1, i32),
        fill=ws.get("top_fill", open_vacancies, i32),
        cap=ws.get("top_cap", open_vacancies, i32),
        floor=ws.get("top_floor", open_vacancies, f64),
        skill=ws.get("top_skill", open_vacancies, i32),
        seeker=ws.get("top_seeker", open_vacancies, i32),
        score=ws.get("top_score", open_vacancies, f64),
        order=ws.get("top_order", open_vacancies, i32),
    )
    return Scratch(offers, rows, heaps)
