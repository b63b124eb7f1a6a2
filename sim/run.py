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
from .params import Scenario
from .scenario import load_scenario


@dataclass(frozen=True)
class Results:
    """What one run returns: the scenario as run, its seed, and the monthly time series."""

    scenario: Scenario
    seed: int
    timeseries: pd.DataFrame  # month, area, then sim.collect.METRICS

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
    for _ in range(months):
        model.step()
        if on_month is not None:
            on_month(model.month)
    return Results(scenario, model.seed, model.collector.to_frame())
