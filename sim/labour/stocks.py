"""Stocks per area (varannot): labour force, employment, unemployment, firms and vacancies.

One numba pass over persons and firms a month, the basis of the time series. Persons count
as the Ministry of Economic Affairs and Employment's employment-service statistics
(työnvälitystilasto) count them: an unemployed person in a service is in services
(palveluissa), not an unemployed jobseeker; the labour force is the employed, the
unemployed and those in services; the rest are outside it. Of the unemployed jobseekers,
those who searched actively in the past four weeks are the survey's unemployed within the
register (``active_jobseekers``).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .pool import in_parts, matching_threads, person_ranges
from .population import EMPLOYED, OUTSIDE, UNEMPLOYED

# ------------------------------------------------------------------------------ stats
_RUN_STEP = np.uint64(64)  # persons compared at a time to find where a home's run ends


@nb.njit(cache=True, nogil=True)
def _run_end(home, a, end):
    # The end of the run of persons from ``a`` that share its home (unsigned indices).
    # Performance: 64 persons are compared at a time (a loop the compiler vectorises),
    # then one by one where the run ends; every person is compared, in any order of homes.
    h = home[a]
    b = a + np.uint64(1)
    while b + _RUN_STEP <= end:
        same = 0
        for i in range(b, b + _RUN_STEP):
            same += home[i] == h
        if same < 64:
            break
        b += _RUN_STEP
    while b < end and home[b] == h:
        b += np.uint64(1)
    return b


@nb.njit(cache=True, nogil=True)
def _person_stocks_kernel(home, status, unemployment_months, long_term, in_service, searching,
                          out, lo, hi):
    # Persons lo .. hi, a range that splits no municipality (pool.area_parts), so ranges
    # run on threads: each adds only to its own homes' rows of ``out`` (zeros on entry).
    # Performance: persons are stored municipality by municipality, so they come in runs
    # of one home; a run's counts are sums of comparisons, without a branch (the
    # statuses are mixed at random, which the processor cannot predict), over a loop the
    # compiler vectorises, and go to ``out`` once per run: 7.8 → 1.8 ms at Finland's
    # scale. Unsigned indices, which numba does not test for an index from the end.
    # Integer counts give the same floats in any order.
    a = np.uint64(lo)
    end = np.uint64(hi)
    while a < end:
        b = _run_end(home, a, end)
        emp = 0
        outside = 0
        unemp = 0
        lt = 0
        svc = 0
        active = 0
        for p in range(a, b):
            st = status[p]
            unemployed = st == UNEMPLOYED
            served = in_service[p]
            jobless = unemployed & (not served)  # unemployed and in no service
            outside += st == OUTSIDE
            emp += st == EMPLOYED
            svc += unemployed & served
            unemp += jobless
            lt += jobless & (unemployment_months[p] >= long_term)
            active += jobless & (searching[p] != 0)
        h = home[a]
        out[h, 0] += np.int64(b - a) - outside
        out[h, 1] += emp
        out[h, 2] += unemp
        out[h, 3] += lt
        out[h, 7] += svc
        out[h, 8] += outside
        out[h, 9] += active
        a = b

@nb.njit(cache=True)
def _firm_stocks_kernel(firm_muni, firm_alive, firm_emp, firm_vac, out):
    # After the persons: firms by municipality, then the region's row sums the areas.
    n_areas = out.shape[0] - 1
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
    "in_services",
    "outside_labour_force",
    "active_jobseekers",
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
    in_service: np.ndarray | None = None,
    searching: np.ndarray | None = None,
    parts: np.ndarray | None = None,
) -> np.ndarray:
    """Stocks per area in one pass over persons and firms; the last row is the region.

    Columns are :data:`STOCK_COLUMNS`. Persons count in their home municipality, firms and
    their jobs in the firm's municipality. An unemployed person marked ``in_service`` counts
    in ``in_services``, not as unemployed (nor long-term unemployed). An unemployed
    jobseeker with ``searching`` not 0 counts in ``active_jobseekers`` too (every one when
    ``searching`` is absent).

    ``parts``: ranges of persons that split no municipality
    (:func:`~sim.labour.pool.area_parts`), counted on the calling thread's matching
    threads; one range when absent. Counts are integers, so the floats are the same.
    """
    if in_service is None:
        in_service = np.zeros(home.shape[0], dtype=np.bool_)
    elif in_service.shape[0] != home.shape[0]:
        raise ValueError("in_service must have one entry per person")
    if searching is None:
        searching = np.ones(home.shape[0], dtype=np.uint8)
    elif searching.shape[0] != home.shape[0]:
        raise ValueError("searching must have one entry per person")
    out = np.zeros((n_areas + 1, len(STOCK_COLUMNS)), dtype=np.float64)
    in_parts(_person_stocks_kernel,
             (home, status, unemployment_months, int(long_term), in_service, searching, out),
             person_ranges(parts, home.shape[0], home), matching_threads())
    _firm_stocks_kernel(firm_muni, firm_alive, firm_emp, firm_vac, out)
    return out
