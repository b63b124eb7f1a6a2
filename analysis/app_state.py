"""The what-if dashboard's state: settings, scenarios, the paired model and its snapshots.

Pure Python with no user interface, so that it can be tested without a browser:

- :class:`Settings` holds what the dashboard's widgets say; :func:`defaults_for` fills it in
  from a built-in scenario, :func:`widget_overrides` turns it into ``key.path=value``
  overrides and :func:`build_scenarios` into the two scenarios to compare.
- :class:`WhatIfModel` is a Mesa model that steps separate action and the alliance side by
  side, month by month, with the same seed (common random numbers).
- :class:`Snapshot` is what the charts draw, taken after every month; it is replaced, never
  changed, so the user interface may read it while the model steps in another thread.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import mesa
import numpy as np
import pandas as pd

import scenarios as builtin
from sim import GrowthServicesModel, Scenario, ScenarioError, load_scenario
from sim.collect import REGION_AREA
from sim.scenario import LEVERS

DEFAULT_SCENARIO = "pirkanmaa-alliance"
"""The case the dashboard opens with: Pirkanmaa, full alliance (quick mode keeps it fast)."""
QUICK_BURN_IN_MONTHS = 12
"""Burn-in in quick mode (the built-in scenarios use 36)."""
DEFAULT_MONTHS = 24
SIDES = ("separate", "alliance")
COOPERATION = SIDES
"""Cooperation models the user can choose: separate action only, or both side by side."""
SERIES_METRICS = ("employed", "long_term_unemployed", "firm_employment", "unemployment_rate")
"""Region-level metrics drawn month by month for each side."""
MONEY_COLUMNS = ("service_spend_eur", "overhead_eur", "benefit_cost_eur", "tax_revenue_eur",
                 "gain_pain_eur", "kra_bonus_eur", "net_eur")
REGION = "region"
"""The region's name as an organiser and alliance member."""


# ------------------------------------------------------------------ settings
@dataclass(frozen=True)
class Settings:
    """What the dashboard's widgets say (the defaults are Pirkanmaa's full alliance).

    Attributes:
        scenario: built-in scenario name (region, providers, every other parameter).
        cooperation: ``"separate"`` (separate action only) or ``"alliance"`` (separate
            action and the alliance side by side).
        quick: shorten the burn-in to :data:`QUICK_BURN_IN_MONTHS` months.
        months: months simulated after month 0.
        seed: seed of both sides (common random numbers).
        region_budget: the region's yearly budget, EUR per resident.
        municipal_budget: each municipality's yearly budget, EUR per resident.
        members: alliance members: ``"region"`` and municipality names.
        levers: alliance levers switched on.
        differential_prices: outcome prices rise for clients of low employability.
        gain_share: providers' share of gain or pain against the target cost.
        exit_quarters: an organiser leaves after this many failing quarters (0: never).
    """

    scenario: str = DEFAULT_SCENARIO
    cooperation: Literal["separate", "alliance"] = "alliance"
    quick: bool = True
    months: int = DEFAULT_MONTHS
    seed: int = 1
    region_budget: float = 120.0
    municipal_budget: float = 30.0
    members: tuple[str, ...] = (REGION,)
    levers: tuple[str, ...] = LEVERS
    differential_prices: bool = False
    gain_share: float = 0.5
    exit_quarters: int = 0

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes``; levers and members keep a canonical order."""
        new = dataclasses.replace(self, **changes)
        levers = tuple(lv for lv in LEVERS if lv in set(new.levers))
        return dataclasses.replace(new, levers=levers, members=tuple(dict.fromkeys(new.members)))


@functools.lru_cache(maxsize=32)
def base_scenario(name: str) -> Scenario:
    """The built-in scenario ``name`` as written (cached; scenarios are immutable)."""
    return load_scenario(name)


@functools.lru_cache(maxsize=1)
def scenario_choices() -> tuple[str, ...]:
    """Built-in scenarios the dashboard offers: those with listed municipalities.

    Generated regions (``finland-synthetic``: 2.8 million persons) are left out; they are
    benchmarks, too slow for a workshop, and have no municipality names to choose from.
    """
    names = []
    for name in builtin.names():
        try:
            scenario = base_scenario(name)
        except ScenarioError:
            continue
        if scenario.municipalities is not None:
            names.append(name)
    return tuple(names)


def organiser_choices(scenario: Scenario) -> list[str]:
    """Possible alliance members: the region, then the municipalities in file order."""
    return [REGION, *(m.name for m in scenario.municipalities or ())]


def defaults_for(name: str, **keep: Any) -> Settings:
    """Settings with every widget at the value the built-in scenario ``name`` gives it.

    Without an ``[alliance]`` in the file, the alliance defaults to the region and every
    municipality with every lever on (the full alliance of the source document).

    Args:
        name: a built-in scenario name.
        **keep: settings carried over unchanged (e.g. ``cooperation``, ``quick``,
            ``months``, ``seed``).

    Raises:
        ScenarioError: no such built-in scenario, or it does not validate.
    """
    if builtin.path(name) is None:
        raise ScenarioError(f"{name}: no such built-in scenario; built-ins are: "
                            + ", ".join(builtin.names()))
    scenario = base_scenario(name)
    org = scenario.organisers
    spec = scenario.alliance
    values: dict[str, Any] = {
        "scenario": name,
        "region_budget": float(org.region_budget_eur_per_resident),
        "municipal_budget": float(org.municipal_budget_eur_per_resident),
        "differential_prices": bool(scenario.market.differential_prices),
        "members": tuple(spec.members) if spec else tuple(organiser_choices(scenario)),
        "levers": tuple(lv for lv in LEVERS if spec is None or spec.lever(lv)),
        "gain_share": float(spec.provider_gain_share) if spec else 0.5,
        "exit_quarters": int(spec.exit_after_failing_quarters) if spec else 0,
    }
    values.update(keep)
    return Settings().replace(**values)


# ------------------------------------------------------------------ scenarios
def toml_literal(value: Any) -> str:
    """``value`` as a TOML literal for a ``key.path=value`` override.

    Raises:
        TypeError: a value TOML overrides cannot carry (None, mappings, objects).
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if not np.isfinite(value):
            raise TypeError(f"not a finite number: {value!r}")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a valid TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as a TOML override value")


def widget_overrides(settings: Settings, base: Scenario) -> list[str]:
    """The ``key.path=value`` overrides that turn ``base`` into what the widgets say.

    Budgets, the payment regime and quick mode apply to both sides; the alliance keys only
    when the cooperation model is the alliance. A base without an ``[alliance]`` gets one
    with the chosen members and every external and third-sector provider of the region
    (as in ``pirkanmaa-alliance``).

    Args:
        settings: the widgets' values.
        base: the built-in scenario ``settings.scenario`` as written.
    """
    out = [
        f"simulation.months={settings.months}",
        f"organisers.region_budget_eur_per_resident={toml_literal(float(settings.region_budget))}",
        "organisers.municipal_budget_eur_per_resident="
        + toml_literal(float(settings.municipal_budget)),
        f"market.differential_prices={toml_literal(settings.differential_prices)}",
    ]
    if settings.quick and base.simulation.burn_in_months > QUICK_BURN_IN_MONTHS:
        out.append(f"simulation.burn_in_months={QUICK_BURN_IN_MONTHS}")
    if settings.cooperation != "alliance":
        return out
    members = list(settings.members)
    out.append(f"alliance.members={toml_literal(members)}")
    out += [f"alliance.levers.{lv}={toml_literal(lv in settings.levers)}" for lv in LEVERS]
    out.append(f"alliance.provider_gain_share={toml_literal(float(settings.gain_share))}")
    out.append(f"alliance.exit_after_failing_quarters={int(settings.exit_quarters)}")
    spec = base.alliance
    if spec is None:
        chosen = [p.name for p in base.providers if p.kind != "own"]
        out.append(f"alliance.providers={toml_literal(chosen)}")
    else:  # organisers taken out of the alliance can no longer use its exit right
        parties = set(members) | set(spec.providers)
        leaving = [m for m in spec.leave_after_development if m in parties]
        if leaving != list(spec.leave_after_development):
            out.append(f"alliance.leave_after_development={toml_literal(leaving)}")
    return out


def build_scenarios(settings: Settings) -> tuple[Scenario, Scenario | None]:
    """The separate-action scenario and, for the alliance model, the alliance scenario.

    Both come from one loaded scenario, so that they differ only in their alliances.

    Raises:
        ScenarioError: the settings break the scenario schema or the law (the message names
            the key), or the alliance has no members.
    """
    if settings.cooperation not in COOPERATION:
        raise ScenarioError(f"cooperation: expected one of {COOPERATION}, "
                            f"got {settings.cooperation!r}")
    if settings.cooperation == "alliance" and not settings.members:
        raise ScenarioError("alliance.members: choose at least one member")
    base = base_scenario(settings.scenario)
    scenario = load_scenario(settings.scenario, widget_overrides(settings, base))
    separate = scenario.model_copy(update={"alliance": None, "alliances": []})
    return separate, (scenario if settings.cooperation == "alliance" else None)


@functools.lru_cache(maxsize=64)
def settings_problem(settings: Settings) -> str | None:
    """Why ``settings`` cannot run (the scenario loader's message), or None if they can."""
    try:
        build_scenarios(settings)
    except ScenarioError as exc:
        return str(exc)
    return None


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

        Args:
            on_side: called with each side's name before it is built (progress).
        """
        if self.ready:
            return
        for old in (self.sides or {}).values():
            old.release()  # a new run replaces the old models: let them be freed
        sides = {}
        for side, scenario in self.scenarios.items():
            if on_side is not None:
                on_side(side)
            sides[side] = GrowthServicesModel(scenario, seed=self.settings.seed,
                                              months=self.months)
        self.sides = sides
        self.snapshot = self.take_snapshot()

    def step(self) -> None:
        """One month on every side, then a new snapshot; stops after the last month."""
        if not self.ready:
            self.prepare()
        if self.month >= self.months:
            self.running = False
            return
        for model in self.sides.values():
            model.step()
        self.month += 1
        self.snapshot = self.take_snapshot()
        self.running = self.month < self.months

    def take_snapshot(self) -> Snapshot:
        """The charts' data now (see :class:`Snapshot`)."""
        series = {s: m.collector.to_frame() for s, m in self.sides.items()}
        books = {s: m.services.ledger.organiser_rows.to_frame() for s, m in self.sides.items()}
        phase, members, exits = None, 0, ()
        allied = self.sides.get("alliance")
        if allied is not None and allied.services.alliances:
            agent = allied.services.alliances[0]
            phase = agent.phase(self.month)
            members = len(agent.members)
            exits = tuple(allied.services.names[m] for m in agent.exited)
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
    """Build a :class:`WhatIfModel` and step it to its last month (tests, scripts)."""
    model = WhatIfModel(settings)
    model.prepare()
    while model.month < model.months:
        model.step()
        if on_month is not None:
            on_month(model.snapshot)
    return model
