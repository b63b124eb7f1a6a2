"""The boundary of the model: ``run(scenario, seed) -> Results``.

Everything in ``analysis`` reaches the model through this one function, as in EMA
Workbench and SALib: a scenario and a seed in, tables out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .model import GrowthServicesModel
from .scenario import Scenario, load_scenario

TABLES = ("timeseries", "organisers", "providers", "alliance", "quintiles", "experiment")
"""The tables of a run, each written as NAME.parquet by ``kasvu run``."""


@dataclass(frozen=True)
class Results:
    """What one run returns: the scenario as run, its seed, and its tables.

    Attributes:
        scenario: the scenario as run.
        seed: the seed used.
        timeseries: month, area, then :data:`sim.collect.METRICS` (areas and ``ALL``).
        organisers: month, organiser, kind, alliance, then the books of
            :data:`sim.finance.ORGANISER_COLUMNS`.
        providers: month, provider, kind, then :data:`sim.finance.PROVIDER_COLUMNS`.
        alliance: quarter-end rows of each alliance: phase, target vs actual cost, KRAs,
            exits (empty without alliances).
        quintiles: outcomes by quintile of baseline employability at month 0.
        experiment: employment of a trial's treated and control groups by month (empty
            without ``[experiment]``).
    """

    scenario: Scenario
    seed: int
    timeseries: pd.DataFrame
    organisers: pd.DataFrame
    providers: pd.DataFrame
    alliance: pd.DataFrame
    quintiles: pd.DataFrame
    experiment: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (:data:`TABLES`)."""
        return {name: getattr(self, name) for name in TABLES}

    def region(self) -> pd.DataFrame:
        """The region's (``ALL``) rows, indexed by month."""
        frame = self.timeseries
        return frame[frame["area"] == "ALL"].set_index("month")


def run(
    scenario: Scenario | str | Path,
    seed: int | None = None,
    *,
    months: int | None = None,
    on_month: Callable[[int], None] | None = None,
) -> Results:
    """Run one scenario with one seed.

    Args:
        scenario: a validated scenario, a path to a TOML file or a built-in name.
        seed: seed of all randomness; defaults to the scenario's ``simulation.seed``.
        months: months after month 0; defaults to the scenario's ``simulation.months``.
        on_month: called with the month number after each simulated month (progress bars).

    Returns:
        The time series of months 0..months for each municipality and the region.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    months = scenario.simulation.months if months is None else int(months)
    if months < 0:
        raise ValueError("months must be >= 0")
    model = GrowthServicesModel(scenario, seed=seed, months=months)
    try:
        for _ in range(months):
            model.step()
            if on_month is not None:
                on_month(model.month)
    finally:
        model.release()
    sv = model.services
    return Results(
        scenario,
        model.seed,
        model.collector.to_frame(),
        sv.organiser_rows.to_frame(),
        sv.provider_rows.to_frame(),
        sv.alliance_rows.to_frame(),
        sv.quintile_table(),
        sv.trial_rows.to_frame(),
    )
