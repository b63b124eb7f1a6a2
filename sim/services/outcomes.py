"""Outcomes by who was served (tulokset): creaming and parking show here.

At month 0 every person gets a quintile of baseline employability (1 = hardest to help);
the tracker counts providers' effort by quintile as clients start, hires of the hard to
help (a KRA), and gives the quintile table of a run.
"""

from __future__ import annotations

import numpy as np

from ..collect import Table
from ..labour.population import EMPLOYED
from .state import ServiceState

QUINTILE_COLUMNS = ("quintile", "persons", "employed_share", "ever_served_share",
                    "outcome_paid_share", "mean_months_unemployed", "mean_effort")
"""Columns of ``quintiles.parquet``."""


class OutcomeTracker:
    """Quintiles of baseline employability, effort by quintile, hires of the hard to help."""

    def __init__(self, n_persons: int, n_munis: int) -> None:
        """Nothing observed yet (quintile 0 means before month 0)."""
        self.quintile = np.zeros(n_persons, dtype=np.int8)
        self.hard_to_help = np.zeros(n_persons, dtype=bool)  # bottom quintile at month 0
        self.effort_sum = np.zeros(6)  # by quintile (index 0: before month 0)
        self.effort_count = np.zeros(6)
        self.hard_to_help_hires = np.zeros(n_munis)  # this quarter, by home

    def start_observation(self, base_employability: np.ndarray) -> None:
        """Month 0: fix the quintiles; effort counts start afresh."""
        edges = np.quantile(base_employability, [0.2, 0.4, 0.6, 0.8])
        self.quintile = (np.searchsorted(edges, base_employability, side="right")
                         + 1).astype(np.int8)
        self.hard_to_help = self.quintile == 1
        self.effort_sum[:] = 0.0
        self.effort_count[:] = 0.0

    def count_starts(self, idx: np.ndarray, effort: np.ndarray | float) -> None:
        """Clients ``idx`` start a service with the provider's ``effort`` for each."""
        q = self.quintile[idx]  # 0 before month 0: not counted in the tables
        np.add.at(self.effort_sum, q, np.broadcast_to(effort, idx.shape))
        np.add.at(self.effort_count, q, 1.0)

    def count_hires(self, hired: np.ndarray, home: np.ndarray) -> None:
        """Hires of the hard to help this quarter, by home municipality."""
        hard = hired[self.hard_to_help[hired]]
        np.add.at(self.hard_to_help_hires, home[hard], 1.0)

    def end_quarter(self) -> None:
        """A new quarter's count of hires of the hard to help starts."""
        self.hard_to_help_hires[:] = 0.0

    def table(self, status: np.ndarray, state: ServiceState) -> Table:
        """Outcomes by quintile of baseline employability at month 0."""
        rows = []
        for q in range(1, 6):
            sel = self.quintile == q
            n = int(sel.sum())
            effort = (self.effort_sum[q] / self.effort_count[q] if self.effort_count[q]
                      else np.nan)
            rows.append((q, n, float((status[sel] == EMPLOYED).mean()) if n else 0.0,
                         float(state.ever_served[sel].mean()) if n else 0.0,
                         float(state.outcome_paid[sel].mean()) if n else 0.0,
                         float(state.months_unemployed[sel].mean()) if n else 0.0,
                         float(effort)))
        table = Table(QUINTILE_COLUMNS)
        for row in rows:
            table.append(*row)
        return table
