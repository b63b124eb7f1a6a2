"""Monthly time series per area (aikasarjat): a collector in the role of Mesa's DataCollector.

Mesa's ``DataCollector`` calls a Python reporter per agent or per value each step; with
hundreds of thousands of persons that would dominate the run. This collector receives one
(areas × metrics) array a month, computed by one kernel pass, and appends it to a
preallocated block, so collection costs one copy per month.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

METRICS = (
    "labour_force",
    "employed",
    "unemployed",
    "long_term_unemployed",
    "unemployment_rate",
    "vacancies",
    "hires",
    "separations",
    "job_finding_rate",
    "firms",
    "firm_births",
    "firm_deaths",
    "firm_employment",
    "service_spend_eur",
    "clients_in_services",
    "municipal_benefit_cost_eur",
    "in_services",
    "outside_labour_force",
    "job_to_job",
    "labour_force_entries",
    "labour_force_exits",
    "vacancy_duration_months",
    "organiser_outlays_eur",
    "public_net_eur",
    "caseload",
    "active_jobseekers",
)
"""Columns of the time series, in order (the README's table of ``timeseries.parquet``)."""

RATIOS = ("caseload",)
"""Metrics that are ratios though their names do not say so (the rest are counts, rates,
euros or months): ``caseload`` is unemployed jobseekers per caseworker of the pool that
serves the area (NaN where a pool has jobseekers but no caseworkers)."""

REGION_AREA = "ALL"


class AreaCollector:
    """Collects :data:`METRICS` for each municipality and for the region (``ALL``)."""

    def __init__(self, area_names: list[str], months: int) -> None:
        """Reserve room for ``months`` + 1 monthly rows (month 0 included)."""
        self.areas = [*area_names, REGION_AREA]
        self._data = np.zeros((months + 1, len(self.areas), len(METRICS)), dtype=np.float64)
        self._months: list[int] = []

    def record(self, month: int, values: np.ndarray) -> None:
        """Store one month's (areas × metrics) array; rows beyond the reserve grow it."""
        row = len(self._months)
        if row == self._data.shape[0]:
            self._data = np.concatenate([self._data, np.zeros_like(self._data)])
        self._data[row] = values
        self._months.append(month)

    def reporters(self) -> dict[str, object]:
        """Mesa model reporters: each metric's latest value for the region.

        A ``mesa.DataCollector`` built with them collects the region's row of this
        collector's latest month; it reads a number per metric, nothing per agent.
        """
        def latest(k: int):
            return lambda _model: float(self._data[len(self._months) - 1, -1, k])

        return {name: latest(k) for k, name in enumerate(METRICS)}

    @property
    def array(self) -> np.ndarray:
        """The recorded block, (months × areas × metrics)."""
        return self._data[: len(self._months)]

    def to_frame(self) -> pd.DataFrame:
        """Long table: month, area, then one column per metric."""
        data = self.array
        n_months, n_areas, _ = data.shape
        frame = pd.DataFrame(data.reshape(n_months * n_areas, len(METRICS)), columns=list(METRICS))
        frame.insert(0, "area", np.tile(np.asarray(self.areas, dtype=object), n_months))
        frame.insert(0, "month", np.repeat(np.asarray(self._months, dtype=np.int64), n_areas))
        counts = [m for m in METRICS
                  if not m.endswith(("_rate", "_eur", "_months")) and m not in RATIOS]
        frame[counts] = frame[counts].astype(np.int64)
        return frame


class Table:
    """Rows appended month by month, turned into a DataFrame at the end."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        """An empty table with these columns."""
        self.columns = columns
        self.rows: list[tuple] = []

    def append(self, *row) -> None:
        """Add one row (values in column order)."""
        self.rows.append(row)

    def rows_from(self, rows: list[tuple]) -> pd.DataFrame:
        """A DataFrame of ``rows`` with this table's columns."""
        self.rows = list(rows)
        return self.to_frame()

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame (typed by pandas)."""
        return pd.DataFrame(self.rows, columns=list(self.columns))
