"""The baseline's drift, linear trends, and the cycle facts read net of a drift."""

import numpy as np
import pytest

from analysis.validation import facts as vf
from analysis.validation import matching as vm
from analysis.validation.stationarity import stationarity
from analysis.validation.trends import newey_west_slope, trend_residuals


def _ar1(n: int, rho: float, sd: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    e = np.empty(n)
    e[0] = rng.normal(0, sd)
    for i in range(1, n):
        e[i] = rho * e[i - 1] + rng.normal(0, sd)
    return e


# ------------------------------------------------------------------------- trends
def test_newey_west_slope_recovers_a_trend_and_widens_for_autocorrelated_noise():
    t = np.arange(240.0)
    white = 1.0 + 0.01 * t + _ar1(240, 0.0, 0.1, 1)
    smooth = 1.0 + 0.01 * t + _ar1(240, 0.9, 0.1, 1)
    _, slope, se_white = newey_west_slope(t, white, 8)
    _, slope_s, se_smooth = newey_west_slope(t, smooth, 8)
    assert slope == pytest.approx(0.01, abs=3 * se_white)
    assert slope_s == pytest.approx(0.01, abs=3 * se_smooth)
    assert se_smooth > 2 * se_white


def test_newey_west_with_no_lags_is_the_white_standard_error():
    rng = np.random.default_rng(4)
    t = np.arange(50.0)
    y = 0.5 * t + rng.normal(0, 1 + t / 25)
    _, slope, se = newey_west_slope(t, y, 0)
    coef, cov = vf.ols(y, t)
    assert slope == pytest.approx(coef[1])
    assert se == pytest.approx(np.sqrt(cov[1, 1] * (50 - 2) / 50))  # HC0 against HC1


def test_trend_residuals_equal_a_regression_on_group_dummies_and_trends():
    """Against the slow, obvious design: a dummy and a dummy × month column per group."""
    rng = np.random.default_rng(7)
    groups = np.repeat(np.array(["a", "b", "c"]), 30)
    months = np.tile(np.arange(30.0), 3)
    y = rng.normal(size=90) + np.repeat([1.0, -2.0, 5.0], 30) * months
    design = np.column_stack([(groups == g) * w for g in "abc" for w in (1.0, months)])
    expected = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    assert trend_residuals(y, months, groups) == pytest.approx(expected, abs=1e-10)
    one = trend_residuals(y, months)
    whole = np.column_stack([np.ones(90), months])
    assert one == pytest.approx(y - whole @ np.linalg.lstsq(whole, y, rcond=None)[0], abs=1e-10)


def test_trend_residuals_of_a_group_too_short_for_a_trend_are_its_deviations_from_mean():
    out = trend_residuals(np.array([1.0, 3.0, 5.0, 7.0]), np.array([0, 1, 0, 0]),
                          np.array([0, 0, 1, 2]))
    assert out == pytest.approx([-1.0, 1.0, 0.0, 0.0])


# -------------------------------------------------------------------- stationarity
@pytest.mark.parametrize("drift_pp, verdict", [(0.0, "pass"), (1.0, "warn"), (3.0, "fail")])
def test_stationarity_verdict_follows_the_drift_over_the_run(drift_pp, verdict):
    months = np.arange(121.0)
    u = 0.13 + drift_pp / 100 * months / 120 + _ar1(121, 0.8, 0.0005, 3)
    fact = stationarity(months, u)
    drift = fact.statistic("drift_pp_over_run")
    assert drift.low < drift_pp < drift.high
    assert drift.value == pytest.approx(drift_pp, abs=0.3)
    assert fact.verdict == verdict
    assert fact.statistic("last_year_mean_pct").value - \
        fact.statistic("first_year_mean_pct").value == pytest.approx(drift_pp * 108 / 120,
                                                                     abs=0.3)


# ------------------------------------------------- cycle facts net of a drifting baseline
def _drifting_loop(period: int = 48, cycles: int = 3):
    t = np.arange(cycles * period + 1)
    theta = 2 * np.pi * t / period
    rng = np.random.default_rng(3)
    drift_u = 0.04 * t / t[-1]  # 4 points up over the run
    drift_v = 0.008 * t / t[-1]  # and vacancies up with it
    base_u = 0.10 + drift_u + 0.001 * rng.standard_normal(t.size)
    base_v = 0.010 + drift_v + 0.0002 * rng.standard_normal(t.size)
    u = base_u - 0.01 * np.sin(theta) + 0.002 * rng.standard_normal(t.size)
    v = base_v + 0.002 * np.sin(theta + 0.6) + 0.0004 * rng.standard_normal(t.size)
    return u, v, period, (base_u, base_v)


def test_beveridge_curve_of_a_drifting_baseline_is_read_net_of_the_drift():
    u, v, period, baseline = _drifting_loop()
    levels = vf.beveridge_curve(u, v, period)
    assert levels.statistic("correlation").value > 0 and levels.verdict == "fail"
    net = vf.beveridge_curve(u, v, period, baseline=baseline)
    assert net.statistic("correlation").high < 0 and net.verdict == "pass"
    assert net.statistic("correlation_levels").value == pytest.approx(
        levels.statistic("correlation").value)


def test_matching_within_areas_net_of_area_trends_recovers_the_elasticity():
    """A matching efficiency that falls over time while unemployment rises biases the
    fixed-effects estimate; each area's linear trend removes it."""
    rng = np.random.default_rng(11)
    n_areas, n_months = 20, 60
    area = np.repeat(np.arange(n_areas), n_months)
    month = np.tile(np.arange(n_months, dtype=float), n_areas)
    size = np.repeat(np.exp(rng.normal(7, 1, n_areas)), n_months)
    cycle = np.sin(2 * np.pi * month / 24)
    log_u = np.log(size) + 0.005 * month - 0.1 * cycle + rng.normal(0, 0.03, area.size)
    log_v = np.log(size) - 2 + 0.3 * cycle + rng.normal(0, 0.05, area.size)
    log_h = -1 - 0.01 * month + 0.6 * log_u + 0.4 * log_v + rng.normal(0, 0.02, area.size)
    h, u, v = np.exp(log_h), np.exp(log_u), np.exp(log_v)
    fact = vm.matching_function(h, u, v, area, months=month)
    a, b = fact.statistic("alpha_within_areas"), fact.statistic("beta_within_areas")
    assert a.low < 0.6 < a.high and b.low < 0.4 < b.high
    assert fact.statistic("alpha_within_areas_no_trends").value < 0.3  # the drift's bias
    assert fact.statistics[0] == a and fact.verdict == "pass"
    assert "linear trends" in fact.rule
