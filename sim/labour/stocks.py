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

from .population import EMPLOYED, OUTSIDE, UNEMPLOYED


# ------------------------------------------------------------------------------ stats
@nb.njit(cache=True)
def _stocks_kernel(
    home, status, unemployment_months, long_term, firm_muni, firm_alive, firm_emp, firm_vac,
    in_service, searching, out
):
    n_areas = out.shape[0] - 1
    for a in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[a, c] = 0.0
    # Performance: counts go into local integers and are flushed into ``out`` when the
    # home municipality changes. Persons are stored municipality by municipality, so this
    # is a few flushes a month, and it removes the chain of read-modify-writes of the same
    # four cells of ``out`` that bounded the loop. Integer counts give the same floats.
    cur = -1
    lf = 0
    emp = 0
    unemp = 0
    lt = 0
    svc = 0
    outside = 0
    active = 0
    for p in range(home.shape[0]):
        h = home[p]
        if h != cur:
            if cur >= 0:
                out[cur, 0] += lf
                out[cur, 1] += emp
                out[cur, 2] += unemp
                out[cur, 3] += lt
                out[cur, 7] += svc
                out[cur, 8] += outside
                out[cur, 9] += active
            cur = h
            lf = 0
            emp = 0
            unemp = 0
            lt = 0
            svc = 0
            outside = 0
            active = 0
        st = status[p]
        if st == OUTSIDE:
            outside += 1
            continue
        lf += 1
        emp += st == EMPLOYED
        if st == UNEMPLOYED:
            if in_service[p]:
                svc += 1
            else:
                unemp += 1
                lt += unemployment_months[p] >= long_term
                active += searching[p] != 0
    if cur >= 0:
        out[cur, 0] += lf
        out[cur, 1] += emp
        out[cur, 2] += unemp
        out[cur, 3] += lt
        out[cur, 7] += svc
        out[cur, 8] += outside
        out[cur, 9] += active
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
) -> np.ndarray:
    """Stocks per area in one pass over persons and firms; the last row is the region.

    Columns are :data:`STOCK_COLUMNS`. Persons count in their home municipality, firms and
    their jobs in the firm's municipality. An unemployed person marked ``in_service`` counts
    in ``in_services``, not as unemployed (nor long-term unemployed). An unemployed
    jobseeker with ``searching`` not 0 counts in ``active_jobseekers`` too (every one when
    ``searching`` is absent).
    """
    if in_service is None:
        in_service = np.zeros(home.shape[0], dtype=np.bool_)
    elif in_service.shape[0] != home.shape[0]:
        raise ValueError("in_service must have one entry per person")
    if searching is None:
        searching = np.ones(home.shape[0], dtype=np.uint8)
    elif searching.shape[0] != home.shape[0]:
        raise ValueError("searching must have one entry per person")
    out = np.empty((n_areas + 1, len(STOCK_COLUMNS)), dtype=np.float64)
    _stocks_kernel(
        home,
        status,
        unemployment_months,
        int(long_term),
        firm_muni,
        firm_alive,
        firm_emp,
        firm_vac,
        in_service,
        searching,
        out,
    )
    return out
