"""The numba kernels against the slow references of tests/naive.py, and their wrappers' checks.

The kernels take all their randomness as pre-drawn uniforms, so a kernel and its reference
are the same deterministic function: every comparison here is exact (same matches, same
layoffs, same floats), never statistical.
"""

from __future__ import annotations

import itertools

import naive
import numpy as np
import pytest

from sim.labour import firms, flows, matching, stocks
from sim.labour.population import EMPLOYED, UNEMPLOYED
from sim.labour.workspace import Workspace

I64 = np.int64


# ------------------------------------------------------------------------------ match
def match_case(
    rng,
    *,
    seekers=8,
    firms=6,
    munis=3,
    groups=2,
    max_apps=4,
    rounds=2,
    unreachable=0.3,
    noise=0.3,
    commute_cost=0.004,
    ties=False,
    max_vac=3,
):
    """A random input of matching.match as a dict of keyword arguments."""
    reach = rng.random((munis, munis))
    reach[rng.random((munis, munis)) < unreachable] = 0.0
    fit = np.exp(-1.5 * np.abs(np.arange(groups)[:, None] - np.arange(groups)[None, :]))
    if ties:
        # Few distinct values, so that scores, weights and offer values tie exactly.
        score = rng.choice([0.25, 0.5, 1.0], size=seekers)
        value = rng.choice([1.0, 1.5], size=firms)
        reach = np.where(reach > 0, 1.0, 0.0)
        dist = np.zeros((munis, munis))
    else:
        score = rng.random(seekers)
        value = rng.lognormal(0.0, 0.3, size=firms)
        dist = rng.uniform(1.0, 100.0, size=(munis, munis))
    return {
        "s_home": rng.integers(0, munis, size=seekers).astype(I64),
        "s_skill": rng.integers(0, groups, size=seekers).astype(I64),
        "s_score": score,
        "s_apps": rng.integers(0, max_apps + 1, size=seekers).astype(I64),
        "u": rng.random((seekers, max_apps, 3)),
        "n_rounds": rounds,
        "reach_w": reach,
        "fit_w": fit,
        "dist": dist,
        "firm_muni": rng.integers(0, munis, size=firms).astype(I64),
        "firm_skill": rng.integers(0, groups, size=firms).astype(I64),
        "firm_value": value,
        "firm_vac": rng.integers(0, max_vac + 1, size=firms).astype(I64),
        "firm_emp": rng.integers(0, 20, size=firms).astype(I64),
        "commute_cost": commute_cost,
        "noise": noise,
    }


def run_match(case):
    """Run kernel and reference on copies; assert identical outcomes; return the kernel's."""
    vac_before = case["firm_vac"].copy()
    emp_before = case["firm_emp"].copy()
    expected_hired, expected_vac, expected_emp = naive.match(**case)
    kernel_case = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in case.items()}
    hired = matching.match(**kernel_case)
    assert hired.dtype == np.int64
    assert hired.tolist() == expected_hired
    assert kernel_case["firm_vac"].tolist() == expected_vac
    assert kernel_case["firm_emp"].tolist() == expected_emp
    # Accounting that holds whatever the rules: every hire closes one vacancy of its firm.
    per_firm = np.bincount(hired[hired >= 0], minlength=len(vac_before))
    np.testing.assert_array_equal(kernel_case["firm_vac"], vac_before - per_firm)
    np.testing.assert_array_equal(kernel_case["firm_emp"], emp_before + per_firm)
    assert (kernel_case["firm_vac"] >= 0).all()
    return hired, kernel_case


MATCH_SHAPES = {
    "small": {},
    "one-round": {"rounds": 1},
    "many-rounds": {"rounds": 5, "max_apps": 9},
    "ties": {"ties": True, "noise": 0.0},
    "ties-noisy-values": {"ties": True, "noise": 0.2},
    "crowded": {"seekers": 60, "firms": 3, "max_vac": 2, "max_apps": 6},
    "big-firm": {"seekers": 40, "firms": 1, "munis": 1, "groups": 1, "max_vac": 30},
    "unreachable": {"unreachable": 0.8, "munis": 4},
    "no-noise": {"noise": 0.0, "commute_cost": 0.0},
    "many-groups": {"groups": 4, "munis": 2, "seekers": 20, "firms": 12},
    "wide": {"munis": 7, "groups": 3, "seekers": 80, "firms": 40, "max_vac": 5, "rounds": 3},
    "scarce": {"seekers": 50, "firms": 10, "max_vac": 1, "max_apps": 8, "rounds": 4},
}


@pytest.mark.parametrize("shape", sorted(MATCH_SHAPES))
@pytest.mark.parametrize("seed", range(25))
def test_match_equals_reference_on_random_inputs(shape, seed):
    rng = np.random.default_rng([seed, sorted(MATCH_SHAPES).index(shape)])
    run_match(match_case(rng, **MATCH_SHAPES[shape]))


def test_random_inputs_exercise_the_interesting_paths():
    """The random cases do hire people and leave some unhired (they are not vacuous)."""
    hired_total = unhired = 0
    for seed in range(25):
        hired, _ = run_match(match_case(np.random.default_rng([seed, 99]), rounds=3, max_apps=6))
        hired_total += int((hired >= 0).sum())
        unhired += int((hired < 0).sum())
    assert hired_total > 25
    assert unhired > 25


def single_bucket(**overrides):
    """One municipality, one skill group, noise and commuting off: ranking by score only."""
    case = {
        "s_home": np.zeros(1, I64),
        "s_skill": np.zeros(1, I64),
        "s_score": np.ones(1),
        "s_apps": np.ones(1, I64),
        "u": np.full((1, 1, 3), 0.5),
        "n_rounds": 1,
        "reach_w": np.ones((1, 1)),
        "fit_w": np.ones((1, 1)),
        "dist": np.zeros((1, 1)),
        "firm_muni": np.zeros(1, I64),
        "firm_skill": np.zeros(1, I64),
        "firm_value": np.ones(1),
        "firm_vac": np.ones(1, I64),
        "firm_emp": np.zeros(1, I64),
        "commute_cost": 0.0,
        "noise": 0.0,
    }
    case.update(overrides)
    return case


def seekers_of(n, apps=1, score=None, u=0.5):
    """Overrides for ``n`` seekers at home 0 in skill 0."""
    return {
        "s_home": np.zeros(n, I64),
        "s_skill": np.zeros(n, I64),
        "s_score": np.ones(n) if score is None else np.asarray(score, dtype=float),
        "s_apps": np.full(n, apps, I64),
        "u": np.full((n, max(apps, 1), 3), u),
    }


def test_one_seeker_one_vacancy_is_hired():
    hired, case = run_match(single_bucket())
    assert hired.tolist() == [0]
    assert case["firm_vac"].tolist() == [0]
    assert case["firm_emp"].tolist() == [1]


def test_no_vacancies_no_hires():
    hired, case = run_match(single_bucket(**seekers_of(5), firm_vac=np.zeros(1, I64)))
    assert hired.tolist() == [-1] * 5
    assert case["firm_emp"].tolist() == [0]


def test_no_firms_no_hires():
    empty = {
        "firm_muni": np.zeros(0, I64),
        "firm_skill": np.zeros(0, I64),
        "firm_value": np.zeros(0),
        "firm_vac": np.zeros(0, I64),
        "firm_emp": np.zeros(0, I64),
    }
    hired, _ = run_match(single_bucket(**seekers_of(3), **empty))
    assert hired.tolist() == [-1, -1, -1]


def test_no_seekers():
    hired, case = run_match(single_bucket(**seekers_of(0), firm_vac=np.array([4], I64)))
    assert hired.shape == (0,)
    assert case["firm_vac"].tolist() == [4]


def test_zero_applications_no_hires():
    case = single_bucket(**seekers_of(3, apps=0), firm_vac=np.array([5], I64))
    case["u"] = np.full((3, 2, 3), 0.5)  # uniforms exist, but nobody applies
    hired, _ = run_match(case)
    assert hired.tolist() == [-1, -1, -1]


def test_best_score_wins_a_single_vacancy():
    hired, _ = run_match(single_bucket(**seekers_of(3, score=[0.2, 0.9, 0.5])))
    assert hired.tolist() == [-1, 0, -1]


def test_zero_employability_ranks_last():
    hired, _ = run_match(single_bucket(**seekers_of(2, score=[0.0, 0.1])))
    assert hired.tolist() == [-1, 0]


def test_ties_go_to_the_earlier_application():
    hired, _ = run_match(single_bucket(**seekers_of(4, score=[0.5, 0.7, 0.7, 0.7])))
    assert hired.tolist() == [-1, 0, -1, -1]


def test_one_firm_with_many_vacancies_takes_everyone():
    hired, case = run_match(single_bucket(**seekers_of(7), firm_vac=np.array([50], I64)))
    assert hired.tolist() == [0] * 7
    assert case["firm_vac"].tolist() == [43]
    assert case["firm_emp"].tolist() == [7]


def test_duplicate_applications_get_one_offer():
    """Seeker 0 sends all of its many applications to the one firm and scores best.

    The firm must skip its duplicates and offer its second vacancy to seeker 1; with few
    vacancies and many applications the kernel ranks only a front of the list first, so
    this also exercises its fall-back to ranking the rest.
    """
    u = np.full((3, 40, 3), 0.5)
    u[0, :, 2] = 0.99  # seeker 0's applications all carry top noise
    case = single_bucket(
        **seekers_of(3, apps=40, score=[0.9, 0.5, 0.4]),
        firm_vac=np.array([2], I64),
        noise=0.5,
    )
    case["u"] = u
    hired, case = run_match(case)
    assert hired.tolist() == [0, 0, -1]
    assert case["firm_vac"].tolist() == [0]


def test_vacancy_inside_a_bucket_drawn_by_cumulative_vacancies():
    # Firm 0 has 1 vacancy, firm 1 has 3: u1·4 < 1 picks firm 0, otherwise firm 1.
    firms = {
        "firm_muni": np.zeros(2, I64),
        "firm_skill": np.zeros(2, I64),
        "firm_value": np.ones(2),
        "firm_vac": np.array([1, 3], I64),
        "firm_emp": np.zeros(2, I64),
    }
    for u1, firm in [(0.0, 0), (0.24, 0), (0.25, 1), (0.6, 1), (0.999, 1)]:
        case = single_bucket(**firms)
        case["u"] = np.array([[[0.5, u1, 0.5]]])
        hired, _ = run_match(case)
        assert hired.tolist() == [firm], u1


def test_bucket_drawn_by_reach_times_fit_times_vacancies():
    # Two municipalities and two skill groups: buckets (m, g) = 0:(0,0) 1:(0,1) 2:(1,0) 3:(1,1).
    # The seeker (home 0, skill 0) weights them reach·fit·vacancies = 1·1·1, 1·0.5·2,
    # 0.5·1·2 and 0 (municipality 1's skill-1 firm has no vacancy): cumulative 1, 2, 3, 3.
    firms = {
        "firm_muni": np.array([0, 0, 1, 1], I64),
        "firm_skill": np.array([0, 1, 0, 1], I64),
        "firm_value": np.ones(4),
        "firm_vac": np.array([1, 2, 2, 0], I64),
        "firm_emp": np.zeros(4, I64),
    }
    base = single_bucket(
        **firms,
        reach_w=np.array([[1.0, 0.5], [0.5, 1.0]]),
        fit_w=np.array([[1.0, 0.5], [0.5, 1.0]]),
        dist=np.zeros((2, 2)),
    )
    for u0, firm in [(0.0, 0), (0.33, 0), (0.34, 1), (0.66, 1), (0.67, 2), (0.999, 2)]:
        case = dict(base, firm_vac=firms["firm_vac"].copy(), u=np.array([[[u0, 0.5, 0.5]]]))
        hired, _ = run_match(case)
        assert hired.tolist() == [firm], u0
    # Without firm 0's vacancy the weights are 0, 1, 1, 0: a draw landing exactly on a
    # cumulative weight goes to the next bucket with weight (the first cumulative > draw).
    for u0, firm in [(0.0, 1), (0.5, 2)]:
        case = dict(base, firm_vac=np.array([0, 2, 2, 0], I64), u=np.array([[[u0, 0.0, 0.5]]]))
        hired, _ = run_match(case)
        assert hired.tolist() == [firm], u0


def test_unreachable_municipality_gets_no_applications():
    firms = {
        "firm_muni": np.array([1], I64),
        "firm_skill": np.zeros(1, I64),
        "firm_value": np.ones(1),
        "firm_vac": np.array([5], I64),
        "firm_emp": np.zeros(1, I64),
    }
    reach = np.array([[1.0, 0.0], [0.0, 1.0]])
    case = single_bucket(**seekers_of(4), **firms, reach_w=reach, dist=np.zeros((2, 2)))
    case["s_home"] = np.array([0, 1, 0, 1], I64)
    hired, case = run_match(case)
    assert hired.tolist() == [-1, 0, -1, 0]
    assert case["firm_vac"].tolist() == [3]


def test_zero_fit_gets_no_applications():
    case = single_bucket(**seekers_of(2), fit_w=np.array([[1.0, 0.0], [0.0, 1.0]]))
    case["s_skill"] = np.array([1, 0], I64)
    hired, _ = run_match(case)
    assert hired.tolist() == [-1, 0]


def test_seeker_accepts_the_best_offer_net_of_commuting():
    # Both firms make the only seeker an offer; pay minus 0.01/km decides.
    firms = {
        "firm_muni": np.array([0, 1], I64),
        "firm_skill": np.zeros(2, I64),
        "firm_value": np.array([1.0, 1.3], dtype=float),
        "firm_vac": np.array([1, 1], I64),
        "firm_emp": np.zeros(2, I64),
    }
    u = np.array([[[0.1, 0.5, 0.5], [0.9, 0.5, 0.5]]])  # one application to each bucket
    for km, firm in [(10.0, 1), (40.0, 0)]:
        case = single_bucket(
            **firms,
            reach_w=np.ones((2, 2)),
            dist=np.array([[0.0, km], [km, 0.0]]),
            commute_cost=0.01,
            s_apps=np.array([2], I64),
            u=u,
        )
        case["firm_vac"] = firms["firm_vac"].copy()
        hired, case = run_match(case)
        assert hired.tolist() == [firm], km
        assert case["firm_vac"].tolist() == [int(firm != 0), int(firm != 1)]


def test_equal_offers_go_to_the_first_firm():
    firms = {
        "firm_muni": np.zeros(2, I64),
        "firm_skill": np.zeros(2, I64),
        "firm_value": np.ones(2),
        "firm_vac": np.array([1, 1], I64),
        "firm_emp": np.zeros(2, I64),
    }
    u = np.array([[[0.5, 0.9, 0.5], [0.5, 0.1, 0.5]]])  # firm 1 first, then firm 0
    hired, _ = run_match(single_bucket(**firms, s_apps=np.array([2], I64), u=u))
    assert hired.tolist() == [0]


def test_applications_spread_over_rounds():
    """Application a goes out in round a % n_rounds.

    One seeker with three applications to firm 0 (pay 1) and firm 1 (pay 2), each with one
    vacancy. The seeker takes firm 1 if its application to firm 1 goes out in the same
    round as one to firm 0 or earlier, and firm 0 if it is hired there before.
    """
    firms = {
        "firm_muni": np.zeros(2, I64),
        "firm_skill": np.zeros(2, I64),
        "firm_value": np.array([1.0, 2.0]),
        "firm_emp": np.zeros(2, I64),
    }
    to_firm = {0: 0.1, 1: 0.9}  # u[..., 1] that draws each firm (one vacancy each)
    for targets, rounds, firm in [
        ((0, 0, 1), 1, 1),  # one round: all three at once, the better pay wins
        ((0, 0, 1), 2, 1),  # round 0 sends applications 0 and 2: offers from both firms
        ((0, 1, 0), 2, 0),  # round 0 sends 0 and 2, both to firm 0: hired there at once
        ((0, 0, 1), 3, 0),  # round 0 sends only application 0
        ((1, 0, 0), 3, 1),
    ]:
        u = np.full((1, 3, 3), 0.5)
        u[0, :, 1] = [to_firm[t] for t in targets]
        case = single_bucket(
            **firms, firm_vac=np.ones(2, I64), s_apps=np.array([3], I64), u=u, n_rounds=rounds
        )
        hired, _ = run_match(case)
        assert hired.tolist() == [firm], (targets, rounds)


def test_unfilled_vacancies_carry_to_the_next_round():
    # Firm 0 offers its one vacancy to seeker 0 in round 0 and seeker 1 loses; firm 1's
    # vacancy, unfilled in round 0, is open in round 1, where seeker 1 applies and gets it.
    firms = {
        "firm_muni": np.zeros(2, I64),
        "firm_skill": np.zeros(2, I64),
        "firm_value": np.array([2.0, 1.0]),
        "firm_vac": np.array([1, 1], I64),
        "firm_emp": np.zeros(2, I64),
    }
    u = np.full((2, 2, 3), 0.5)
    u[0, 0, 1], u[0, 1, 1] = 0.1, 0.9  # seeker 0 applies to firm 0 in round 0, firm 1 in round 1
    u[1, 0, 1], u[1, 1, 1] = 0.1, 0.1
    case = single_bucket(**firms, **seekers_of(2, apps=2, score=[0.9, 0.5]), n_rounds=2)
    case["u"] = u
    hired, case = run_match(case)
    # Round 0: seeker 0 → firm 0 (u1 .1 of 2 vacancies), seeker 1 → firm 0; firm 0 offers
    # to seeker 0, who accepts. Round 1: firm 0 is full; both draws land on firm 1; seeker 1
    # is the only one still looking and is hired there.
    assert hired.tolist() == [0, 1]
    assert case["firm_vac"].tolist() == [0, 0]


def test_reused_workspace_gives_the_same_results():
    """Scratch arrays kept between calls (larger, then smaller inputs) carry nothing over."""
    workspace = Workspace()
    for seed, shape in enumerate(["wide", "small", "crowded", "ties", "wide", "big-firm"] * 2):
        case = match_case(np.random.default_rng([seed, 11]), **MATCH_SHAPES[shape])
        expected = naive.match(**case)
        hired = matching.match(**case, workspace=workspace)
        assert (hired.tolist(), case["firm_vac"].tolist(), case["firm_emp"].tolist()) == expected


# ------------------------------------------------------------------- match wrapper checks
def test_match_rejects_bad_uniforms_shape():
    with pytest.raises(ValueError, match="u must have shape"):
        matching.match(**single_bucket(u=np.full((1, 3), 0.5)))
    with pytest.raises(ValueError, match="u must have shape"):
        matching.match(**single_bucket(u=np.full((2, 1, 3), 0.5)))
    with pytest.raises(ValueError, match="u must have shape"):
        matching.match(**single_bucket(u=np.full((1, 1, 2), 0.5)))


def test_match_rejects_zero_rounds():
    with pytest.raises(ValueError, match="n_rounds"):
        matching.match(**single_bucket(n_rounds=0))


def test_match_rejects_more_applications_than_uniforms():
    with pytest.raises(ValueError, match="s_apps exceeds"):
        matching.match(**single_bucket(s_apps=np.array([2], I64)))


@pytest.mark.parametrize("name", ["s_skill", "s_score", "s_apps"])
def test_match_rejects_seeker_arrays_of_other_lengths(name):
    case = single_bucket()
    case[name] = np.concatenate([case[name], case[name]])
    with pytest.raises(ValueError, match=f"{name} has 2 entries, s_home has 1"):
        matching.match(**case)


@pytest.mark.parametrize("name", ["firm_skill", "firm_value", "firm_vac", "firm_emp"])
def test_match_rejects_firm_arrays_of_other_lengths(name):
    case = single_bucket()
    case[name] = np.concatenate([case[name], case[name]])
    with pytest.raises(ValueError, match=f"{name} has 2 entries, firm_muni has 1"):
        matching.match(**case)


# ---------------------------------------------------------------------------- separate
def separate_case(rng, *, persons=40, firms=6, areas=3, employed=0.8, dead=0.15, quit_rate=0.1):
    """A consistent random input of flows.separate (firm_emp counts each firm's workers)."""
    employer = np.where(
        rng.random(persons) < employed, rng.integers(0, firms, size=persons), -1
    ).astype(I64)
    firm_emp = np.bincount(employer[employer >= 0], minlength=firms).astype(I64)
    firm_dead = rng.random(firms) < dead
    firm_need = rng.integers(-2, 8, size=firms).astype(I64)
    quitters = np.flatnonzero(rng.random(persons) < quit_rate).astype(I64)
    if rng.random() < 0.3:  # an index past the last person names nobody: ignored
        quitters = np.append(quitters, persons + rng.integers(0, 3)).astype(I64)
    extra = int(rng.integers(0, 3))
    n_u = flows.layoff_uniforms_needed(firm_need, firm_emp, firm_dead) + extra
    return {
        "employer": employer,
        "status": np.where(employer >= 0, EMPLOYED, UNEMPLOYED).astype(I64),
        "home": rng.integers(0, areas, size=persons).astype(I64),
        "unemployment_months": np.where(employer >= 0, 0, rng.integers(1, 30, persons)).astype(I64),
        "firm_dead": firm_dead,
        "firm_need": firm_need,
        "quitters": quitters,
        "u_layoff": rng.random(n_u),
        "firm_emp": firm_emp,
        "out_by_area": np.zeros(areas, I64),
    }


def run_separate(case):
    """Run kernel and reference on copies; assert identical outcomes; return the kernel's."""
    n_areas = case["out_by_area"].shape[0]
    ref_args = {k: v for k, v in case.items() if k != "out_by_area"}
    expected = naive.separate(**ref_args, n_areas=n_areas)
    got = {k: v.copy() for k, v in case.items()}
    released = flows.separate(**got)
    assert released == expected["released"]
    for name in ("employer", "status", "unemployment_months", "firm_emp", "out_by_area"):
        assert got[name].tolist() == expected[name], name
    np.testing.assert_array_equal(got["firm_need"], case["firm_need"])  # input not modified
    return released, got


@pytest.mark.parametrize("seed", range(60))
def test_separate_equals_reference_on_random_inputs(seed):
    rng = np.random.default_rng([seed, 7])
    shape = [
        {},
        {"dead": 0.0, "quit_rate": 0.0},
        {"dead": 0.5},
        {"persons": 200, "firms": 3},
        {"persons": 0},
        {"employed": 0.0},
    ][seed % 6]
    run_separate(separate_case(rng, **shape))


def test_separate_lays_off_exactly_the_need():
    for seed in range(30):
        case = separate_case(np.random.default_rng(seed), dead=0.0, quit_rate=0.0)
        before = case["firm_emp"].copy()
        released, got = run_separate(case)
        expected_cut = np.clip(case["firm_need"], 0, before)
        np.testing.assert_array_equal(before - got["firm_emp"], expected_cut)
        assert released == expected_cut.sum() == got["out_by_area"].sum()


def test_separate_releases_all_of_a_dead_firm_and_the_quitters():
    employer = np.array([0, 1, 0, -1, 1, 1], I64)
    case = {
        "employer": employer,
        "status": np.where(employer >= 0, EMPLOYED, UNEMPLOYED).astype(I64),
        "home": np.array([0, 1, 1, 0, 0, 1], I64),
        "unemployment_months": np.array([0, 0, 0, 9, 0, 0], I64),
        "firm_dead": np.array([True, False]),
        "firm_need": np.array([5, 0], I64),
        "quitters": np.array([3, 4], I64),  # person 3 is not employed: nothing happens
        "u_layoff": np.zeros(0),
        "firm_emp": np.array([2, 3], I64),
        "out_by_area": np.zeros(2, I64),
    }
    released, got = run_separate(case)
    assert released == 3
    assert got["employer"].tolist() == [-1, 1, -1, -1, -1, 1]
    u, e = UNEMPLOYED, EMPLOYED
    assert got["status"].tolist() == [u, e, u, u, u, e]
    assert got["unemployment_months"].tolist() == [0, 0, 0, 9, 0, 0]
    assert got["firm_emp"].tolist() == [0, 2]
    assert got["out_by_area"].tolist() == [2, 1]


def test_selection_sampling_picks_every_subset_equally_often():
    # A firm of 4 workers lays off 2: each of the 6 pairs should come up about 1/6 of times.
    rng = np.random.default_rng(2024)
    counts = dict.fromkeys(itertools.combinations(range(4), 2), 0)
    trials = 3000
    for _ in range(trials):
        employer = np.zeros(4, I64)
        flows.separate(
            employer,
            np.zeros(4, I64),
            np.zeros(4, I64),
            np.zeros(4, I64),
            np.array([False]),
            np.array([2], I64),
            np.zeros(0, I64),
            rng.random(4),
            np.array([4], I64),
            np.zeros(1, I64),
        )
        counts[tuple(np.flatnonzero(employer < 0).tolist())] += 1
    assert sum(counts.values()) == trials
    for pair, n in counts.items():
        assert abs(n - trials / 6) < 4 * np.sqrt(trials * (1 / 6) * (5 / 6)), (pair, n)


def test_separate_rejects_unsorted_quitters():
    case = separate_case(np.random.default_rng(0))
    case["quitters"] = np.array([5, 2], I64)
    with pytest.raises(ValueError, match="quitters must be sorted"):
        flows.separate(**case)


def test_separate_rejects_too_few_uniforms():
    case = separate_case(np.random.default_rng(1), dead=0.0)
    needed = flows.layoff_uniforms_needed(case["firm_need"], case["firm_emp"], case["firm_dead"])
    assert needed > 0
    case["u_layoff"] = np.random.default_rng(2).random(needed - 1)
    with pytest.raises(ValueError, match=f"{needed - 1} uniforms, {needed} needed"):
        flows.separate(**case)


# --------------------------------------------------------------------------------- age
@pytest.mark.parametrize("seed", range(20))
def test_age_equals_reference(seed):
    rng = np.random.default_rng([seed, 3])
    n = int(rng.integers(0, 50))
    status = rng.choice([EMPLOYED, UNEMPLOYED], size=n).astype(I64)
    months = rng.integers(0, 40, size=n).astype(I64)
    base = rng.random(n)
    employability = base * rng.random(n)
    scarring, recovery, floor = rng.random() * 0.1, rng.random() * 0.2, rng.random() * 0.2
    expected_months, expected_score = naive.age(
        status, months, employability, base, scarring, recovery, floor
    )
    flows.age(status, months, employability, base, scarring, recovery, floor)
    assert months.tolist() == expected_months
    assert employability.tolist() == expected_score


def test_age_scars_to_the_floor_and_recovers_toward_base():
    status = np.array([UNEMPLOYED, UNEMPLOYED, EMPLOYED], I64)
    months = np.array([0, 5, 0], I64)
    score = np.array([0.5, 0.101, 0.2])
    flows.age(status, months, score, np.array([0.9, 0.9, 0.8]), 0.1, 0.5, 0.1)
    assert months.tolist() == [1, 6, 0]
    np.testing.assert_allclose(score, [0.45, 0.1, 0.5])


# ------------------------------------------------------------------------------ stocks
@pytest.mark.parametrize("seed", range(20))
def test_stocks_equal_reference(seed):
    rng = np.random.default_rng([seed, 5])
    areas = int(rng.integers(1, 5))
    n, n_f = int(rng.integers(0, 60)), int(rng.integers(0, 10))
    args = (
        rng.integers(0, areas, size=n).astype(I64),
        rng.choice([EMPLOYED, UNEMPLOYED], size=n).astype(I64),
        rng.integers(0, 30, size=n).astype(I64),
        12,
        rng.integers(0, areas, size=n_f).astype(I64),
        rng.random(n_f) < 0.7,
        rng.integers(0, 20, size=n_f).astype(I64),
        rng.integers(0, 5, size=n_f).astype(I64),
        areas,
    )
    got = stocks.stocks(*args)
    assert got.shape == (areas + 1, len(stocks.STOCK_COLUMNS))
    assert got.tolist() == naive.stocks(*args)
    assert stocks.STOCK_COLUMNS == naive.STOCK_COLUMNS


def test_stocks_by_hand():
    got = stocks.stocks(
        np.array([0, 0, 1, 1, 1], I64),
        np.array([EMPLOYED, UNEMPLOYED, UNEMPLOYED, UNEMPLOYED, EMPLOYED], I64),
        np.array([0, 12, 11, 30, 0], I64),
        12,
        np.array([1, 1, 0], I64),
        np.array([True, False, True]),
        np.array([2, 0, 3], I64),
        np.array([1, 7, 0], I64),
        2,
    )
    assert got.tolist() == [
        [2, 1, 1, 1, 1, 3, 0],
        [3, 1, 2, 1, 1, 2, 1],
        [5, 2, 3, 2, 2, 5, 1],
    ]


# ------------------------------------------------------- firm-level glue kernels
def firm_case(seed, n=500):
    """Random firm slots: some dead, sizes 0..40 with a heavy tail, demands around them."""
    rng = np.random.default_rng(seed)
    employment = np.minimum(rng.zipf(1.6, n) - 1, 400).astype(np.int64)
    demand = np.maximum(employment + rng.normal(0.0, 3.0, n), 0.0)
    demand[:5] = [0.5, 1.5, 2.5, 2.4999999, 0.0]  # rint's ties go to even
    return {
        "employment": employment,
        "demand": demand,
        "alive": rng.random(n) < 0.8,
        "muni": rng.integers(0, 7, n),
        "vacancies": rng.integers(0, 5, n),
        "survival": rng.uniform(0.5, 1.0, n),
        "u": rng.random(n),
    }


@pytest.mark.parametrize("seed", range(5))
def test_firm_deaths_equal_the_numpy_rule(seed):
    c = firm_case(seed)
    rate, exponent = 0.01 * (seed + 1), -0.3 + 0.1 * seed
    # Reference: the per-firm numpy expressions the kernel replaces.
    p = rate * np.maximum(c["employment"], 1) ** exponent
    p *= c["survival"]
    want_dead = c["alive"] & (c["u"] < p)
    want_alive = c["alive"] & ~want_dead
    want_vac = np.where(want_dead, 0, c["vacancies"])
    want_by_area = np.bincount(c["muni"][want_dead], minlength=7)

    table = firms.size_power_table(int(c["employment"].max()) + 3, exponent)
    dead = np.empty(c["alive"].shape[0], dtype=bool)
    by_area = np.zeros(7, dtype=np.int64)
    n = firms.firm_deaths(c["u"], c["employment"], table, rate, c["survival"], c["alive"],
                            c["vacancies"], c["muni"], dead, by_area)
    assert n == want_dead.sum() > 0
    np.testing.assert_array_equal(dead, want_dead)
    np.testing.assert_array_equal(c["alive"], want_alive)
    np.testing.assert_array_equal(c["vacancies"], want_vac)
    np.testing.assert_array_equal(by_area, want_by_area)


def test_size_power_table_gives_the_bits_of_the_direct_power():
    sizes = np.random.default_rng(3).integers(0, 5000, 20_000)
    for exponent in (-0.5, -0.25, 0.3, 1.0):
        table = firms.size_power_table(5000, exponent)
        direct = np.maximum(sizes, 1) ** exponent
        assert np.array_equal(table[sizes].view(np.int64), direct.view(np.int64))


def test_firm_deaths_reject_a_short_size_table():
    c = firm_case(0)
    with pytest.raises(ValueError, match="size_power"):
        firms.firm_deaths(c["u"], c["employment"], np.ones(2), 0.1, c["survival"],
                            c["alive"], c["vacancies"], c["muni"],
                            np.empty(c["u"].shape[0], dtype=bool), np.zeros(7, np.int64))


@pytest.mark.parametrize("seed", range(5))
def test_layoff_need_and_vacancies_equal_the_numpy_rule(seed):
    c = firm_case(seed)
    dead = np.random.default_rng(seed + 50).random(c["alive"].shape[0]) < 0.05
    desired = np.rint(c["demand"]).astype(np.int64)
    want_need = np.where(c["alive"], np.maximum(c["employment"] - desired, 0), 0)
    want_uniforms = flows.layoff_uniforms_needed(want_need, c["employment"], dead)
    want_vac = np.where(c["alive"], np.maximum(desired - c["employment"], 0), 0)

    need = np.full(c["alive"].shape[0], -7, dtype=np.int64)
    got = firms.layoff_need(c["demand"], c["alive"], c["employment"], dead, need)
    np.testing.assert_array_equal(need, want_need)
    assert got == want_uniforms > 0
    vac = np.full(c["alive"].shape[0], -7, dtype=np.int64)
    firms.open_vacancies(c["demand"], c["alive"], c["employment"], vac)
    np.testing.assert_array_equal(vac, want_vac)
    assert vac[:5].tolist() == [max(int(r) - e, 0) if a else 0 for r, e, a in
                                zip([0, 2, 2, 2, 0], c["employment"][:5], c["alive"][:5],
                                    strict=True)]


def test_seekers_are_the_unemployed_in_order_with_counts_by_home():
    rng = np.random.default_rng(9)
    status = rng.choice([EMPLOYED, UNEMPLOYED, 2], size=1000, p=[0.8, 0.15, 0.05])
    home = np.sort(rng.integers(0, 6, 1000))
    by_area = np.full(6, 2, dtype=np.int64)
    got = flows.seekers(status, home, by_area)
    want = np.flatnonzero(status == UNEMPLOYED)
    np.testing.assert_array_equal(got, want)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(by_area, 2 + np.bincount(home[want], minlength=6))
    assert flows.seekers(np.full(1000, EMPLOYED), home, by_area).size == 0


def test_age_counts_months_not_employed_when_asked():
    status = np.array([EMPLOYED, UNEMPLOYED, 2, UNEMPLOYED])
    months = np.array([0, 3, 0, 1])
    emp = np.array([0.5, 0.5, 0.5, 0.5])
    counted = np.array([1, 1, 1, 1])
    flows.age(status, months, emp, np.ones(4), 0.1, 0.2, 0.1, counted)
    assert counted.tolist() == [1, 2, 2, 2]
    assert months.tolist() == [0, 4, 0, 2]
    with pytest.raises(ValueError, match="one entry per person"):
        flows.age(status, months, emp, np.ones(4), 0.1, 0.2, 0.1, counted[:2])


def test_screening_opens_and_keeps_vacancies_like_the_mask_rule():
    rng = np.random.default_rng(4)
    u, vac = rng.random(300), rng.integers(0, 4, 300)
    share = 0.3
    screening = u < share
    open_now = np.full(300, -1, dtype=np.int64)
    matching.screen_vacancies(u, share, vac, open_now)
    np.testing.assert_array_equal(open_now, np.where(screening, vac, 0))
    filled = np.minimum(open_now, rng.integers(0, 2, 300))  # matching fills some
    open_now -= filled
    want = vac.copy()
    want[screening] = open_now[screening]
    matching.keep_unfilled(u, share, open_now, vac)
    np.testing.assert_array_equal(vac, want)


def test_take_jobs_equals_the_fancy_index_rule():
    rng = np.random.default_rng(8)
    n, n_s = 200, 60
    employer = rng.integers(-1, 9, n).astype(np.int32)
    status = rng.integers(0, 2, n).astype(np.int8)
    months = rng.integers(0, 30, n).astype(np.int32)
    home = rng.integers(0, 4, n).astype(np.int32)
    seekers = np.sort(rng.choice(n, n_s, replace=False)).astype(np.int64)
    hired = np.where(rng.random(n_s) < 0.4, rng.integers(0, 9, n_s), -1)
    s_home = home[seekers]
    ok = hired >= 0
    want_new = seekers[ok]
    want_emp, want_st, want_m = employer.copy(), status.copy(), months.copy()
    want_emp[want_new], want_st[want_new], want_m[want_new] = hired[ok], EMPLOYED, 0
    by_area = np.ones(4, dtype=np.int64)
    new = flows.take_jobs(seekers, hired, s_home, employer, status, months, by_area)
    np.testing.assert_array_equal(new, want_new)
    np.testing.assert_array_equal(employer, want_emp)
    np.testing.assert_array_equal(status, want_st)
    np.testing.assert_array_equal(months, want_m)
    np.testing.assert_array_equal(by_area, 1 + np.bincount(s_home[ok], minlength=4))
    with pytest.raises(ValueError, match="same length"):
        flows.take_jobs(seekers, hired[:-1], s_home, employer, status, months, by_area)
