"""People's flows (sim.labour.flows): separations, seekers, hires, ageing, against references.
"""

from __future__ import annotations

import itertools

import naive
import numpy as np
import pytest

from sim import GrowthServicesModel, load_scenario
from sim.labour import draws, flows, pool
from sim.labour.flows import bernoulli_indices
from sim.labour.population import EMPLOYED, OUTSIDE, UNEMPLOYED

I64 = np.int64


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
    status = rng.choice([EMPLOYED, UNEMPLOYED, OUTSIDE], size=n).astype(I64)
    months = rng.integers(0, 40, size=n).astype(I64)
    base = rng.random(n)
    employability = base * rng.random(n)
    scarring, recovery, floor = rng.random() * 0.1, rng.random() * 0.2, rng.random() * 0.2
    outside = rng.random() * 0.2
    in_service = (rng.random(n) < 0.3) if seed % 2 else None
    expected_months, expected_score = naive.age(
        status, months, employability, base, scarring, recovery, floor, in_service, outside
    )
    counted = rng.integers(0, 9, size=n).astype(I64)
    start = (months.copy(), employability.copy(), counted.copy())
    flows.age(status, months, employability, base, scarring, recovery, floor, counted,
              in_service=in_service, recovery_outside=outside)
    assert months.tolist() == expected_months
    assert employability.tolist() == expected_score
    np.testing.assert_array_equal(counted, start[2] + (status != EMPLOYED))
    # In ranges of persons (one of them empty) on two threads: the same.
    again = tuple(a.copy() for a in start)
    pool.set_matching_threads(2)
    try:
        flows.age(status, again[0], again[1], base, scarring, recovery, floor, again[2],
                  in_service=in_service, recovery_outside=outside,
                  parts=np.array([0, n // 3, n // 3, n - n // 4, n]))
    finally:
        pool.set_matching_threads(None)
    for got, one in zip(again, (months, employability, counted), strict=True):
        assert got.tolist() == one.tolist()


def test_a_service_interrupts_the_spell_when_asked():
    status = np.array([UNEMPLOYED, UNEMPLOYED, EMPLOYED], I64)
    months = np.array([14, 14, 0], I64)
    score = np.array([0.5, 0.5, 0.5])
    flows.age(status, months, score, np.ones(3), 0.1, 0.0, 0.0,
              in_service=np.array([True, False, True]))
    assert months.tolist() == [0, 15, 0]
    np.testing.assert_allclose(score, [0.45, 0.45, 0.5])  # scarring goes on in a service


# ------------------------------------------------------------------- labour-force flows
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("seed", range(20))
def test_labour_force_flows_equal_reference(monkeypatch, seed, threads):
    """In one pass, and (two threads) in ranges of persons that split no municipality, as
    the model runs the country: leavers' jobs are taken off their firms either way."""
    rng = np.random.default_rng([seed, 17])
    n, n_f, areas = int(rng.integers(0, 80)), 6, 3
    status = rng.choice([EMPLOYED, UNEMPLOYED, OUTSIDE], size=n).astype(np.int8)
    employer = np.where(status == EMPLOYED, rng.integers(0, n_f, size=n), -1).astype(np.int32)
    months = rng.integers(0, 40, size=n).astype(np.int32)
    home = np.sort(rng.integers(0, areas, size=n)).astype(np.int32)
    busy = rng.random(n) < 0.2
    key = draws.new_key(rng)
    u = draws.uniforms(key, n)
    firm_emp = np.bincount(employer[employer >= 0], minlength=n_f).astype(I64)
    rates = (rng.random() * 0.3, rng.random() * 0.3, rng.random() * 2.0, rng.random() * 0.5)
    expected = naive.labour_force_flows(status, employer, months, home, busy, u, *rates,
                                        firm_emp, areas)
    exits, entries = np.zeros(areas, I64), np.zeros(areas, I64)
    # Odd seeds: the stream's key, whose numbers the kernel computes; even seeds: the array.
    monkeypatch.setattr(pool, "MIN_PERSONS", 8)
    parts = pool.area_parts(home) if threads > 1 else None
    pool.set_matching_threads(threads)
    try:
        flows.labour_force_flows(status, employer, months, home, busy,
                                 key if seed % 2 else u, *rates, firm_emp, exits, entries,
                                 parts)
    finally:
        pool.set_matching_threads(None)
    got = (status.tolist(), employer.tolist(), months.tolist(), firm_emp.tolist(),
           exits.tolist(), entries.tolist())
    assert got == expected
    np.testing.assert_array_equal(
        firm_emp, np.bincount(employer[employer >= 0], minlength=n_f))
    if threads > 1 and n >= 40:  # ranges only where there are persons enough to split
        assert parts.size > 2


def test_labour_force_flows_by_hand():
    """Entry, exit from work and from a long spell, and a busy person who stays."""
    status = np.array([OUTSIDE, EMPLOYED, UNEMPLOYED, UNEMPLOYED, UNEMPLOYED], np.int8)
    employer = np.array([-1, 0, -1, -1, -1], np.int32)
    months = np.array([0, 0, 0, 24, 24], np.int32)
    home = np.array([0, 0, 1, 1, 1], np.int32)
    busy = np.array([False, False, False, False, True])
    u = np.array([0.05, 0.05, 0.25, 0.25, 0.0])
    firm_emp = np.array([3], I64)
    exits, entries = np.zeros(2, I64), np.zeros(2, I64)
    # Exit of the unemployed: 0.2 at the start of a spell, 0.2 · (1 + 0.5 · 2) = 0.4 at 24.
    flows.labour_force_flows(status, employer, months, home, busy, u, 0.1, 0.2, 0.5, 0.1,
                             firm_emp, exits, entries)
    assert status.tolist() == [UNEMPLOYED, OUTSIDE, UNEMPLOYED, OUTSIDE, UNEMPLOYED]
    assert employer.tolist() == [-1, -1, -1, -1, -1]
    assert firm_emp.tolist() == [2]
    assert exits.tolist() == [1, 1] and entries.tolist() == [1, 0]


# --------------------------------------------------------------------- search activity
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("seed", range(12))
def test_search_activity_equals_reference(monkeypatch, seed, threads):
    """In one pass, and (two threads) in ranges of persons, with uniforms or a stream key."""
    rng = np.random.default_rng([seed, 23])
    n = int(rng.integers(0, 80))
    status = rng.choice([EMPLOYED, UNEMPLOYED, OUTSIDE], size=n).astype(np.int8)
    searching = (rng.random(n) < 0.5).astype(np.uint8)
    home = np.sort(rng.integers(0, 3, size=n)).astype(np.int32)
    key = draws.new_key(rng)
    u = draws.uniforms(key, n)
    lapse, resume = rng.random() * 0.5, rng.random() * 0.5
    expected = naive.search_activity(status, searching, u, lapse, resume)
    monkeypatch.setattr(pool, "MIN_PERSONS", 8)
    parts = pool.area_parts(home) if threads > 1 else None
    pool.set_matching_threads(threads)
    try:
        flows.search_activity(status, searching, key if seed % 2 else u, lapse, resume,
                              parts)
    finally:
        pool.set_matching_threads(None)
    assert searching.tolist() == expected


def test_search_activity_by_hand():
    """The unemployed lapse and resume; the employed and those outside search again."""
    status = np.array([UNEMPLOYED, UNEMPLOYED, UNEMPLOYED, UNEMPLOYED, EMPLOYED, OUTSIDE],
                      np.int8)
    searching = np.array([1, 1, 0, 0, 0, 0], np.uint8)
    u = np.array([0.1, 0.5, 0.1, 0.5, 0.9, 0.9])
    flows.search_activity(status, searching, u, 0.2, 0.3)
    assert searching.tolist() == [0, 1, 1, 0, 1, 1]
    searching[:] = 1  # lapse 0 switches the distinction off: everyone keeps searching
    flows.search_activity(status, searching, np.zeros(6), 0.0, 0.0)
    assert searching.tolist() == [1] * 6
    with pytest.raises(ValueError, match="searching has 3 entries"):
        flows.search_activity(status, searching[:3], u, 0.2, 0.3)


def test_jobseekers_who_do_not_search_send_no_applications(monkeypatch):
    """The month's applications: none from a jobseeker outside services who stopped
    searching; the others send (the matching kernel's input, read here)."""
    from sim.labour import matching

    model = GrowthServicesModel(
        scenario=load_scenario("tiny", {"simulation.burn_in_months": 0}), seed=3)
    p = model.persons
    rng = np.random.default_rng(0)
    p.searching[:] = (rng.random(p.size) < 0.5).astype(np.uint8)
    seen = {}
    real = matching.match

    def spy(areas, skill, score, apps, *args, **kwargs):
        seen["apps"] = apps.copy()
        return real(areas, skill, score, apps, *args, **kwargs)

    def seekers_spy(status, home, by_area, parts=None):
        seen["seekers"] = out = real_seekers(status, home, by_area, parts)
        seen["searching"] = p.searching[out].copy()
        seen["service"] = model.services.state.service[out].copy()
        return out

    real_seekers = flows.seekers
    monkeypatch.setattr(matching, "match", spy)
    monkeypatch.setattr(flows, "seekers", seekers_spy)
    model.step()
    n_u = seen["seekers"].size
    apps = seen["apps"][:n_u]
    idle = (seen["searching"] == 0) & (seen["service"] < 0)
    assert idle.any() and (~idle).any()
    assert (apps[idle] == 0).all()
    assert (apps[~idle] > 0).mean() > 0.9  # the rest search (caseworker time may trim)


def test_move_jobs_frees_the_old_post_and_counts_the_move_at_home():
    employer = np.array([0, 1, 1, -1], np.int32)
    firm_emp = np.array([1, 2, 1], I64)  # firm 2 already counts the mover (matching)
    moves = np.zeros(2, I64)
    flows.move_jobs(np.array([1]), np.array([2]), np.array([0, 1, 1, 0]), employer,
                    firm_emp, moves)
    assert employer.tolist() == [0, 2, 1, -1]
    assert firm_emp.tolist() == [1, 1, 1]
    assert moves.tolist() == [0, 1]
    with pytest.raises(ValueError, match="must hold a job"):
        flows.move_jobs(np.array([3]), np.array([0]), np.zeros(4, I64), employer,
                        firm_emp, moves)


def test_destroyed_matches_fall_below_the_standard_more_often_when_demand_is_low():
    rng = np.random.default_rng(4)
    n = 20_000
    status = np.where(rng.random(n) < 0.9, EMPLOYED, UNEMPLOYED).astype(np.int8)
    employability = rng.beta(5, 2, size=n)
    shocked = np.arange(0, n, 2)
    fit, u = np.ones(shocked.size), rng.random(shocked.size)
    normal = flows.destroyed_matches(shocked, status, employability, fit, u, 0.5, 0.4, 1.0)
    slump = flows.destroyed_matches(shocked, status, employability, fit, u, 0.5, 0.4, 0.9)
    assert set(normal) <= set(slump) and slump.size > normal.size > 0
    # The rule, person by person.
    judged = employability[shocked] * np.exp(0.5 * np.sqrt(3) * (2 * u - 1))
    want = shocked[(status[shocked] == EMPLOYED) & (judged < 0.4)]
    np.testing.assert_array_equal(normal, want)
    assert flows.destroyed_matches(shocked, status, employability, fit, u, 0.5, 0.0,
                                   1.0).size == 0


def test_age_scars_to_the_floor_and_recovers_toward_base():
    status = np.array([UNEMPLOYED, UNEMPLOYED, EMPLOYED], I64)
    months = np.array([0, 5, 0], I64)
    score = np.array([0.5, 0.101, 0.2])
    flows.age(status, months, score, np.array([0.9, 0.9, 0.8]), 0.1, 0.5, 0.1)
    assert months.tolist() == [1, 6, 0]
    np.testing.assert_allclose(score, [0.45, 0.1, 0.5])


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
    # In ranges of persons that split no municipality (one of them empty, one with no
    # seeker) on two threads: the same.
    starts = np.flatnonzero(np.r_[True, home[1:] != home[:-1]])
    idle = status.copy()
    idle[starts[2]:starts[3]] = EMPLOYED
    for st, parts in ((status, [0, starts[2], starts[2], starts[4], 1000]),
                      (idle, [0, *starts[1:], 1000])):
        one, counts = flows.seekers(st, home, np.zeros(6, I64)), np.zeros(6, I64)
        pool.set_matching_threads(2)
        try:
            got = flows.seekers(st, home, counts, np.array(parts))
        finally:
            pool.set_matching_threads(None)
        np.testing.assert_array_equal(got, one)
        np.testing.assert_array_equal(counts, np.bincount(home[one], minlength=6))
    with pytest.raises(ValueError, match="must not split"):
        flows.seekers(status, home, by_area, np.array([0, starts[1] + 1, 1000]))


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


@pytest.mark.parametrize("p", [0.0, 0.001, 0.05, 0.5, 1.0])
def test_bernoulli_indices(p):
    n = 20_000
    rng = np.random.default_rng(3)
    idx = bernoulli_indices(rng, n, p)
    assert idx.dtype == np.int64
    assert (np.diff(idx) > 0).all(), "indices must be sorted and distinct"
    assert idx.size == 0 or (idx[0] >= 0 and idx[-1] < n)
    sd = np.sqrt(n * p * (1 - p))
    assert abs(idx.size - n * p) <= 5 * sd + 1e-9
    assert bernoulli_indices(rng, 0, p).size == 0


def test_founders_count_as_jobseekers_of_the_month(tiny):
    """Every hire of a month was a jobseeker of that month, founders of firms included."""
    model = GrowthServicesModel(tiny, seed=1, months=1)
    p = model.persons
    model.labour.start_month(1)
    unemployed = np.flatnonzero(p.status == UNEMPLOYED)
    jobseekers = np.bincount(p.home[unemployed], minlength=model.geo.size)
    model.start_firms_for(unemployed[::10])
    model.labour.post_vacancies()
    model.match()
    flows = model.labour.flows
    np.testing.assert_array_equal(flows["seekers"], jobseekers)
    assert (flows["hires"] <= flows["seekers"]).all()


@pytest.mark.parametrize("seed", range(5))
def test_on_the_job_searchers_equal_the_masks_and_gathers(seed):
    rng = np.random.default_rng(seed)
    n, n_firms, n_munis = 400, 30, 6
    status = rng.choice([EMPLOYED, UNEMPLOYED, OUTSIDE], size=n).astype(np.int8)
    employer = np.where(status == EMPLOYED, rng.integers(0, n_firms, n), -1)
    home, busy = rng.integers(0, n_munis, n), rng.random(n) < 0.2
    value, muni = rng.random(n_firms), rng.integers(0, n_munis, n_firms)
    distance = rng.random((n_munis, n_munis)) * 50
    key = draws.new_key(rng)
    u = draws.uniforms(key, n)
    want = np.flatnonzero((status == EMPLOYED) & ~busy & (u < 0.4))
    firm = employer[want]
    assert 0 < want.size < n
    # The array and the stream the kernel computes; in one range, or in ranges (an empty
    # one, one ending on a searcher) on the matching threads.
    for uniforms, parts in ((u, None), (key, None), (key, [0, 0, want[3] + 1, 250, n]),
                            (u, [0, 1, 2, 3, n])):
        searchers, reserve = flows.on_the_job_searchers(uniforms, 0.4, status, busy, employer,
                                                        home, value, muni, distance, 0.01, 0.05,
                                                        parts)
        np.testing.assert_array_equal(searchers, want)
        np.testing.assert_array_equal(
            reserve, value[firm] - 0.01 * distance[home[want], muni[firm]] + 0.05)
    none, _ = flows.on_the_job_searchers(u, 0.0, status, busy, employer, home, value, muni,
                                         distance, 0.01, 0.05)
    assert none.size == 0
    with pytest.raises(ValueError, match="one entry per person"):
        flows.on_the_job_searchers(u[:-1], 0.4, status, busy, employer, home, value, muni,
                                   distance, 0.01, 0.05)
