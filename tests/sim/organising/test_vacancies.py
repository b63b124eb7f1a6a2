"""Vacancy knowledge: which vacancy classes a municipality's jobseekers see under separate
action, in a host arrangement and in an alliance that shares vacancies, the reach over
(municipality, class) destinations, and when either is computed again.

Municipalities A, B and C of ``organising_cases``; a vacancy known only to another
municipality's employer services is seen with the weight 0.6.
"""

from __future__ import annotations

import numpy as np
from organising_cases import alliance

from sim.organising.vacancies import VacancyAccess, visibility


def test_visibility_under_separate_action():
    vis = visibility(3, [], 0.6)
    assert vis.shape == (3, 3, 2)
    assert (vis[:, :, 0] == 1.0).all()  # open vacancies: seen everywhere
    assert vis[:, :, 1].tolist() == [[1.0, 0.6, 0.6], [0.6, 1.0, 0.6], [0.6, 0.6, 1.0]]


def test_visibility_inside_groups_that_share():
    vis = visibility(4, [{0, 2}, {1, 3}], 0.5)
    assert vis[:, :, 1].tolist() == [[1.0, 0.5, 1.0, 0.5], [0.5, 1.0, 0.5, 1.0],
                                     [1.0, 0.5, 1.0, 0.5], [0.5, 1.0, 0.5, 1.0]]
    assert (vis[:, :, 0] == 1.0).all()


def test_a_host_arrangement_shares_its_vacancies_from_the_start(world):
    orgs, m, provs = world
    access = VacancyAccess(orgs, [(1, [3])], 0.6)  # A hosts C
    vis = access.visibility([], 0)
    assert vis[:, :, 1].tolist() == [[1.0, 0.6, 1.0], [0.6, 1.0, 0.6], [1.0, 0.6, 1.0]]


def test_an_alliance_shares_vacancies_only_while_its_lever_acts(world):
    orgs, m, provs = world
    sharing = alliance(m, orgs, provs, levers=("shared_vacancies",), members=("A", "B"))
    other = alliance(m, orgs, provs, members=("C",), index=1)
    access = VacancyAccess(orgs, [], 0.6)
    separate = access.visibility([sharing, other], 4)  # development: not yet
    assert separate[:, :, 1].tolist() == visibility(3, [], 0.6)[:, :, 1].tolist()
    shared = access.visibility([sharing, other], 6)
    assert shared[:, :, 1].tolist() == [[1.0, 1.0, 0.6], [1.0, 1.0, 0.6], [0.6, 0.6, 1.0]]
    sharing.members.clear()  # dissolved: back to separate action
    assert access.visibility([sharing, other], 9)[0, 1, 1] == 0.6


def test_visibility_is_computed_again_only_when_the_groups_change(world):
    orgs, m, provs = world
    sharing = alliance(m, orgs, provs, levers=("shared_vacancies",), members=("A", "B"))
    access = VacancyAccess(orgs, [], 0.6)
    first = access.visibility([sharing], 1)
    assert access.visibility([sharing], 5) is first
    implemented = access.visibility([sharing], 6)
    assert implemented is not first
    assert access.visibility([sharing], 7) is implemented


def test_expanded_reach_weighs_each_class_by_its_visibility(world):
    orgs, m, provs = world
    access = VacancyAccess(orgs, [], 0.5)
    reach = np.array([[1.0, 0.4, 0.0], [0.4, 1.0, 0.2], [0.0, 0.2, 1.0]])
    dist = np.array([[3.0, 20.0, 90.0], [20.0, 4.0, 30.0], [90.0, 30.0, 5.0]])
    reach2, dist2 = access.expanded_reach(reach, dist, [], 1)
    assert reach2.shape == dist2.shape == (6, 6)
    # Home h is row 2h; destination 2m + c is municipality m's class-c vacancies.
    assert reach2[2].tolist() == [0.4, 0.2, 1.0, 1.0, 0.2, 0.1]
    assert dist2[2].tolist() == [20.0, 20.0, 4.0, 4.0, 30.0, 30.0]
    assert not reach2[1::2].any() and not dist2[1::2].any()  # no one lives in a class row
    np.testing.assert_array_equal(reach2[0::2, 0::2], reach)
    np.testing.assert_array_equal(reach2[0::2, 1::2], reach * visibility(3, [], 0.5)[:, :, 1])


def test_expanded_reach_is_kept_while_reach_and_groups_stay(world):
    orgs, m, provs = world
    sharing = alliance(m, orgs, provs, levers=("shared_vacancies",), members=("A", "B"))
    access = VacancyAccess(orgs, [], 0.5)
    reach, dist = np.ones((3, 3)), np.ones((3, 3))
    first = access.expanded_reach(reach, dist, [sharing], 1)
    again = access.expanded_reach(reach, dist, [sharing], 2)
    assert again[0] is first[0] and again[1] is first[1]
    shared = access.expanded_reach(reach, dist, [sharing], 6)
    assert shared[0] is not first[0] and shared[0][0, 3] == 1.0 and first[0][0, 3] == 0.5
    other_reach = access.expanded_reach(np.full((3, 3), 0.5), dist, [sharing], 7)
    assert other_reach[0][0, 0] == 0.5
