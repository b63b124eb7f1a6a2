"""The what-if dashboard's state: the paired model and the snapshots its charts draw.

Pure Python with no user interface, so that it can be tested without a browser:

- :class:`WhatIfModel` is a Mesa model that steps separate action and the alliance side by
  side, month by month, with the same seed (common random numbers); its settings and
  scenarios come from :mod:`.settings`.
- :class:`Snapshot` is what the charts draw, taken after every month; it is replaced, never
  changed, so the user interface may read it while the model steps in another thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import mesa
import numpy as np
import pandas as pd

from sim import GrowthServicesModel, Results, Scenario, simulate
from sim.collect import REGION_AREA

from .settings import DEFAULT_SCENARIO, SIDES, Settings, build_scenarios, defaults_for

SERIES_METRICS = ("employed", "long_term_unemployed", "firm_employment", "unemployment_rate")
"""Region-level metrics drawn month by month for each side."""
MONEY_COLUMNS = ("service_spend_eur", "overhead_eur", "benefit_cost_eur", "tax_revenue_eur",
                 "gain_pain_eur", "kra_bonus_eur", "net_eur")
"""Each organiser's books summed in the money chart."""


# ------------------------------------------------------------------ snapshots
@dataclass(frozen=True)
class Snapshot:
    """What the charts show after a month; replaced whole, never changed.

    Attributes:
        month: months simulated so far (0 before the first step).
        months: months planned.
        series: region rows by month and side: ``month, side`` and :data:`SERIES_METRICS`.
        areas: one row per municipality: ``area, lon, lat, population, labour_force``,
            ``employed_separate``, ``employed_alliance``, ``difference`` (alliance −
            separate) and ``per_1000`` (difference per 1,000 in the labour force); NaN
            differences without an alliance side.
        money: ``organiser, side`` and :data:`MONEY_COLUMNS`, summed over months 1..month.
        phase: the alliance's phase this month (None without an alliance).
        members: organisers in the alliance now.
        exits: organisers that have left the alliance.
    """

    month: int
    months: int
    series: pd.DataFrame
    areas: pd.DataFrame
    money: pd.DataFrame
    phase: str | None = None
    members: int = 0
    exits: tuple[str, ...] = field(default=())

    @property
    def sides(self) -> list[str]:
        """The sides with data, in :data:`SIDES` order."""
        present = set(self.series["side"]) if not self.series.empty else set()
        return [s for s in SIDES if s in present]

    def final(self) -> pd.DataFrame:
        """The last month's region values: index :data:`SERIES_METRICS`, one column a side."""
        if self.series.empty:
            return pd.DataFrame(index=list(SERIES_METRICS))
        last = self.series[self.series["month"] == self.series["month"].max()]
        return last.set_index("side")[list(SERIES_METRICS)].T[self.sides]


def municipality_table(scenario: Scenario) -> pd.DataFrame:
    """``area, lon, lat, population`` of the scenario's listed municipalities."""
    return pd.DataFrame(
        [(m.name, m.lon, m.lat, m.population) for m in scenario.municipalities or ()],
        columns=["area", "lon", "lat", "population"],
    )


def side_by_side(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Region rows of each side's time series stacked: ``month, side`` and the metrics.

    Args:
        frames: side name → a collector's long table (``month, area`` and the metrics).
    """
    parts = []
    for side, frame in frames.items():
        region = frame.loc[frame["area"] == REGION_AREA, ["month", *SERIES_METRICS]]
        parts.append(region.assign(side=side)[["month", "side", *SERIES_METRICS]])
    if not parts:
        return pd.DataFrame(columns=["month", "side", *SERIES_METRICS])
    return pd.concat(parts, ignore_index=True)


def area_difference(frames: Mapping[str, pd.DataFrame], munis: pd.DataFrame) -> pd.DataFrame:
    """Each municipality's employment on each side at the last common month, and the gap.

    Args:
        frames: side name → a collector's long table.
        munis: :func:`municipality_table`.
    """
    out = munis.copy()
    out["labour_force"] = np.nan
    for side in SIDES:
        out[f"employed_{side}"] = np.nan
    if frames:
        month = min(int(f["month"].max()) for f in frames.values())
        for side, frame in frames.items():
            rows = frame[(frame["month"] == month) & (frame["area"] != REGION_AREA)]
            rows = rows.set_index("area")
            out[f"employed_{side}"] = out["area"].map(rows["employed"]).astype(float)
            if side == "separate" or out["labour_force"].isna().all():
                out["labour_force"] = out["area"].map(rows["labour_force"]).astype(float)
    out["difference"] = out["employed_alliance"] - out["employed_separate"]
    out["per_1000"] = 1000.0 * out["difference"] / out["labour_force"].where(
        out["labour_force"] > 0)
    return out


def money_per_organiser(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Each organiser's books summed over months 1..last, per side.

    Args:
        frames: side name → an organiser table (``month, organiser`` and the books).
    """
    parts = []
    for side, frame in frames.items():
        months = frame[frame["month"] >= 1]
        order = list(dict.fromkeys(frame["organiser"]))
        summed = months.groupby("organiser", sort=False)[list(MONEY_COLUMNS)].sum()
        summed = summed.reindex(order, fill_value=0.0).reset_index()
        parts.append(summed.assign(side=side)[["organiser", "side", *MONEY_COLUMNS]])
    if not parts:
        return pd.DataFrame(columns=["organiser", "side", *MONEY_COLUMNS])
    return pd.concat(parts, ignore_index=True)


# ------------------------------------------------------------------ the model
class WhatIfModel(mesa.Model):
    """Separate action and the alliance of one region, stepped side by side.

    Both sides are :class:`sim.GrowthServicesModel` runs with the same seed (common random
    numbers), so that their difference is due to the cooperation model. Building them
    (populations and burn-in) takes most of the time and is done by :meth:`prepare`, which
    the first :meth:`step` calls if nobody did; the constructor only checks the settings.

    Args:
        settings: the widgets' values; defaults to :func:`defaults_for` the default case.

    Raises:
        ScenarioError: the settings do not make a valid scenario.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        """Check the settings and derive the two scenarios (fast)."""
        settings = defaults_for(DEFAULT_SCENARIO) if settings is None else settings
        super().__init__(rng=settings.seed)
        self.settings = settings
        self.separate_scenario, self.alliance_scenario = build_scenarios(settings)
        self.months = int(settings.months)
        self.month = 0
        self.sides: dict[str, GrowthServicesModel] = {}
        self._months_left: dict[str, Iterator[GrowthServicesModel]] = {}
        self._simulations = contextlib.ExitStack()  # releases the sides' models on close
        self.munis = municipality_table(self.separate_scenario)
        self.snapshot = Snapshot(0, self.months, side_by_side({}),
                                 area_difference({}, self.munis), money_per_organiser({}))

    @property
    def scenarios(self) -> dict[str, Scenario]:
        """The scenario of each side."""
        out = {"separate": self.separate_scenario}
        if self.alliance_scenario is not None:
            out["alliance"] = self.alliance_scenario
        return out

    @property
    def ready(self) -> bool:
        """Whether both sides are built."""
        return bool(self.sides)

    @property
    def burn_in_months(self) -> int:
        """Months of burn-in before month 0."""
        return self.separate_scenario.simulation.burn_in_months

    @property
    def implementation_month(self) -> int | None:
        """First month of the alliance's implementation phase (None without an alliance)."""
        if self.alliance_scenario is None or self.alliance_scenario.alliance is None:
            return None
        spec = self.alliance_scenario.alliance
        return spec.formation_months + spec.development_months + 1

    def prepare(self, on_side: Callable[[str], None] | None = None) -> None:
        """Build both sides and run their burn-in (the slow part); then take a snapshot.

        Each side is a :func:`sim.simulate` held open until :meth:`close` (or until this
        model is freed), so that the dashboard can step the sides in lockstep.

        Args:
            on_side: called with each side's name before it is built (progress).
        """
        if self.ready:
            return
        for side, scenario in self.scenarios.items():
            if on_side is not None:
                on_side(side)
            months_left = self._simulations.enter_context(
                simulate(scenario, self.settings.seed, months=self.months))
            self.sides[side] = months_left.model
            self._months_left[side] = iter(months_left)
        self.snapshot = self.take_snapshot()

    def step(self) -> None:
        """One month on every side, then a new snapshot; stops after the last month."""
        if not self.ready:
            self.prepare()
        if self.month >= self.months:
            self.running = False
            return
        for months_left in self._months_left.values():
            next(months_left)
        self.month += 1
        self.snapshot = self.take_snapshot()
        self.running = self.month < self.months

    def close(self) -> None:
        """Release the sides' models (they stay readable; this model cannot step on)."""
        self._simulations.close()
        self._months_left = {}
        self.running = False

    def take_snapshot(self) -> Snapshot:
        """The charts' data now (see :class:`Snapshot`)."""
        tables = {s: Results.of(m) for s, m in self.sides.items()}
        series = {s: t.timeseries for s, t in tables.items()}
        books = {s: t.organisers for s, t in tables.items()}
        phase, members, exits = None, 0, ()
        allied = self.sides.get("alliance")
        if allied is not None and allied.alliances:
            agent = allied.alliances[0]
            phase = agent.phase(self.month)
            members = len(agent.members)
            exits = tuple(allied.organiser_names[m] for m in agent.exited)
        return Snapshot(self.month, self.months, side_by_side(series),
                        area_difference(series, self.munis), money_per_organiser(books),
                        phase, members, exits)


def summary_rows(snapshot: Snapshot) -> list[tuple[str, float, float, float]]:
    """Headline rows ``(metric, separate, alliance, alliance − separate)`` at the last month.

    NaN where there is no alliance side. ``net_eur`` is the organisers' net money summed over
    organisers and months 1..month.
    """
    final = snapshot.final()
    rows = []
    for metric in SERIES_METRICS:
        sep = float(final.at[metric, "separate"]) if "separate" in final else np.nan
        ali = float(final.at[metric, "alliance"]) if "alliance" in final else np.nan
        rows.append((metric, sep, ali, ali - sep))
    money = snapshot.money.groupby("side")["net_eur"].sum()
    sep, ali = (float(money.get(s, np.nan)) for s in SIDES)
    rows.append(("net_eur", sep, ali, ali - sep))
    return rows


def run_to_end(settings: Settings,
               on_month: Callable[[Snapshot], None] | None = None) -> WhatIfModel:
    """Build a :class:`WhatIfModel`, step it to its last month and release its models.

    For tests and scripts: the returned model's snapshot holds every month.
    """
    model = WhatIfModel(settings)
    model.prepare()
    while model.month < model.months:
        model.step()
        if on_month is not None:
            on_month(model.snapshot)
    model.close()
    return model
