"""Worker flows: job-to-job moves and quarterly transitions against a hand count, and the
verdict on made-up flows inside and outside the reference bands."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.validation import transitions as tr
from sim.labour import EMPLOYED, UNEMPLOYED

E, U, OUT = EMPLOYED, UNEMPLOYED, 7  # 7: any other status is outside the labour force


def test_job_to_job_counts_employer_changes_of_the_employed_at_both_ends():
    status0 = np.array([E, E, E, E, U])
    employer0 = np.array([1, 2, 3, 4, -1])
    status1 = np.array([E, E, U, E, E])
    employer1 = np.array([1, 5, -1, 9, 2])
    # Of the four employed at the first end: 1 stays, 2 moves, 3 becomes unemployed, 4
    # moves; person 5 was unemployed (a hire, not a move).
    assert tr.job_to_job(status0, employer0, status1, employer1) == pytest.approx(2 / 4)


def test_quarter_transitions_follow_each_person():
    before = np.array([U, U, U, U, E, E, E, E, E])
    after = np.array([E, U, OUT, E, E, E, U, E])  # the last person has left the population
    found = tr.quarter_transitions(before, after)
    assert found["unemployed_to_employed_quarter"] == pytest.approx(2 / 4)
    assert found["unemployed_to_unemployed_quarter"] == pytest.approx(1 / 4)
    assert found["unemployed_to_outside_quarter"] == pytest.approx(1 / 4)
    assert found["employed_to_unemployed_quarter"] == pytest.approx(1 / 5)
    assert found["employed_to_outside_quarter"] == pytest.approx(1 / 5)


def quarter(u_e: float, u_out: float, e_u: float) -> dict[str, float]:
    return {"unemployed_to_employed_quarter": u_e, "unemployed_to_outside_quarter": u_out,
            "employed_to_unemployed_quarter": e_u}


def test_flows_like_finlands_pass():
    rng = np.random.default_rng(1)
    fact = tr.transitions(0.016 + rng.normal(0, 0.001, 24),
                          [quarter(0.33 + rng.normal(0, 0.01), 0.23, 0.015)
                           for _ in range(8)])
    assert fact.statistic("job_to_job_month").value == pytest.approx(0.016, abs=0.001)
    assert fact.statistic("unemployed_to_employed_quarter").low < 0.33
    assert fact.verdict == "pass"


def test_a_closed_labour_force_without_job_to_job_moves_fails():
    fact = tr.transitions(np.full(24, 0.002), [quarter(0.5, 0.0, 0.03) for _ in range(8)])
    assert fact.verdict == "fail"
    assert "job_to_job_month" in fact.notes[-1] and "unemployed_to_outside" in fact.notes[-1]


def test_half_the_flows_in_their_bands_warn():
    fact = tr.transitions(np.full(24, 0.016), [quarter(0.30, 0.0, 0.05) for _ in range(8)])
    assert fact.verdict == "warn"


def test_survey_status_puts_the_unemployed_in_training_or_rehabilitation_outside():
    from sim.labour import OUTSIDE
    from sim.scenario import SERVICES

    code = {name: k for k, name in enumerate(SERVICES)}
    status = np.array([U, U, U, U, E, E, OUT], dtype=np.int8)
    service = np.array([-1, code["training"], code["rehabilitation"], code["coaching"],
                        code["training"], -1, -1])
    got = tr.survey_status(status, service)
    # An employed person in a service (say, subsidised) stays employed.
    np.testing.assert_array_equal(got, [U, OUTSIDE, OUTSIDE, U, E, E, OUT])
    np.testing.assert_array_equal(status, [U, U, U, U, E, E, OUT])  # a copy


def test_survey_status_puts_the_unemployed_who_do_not_search_outside():
    from sim.labour import OUTSIDE
    from sim.scenario import SERVICES

    coaching = SERVICES.index("coaching")
    status = np.array([U, U, U, E, OUT], dtype=np.int8)
    service = np.array([-1, -1, coaching, -1, -1])
    searching = np.array([1, 0, 0, 0, 0], dtype=np.uint8)
    got = tr.survey_status(status, service, searching)
    # A jobseeker who does not search leaves the survey's labour force, in a service or
    # not; an employed person's flag does not matter.
    np.testing.assert_array_equal(got, [U, OUTSIDE, OUTSIDE, E, OUT])
    np.testing.assert_array_equal(tr.survey_status(status, service), [U, U, U, E, OUT])


def test_register_flows_are_reported_beside_the_judged_ones():
    judged = [quarter(0.30, 0.20, 0.015) for _ in range(8)]
    register = [quarter(0.05, 0.90, 0.5) for _ in range(8)]  # far outside every band
    fact = tr.transitions(np.full(24, 0.016), judged, register)
    assert fact.statistic("unemployed_to_outside_quarter_register").value == \
        pytest.approx(0.9)
    assert fact.verdict == "pass"  # reported, not judged
    assert "unemployed_to_outside_quarter_register" not in \
        {s.name for s in tr.transitions(np.full(24, 0.016), judged).statistics}
