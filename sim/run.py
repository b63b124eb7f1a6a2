"""The boundary of the model: ``run(scenario, seed) -> Results`` and ``simulate(...)``.

Everything in ``analysis`` reaches the model through these two doors, as in EMA Workbench
and SALib: a scenario, a seed and overrides in, tables out. :func:`run` is the whole run;
:func:`simulate` is for code that must look at the model between months (calibration
moments that follow persons, the dashboard, the benchmarks): it steps the same model
month by month and releases it when the block ends, however it ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .collect import REGION_AREA
from .model import GrowthServicesModel
from .scenario import Scenario
from .scenario.loading import Overrides

TABLES = ("timeseries", "organisers", "providers", "alliance", "quintiles", "experiment",
          "public_finance")
"""The tables of a run, each written as NAME.parquet by ``kasvu run``."""


@dataclass(frozen=True)
class Results:
    """What one run returns: the scenario as run, its seed, and its tables.

    Attributes:
        scenario: the scenario as run (overrides applied).
        seed: the seed used.
        timeseries: month, area, then :data:`sim.collect.METRICS` (areas and ``ALL``).
        organisers: month, organiser, kind, alliance, then the books of
            :data:`sim.organising.ledger.ORGANISER_COLUMNS`.
        providers: month, provider, kind, then
            :data:`sim.organising.ledger.PROVIDER_COLUMNS`.
        alliance: quarter-end rows of each alliance: phase, target vs actual cost, KRAs,
            exits (empty without alliances).
        quintiles: outcomes by quintile of baseline employability at month 0.
        experiment: employment of a trial's treated and control groups by month (empty
            without ``[experiment]``).
        public_finance: every payment of every month: payer, payee, item, whether the
            growth-services budget pays it, euros
            (:data:`sim.organising.ledger.FINANCE_COLUMNS`); the money columns of
            ``organisers`` and ``providers`` are its sums
            (:mod:`analysis.report.public_finance`).
    """

    scenario: Scenario
    seed: int
    timeseries: pd.DataFrame
    organisers: pd.DataFrame
    providers: pd.DataFrame
    alliance: pd.DataFrame
    quintiles: pd.DataFrame
    experiment: pd.DataFrame
    public_finance: pd.DataFrame

    @classmethod
    def of(cls, model: GrowthServicesModel) -> Results:
        """The tables a model has recorded so far."""
        return cls(model.scenario, model.seed, model.collector.to_frame(),
                   **model.services.tables())

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (:data:`TABLES`)."""
        return {name: getattr(self, name) for name in TABLES}

    def region(self) -> pd.DataFrame:
        """The region's (``ALL``) rows, indexed by month."""
        frame = self.timeseries
        return frame[frame["area"] == REGION_AREA].set_index("month")


class Simulation:
    """A model on its way through its months: what :func:`simulate` yields.

    Iterating steps the model one month at a time and yields it after each month; the
    model at month 0 (after the burn-in) is :attr:`model` before the first step.
    """

    def __init__(self, model: GrowthServicesModel, months: int,
                 on_month: Callable[[int], None] | None = None) -> None:
        """Wrap ``model`` to run ``months`` months, calling ``on_month`` after each."""
        self.model = model
        self.months = months
        self.on_month = on_month

    def __iter__(self) -> Iterator[GrowthServicesModel]:
        """Step the months that are left, yielding the model after each."""
        while self.model.month < self.months:
            self.model.step()
            if self.on_month is not None:
                self.on_month(self.model.month)
            yield self.model

    def run(self) -> Results:
        """Step every month that is left and return the tables."""
        for _ in self:
            pass
        return self.results()

    def results(self) -> Results:
        """The tables recorded so far (months 0 .. the model's month)."""
        return Results.of(self.model)


@contextmanager
def simulate(
    scenario: Scenario | str | Path,
    seed: int | None = None,
    *,
    months: int | None = None,
    overrides: Overrides | None = None,
    on_month: Callable[[int], None] | None = None,
) -> Iterator[Simulation]:
    """Build a model and step it month by month; release it when the block ends.

    Example::

        with simulate("tiny", seed=1, months=12) as months:
            for model in months:
                print(model.month, model.persons.status.mean())
            results = months.results()

    Args:
        scenario: a validated scenario, a path to a TOML file or a built-in name.
        seed: seed of all randomness; defaults to the scenario's ``simulation.seed``.
        months: months after month 0; defaults to the scenario's ``simulation.months``.
        overrides: values to change, a mapping from key path to value (see
            :mod:`sim.scenario.overrides`); checked as ``--set`` checks them.
        on_month: called with the month number after each simulated month.

    Raises:
        ScenarioError: a scenario or override that cannot be used.
    """
    if months is not None and int(months) < 0:
        raise ValueError("months must be >= 0")
    model = GrowthServicesModel(scenario, seed, months=months, overrides=overrides)
    try:
        yield Simulation(model, model.months, on_month)
    finally:
        model.release()


def run(
    scenario: Scenario | str | Path,
    seed: int | None = None,
    *,
    months: int | None = None,
    overrides: Overrides | None = None,
    on_month: Callable[[int], None] | None = None,
) -> Results:
    """Run one scenario with one seed: the model's one boundary.

    Args:
        scenario: a validated scenario, a path to a TOML file or a built-in name.
        seed: seed of all randomness; defaults to the scenario's ``simulation.seed``.
        months: months after month 0; defaults to the scenario's ``simulation.months``.
        overrides: values to change, a mapping from key path to a Python value
            (``{"labour.monthly_separation_rate": 0.012}``), validated by the schema with
            the same messages as ``--set``.
        on_month: called with the month number after each simulated month (progress bars).

    Returns:
        The tables of months 0..months for each municipality and the region.
    """
    with simulate(scenario, seed, months=months, overrides=overrides,
                  on_month=on_month) as months_left:
        return months_left.run()
