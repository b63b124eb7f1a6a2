"""Outcomes by who was served: quintiles of baseline employability fixed at month 0, the
providers' effort by quintile, hires of the hard to help, and the quintile table.

Ten persons with baseline employability 0.1, 0.2, ..., 1.0 (in shuffled order), so that
each quintile holds two of them: 0.1 and 0.2 are the hardest to help.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.labour.population import EMPLOYED, UNEMPLOYED
from sim.services.outcomes import QUINTILE_COLUMNS, OutcomeTracker
from sim.services.state import ServiceState

BASE = np.array([0.9, 0.1, 0.5, 0.3, 1.0, 0.2, 0.7, 0.4, 0.6, 0.8])
QUINTILES = [5, 1, 3, 2, 5, 1, 4, 2, 3, 4]
HOME = np.array([0, 1, 0, 1, 0, 2, 2, 1, 0, 1])


@pytest.fixture
def tracker():
    """A tracker of the ten persons (three municipalities) observed from month 0."""
    t = OutcomeTracker(10, 3)
    t.start_observation(BASE)
    return t


def test_quintiles_are_fixed_by_baseline_employability(tracker):
    assert tracker.quintile.tolist() == QUINTILES
    assert np.flatnonzero(tracker.hard_to_help).tolist() == [1, 5]


def test_effort_is_counted_by_quintile(tracker):
    tracker.count_starts(np.array([1, 5, 4]), np.array([0.3, 0.3, 1.15]))
    tracker.count_starts(np.array([0, 3]), 1.0)  # one effort for all
    assert tracker.effort_sum.tolist() == pytest.approx([0.0, 0.6, 1.0, 0.0, 0.0, 2.15])
    assert tracker.effort_count.tolist() == [0.0, 2.0, 1.0, 0.0, 0.0, 2.0]


def test_starts_before_month_zero_are_not_counted_in_the_table():
    t = OutcomeTracker(10, 3)
    t.count_starts(np.array([1, 2]), 0.5)  # during the burn-in: quintile 0
    assert t.effort_count.tolist() == [2.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    t.start_observation(BASE)
    assert not t.effort_count.any() and not t.effort_sum.any()


def test_hires_of_the_hard_to_help_count_by_home_until_the_quarter_ends(tracker):
    tracker.count_hires(np.array([1, 4, 5]), HOME)
    tracker.count_hires(np.array([5]), HOME)
    assert tracker.hard_to_help_hires.tolist() == [0.0, 1.0, 2.0]
    tracker.end_quarter()
    assert not tracker.hard_to_help_hires.any()


def test_the_table_gives_each_quintiles_outcomes(tracker):
    state = ServiceState.empty(10, 0)
    state.ever_served[[1, 5, 4]] = True
    state.outcome_paid[4] = True
    state.months_unemployed[:] = [0, 6, 2, 3, 0, 10, 1, 5, 0, 0]
    status = np.full(10, EMPLOYED, dtype=np.int8)
    status[[1, 3, 7]] = UNEMPLOYED
    tracker.count_starts(np.array([1, 5, 4]), np.array([0.3, 0.5, 1.15]))
    table = tracker.table(status, state).to_frame()
    assert table.columns.tolist() == list(QUINTILE_COLUMNS)
    assert table["quintile"].tolist() == [1, 2, 3, 4, 5]
    assert table["persons"].tolist() == [2] * 5
    assert table["employed_share"].tolist() == [0.5, 0.0, 1.0, 1.0, 1.0]
    assert table["ever_served_share"].tolist() == [1.0, 0.0, 0.0, 0.0, 0.5]
    assert table["outcome_paid_share"].tolist() == [0.0, 0.0, 0.0, 0.0, 0.5]
    assert table["mean_months_unemployed"].tolist() == [8.0, 4.0, 1.0, 0.5, 0.0]
    assert table["mean_effort"].tolist()[0] == pytest.approx(0.4)
    assert table["mean_effort"].tolist()[4] == 1.15
    assert table["mean_effort"].iloc[1:4].isna().all()  # no one started there
