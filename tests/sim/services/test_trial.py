"""A randomised trial: who is eligible at month 0, who is treated (by the given draws),
how the treated start the service, and each group's employment row by row.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest
from organising_cases import FixedDraws

from sim import ScenarioError, load_scenario
from sim.labour.population import EMPLOYED, UNEMPLOYED
from sim.services.state import SERVICE_INDEX, ServiceState
from sim.services.trial import TRIAL_COLUMNS, Trial, deal_shares


@pytest.fixture(scope="module")
def scenario():
    """The tiny scenario with a trial of training, half of the eligible treated."""
    return load_scenario("tiny", {"experiment": {"service": "training", "treated_share": 0.5}})


def persons():
    """Six persons: 1, 2, 4 and 5 are unemployed for at least the 3 months training needs."""
    return SimpleNamespace(
        status=np.array([EMPLOYED, UNEMPLOYED, UNEMPLOYED, UNEMPLOYED, UNEMPLOYED, UNEMPLOYED],
                        dtype=np.int8),
        unemployment_months=np.array([0, 3, 5, 2, 12, 4], dtype=np.int32),
        employability=np.full(6, 0.5))


class Starts:
    """Records the calls of ``begin(idx, service, providers, uid, effort, month)``."""

    def __init__(self) -> None:
        self.calls = []

    def __call__(self, idx, service, providers, uid, effort, month) -> None:
        self.calls.append((idx.tolist(), service, providers.tolist(), uid, effort.tolist(),
                           month))


def test_start_randomises_the_eligible_and_starts_the_treated(scenario):
    state = ServiceState.empty(6, 0)
    state.service[5] = 0  # already in coaching: not eligible
    trial, begin = Trial(), Starts()
    # Draws under 0.5 treat: persons 1 and 4 of the eligible 1, 2 and 4.
    trial.start(scenario, persons(), state, FixedDraws([0.1, 0.7, 0.4]), begin)
    assert {g: idx.tolist() for g, idx in trial.groups.items()} == {
        ("ALL", 0.5, "treated"): [1, 4], ("ALL", 0.5, "control"): [2]}
    # No provider and no payer; full effort from month 0.
    assert begin.calls == [([1, 4], SERVICE_INDEX["training"], [-1, -1], -1, [1.0, 1.0], 0)]
    rows = trial.rows.to_frame()
    assert rows.columns.tolist() == list(TRIAL_COLUMNS)
    assert rows.values.tolist() == [[0, "ALL", 0.5, "treated", 2, 0.0],
                                    [0, "ALL", 0.5, "control", 1, 0.0]]


def test_record_adds_each_groups_employment_share():
    trial = Trial()
    trial.groups = {("ALL", 0.5, "treated"): np.array([0, 1, 2, 3]),
                    ("ALL", 0.5, "control"): np.array([4, 5]),
                    ("ALL", 0.5, "empty"): np.array([], dtype=np.int64)}
    status = np.array([EMPLOYED, UNEMPLOYED, EMPLOYED, EMPLOYED, UNEMPLOYED, UNEMPLOYED])
    trial.record(3, status)
    rows = trial.rows.to_frame()
    assert rows[["month", "group", "persons"]].values.tolist() == [
        [3, "treated", 4], [3, "control", 2], [3, "empty", 0]]
    assert rows["employed_share"].tolist()[:2] == [0.75, 0.0]
    assert np.isnan(rows["employed_share"].iloc[2])


def test_no_trial_has_no_groups_and_no_rows():
    trial = Trial()
    assert trial.groups == {} and trial.rows.to_frame().empty


def test_shares_are_dealt_in_turn_so_each_goes_to_as_many_municipalities():
    for n_areas in (2, 5, 23, 309):
        area_share = deal_shares([0.0, 0.25, 0.5, 0.75, 1.0], n_areas,
                                 np.random.default_rng(n_areas))
        counts = np.unique(area_share, return_counts=True)[1]
        assert counts.max() - counts.min() <= 1 and area_share.size == n_areas
    # The same generator state deals the same shares; another deals them elsewhere.
    a, b, c = (deal_shares([0.0, 1.0], 40, np.random.default_rng(s)) for s in (1, 1, 2))
    assert a.tolist() == b.tolist() and a.tolist() != c.tolist()


def test_a_two_level_trial_treats_each_municipality_at_its_share():
    """Municipality 0 gets share 1, municipality 1 share 0 (the given permutation), so the
    draws decide nothing: all eligible of 0 are treated, none of 1."""
    sc = load_scenario("tiny", {"experiment": {"service": "training",
                                               "municipality_shares": [0.0, 1.0]}})
    people = persons()
    people.home = np.array([0, 0, 1, 0, 1, 1], dtype=np.int32)
    draws = FixedDraws([0.99, 0.0, 0.5, 0.5], permutation=[1, 0])
    trial, begin = Trial(), Starts()
    trial.start(sc, people, ServiceState.empty(6, 0), draws, begin, areas=["A", "B"])
    # Eligible: 1, 2, 4, 5 (3 has been unemployed too short); homes 0, 1, 1, 1.
    assert {g: idx.tolist() for g, idx in trial.groups.items()} == {
        ("A", 1.0, "treated"): [1], ("B", 0.0, "control"): [2, 4, 5]}
    assert begin.calls[0][0] == [1]
    assert trial.rows.to_frame()[["area", "treated_share", "group", "persons"]].values \
        .tolist() == [["A", 1.0, "treated", 1], ["B", 0.0, "control", 3]]


def test_a_two_level_trial_matches_a_slow_reference():
    """Each eligible person is treated when its draw is under its municipality's share."""
    rng = np.random.default_rng(5)
    n, areas = 400, [f"M{k}" for k in range(7)]
    sc = load_scenario("tiny", {"experiment": {"service": "coaching",
                                               "municipality_shares": [0.0, 0.3, 1.0]}})
    people = SimpleNamespace(status=np.full(n, UNEMPLOYED, dtype=np.int8),
                             unemployment_months=rng.integers(0, 20, n).astype(np.int32),
                             employability=rng.random(n),
                             home=rng.integers(0, 7, n).astype(np.int32))
    state = ServiceState.empty(n, 0)
    trial = Trial()
    trial.start(sc, people, state, np.random.default_rng(9), Starts(), areas=areas)
    # The reference repeats the trial's draws one by one.
    from sim.services.eligibility import eligible_persons
    ref_rng = np.random.default_rng(9)
    share = deal_shares([0.0, 0.3, 1.0], 7, ref_rng)
    eligible = np.flatnonzero(eligible_persons("coaching", people, state, sc.targeting,
                                               sc.labour.long_term_months))
    u = ref_rng.random(eligible.size)
    expected: dict = {}
    for a, name in enumerate(areas):
        for group in ("treated", "control"):
            members = [int(p) for p, x in zip(eligible, u, strict=True)
                       if people.home[p] == a and (x < share[a]) == (group == "treated")]
            if members:
                expected[(name, float(share[a]), group)] = members
    assert {g: idx.tolist() for g, idx in trial.groups.items()} == expected
    assert {key[1] for key in expected} == {0.0, 0.3, 1.0}


@pytest.mark.parametrize("shares, words", [([0.5, 1.5], "[0, 1]"), ([0.5, 0.5], "two different")])
def test_bad_municipality_shares_are_refused(shares, words):
    with pytest.raises(ScenarioError, match=re.escape(words)):
        load_scenario("tiny", {"experiment": {"service": "coaching",
                                              "municipality_shares": shares}})
