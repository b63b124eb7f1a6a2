"""The emergent matching function (kohtaantofunktio), estimated from a run's tables.

Hires on the unemployed and vacancies of the month before, by OLS in logs: pooled over
areas, within areas over time (the headline), and over the region's months. Within areas,
the unemployed and vacancies of the neighbouring areas within commuting reach are held
fixed when given: residents of a municipality apply across its commuting reach, so the
municipality's own vacancies are a poor measure of the jobs they compete for, and
leaving out the neighbours' biases the elasticities (the spatial matching function of
Burgess & Profit 2001).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .facts import Fact, Statistic, ols, verdict_from
from .trends import trend_residuals


def _demean(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """``values`` less their group's mean (the within transformation of fixed effects)."""
    return values - pd.Series(values).groupby(groups).transform("mean").to_numpy()


def _within(y: np.ndarray, x: np.ndarray, area: np.ndarray, months: np.ndarray | None
            ) -> tuple[np.ndarray, np.ndarray]:
    """OLS of ``y`` on the columns of ``x`` within areas (coefficients after a constant).

    Area means, and with ``months`` each area's linear trend, are removed first; the
    covariance is corrected for the degrees of freedom those take.
    """
    n_areas = len(set(area))
    if months is None:
        ty, tx, lost = _demean(y, area), [_demean(c, area) for c in x.T], n_areas - 1
    else:
        ty = trend_residuals(y, months, area)
        tx, lost = [trend_residuals(c, months, area) for c in x.T], 2 * (n_areas - 1)
    coef, cov = ols(ty, np.column_stack(tx))
    k = 1 + x.shape[1]
    return coef, cov * (y.size - k) / (y.size - k - lost)


def matching_function(hires: np.ndarray, unemployed: np.ndarray, vacancies: np.ndarray,
                      areas: np.ndarray | None = None,
                      region: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                      level: str = "municipality-months",
                      months: np.ndarray | None = None,
                      neighbours: tuple[np.ndarray, np.ndarray] | None = None) -> Fact:
    """The emergent matching function, log H = a + α log U + β log V, by OLS.

    Observations with a zero count are dropped (the log is undefined). Returns α, β and the
    returns to scale α + β with HC1-robust 95 % CIs, and the t statistic of α + β = 1. With
    ``areas``, the elasticities are also estimated within areas (area fixed effects), from
    the variation over time alone, and the within-area α is the headline and the verdict's
    basis. With ``months`` as well, each area also gets a linear trend, so that a slow drift
    of matching efficiency (a baseline that is not stationary) does not load on α; the
    estimate without trends is reported beside it. With ``neighbours`` (the unemployed and
    the vacancies within commuting reach of each observation's area, its own left out,
    aligned the same way), the within estimate also holds their logs fixed, and the
    estimate without them is reported as ``*_own_only``. With ``region`` (hires,
    unemployed, vacancies of the whole region by month, aligned the same way), also from
    the region's time series.
    """
    h, u, v = (np.asarray(a, dtype=float) for a in (hires, unemployed, vacancies))
    keep = (h > 0) & (u > 0) & (v > 0)
    if neighbours is not None:
        nu, nv = (np.asarray(a, dtype=float) for a in neighbours)
        keep &= (nu > 0) & (nv > 0)
    y, x = np.log(h[keep]), np.column_stack([np.log(u[keep]), np.log(v[keep])])
    coef, cov = ols(y, x)
    within: list[Statistic] = []
    over_region: list[Statistic] = []
    if areas is not None:
        area = np.asarray(areas)[keep]
        t = None if months is None else np.asarray(months, dtype=float)[keep]
        x_all = x if neighbours is None else np.column_stack([x, np.log(nu[keep]),
                                                               np.log(nv[keep])])
        cw, vw = _within(y, x_all, area, t)
        within = [Statistic.normal("alpha_within_areas", cw[1], math.sqrt(vw[1, 1])),
                  Statistic.normal("beta_within_areas", cw[2], math.sqrt(vw[2, 2]))]
        if neighbours is not None:
            within += [Statistic.normal("alpha_neighbours_within_areas", cw[3],
                                        math.sqrt(vw[3, 3])),
                       Statistic.normal("beta_neighbours_within_areas", cw[4],
                                        math.sqrt(vw[4, 4]))]
            own, _ = _within(y, x, area, t)
            within += [Statistic("alpha_within_areas_own_only", float(own[1])),
                       Statistic("beta_within_areas_own_only", float(own[2]))]
        if months is not None:
            flat, _ = _within(y, x_all, area, None)
            within += [Statistic("alpha_within_areas_no_trends", float(flat[1])),
                       Statistic("beta_within_areas_no_trends", float(flat[2]))]
    if region is not None:
        rh, ru, rv = (np.asarray(a, dtype=float) for a in region)
        ok = (rh > 0) & (ru > 0) & (rv > 0)
        cr, vr = ols(np.log(rh[ok]), np.column_stack([np.log(ru[ok]), np.log(rv[ok])]))
        over_region = [Statistic.normal("alpha_region_months", cr[1], math.sqrt(vr[1, 1])),
                       Statistic.normal("beta_region_months", cr[2], math.sqrt(vr[2, 2]))]
    alpha, beta = coef[1], coef[2]
    rts = alpha + beta
    se_rts = math.sqrt(cov[1, 1] + cov[2, 2] + 2 * cov[1, 2])
    t_crs = (rts - 1.0) / se_rts if se_rts > 0 else math.inf
    fitted = coef[0] + x @ coef[1:]
    r2 = 1 - np.sum((y - fitted) ** 2) / np.sum((y - y.mean()) ** 2)
    a_stat = Statistic.normal("alpha_unemployment", alpha, math.sqrt(cov[1, 1]))
    pooled = (a_stat, Statistic.normal("beta_vacancies", beta, math.sqrt(cov[2, 2])),
              Statistic.normal("returns_to_scale", rts, se_rts),
              Statistic("t_constant_returns", t_crs))
    # The headline is the elasticity within areas, over time, when there are areas: pooled
    # over areas of different sizes, α mostly measures that bigger areas have more hires.
    head = within[0] if areas is not None else a_stat
    in_band = head.high >= 0.5 and head.low <= 0.7
    crs = abs(rts - 1.0) <= 0.2
    if areas is not None:
        verdict = verdict_from(in_band, 0.3 <= head.value <= 0.9)
        held = [" and linear trends" if months is not None else "",
                "; the neighbours' unemployed and vacancies held fixed"
                if neighbours is not None else ""]
        rule = (f"pass: the CI of α within areas (area fixed effects{held[0]}{held[1]}) "
                "overlaps 0.5–0.7; warn: 0.3 ≤ α within areas ≤ 0.9; fail: otherwise")
        basis = ("the verdict rests on α within areas, from each area's variation over time; "
                 "the pooled estimate mixes in differences of size between areas")
        if months is not None:
            basis += ("; each area's linear trend is removed first, so that a drift of "
                      "matching efficiency (real ones trend too: Hall & Schulhofer-Wohl "
                      "2018) or of a baseline that is not stationary does not load on α; "
                      "the estimate without trends is reported as *_no_trends")
        if neighbours is not None:
            basis += ("; residents apply across their commuting reach, so the neighbouring "
                      "areas' unemployed and vacancies (within reach, weighted as seekers "
                      "weight them) enter as regressors, as in the spatial matching "
                      "function of Burgess & Profit (2001); without them the area's own "
                      "vacancies stand in for the jobs its residents compete for, and the "
                      "omitted vacancies, which fall when unemployment rises, bias α down "
                      "(reported as *_own_only)")
    else:
        verdict = verdict_from(in_band and crs, 0.3 <= alpha <= 0.9 or crs)
        rule = ("pass: the CI of α overlaps 0.5–0.7 and |α + β − 1| ≤ 0.2; warn: one of "
                "0.3 ≤ α ≤ 0.9 or |α + β − 1| ≤ 0.2; fail: neither")
        basis = "the verdict rests on the pooled estimate (no areas given)"
    statistics = (*within, *pooled, *over_region) if areas is not None \
        else (*pooled, *over_region)
    return Fact(
        key="matching",
        title="Emergent matching function (Cobb-Douglas, log-regression)",
        statistics=(
            *statistics,
            Statistic("r_squared", float(r2)),
            Statistic("observations", float(y.size)),
        ),
        reference="Cobb-Douglas with roughly constant returns fits well; the elasticity with "
        "respect to unemployment is usually 0.5–0.7 (Petrongolo & Pissarides 2001)",
        rule=rule,
        verdict=verdict,
        notes=(f"OLS over {level}: hires in month t on the unemployed (persons in services "
               "included: all of them search) and vacancies at the end of month t − 1; "
               "HC1-robust standard errors",
               "a large sample rejects exact constant returns for small departures; the "
               "size of α + β − 1 is reported with the t statistic beside it",
               basis),
        data={"observed": y, "fitted": fitted},
    )


def neighbour_totals(frame: pd.DataFrame, column: str, weights: np.ndarray,
                     names: list[str]) -> np.ndarray:
    """Each row's neighbours' total of ``column`` in its month: Σ over n ≠ m of w[m, n]·x_n.

    Args:
        frame: one row per area and month (columns ``area``, ``month`` and ``column``).
        column: what to total.
        weights: (areas × areas) weight of area n's value for area m, in ``names`` order
            (the commuting reach weights of :func:`sim.labour.population.reach_weights`);
            the diagonal is ignored, so an area is never its own neighbour.
        names: the areas, in the order of ``weights``' rows.

    Returns:
        The totals, aligned with ``frame``'s rows.
    """
    w = np.array(weights, dtype=float)
    np.fill_diagonal(w, 0.0)
    wide = frame.pivot(index="month", columns="area", values=column).reindex(columns=names)
    near = pd.DataFrame(wide.to_numpy(dtype=float) @ w.T, index=wide.index, columns=names)
    at = pd.MultiIndex.from_arrays([frame["month"].to_numpy(), frame["area"].to_numpy()])
    return near.stack().reindex(at).to_numpy()
