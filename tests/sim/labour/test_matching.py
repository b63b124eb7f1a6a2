"""Job matching (sim.labour.matching) against the slow reference of tests/naive.py.

The kernel takes all its randomness as pre-drawn uniforms, so kernel and reference are
the same deterministic function: every comparison here is exact, never statistical.
"""

from __future__ import annotations

import multiprocessing
import threading

import naive
import numba
import numpy as np
import pytest

from sim.labour import applications, draws, matching, pool
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
    standards=False,
    employed=0.0,
):
    """A random input of matching.match as a dict of keyword arguments.

    With ``standards``, firms get hiring standards (log scores, some -inf) around the
    applicants' scores; with ``employed`` > 0, that share of seekers holds a job worth a
    random reservation value near the firms' pay.
    """
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
        **_standards_and_reserves(rng, seekers, firms, standards, employed, ties),
    }


def _standards_and_reserves(rng, seekers, firms, standards, employed, ties):
    """Hiring standards and reservation values of a random case (none unless asked)."""
    extra = {}
    if standards:
        levels = [-np.inf, -1.5, -1.0, -0.5] if ties else None
        floor = (rng.choice(levels, size=firms) if ties
                 else rng.uniform(-2.0, 0.0, size=firms))
        floor[rng.random(firms) < 0.2] = -np.inf
        extra["firm_floor"] = floor
    if employed > 0.0:
        reserve = np.full(seekers, -np.inf)
        holds = rng.random(seekers) < employed
        reserve[holds] = (rng.choice([1.0, 1.25], size=int(holds.sum())) if ties
                          else rng.lognormal(0.0, 0.3, size=int(holds.sum())))
        extra["s_reserve"] = reserve
    return extra


def run_match(case):
    """Run kernel and reference on copies; assert identical outcomes; return the kernel's."""
    vac_before = case["firm_vac"].copy()
    emp_before = case["firm_emp"].copy()
    expected_hired, expected_vac, expected_emp = naive.match(**case)
    kernel_case = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in case.items()}
    hired = matching.match(**kernel_case)
    assert hired.dtype == np.int32
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
    "standards": {"standards": True, "seekers": 30, "firms": 8},
    "standards-ties": {"standards": True, "ties": True, "noise": 0.0, "seekers": 20},
    "on-the-job": {"employed": 0.5, "seekers": 30, "firms": 8},
    "on-the-job-ties": {"employed": 0.5, "ties": True, "noise": 0.2, "seekers": 20},
    "both-sides": {"standards": True, "employed": 0.4, "seekers": 60, "firms": 12,
                   "max_vac": 4, "rounds": 3},
}


@pytest.mark.parametrize("shape", sorted(MATCH_SHAPES))
@pytest.mark.parametrize("seed", range(25))
def test_match_equals_reference_on_random_inputs(shape, seed):
    rng = np.random.default_rng([seed, sorted(MATCH_SHAPES).index(shape)])
    run_match(match_case(rng, **MATCH_SHAPES[shape]))


def stream_as_rows(key, s_apps, max_apps):
    """The (seekers, max_apps, 3) uniforms that a stream key stands for: seeker i's
    application a takes the stream's numbers 3r, 3r + 1, 3r + 2 of its packed row r (the
    applications of the seekers before it, then a)."""
    apps = np.maximum(s_apps, 0)
    total = int(apps.sum())
    packed = draws.uniforms(key, 3 * total).reshape(total, 3)
    u = np.full((len(s_apps), max(max_apps, 1), 3), np.nan)  # NaN: never read
    for i, start in enumerate(np.cumsum(apps) - apps):
        u[i, : apps[i]] = packed[start: start + apps[i]]
    return u


def assert_stream_matches_reference(rng, shape):
    """A random case of ``shape`` run on a stream key equals the reference given the
    stream's numbers (hires, vacancies and employment after the month)."""
    case = match_case(rng, **MATCH_SHAPES[shape])
    key = draws.new_key(rng)
    expected = naive.match(**dict(case, u=stream_as_rows(key, case["s_apps"],
                                                         case["u"].shape[1])))
    run = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in case.items()}
    hired = matching.match(**dict(run, u=key))
    assert (hired.tolist(), run["firm_vac"].tolist(), run["firm_emp"].tolist()) == expected


@pytest.mark.parametrize("shape", sorted(MATCH_SHAPES))
@pytest.mark.parametrize("seed", range(6))
def test_match_on_a_stream_key_equals_the_reference_on_the_streams_numbers(shape, seed):
    """Given a stream key instead of an array, the kernels compute each application's
    uniforms (the model's way): the reference, given those numbers, matches the same."""
    assert_stream_matches_reference(
        np.random.default_rng([seed, 202, sorted(MATCH_SHAPES).index(shape)]), shape)


@pytest.mark.parametrize("threads", [1, 2, 5])
@pytest.mark.parametrize("shape", ["crowded", "wide", "both-sides"])
def test_match_on_a_stream_key_is_the_same_on_any_number_of_threads(monkeypatch, shape,
                                                                     threads):
    """A stream's numbers belong to the applications, not to the threads that send them:
    split into parts of any size on 1, 2 or 5 threads, the kernels match as the reference
    does on those numbers."""
    monkeypatch.setattr(applications, "MIN_PART", 1)
    pool.set_matching_threads(threads)
    try:
        for seed in range(4):
            assert_stream_matches_reference(
                np.random.default_rng([seed, 303, sorted(MATCH_SHAPES).index(shape)]), shape)
    finally:
        pool.set_matching_threads(None)


@pytest.mark.parametrize("threads", [1, 2, 5])
@pytest.mark.parametrize("shape", ["crowded", "wide", "scarce", "both-sides", "on-the-job-ties"])
@pytest.mark.parametrize("seed", range(6))
def test_match_equals_reference_on_any_number_of_threads(monkeypatch, shape, seed, threads):
    """The round's seekers and firms split into parts on 1, 2 or 5 threads (parts of any
    size here: these rounds are far below the size worth sharing): every split gives the
    reference's matches."""
    monkeypatch.setattr(applications, "MIN_PART", 1)
    pool.set_matching_threads(threads)
    try:
        rng = np.random.default_rng([seed, 101, sorted(MATCH_SHAPES).index(shape)])
        run_match(match_case(rng, **MATCH_SHAPES[shape]))
    finally:
        pool.set_matching_threads(None)


def test_match_is_the_same_on_one_and_two_threads(monkeypatch):
    """A larger case (5,000 seekers, 400 firms): the same hires on 1 and 2 threads."""
    monkeypatch.setattr(applications, "MIN_PART", 256)
    rng = np.random.default_rng(7)
    case = match_case(rng, seekers=5000, firms=400, munis=12, groups=3, max_apps=6,
                      max_vac=6, standards=True, employed=0.3)
    results = []
    try:
        for threads in (1, 2):
            pool.set_matching_threads(threads)
            run = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in case.items()}
            hired = matching.match(**run)
            results.append((hired.tolist(), run["firm_vac"].tolist()))
    finally:
        pool.set_matching_threads(None)
    assert results[0] == results[1]
    assert sum(h >= 0 for h in results[0][0]) > 100  # not vacuous: hundreds hired


def _match_on_two_threads(seed: int) -> None:
    pool.set_matching_threads(2)
    case = match_case(np.random.default_rng(seed), seekers=3000, firms=200, munis=8)
    matching.match(**case)


def test_a_forked_child_matches_on_threads_of_its_own(monkeypatch):
    """The parent's thread pool does not survive a fork; the child starts its own (a
    child using the parent's would wait for threads that do not exist)."""
    monkeypatch.setattr(applications, "MIN_PART", 256)
    _match_on_two_threads(1)  # the parent's pool now exists
    child = multiprocessing.get_context("fork").Process(target=_match_on_two_threads,
                                                        args=(2,))
    child.start()
    child.join(timeout=120)
    alive = child.is_alive()
    if alive:
        child.kill()
    pool.set_matching_threads(None)
    assert not alive and child.exitcode == 0


def test_parts_have_about_equal_work_and_cover_every_item():
    cumulative = np.array([0, 5, 5, 6, 20, 21, 40])  # work before each of 6 items
    bounds = pool.balanced_bounds(cumulative, 3)
    assert bounds[0] == 0 and bounds[-1] == 6 and (np.diff(bounds) >= 0).all()
    work = cumulative[bounds[1:]] - cumulative[bounds[:-1]]
    assert work.sum() == 40 and work.max() <= 20
    assert pool.balanced_bounds(np.zeros(4, dtype=np.int64), 2).tolist() == [0, 0, 3]


def test_models_in_several_threads_share_the_pool(monkeypatch):
    """Matching in four Python threads at once, asking for 2, 3, 4 and 2 threads (the pool
    grows while others use it): each gets the reference's matches."""
    monkeypatch.setattr(applications, "MIN_PART", 1)
    errors = []

    def work(k: int, threads: int) -> None:
        try:
            pool.set_matching_threads(threads)
            for seed in range(4):
                run_match(match_case(np.random.default_rng([k, seed, 7]),
                                     **MATCH_SHAPES["both-sides"]))
        except Exception as exc:  # noqa: BLE001 - reported below, with its thread
            errors.append((k, exc))

    workers = [threading.Thread(target=work, args=(k, t)) for k, t in enumerate((2, 3, 4, 2))]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []


def test_person_ranges_split_no_municipality(monkeypatch):
    monkeypatch.setattr(pool, "MIN_PERSONS", 10)
    home = np.repeat(np.arange(7), [30, 1, 12, 0, 25, 9, 23])  # 100 persons by home
    bounds = pool.area_parts(home)
    assert bounds[0] == 0 and bounds[-1] == home.size and (np.diff(bounds) > 0).all()
    assert 3 <= bounds.size <= 11  # at most 100 // 10 ranges
    assert set(bounds[1:-1].tolist()) <= {30, 31, 43, 68, 77}  # municipalities' first
    shuffled = home[np.random.default_rng(0).permutation(home.size)]
    assert pool.area_parts(shuffled).tolist() == [0, 100]  # not stored by home
    monkeypatch.setattr(pool, "MIN_PERSONS", 60)
    assert pool.area_parts(home).tolist() == [0, 100]  # too few to split


def test_person_ranges_are_checked():
    home = np.array([0, 0, 1, 1, 1, 2])
    assert pool.person_ranges(None, 6).tolist() == [0, 6]
    assert pool.person_ranges([0, 2, 5, 6], 6, home).tolist() == [0, 2, 5, 6]
    assert pool.person_ranges([0, 3, 6], 6).tolist() == [0, 3, 6]  # no homes asked
    with pytest.raises(ValueError, match="split a municipality"):
        pool.person_ranges([0, 3, 6], 6, home)
    for bad in ([0, 5], [1, 6], [0, 4, 2, 6], [6]):
        with pytest.raises(ValueError, match="rise from 0 to 6"):
            pool.person_ranges(bad, 6)


def _recording_kernel(calls: list, fail_at: int | None = None):
    """A stand-in kernel that records (part's lower bound, thread) and may fail at a part."""

    def kernel(tag, lo, hi):
        calls.append((lo, threading.current_thread().name))
        if lo == fail_at:
            raise ValueError(f"part {lo} failed")

    return kernel


def test_parts_run_once_each_and_the_caller_takes_its_share():
    calls = []
    bounds = np.arange(0, 41, 5)  # 8 parts
    pool.in_parts(_recording_kernel(calls), ("tag",), bounds, 2)
    assert sorted(lo for lo, _ in calls) == bounds[:-1].tolist()
    assert threading.current_thread().name in {name for _, name in calls}


def test_a_parts_exception_reaches_the_caller():
    calls = []
    with pytest.raises(ValueError, match="part 15 failed"):
        pool.in_parts(_recording_kernel(calls, fail_at=15), ("tag",),
                              np.arange(0, 41, 5), 2)
    los = [lo for lo, _ in calls]
    assert len(los) == len(set(los))  # no part twice


def test_a_helper_that_cannot_start_is_not_waited_for():
    """Every thread of the pool is busy elsewhere: the caller runs every part itself and
    returns, without waiting for a helper to become free."""
    pool.in_parts(_recording_kernel([]), ("tag",), np.array([0, 1, 2]), 2)
    release = threading.Event()
    # The pool may be larger than one helper (earlier tests asked for more threads).
    blockers = [pool._pool.submit(release.wait)
                for _ in range(pool._pool_threads)]
    calls, done = [], threading.Event()

    def call() -> None:
        pool.in_parts(_recording_kernel(calls), ("tag",), np.arange(0, 21, 5), 2)
        done.set()

    caller = threading.Thread(target=call, name="caller")
    try:
        caller.start()
        assert done.wait(timeout=10), "in_parts waited for a helper that never started"
        assert sorted(calls) == [(lo, "caller") for lo in (0, 5, 10, 15)]
    finally:
        release.set()
        for blocker in blockers:
            blocker.result()
        caller.join()


def test_small_rounds_stay_in_the_calling_thread():
    assert applications.split_work(1000, 2) == (1, 1)
    assert applications.split_work(10**6, 1) == (1, 1)
    assert applications.split_work(10**6, 2) == (2, 2 * applications.PARTS_PER_THREAD)
    assert applications.split_work(3 * applications.MIN_PART, 2) == (2, 3)


def test_threads_are_a_setting_of_the_calling_thread():
    pool.set_matching_threads(3)
    try:
        seen = []
        other = threading.Thread(target=lambda: seen.append(pool.matching_threads()))
        other.start()
        other.join()
        assert pool.matching_threads() == 3
        assert seen == [numba.config.NUMBA_NUM_THREADS]
    finally:
        pool.set_matching_threads(None)
    with pytest.raises(ValueError, match="at least 1"):
        pool.set_matching_threads(0)


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


def firms_of(vac, muni=None, skill=None, value=None):
    """Overrides for firms with these vacancies (municipality and skill 0, pay 1, no
    employees unless given)."""
    vac = np.asarray(vac, dtype=I64)
    n = vac.size
    return {
        "firm_muni": np.zeros(n, I64) if muni is None else np.asarray(muni, dtype=I64),
        "firm_skill": np.zeros(n, I64) if skill is None else np.asarray(skill, dtype=I64),
        "firm_value": np.ones(n) if value is None else np.asarray(value, dtype=float),
        "firm_vac": vac,
        "firm_emp": np.zeros(n, I64),
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
    hired, _ = run_match(single_bucket(**seekers_of(3), **firms_of([])))
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
    firms = firms_of([1, 3])
    for u1, firm in [(0.0, 0), (0.24, 0), (0.25, 1), (0.6, 1), (0.999, 1)]:
        case = single_bucket(**firms)
        case["u"] = np.array([[[0.5, u1, 0.5]]])
        hired, _ = run_match(case)
        assert hired.tolist() == [firm], u1


def test_bucket_drawn_by_reach_times_fit_times_vacancies():
    # Two municipalities and two skill groups: buckets (m, g) = 0:(0,0) 1:(0,1) 2:(1,0) 3:(1,1).
    # The seeker (home 0, skill 0) weights them reach·fit·vacancies = 1·1·1, 1·0.5·2,
    # 0.5·1·2 and 0 (municipality 1's skill-1 firm has no vacancy): cumulative 1, 2, 3, 3.
    firms = firms_of([1, 2, 2, 0], muni=[0, 0, 1, 1], skill=[0, 1, 0, 1])
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
    firms = firms_of([5], muni=[1])
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
    firms = firms_of([1, 1], muni=[0, 1], value=[1.0, 1.3])
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
    firms = firms_of([1, 1])
    u = np.array([[[0.5, 0.9, 0.5], [0.5, 0.1, 0.5]]])  # firm 1 first, then firm 0
    hired, _ = run_match(single_bucket(**firms, s_apps=np.array([2], I64), u=u))
    assert hired.tolist() == [0]


def test_an_applicant_below_the_hiring_standard_is_turned_down():
    """A firm leaves its vacancy open rather than hire below its standard."""
    standard = np.log(np.array([0.6]))
    hired, case = run_match(single_bucket(**seekers_of(2, score=[0.3, 0.5]),
                                          firm_floor=standard))
    assert hired.tolist() == [-1, -1]
    assert case["firm_vac"].tolist() == [1]
    hired, _ = run_match(single_bucket(**seekers_of(2, score=[0.3, 0.6]),
                                       firm_floor=standard))
    assert hired.tolist() == [-1, 0]  # a score at the standard clears it


def test_a_turned_down_applicant_does_not_take_a_place_in_the_ranking():
    """The best cleared applicant is hired even when a worse one would have filled the heap."""
    case = single_bucket(**seekers_of(3, score=[0.9, 0.2, 0.8]), firm_vac=np.array([2], I64),
                         firm_floor=np.log(np.array([0.5])))
    hired, case = run_match(case)
    assert hired.tolist() == [0, -1, 0]
    assert case["firm_vac"].tolist() == [0]


def test_an_employed_seeker_moves_only_to_a_better_job():
    firms = firms_of([1], value=[1.2])
    for reserve, expected in [(1.0, [0]), (1.2, [-1]), (1.5, [-1]), (-np.inf, [0])]:
        case = single_bucket(**firms, s_reserve=np.array([reserve]))
        case["firm_vac"] = firms["firm_vac"].copy()
        hired, case = run_match(case)
        assert hired.tolist() == expected, reserve
        assert case["firm_vac"].tolist() == [1 - (expected[0] == 0)]


def test_an_offer_turned_down_leaves_the_vacancy_to_a_later_round():
    """The employed seeker ranks first but stays; the unemployed one is hired next round."""
    case = single_bucket(**seekers_of(2, score=[0.9, 0.4], apps=2), n_rounds=2,
                         s_reserve=np.array([2.0, -np.inf]))
    case["s_apps"] = np.array([1, 2], I64)  # the employed seeker applies in round 0 only
    hired, case = run_match(case)
    assert hired.tolist() == [-1, 0]
    assert case["firm_vac"].tolist() == [0]


def test_applications_spread_over_rounds():
    """Application a goes out in round a % n_rounds.

    One seeker with three applications to firm 0 (pay 1) and firm 1 (pay 2), each with one
    vacancy. The seeker takes firm 1 if its application to firm 1 goes out in the same
    round as one to firm 0 or earlier, and firm 0 if it is hired there before.
    """
    firms = firms_of([1, 1], value=[1.0, 2.0])
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
            **dict(firms, firm_vac=np.ones(2, I64)), s_apps=np.array([3], I64), u=u,
            n_rounds=rounds)
        hired, _ = run_match(case)
        assert hired.tolist() == [firm], (targets, rounds)


def test_unfilled_vacancies_carry_to_the_next_round():
    # Firm 0 offers its one vacancy to seeker 0 in round 0 and seeker 1 loses; firm 1's
    # vacancy, unfilled in round 0, is open in round 1, where seeker 1 applies and gets it.
    firms = firms_of([1, 1], value=[2.0, 1.0])
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


@pytest.mark.parametrize("seed", range(3))
def test_seeker_table_equals_the_concatenations_and_gathers(seed):
    rng = np.random.default_rng(seed)
    n = 60
    home = np.sort(rng.integers(0, 5, n)).astype(np.int32)
    skill = rng.integers(0, 3, n).astype(np.int8)
    employability = rng.random(n)
    unemployed = np.sort(rng.choice(n, 20, replace=False))
    employed = np.setdiff1d(np.arange(n), unemployed)[::3]
    apps_u, boost = rng.integers(0, 9, 20), 1.0 + rng.random(20)
    reserve = rng.random(employed.size)
    seekers, area, s_skill, score, apps, s_reserve = matching.seeker_table(
        unemployed, employed, apps_u, 2, boost, reserve, employability, home, skill,
        area_scale=2)
    want = np.concatenate([unemployed, employed])
    assert seekers.dtype == np.int32 and apps.dtype == np.int32
    np.testing.assert_array_equal(seekers, want)
    np.testing.assert_array_equal(area, 2 * home[want])
    assert area.dtype == home.dtype and s_skill.dtype == skill.dtype
    np.testing.assert_array_equal(s_skill, skill[want])
    np.testing.assert_array_equal(score, np.concatenate([employability[unemployed] * boost,
                                                         employability[employed]]))
    np.testing.assert_array_equal(apps, np.concatenate([apps_u, np.full(employed.size, 2)]))
    np.testing.assert_array_equal(s_reserve, np.concatenate([np.full(20, -np.inf), reserve]))
    with pytest.raises(ValueError, match="one entry per unemployed seeker"):
        matching.seeker_table(unemployed, employed, apps_u[:-1], 2, boost, reserve,
                              employability, home, skill)
