"""Numba kernels: the person- and firm-level loops of the monthly step.

Ground floor of ``sim``: plain functions over 1-D (and a few 2-D) numpy arrays that write
into preallocated outputs and import nothing of the project. Each public wrapper validates
its inputs, allocates the workspaces once, and calls a private ``_kernel``; the loops inside
allocate nothing. The kernels draw no random numbers of their own: every uniform they use is
drawn by the caller from the model's generator and passed in, which makes them deterministic
functions of their inputs, so that tests can compare them with slow references
(``tests/naive.py``) match for match.

Status codes of persons are module constants so that later services can add their own.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

EMPLOYED = 0
UNEMPLOYED = 1

SQRT3 = math.sqrt(3.0)


# --------------------------------------------------------------------------- matching
@nb.njit(cache=True)
def _first_above(cum: np.ndarray, lo: int, hi: int, t: float) -> int:
    """Smallest k in [lo, hi) with cum[k] > t (binary search; cum is non-decreasing)."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if cum[mid] > t:
            hi = mid
        else:
            lo = mid + 1
    return lo


@nb.njit(cache=True)
def _before(score, a, b) -> bool:
    """Ranking order of applications a and b: higher score first, then earlier sent."""
    return score[a] > score[b] or (score[a] == score[b] and a < b)


@nb.njit(cache=True)
def _sort_by_score(idx, score, lo, hi):
    """Sort idx[lo:hi] in place into ranking order (Shell sort: in place, no allocation).

    The order is total (ties broken by application number), so any correct sort gives the
    same result as the reference's ``sorted``.
    """
    gap = 1
    while gap < (hi - lo) // 3:
        gap = 3 * gap + 1
    while gap >= 1:
        for k in range(lo + gap, hi):
            item = idx[k]
            j = k
            while j - gap >= lo and _before(score, item, idx[j - gap]):
                idx[j] = idx[j - gap]
                j -= gap
            idx[j] = item
        gap //= 3


@nb.njit(cache=True)
def _select_top(idx, score, lo, hi, count):
    """Move the first ``count`` of idx[lo:hi] in ranking order to its front, in order.

    Selection sort stopped after ``count`` passes; when count is small against hi - lo this
    is cheaper than sorting the whole segment. If duplicates exhaust the selected front, the
    caller falls back on :func:`_sort_by_score` for the rest.
    """
    end = min(hi, lo + count)
    for k in range(lo, end):
        best = k
        for j in range(k + 1, hi):
            if _before(score, idx[j], idx[best]):
                best = j
        item = idx[best]
        idx[best] = idx[k]
        idx[k] = item


@nb.njit(cache=True)
def _match_kernel(
    s_home,
    s_skill,
    log_score,
    s_apps,
    u,
    n_rounds,
    reach_w,
    fit_w,
    log_fit,
    dist,
    commute_cost,
    noise,
    firm_muni,
    firm_skill,
    firm_value,
    firm_vac,
    firm_emp,
    bucket_vac,
    bucket_start,
    bucket_firms,
    firm_cumvac,
    cum_w,
    app_firm,
    app_seeker,
    app_score,
    firm_start,
    sorted_app,
    best_firm,
    best_value,
    offered_by,
    hired_firm,
):
    """Rounds of apply → rank → offer → accept; writes ``hired_firm`` and updates firms.

    See :func:`match` for the rules. Returns the number of hires.
    """
    n_s = s_home.shape[0]
    n_firms = firm_muni.shape[0]
    n_groups = fit_w.shape[0]
    n_buckets = bucket_vac.shape[0]
    n_munis = reach_w.shape[0]
    hires = 0
    for i in range(n_s):
        hired_firm[i] = -1
    for rd in range(n_rounds):
        # 1. open vacancies by bucket (destination municipality × skill group), with the
        #    firms of each bucket listed in index order and their cumulative vacancies.
        for b in range(n_buckets):
            bucket_vac[b] = 0
            bucket_start[b + 1] = 0
        for f in range(n_firms):
            if firm_vac[f] > 0:
                b = firm_muni[f] * n_groups + firm_skill[f]
                bucket_vac[b] += firm_vac[f]
                bucket_start[b + 1] += 1
        bucket_start[0] = 0
        for b in range(n_buckets):
            bucket_start[b + 1] += bucket_start[b]
        for b in range(n_buckets):
            bucket_vac[b] = 0  # refilled below as a running fill pointer's companion
        for f in range(n_firms):
            if firm_vac[f] > 0:
                b = firm_muni[f] * n_groups + firm_skill[f]
                k = bucket_start[b] + bucket_vac[b]  # bucket_vac counts firms placed so far
                bucket_firms[k] = f
                bucket_vac[b] += 1
        for b in range(n_buckets):
            running = 0
            for k in range(bucket_start[b], bucket_start[b + 1]):
                running += firm_vac[bucket_firms[k]]
                firm_cumvac[k] = running
            bucket_vac[b] = running
        # 2. each (home, skill) row's cumulative weight over buckets: a vacancy's weight is
        #    reach(home → municipality) × fit(skill → job skill); a bucket's is that × its
        #    vacancies. Precomputing per row, not per person, is the main saving.
        for h in range(n_munis):
            for s in range(n_groups):
                row = h * n_groups + s
                running_w = 0.0
                for m in range(n_munis):
                    rw = reach_w[h, m]
                    for g in range(n_groups):
                        b = m * n_groups + g
                        if rw > 0.0 and bucket_vac[b] > 0:
                            running_w += rw * fit_w[s, g] * bucket_vac[b]
                        cum_w[row * n_buckets + b] = running_w
        # 3. applications, in seeker order, then application order.
        n_app = 0
        for i in range(n_s):
            best_firm[i] = -1
            best_value[i] = -np.inf
            offered_by[i] = -1
            if hired_firm[i] >= 0:
                continue
            row = s_home[i] * n_groups + s_skill[i]
            total = cum_w[row * n_buckets + n_buckets - 1]
            if total <= 0.0:
                continue
            # A seeker's month of applications is spread over the rounds: round rd sends
            # applications rd, rd + n_rounds, ... of the seeker's list.
            for a in range(rd, s_apps[i], n_rounds):
                b = (
                    _first_above(
                        cum_w, row * n_buckets, row * n_buckets + n_buckets, u[i, a, 0] * total
                    )
                    - row * n_buckets
                )
                k = _first_above(
                    firm_cumvac, bucket_start[b], bucket_start[b + 1], u[i, a, 1] * bucket_vac[b]
                )
                f = bucket_firms[k]
                app_firm[n_app] = f
                app_seeker[n_app] = i
                # Ranked in logs: log(employability · fit · exp(noise)) needs no exp() here.
                app_score[n_app] = (
                    log_score[i]
                    + log_fit[s_skill[i], firm_skill[f]]
                    + noise * SQRT3 * (2.0 * u[i, a, 2] - 1.0)
                )
                n_app += 1
        # 4. group applications by firm (counting sort, stable in application order).
        for f in range(n_firms + 1):
            firm_start[f] = 0
        for k in range(n_app):
            firm_start[app_firm[k] + 1] += 1
        for f in range(n_firms):
            firm_start[f + 1] += firm_start[f]
        for k in range(n_app):
            f = app_firm[k]
            sorted_app[firm_start[f]] = k
            firm_start[f] += 1
        for f in range(n_firms, 0, -1):  # undo the fill shift: start of f is end of f-1
            firm_start[f] = firm_start[f - 1]
        firm_start[0] = 0
        # 5. each firm offers its vacancies to its best distinct applicants; each seeker
        #    keeps the best offer (pay minus commuting cost; the first on ties).
        for f in range(n_firms):
            v = firm_vac[f]
            lo = firm_start[f]
            hi = firm_start[f + 1]
            if v <= 0 or hi == lo:
                continue
            if v * 8 < hi - lo:
                # Few vacancies, many applicants: 2v passes of selection beat a full sort.
                ranked = lo + 2 * v
                _select_top(sorted_app, app_score, lo, hi, 2 * v)
            else:
                ranked = hi
                _sort_by_score(sorted_app, app_score, lo, hi)
            made = 0
            for k in range(lo, hi):
                if made == v:
                    break
                if k == ranked:  # duplicates used up the selected front: rank the rest
                    _sort_by_score(sorted_app, app_score, k, hi)
                    ranked = hi
                i = app_seeker[sorted_app[k]]
                if offered_by[i] == f:
                    continue  # a second application of the same person to the same firm
                offered_by[i] = f
                value = firm_value[f] - commute_cost * dist[s_home[i], firm_muni[f]]
                if value > best_value[i]:
                    best_value[i] = value
                    best_firm[i] = f
                made += 1
        # 6. acceptance.
        for i in range(n_s):
            f = best_firm[i]
            if f >= 0:
                hired_firm[i] = f
                firm_vac[f] -= 1
                firm_emp[f] += 1
                hires += 1
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
) -> np.ndarray:
    """Match seekers to vacancies (kohtaanto) for one month; return each seeker's new firm.

    Rules, in each of ``n_rounds`` rounds:

    1. Every seeker not yet hired sends its applications of this round (application ``a``
       of the ``s_apps[i]`` in the month goes out in round ``a % n_rounds``). Each goes to one open
       vacancy drawn with weight ``reach_w[home, firm_muni] * fit_w[skill, firm_skill]``
       (``u[..., 0]`` picks the municipality and skill group, ``u[..., 1]`` the vacancy).
    2. A firm scores an application as employability × fit × exp(noise·√3·(2u−1)), with
       ``u[..., 2]``, and offers its open vacancies to its best distinct applicants.
    3. A seeker accepts the best offer by pay minus commuting cost; the firm's vacancy
       closes and its employment grows. Unfilled vacancies and seekers go on to the next
       round.

    Args:
        s_home: per seeker, home municipality.
        s_skill: per seeker, skill group.
        s_score: per seeker, employability (what firms rank by).
        s_apps: per seeker, applications this month.
        u: uniforms in [0, 1), shape (seekers, max applications per month, 3).
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

    Returns:
        int64 array: the hiring firm of each seeker, or -1.
    """
    n_s = s_home.shape[0]
    n_firms = firm_muni.shape[0]
    n_munis, n_groups = reach_w.shape[0], fit_w.shape[0]
    if u.ndim != 3 or u.shape[0] != n_s or u.shape[2] != 3:
        raise ValueError(f"u must have shape ({n_s}, max_apps, 3), got {u.shape}")
    if n_rounds < 1:
        raise ValueError("n_rounds must be at least 1")
    if n_s and int(s_apps.max(initial=0)) > u.shape[1]:
        raise ValueError("s_apps exceeds the applications that u has uniforms for")
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
    n_buckets = n_munis * n_groups
    max_apps = n_s * u.shape[1]
    hired = np.empty(n_s, dtype=np.int64)
    with np.errstate(divide="ignore"):  # a zero employability or fit ranks last (-inf)
        log_score = np.log(s_score)
        log_fit = np.log(fit_w)
    _match_kernel(
        s_home,
        s_skill,
        log_score,
        s_apps,
        u,
        int(n_rounds),
        reach_w,
        fit_w,
        log_fit,
        dist,
        float(commute_cost),
        float(noise),
        firm_muni,
        firm_skill,
        firm_value,
        firm_vac,
        firm_emp,
        np.zeros(n_buckets, np.int64),
        np.zeros(n_buckets + 1, np.int64),
        np.zeros(n_firms, np.int64),
        np.zeros(n_firms, np.int64),
        np.zeros(n_munis * n_groups * n_buckets, np.float64),
        np.zeros(max_apps, np.int64),
        np.zeros(max_apps, np.int64),
        np.zeros(max_apps, np.float64),
        np.zeros(n_firms + 1, np.int64),
        np.zeros(max_apps, np.int64),
        np.zeros(n_s, np.int64),
        np.zeros(n_s, np.float64),
        np.zeros(n_s, np.int64),
        hired,
    )
    return hired


# ------------------------------------------------------------------------ separations
@nb.njit(cache=True)
def _separate_kernel(
    employer,
    status,
    home,
    unemployment_months,
    firm_dead,
    firm_need,
    firm_left,
    quitters,
    u_layoff,
    firm_emp,
    out_by_area,
):
    n = employer.shape[0]
    q = 0
    j = 0
    n_quit = quitters.shape[0]
    released = 0
    for p in range(n):
        while q < n_quit and quitters[q] < p:
            q += 1
        f = employer[p]
        if f < 0:
            continue
        release = False
        if firm_dead[f]:
            release = True
        if not release and firm_need[f] > 0:
            # Selection sampling (Knuth's Algorithm S): keep need/left odds so that exactly
            # firm_need of the firm's workers are laid off, each set equally likely.
            if u_layoff[j] * firm_left[f] < firm_need[f]:
                release = True
                firm_need[f] -= 1
            firm_left[f] -= 1
            j += 1
        if not release and q < n_quit and quitters[q] == p:
            release = True
        if release:
            employer[p] = -1
            status[p] = UNEMPLOYED
            unemployment_months[p] = 0
            firm_emp[f] -= 1
            out_by_area[home[p]] += 1
            released += 1
    return released


def separate(
    employer: np.ndarray,
    status: np.ndarray,
    home: np.ndarray,
    unemployment_months: np.ndarray,
    firm_dead: np.ndarray,
    firm_need: np.ndarray,
    quitters: np.ndarray,
    u_layoff: np.ndarray,
    firm_emp: np.ndarray,
    out_by_area: np.ndarray,
) -> int:
    """Move workers into unemployment (erot): firm deaths, layoffs and other separations.

    A worker of a dead firm is released. A firm with ``firm_need[f] > 0`` lays off exactly
    that many of its workers, a uniformly random set, chosen in one pass by selection
    sampling with one uniform of ``u_layoff`` per worker of such a firm, in person order.
    Any other worker listed in ``quitters`` (sorted person indices) leaves too.
    ``employer``, ``status``, ``unemployment_months``, ``firm_emp`` and ``out_by_area``
    (separations by home municipality) are updated in place. Returns the number released.
    """
    if quitters.size and np.any(np.diff(quitters) < 0):
        raise ValueError("quitters must be sorted")
    need = np.minimum(firm_need, firm_emp).astype(np.int64)
    needed_uniforms = int(firm_emp[(need > 0) & ~firm_dead].sum())
    if u_layoff.shape[0] < needed_uniforms:
        raise ValueError(f"u_layoff has {u_layoff.shape[0]} uniforms, {needed_uniforms} needed")
    return _separate_kernel(
        employer,
        status,
        home,
        unemployment_months,
        firm_dead,
        need,
        firm_emp.copy(),
        quitters,
        u_layoff,
        firm_emp,
        out_by_area,
    )


def layoff_uniforms_needed(
    firm_need: np.ndarray, firm_emp: np.ndarray, firm_dead: np.ndarray
) -> int:
    """How many uniforms :func:`separate` consumes for these firms."""
    return int(firm_emp[(np.minimum(firm_need, firm_emp) > 0) & ~firm_dead].sum())


# ----------------------------------------------------------------------------- ageing
@nb.njit(cache=True)
def _age_kernel(status, unemployment_months, employability, base, scarring, recovery, floor):
    for p in range(status.shape[0]):
        if status[p] == UNEMPLOYED:
            unemployment_months[p] += 1
            e = employability[p] * (1.0 - scarring)
            employability[p] = e if e > floor else floor
        else:
            employability[p] += recovery * (base[p] - employability[p])


def age(
    status: np.ndarray,
    unemployment_months: np.ndarray,
    employability: np.ndarray,
    base: np.ndarray,
    scarring: float,
    recovery: float,
    floor: float,
) -> None:
    """End of month: unemployment lengthens and scars, work restores employability."""
    _age_kernel(
        status,
        unemployment_months,
        employability,
        base,
        float(scarring),
        float(recovery),
        float(floor),
    )


# ------------------------------------------------------------------------------ stats
@nb.njit(cache=True)
def _stocks_kernel(
    home, status, unemployment_months, long_term, firm_muni, firm_alive, firm_emp, firm_vac, out
):
    n_areas = out.shape[0] - 1
    for a in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[a, c] = 0.0
    for p in range(home.shape[0]):
        h = home[p]
        out[h, 0] += 1.0
        if status[p] == EMPLOYED:
            out[h, 1] += 1.0
        elif status[p] == UNEMPLOYED:
            out[h, 2] += 1.0
            if unemployment_months[p] >= long_term:
                out[h, 3] += 1.0
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
) -> np.ndarray:
    """Stocks per area in one pass over persons and firms; the last row is the region.

    Columns are :data:`STOCK_COLUMNS`. Persons count in their home municipality, firms and
    their jobs in the firm's municipality.
    """
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
        out,
    )
    return out
