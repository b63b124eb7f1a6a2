"""The stylised-fact checks on synthetic data with known answers, and the validation plan."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from analysis.validation import facts as vf
from analysis.validation import make_plan
from analysis.validation import matching as vm
from analysis.validation.checks import zero_budgets
from sim import ScenarioError, load_scenario


# ----------------------------------------------------------------- Beveridge curve
def test_signed_area_of_a_counter_clockwise_ellipse_is_its_area():
    theta = np.linspace(0, 2 * np.pi, 2001)[:-1]
    x, y = 3 * np.cos(theta), 2 * np.sin(theta)
    assert vf.signed_area(x, y) == pytest.approx(6 * np.pi, rel=1e-4)
    assert vf.signed_area(x[::-1], y[::-1]) == pytest.approx(-6 * np.pi, rel=1e-4)


def _loop(clockwise: bool, cycles: int = 3, period: int = 48):
    """Noisy u and v over ``cycles`` demand cycles; vacancies lead (counter-clockwise)."""
    t = np.arange(cycles * period + 1)
    theta = 2 * np.pi * t / period
    lag = -0.6 if clockwise else 0.6
    rng = np.random.default_rng(3)
    u = 0.10 - 0.02 * np.sin(theta) + 0.003 * rng.standard_normal(t.size)
    v = 0.010 + 0.003 * np.sin(theta + lag) + 0.0005 * rng.standard_normal(t.size)
    return u, v, period


def test_beveridge_counter_clockwise_loops_pass():
    fact = vf.beveridge_curve(*_loop(clockwise=False))
    assert fact.statistic("correlation").value < -0.7
    assert fact.statistic("correlation").high < 0
    assert fact.statistic("loop_area_normalised").value > 0
    assert fact.statistic("cycles_counter_clockwise").value == 3
    assert 3 <= fact.statistic("vacancy_lead_months").value <= 6  # 0.6 rad of 48 months
    assert fact.verdict == "pass"


def test_beveridge_clockwise_loops_only_warn():
    fact = vf.beveridge_curve(*_loop(clockwise=True))
    assert fact.statistic("correlation").value < -0.7
    assert fact.statistic("loop_area_normalised").value < 0
    assert fact.statistic("cycles_counter_clockwise").value == 0
    assert -6 <= fact.statistic("vacancy_lead_months").value <= -3
    assert fact.verdict == "warn"


def test_beveridge_positive_correlation_fails():
    u, v, period = _loop(clockwise=False)
    assert vf.beveridge_curve(u, 0.02 - v, period).verdict == "fail"


def test_correlation_interval_widens_for_autocorrelated_series():
    rng = np.random.default_rng(5)
    x = rng.standard_normal(200)
    y = -0.5 * x + rng.standard_normal(200)
    white = vf.correlation_ci(x, y)
    smooth = vf.correlation_ci(np.cumsum(x), np.cumsum(y))
    assert white.low < white.value < white.high
    assert smooth.high - smooth.low > 2 * (white.high - white.low)


# --------------------------------------------------------------- matching function
def _cobb_douglas(alpha, beta, n=600, seed=1):
    rng = np.random.default_rng(seed)
    u = np.exp(rng.uniform(np.log(100), np.log(20000), n))
    v = u * np.exp(rng.normal(-2.5, 0.7, n))
    h = np.exp(0.3 + alpha * np.log(u) + beta * np.log(v) + rng.normal(0, 0.1, n))
    return h, u, v


def test_matching_function_recovers_cobb_douglas_elasticities():
    fact = vm.matching_function(*_cobb_douglas(0.6, 0.4))
    a, b = fact.statistic("alpha_unemployment"), fact.statistic("beta_vacancies")
    rts = fact.statistic("returns_to_scale")
    assert a.low < 0.6 < a.high and a.high - a.low < 0.1
    assert b.low < 0.4 < b.high
    assert rts.low < 1.0 < rts.high
    assert abs(fact.statistic("t_constant_returns").value) < 3
    assert fact.statistic("r_squared").value > 0.95
    assert fact.verdict == "pass"


def test_matching_function_within_areas_ignores_area_level_differences():
    h, u, v = _cobb_douglas(0.6, 0.4, n=600)
    areas = np.repeat(np.arange(20), 30)
    h = h * np.exp(np.repeat(np.random.default_rng(4).normal(0, 1.0, 20), 30))
    fact = vm.matching_function(h, u, v, areas)
    a, b = fact.statistic("alpha_within_areas"), fact.statistic("beta_within_areas")
    assert a.low < 0.6 < a.high and a.high - a.low < 0.1
    assert b.low < 0.4 < b.high
    assert fact.statistics[0] == a and fact.verdict == "pass"


def test_matching_verdict_with_areas_rests_on_the_elasticity_within_them():
    """Hires that follow only vacancies over time, while bigger areas have more of
    everything: pooled, α looks fine; within areas it is 0, and the verdict says fail."""
    rng = np.random.default_rng(8)
    size = np.repeat(np.exp(rng.normal(0, 1.5, 30)), 40)
    u = size * np.exp(rng.normal(0, 0.1, 1200)) * 1000
    v = size * np.exp(rng.normal(0, 0.1, 1200)) * 200
    h = 0.5 * np.sqrt(size * v) * np.exp(rng.normal(0, 0.05, 1200))
    fact = vm.matching_function(h, u, v, np.repeat(np.arange(30), 40))
    assert fact.statistic("alpha_unemployment").low > 0.15  # size differences load on it
    assert abs(fact.statistics[0].value) < 0.1 and fact.statistics[0].name == \
        "alpha_within_areas"
    assert fact.verdict == "fail"


def test_matching_function_region_time_series():
    h, u, v = _cobb_douglas(0.6, 0.4, n=600)
    rh, ru, rv = _cobb_douglas(0.0, 0.8, n=120, seed=6)
    fact = vm.matching_function(h, u, v, region=(rh, ru, rv))
    assert fact.statistic("alpha_unemployment").value == pytest.approx(0.6, abs=0.05)
    a, b = fact.statistic("alpha_region_months"), fact.statistic("beta_region_months")
    assert a.low < 0.0 < a.high
    assert b.low < 0.8 < b.high


def test_matching_function_flags_decreasing_returns():
    fact = vm.matching_function(*_cobb_douglas(0.2, 0.2))
    assert fact.statistic("returns_to_scale").high < 0.5
    assert fact.verdict == "fail"


def test_matching_function_drops_zero_counts():
    h, u, v = _cobb_douglas(0.6, 0.4, n=100)
    h[:10] = 0
    assert vm.matching_function(h, u, v).statistic("observations").value == 90


def _commuting_panel(seed=3, n_areas=20, n_months=80):
    """Areas whose hires follow their own unemployed (α = 0.6) and the vacancies of their
    neighbours (0.4), not their own; the neighbours' vacancies fall when unemployment
    rises (a demand cycle), as in a commuting region."""
    rng = np.random.default_rng(seed)
    area = np.repeat(np.arange(n_areas), n_months)
    month = np.tile(np.arange(n_months, dtype=float), n_areas)
    cycle = np.sin(2 * np.pi * month / 48)
    size = np.repeat(rng.normal(7, 1, n_areas), n_months)
    log_u = size + 0.15 * cycle + rng.normal(0, 0.05, area.size)
    log_v = size - 2 + rng.normal(0, 0.3, area.size)  # the own vacancies: noise
    log_nu = size + 1 + 0.15 * cycle + rng.normal(0, 0.02, area.size)
    log_nv = size - 1 - 0.3 * cycle + rng.normal(0, 0.02, area.size)
    log_h = -1 + 0.6 * log_u + 0.4 * log_nv + rng.normal(0, 0.02, area.size)
    return (np.exp(log_h), np.exp(log_u), np.exp(log_v), area, month,
            (np.exp(log_nu), np.exp(log_nv)))


def test_matching_within_areas_holds_the_neighbours_fixed():
    """Omitting the neighbours' vacancies, which fall when unemployment rises, biases α
    within areas down; holding them fixed recovers it (Burgess & Profit 2001)."""
    h, u, v, area, month, near = _commuting_panel()
    fact = vm.matching_function(h, u, v, area, months=month, neighbours=near)
    a, b = fact.statistic("alpha_within_areas"), fact.statistic("beta_within_areas")
    bn = fact.statistic("beta_neighbours_within_areas")
    assert a.low < 0.6 < a.high and b.low < 0.0 < b.high and bn.low < 0.4 < bn.high
    assert fact.statistic("alpha_within_areas_own_only").value < 0.3  # the omitted bias
    assert fact.statistics[0] == a and fact.verdict == "pass"
    assert "neighbours" in fact.rule
    own = vm.matching_function(h, u, v, area, months=month)
    assert own.statistic("alpha_within_areas").value == pytest.approx(
        fact.statistic("alpha_within_areas_own_only").value)
    assert own.verdict == "fail"


def test_neighbour_totals_equal_a_loop_over_areas():
    names = ["a", "b", "c"]
    w = np.array([[9.0, 0.5, 0.0], [0.5, 9.0, 0.25], [0.0, 0.25, 9.0]])
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"area": np.repeat(["c", "a", "b"], 4),
                          "month": np.tile([3, 1, 2, 0], 3),
                          "x": rng.integers(1, 100, 12)})
    got = vm.neighbour_totals(frame, "x", w, names)
    for k, row in enumerate(frame.itertuples()):
        m = names.index(row.area)
        want = sum(w[m, n] * frame.loc[(frame.area == names[n]) & (frame.month == row.month),
                                       "x"].item() for n in range(3) if n != m)
        assert got[k] == pytest.approx(want)


def test_ols_robust_covariance_equals_the_sandwich_formula():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((50, 2))
    y = 1 + x @ [2.0, -1.0] + rng.standard_normal(50) * (1 + np.abs(x[:, 0]))
    coef, cov = vf.ols(y, x)
    design = np.column_stack([np.ones(50), x])
    assert coef == pytest.approx(np.linalg.solve(design.T @ design, design.T @ y))
    resid = y - design @ coef
    meat = sum(np.outer(row, row) * e**2 for row, e in zip(design, resid, strict=True))
    bread = np.linalg.inv(design.T @ design)
    assert cov == pytest.approx(bread @ meat @ bread * 50 / 47)


# ---------------------------------------------------- inflow/outflow decomposition
def test_flow_rates_divide_by_last_months_stocks():
    s, f = vf.flow_rates(np.array([0, 10, 20]), np.array([0, 30, 40]),
                         np.array([1000, 500, 0]), np.array([100, 200, 0]))
    assert s == pytest.approx([0.01, 0.04])
    assert f == pytest.approx([0.3, 0.2])


def _flows(amp_s, amp_f, months=240):
    t = np.arange(months)
    s = 0.015 * np.exp(amp_s * np.sin(2 * np.pi * t / 48))
    f = 0.15 * np.exp(amp_f * np.cos(2 * np.pi * t / 48))
    return s, f


def test_decomposition_of_inflow_only_variation():
    fact = vf.flow_decomposition(*_flows(0.2, 0.0), draws=50)
    assert fact.statistic("inflow_share").value == pytest.approx(1.0)
    assert fact.verdict == "fail"


def test_decomposition_of_outflow_only_variation():
    fact = vf.flow_decomposition(*_flows(0.0, 0.2), draws=50)
    assert fact.statistic("inflow_share").value == pytest.approx(0.0)


def test_decomposition_of_equal_independent_variation_is_half_and_half():
    s, f = _flows(0.1, 0.1)
    fact = vf.flow_decomposition(s, f, u=s / (s + f), draws=200)
    share = fact.statistic("inflow_share")
    assert share.value == pytest.approx(0.5, abs=0.03)
    assert share.low < 0.5 < share.high
    assert fact.statistic("beta_sum").value == pytest.approx(1.0, abs=0.05)
    assert fact.statistic("corr_u_ustar").value == pytest.approx(1.0)
    assert fact.verdict == "pass"


def test_decomposition_bootstrap_is_reproducible_from_its_seed():
    s, f = _flows(0.1, 0.15)
    s = s * np.exp(np.random.default_rng(0).normal(0, 0.05, s.size))
    one = vf.flow_decomposition(s, f, seed=4, draws=100).statistic("inflow_share")
    two = vf.flow_decomposition(s, f, seed=4, draws=100).statistic("inflow_share")
    assert (one.low, one.high) == (two.low, two.high)


def test_decomposition_of_a_month_without_flows_is_an_error_not_a_warning():
    """A region so small that a month has no separations (or no hires) has no log rate:
    the decomposition says so instead of computing with log 0."""
    s, f = _flows(0.1, 0.15)
    for bad in ((np.where(np.arange(s.size) == 3, 0.0, s), f),
                (s, np.where(np.arange(f.size) == 5, 0.0, f))):
        with pytest.raises(ValueError, match="without separations or without hires"):
            vf.flow_decomposition(*bad, draws=10)


# ------------------------------------------------------------- firm size and growth
def test_zipf_exponent_of_a_discrete_pareto_sample():
    rng = np.random.default_rng(7)
    sizes = np.floor(rng.pareto(1.0, 200_000) + 1)  # P(S >= s) = 1/s for whole s
    est = vf.zipf_exponent(sizes, s_min=10)
    assert est.low < 1.0 < est.high
    steeper = vf.zipf_exponent(np.floor(rng.pareto(1.5, 200_000) + 1), s_min=10)
    assert steeper.low < 1.5 < steeper.high


def test_firm_sizes_counts_firms_without_employees_apart():
    rng = np.random.default_rng(8)
    sizes = np.concatenate([np.zeros(500), np.floor(rng.pareto(1.0, 20_000) + 1)])
    fact = vf.firm_sizes(sizes)
    assert fact.statistic("firms_living").value == 20_500
    assert fact.statistic("firms_with_employees").value == 20_000
    assert fact.verdict == "pass"
    assert fact.data["ccdf"][0] == 1.0 and np.all(np.diff(fact.data["ccdf"]) < 0)


def _growth(laplace: bool, exponent: float, n=20_000, seed=9):
    rng = np.random.default_rng(seed)
    s0 = np.floor(5 * (rng.pareto(1.0, n) + 1))
    sd = 0.3 * s0**exponent
    g = rng.laplace(0, sd / np.sqrt(2), n) if laplace else rng.normal(0, sd, n)
    return s0, s0 * np.exp(g)


def test_growth_rates_recover_laplace_shape_and_size_slope():
    fact = vf.growth_rates(*_growth(laplace=True, exponent=-0.2))
    slope = fact.statistic("volatility_size_slope")
    assert slope.low < -0.2 < slope.high
    assert fact.statistic("excess_kurtosis").value == pytest.approx(3.0, abs=1.0)
    assert fact.statistic("loglik_laplace_minus_gauss").value > 0
    assert fact.verdict == "pass"


def test_gaussian_growth_without_size_dependence_fails():
    fact = vf.growth_rates(*_growth(laplace=False, exponent=0.0))
    slope = fact.statistic("volatility_size_slope")
    assert slope.low < 0.0 < slope.high
    assert abs(fact.statistic("excess_kurtosis").value) < 0.3
    assert fact.statistic("loglik_laplace_minus_gauss").value < 0
    assert fact.verdict == "fail"


# --------------------------------------------------------------------- service effects
def _trials(effects: dict[str, list[float]], persons: int = 4000) -> pd.DataFrame:
    rows = []
    for service, path in effects.items():
        for month, pp in zip((0, 6, 12, 24, 36), path, strict=True):
            rows.append((service, month, "control", persons, 0.3))
            rows.append((service, month, "treated", persons, 0.3 + pp / 100))
    return pd.DataFrame(rows, columns=["service", "month", "group", "persons", "employed_share"])


def test_service_effects_in_the_meta_analysis_pattern_pass():
    fact = vf.service_effects(_trials({"coaching": [0, 6, 5, 4, 3],
                                       "training": [0, -3, 2, 8, 11]}))
    assert fact.statistic("average_36m_pp").value == pytest.approx(7.0)
    assert fact.statistic("average_6m_pp").value == pytest.approx(1.5)
    ci = fact.statistic("coaching_6m_pp")
    se = 100 * math.sqrt(0.3 * 0.7 / 4000 + 0.36 * 0.64 / 4000)
    assert (ci.low, ci.high) == pytest.approx((6 - 1.96 * se, 6 + 1.96 * se), abs=1e-3)
    assert fact.verdict == "pass"


def test_service_effects_against_the_pattern_fail():
    fact = vf.service_effects(_trials({"coaching": [0, 0, 0, 0, 0],
                                       "training": [0, 9, 6, 3, 1]}))
    assert fact.verdict == "fail"


def test_facts_serialise_to_json_with_null_for_missing_intervals():
    fact = vf.service_effects(_trials({"coaching": [0, 6, 5, 4, 3]}))
    data = json.loads(json.dumps(fact.to_dict()))
    assert data["statistics"][0]["ci_low"] is None
    assert data["verdict"] in ("pass", "warn", "fail")


def test_plan_uses_the_scenarios_own_cycle_and_zero_budgets_for_trials():
    plan = make_plan("tiny", None, None, quick=False,
                     overrides=["economy.cycle_amplitude=0.02", "economy.cycle_period_months=36"])
    assert plan.cycle.economy.cycle_period_months == 36
    assert plan.months == 120 and plan.trial_months == 36
    for service, sc in plan.trials.items():
        assert sc.experiment.service == service
        assert sc.organisers.region_budget_eur_per_resident == 0.0
        assert sc.organisers.municipal_budget_eur_per_resident == 0.0
    with pytest.raises(ScenarioError):
        make_plan("tiny", None, 40, quick=False)


def test_zero_budgets_reach_a_municipality_whose_name_has_a_dot(tmp_path):
    path = tmp_path / "saaristo.toml"
    path.write_text('name = "saaristo"\n\n[organisers.municipal_budgets]\n"St. Olof" = 5000.0\n\n'
                    '[[municipalities]]\nname = "St. Olof"\npopulation = 3000\nlat = 60.3\n'
                    'lon = 22.3\n\n[[municipalities]]\nname = "Beta"\npopulation = 1500\n'
                    'lat = 60.4\nlon = 22.4\n', encoding="utf-8")
    scenario = load_scenario(path)
    trial = scenario.with_overrides(zero_budgets(scenario))
    assert trial.organisers.municipal_budgets == {"St. Olof": 0.0}


def test_the_cycle_run_follows_the_persons_for_the_worker_flows():
    from analysis.validation.checks import run_cycle

    scenario = load_scenario("tiny", {"simulation.burn_in_months": 1})
    cycle = run_cycle(scenario, 1, 12)
    assert cycle.job_to_job.shape == (12,) and np.all(cycle.job_to_job >= 0)
    assert len(cycle.quarters) == 4
    for q in cycle.quarters:  # every unemployed person is somewhere a quarter later
        assert q["unemployed_to_outside_quarter"] > 0.0  # the labour force is open
        assert q["unemployed_to_employed_quarter"] + q["unemployed_to_unemployed_quarter"] \
            + q["unemployed_to_outside_quarter"] == pytest.approx(1.0)
    assert cycle.job_to_job.mean() > 0.0  # the employed search
    assert len(cycle.register_quarters) == 4
    for q in cycle.register_quarters:
        assert q["unemployed_to_employed_quarter"] + q["unemployed_to_unemployed_quarter"] \
            + q["unemployed_to_outside_quarter"] == pytest.approx(1.0)
