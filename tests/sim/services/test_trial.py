"""A randomised trial: who is eligible at month 0, who is treated (by the given draws),
how the treated start the service, and each group's employment row by row.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from organising_cases import FixedDraws

from sim import load_scenario
from sim.labour.population import EMPLOYED, UNEMPLOYED
from sim.services.state import SERVICE_INDEX, ServiceState
from sim.services.trial import TRIAL_COLUMNS, Trial


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
        "treated": [1, 4], "control": [2]}
    # No provider and no payer; full effort from month 0.
    assert begin.calls == [([1, 4], SERVICE_INDEX["training"], [-1, -1], -1, [1.0, 1.0], 0)]
    rows = trial.rows.to_frame()
    assert rows.columns.tolist() == list(TRIAL_COLUMNS)
    assert rows.values.tolist() == [[0, "treated", 2, 0.0], [0, "control", 1, 0.0]]


def test_record_adds_each_groups_employment_share():
    trial = Trial()
    trial.groups = {"treated": np.array([0, 1, 2, 3]), "control": np.array([4, 5]),
                    "empty": np.array([], dtype=np.int64)}
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
