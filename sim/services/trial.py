"""A randomised trial of one service (koeasetelma), for validating the services' effects.

At month 0 the persons eligible for the tested service are randomised: the treated start
it (with no provider and no payer), the controls do not. The trial's table gives each
group's employment month by month (``experiment.parquet``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..collect import Table
from ..labour.population import EMPLOYED, Persons
from ..scenario import Scenario
from .eligibility import eligible_persons
from .state import SERVICE_INDEX, ServiceState

TRIAL_COLUMNS = ("month", "group", "persons", "employed_share")
"""Columns of ``experiment.parquet``."""


class Trial:
    """The treated and control groups of a scenario's ``[experiment]``, if it has one."""

    def __init__(self) -> None:
        """No trial yet (one starts at month 0)."""
        self.groups: dict[str, np.ndarray] = {}
        self.rows = Table(TRIAL_COLUMNS)

    def start(self, scenario: Scenario, persons: Persons, state: ServiceState,
              rng: np.random.Generator, begin: Callable[..., None]) -> None:
        """Randomise the eligible into the tested service (treated) or not (control).

        ``begin(idx, service, providers, uid, effort, month)`` starts the treated.
        """
        exp = scenario.experiment
        eligible = np.flatnonzero(eligible_persons(exp.service, persons, state,
                                                   scenario.targeting,
                                                   scenario.labour.long_term_months))
        treated = rng.random(eligible.size) < exp.treated_share
        self.groups = {"treated": eligible[treated], "control": eligible[~treated]}
        idx = self.groups["treated"]
        begin(idx, SERVICE_INDEX[exp.service], np.full(idx.size, -1, dtype=np.int64), -1,
              np.ones(idx.size), 0)
        self.rows = Table(TRIAL_COLUMNS)
        self.record(0, persons.status)

    def record(self, month: int, status: np.ndarray) -> None:
        """Each group's employment share this month."""
        for group, idx in self.groups.items():
            share = float((status[idx] == EMPLOYED).mean()) if idx.size else np.nan
            self.rows.append(month, group, int(idx.size), share)
