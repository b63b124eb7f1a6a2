"""A randomised trial of one service (koeasetelma), for validating the services' effects.

At month 0 the persons eligible for the tested service are randomised: the treated start
it (with no provider and no payer), the controls do not. The trial's table gives each
group's employment month by month (``experiment.parquet``). In a two-level trial the
municipalities are first given treated shares at random (:func:`deal_shares`), and the
table has each municipality's groups.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..collect import REGION_AREA, Table
from ..labour.population import EMPLOYED, Persons
from ..scenario import Scenario
from .eligibility import eligible_persons
from .state import SERVICE_INDEX, ServiceState

TRIAL_COLUMNS = ("month", "area", "treated_share", "group", "persons", "employed_share")
"""Columns of ``experiment.parquet``: one row a month per area and group (``treated`` or
``control``). ``area`` is ``ALL`` in a one-level trial, and a municipality in a two-level
one, where ``treated_share`` is the share its municipality was given."""


class Trial:
    """The treated and control groups of a scenario's ``[experiment]``, if it has one."""

    def __init__(self) -> None:
        """No trial yet (one starts at month 0)."""
        # (area, treated share, group) -> the group's persons, in the table's row order.
        self.groups: dict[tuple[str, float, str], np.ndarray] = {}
        self.rows = Table(TRIAL_COLUMNS)

    def start(self, scenario: Scenario, persons: Persons, state: ServiceState,
              rng: np.random.Generator, begin: Callable[..., None],
              areas: Sequence[str] = ()) -> None:
        """Randomise the eligible into the tested service (treated) or not (control).

        ``begin(idx, service, providers, uid, effort, month)`` starts the treated;
        ``areas`` names the municipalities (needed by a two-level trial).
        """
        exp = scenario.experiment
        eligible = np.flatnonzero(eligible_persons(exp.service, persons, state,
                                                   scenario.targeting,
                                                   scenario.labour.long_term_months))
        if exp.municipality_shares is None:
            treated = rng.random(eligible.size) < exp.treated_share
            self.groups = {(REGION_AREA, exp.treated_share, "treated"): eligible[treated],
                           (REGION_AREA, exp.treated_share, "control"): eligible[~treated]}
        else:
            area_share = deal_shares(exp.municipality_shares, len(areas), rng)
            home = persons.home[eligible]
            # A share of 1 treats everyone (draws lie in [0, 1)), a share of 0 no one.
            treated = rng.random(eligible.size) < area_share[home]
            self.groups = {}
            for a, name in enumerate(areas):
                here = home == a
                for group, members in (("treated", eligible[here & treated]),
                                       ("control", eligible[here & ~treated])):
                    if members.size:
                        self.groups[(name, float(area_share[a]), group)] = members
        idx = eligible[treated]
        begin(idx, SERVICE_INDEX[exp.service], np.full(idx.size, -1, dtype=np.int64), -1,
              np.ones(idx.size), 0)
        self.rows = Table(TRIAL_COLUMNS)
        self.record(0, persons.status)

    def record(self, month: int, status: np.ndarray) -> None:
        """Each group's employment share this month."""
        for (area, share, group), idx in self.groups.items():
            employed = float((status[idx] == EMPLOYED).mean()) if idx.size else np.nan
            self.rows.append(month, area, share, group, int(idx.size), employed)


def deal_shares(shares: Sequence[float], n_areas: int,
                rng: np.random.Generator) -> np.ndarray:
    """Each municipality's treated share: the shares dealt in turn, in a random order.

    Dealing rather than drawing each share independently keeps the design balanced: every
    share goes to as many municipalities as the others, give or take one.
    """
    order = rng.permutation(n_areas)
    area_share = np.empty(n_areas)
    area_share[order] = np.asarray(shares, dtype=float)[np.arange(n_areas) % len(shares)]
    return area_share
