"""Reading result directories: a run, a comparison of two runs, or a sensitivity sweep.

The data contract (what ``kasvu run``, ``kasvu compare`` and ``kasvu sensitivity`` write):

- a run directory: ``timeseries.parquet`` (scenario, rep, seed, month, area, then the
  metrics; area ``ALL`` is the region), optionally ``organisers.parquet``,
  ``providers.parquet``, ``alliance.parquet``, ``quintiles.parquet``, ``summary.json`` and
  ``scenario.toml`` (with ``[[municipalities]]`` name, population, lat, lon);
- a comparison directory: run directories ``A_NAME/`` and ``B_NAME/``, ``compare.csv``
  (metric, area, statistic, a_mean, b_mean, diff_mean, diff_ci_low, diff_ci_high,
  share_b_better, reps), ``compare.json`` ({"a", "b", "reps", "months", "seeds"}) and
  optionally ``payers.csv`` (party, kind, a_mean, b_mean, diff_mean, diff_ci_low,
  diff_ci_high, reps: each party's mean monthly net; absent in older comparisons) and
  ``decomposition.csv`` (lever, metric, contribution_mean, ci_low, ci_high, method);
- a decision directory (``kasvu decide``): ``decision.json`` and ``decision.parquet``
  (:mod:`analysis.decision.results`);
- a sweep directory: ``sensitivity.csv`` (outcome, parameter, index, value, conf; the CI
  column may also be called ``ci``).

Every table is optional here; figures and summaries skip what is missing.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .decision import read_decision

RUN_TABLES = ("timeseries", "organisers", "providers", "alliance", "quintiles")
"""Parquet tables of a run directory, by file stem."""


class NoResults(ValueError):
    """A directory holds no results that a report can use."""


@dataclass
class RunDirectory:
    """One run directory: its tables (those present) and its scenario."""

    path: Path
    name: str
    tables: dict[str, pd.DataFrame]
    scenario: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame | None:
        """The table ``name`` (a stem of :data:`RUN_TABLES`), or None if it is missing."""
        return self.tables.get(name)

    @property
    def reps(self) -> int:
        """Number of replications in the time series (0 without one)."""
        frame = self.table("timeseries")
        return 0 if frame is None else int(frame["rep"].nunique())

    @property
    def kind(self) -> str:
        """``alliance`` if any organiser acts in an alliance, else ``separate``."""
        alliance = self.table("alliance")
        if alliance is not None and not alliance.empty:
            return "alliance"
        organisers = self.table("organisers")
        if organisers is not None and "alliance" in organisers.columns:
            if (organisers["alliance"].fillna("").astype(str) != "").any():
                return "alliance"
        if self.scenario.get("alliances") or self.scenario.get("alliance"):
            return "alliance"
        return "separate"

    @property
    def municipalities(self) -> pd.DataFrame | None:
        """The scenario's municipalities (name, population, lat, lon, ...), if listed."""
        listed = self.scenario.get("municipalities") or []
        frame = pd.DataFrame(listed)
        needed = {"name", "population", "lat", "lon"}
        return frame if not frame.empty and needed <= set(frame.columns) else None


@dataclass
class ComparisonDirectory:
    """A comparison directory: runs A and B (when present) and the comparison tables."""

    path: Path
    a: RunDirectory | None
    b: RunDirectory | None
    table: pd.DataFrame | None
    meta: dict[str, Any]
    decomposition: pd.DataFrame | None
    payers: pd.DataFrame | None = None

    @property
    def names(self) -> tuple[str, str]:
        """Names of A and B."""
        a = self.meta.get("a") or (self.a.name if self.a else "A")
        b = self.meta.get("b") or (self.b.name if self.b else "B")
        return str(a), str(b)

    @property
    def reps(self) -> int:
        """Replications per scenario."""
        if "reps" in self.meta:
            return int(self.meta["reps"])
        if self.table is not None and "reps" in self.table.columns:
            return int(self.table["reps"].max())
        return min(run.reps for run in (self.a, self.b) if run) if self.a or self.b else 0

    def both(self, name: str) -> pd.DataFrame | None:
        """Table ``name`` of A and of B stacked (A first), or None unless both have it.

        The ``scenario`` column is set to the names of A and B, so that two runs of
        scenarios with the same name stay apart.
        """
        if self.a is None or self.b is None:
            return None
        tables = (self.a.table(name), self.b.table(name))
        if any(t is None for t in tables):
            return None
        named = [t.assign(scenario=n) for t, n in zip(tables, self.names, strict=True)]
        return pd.concat(named, ignore_index=True)


@dataclass
class ResultDirectory:
    """Everything a report can use from one directory."""

    path: Path
    run: RunDirectory | None = None
    comparison: ComparisonDirectory | None = None
    sensitivity: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    decision: tuple[dict[str, Any], pd.DataFrame | None] | None = None


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _json_or_empty(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _read_csv(path: Path) -> pd.DataFrame | None:
    return pd.read_csv(path) if path.is_file() else None


def read_run_directory(path: Path) -> RunDirectory | None:
    """The run in ``path``, or None if it has none of the run tables."""
    tables = {
        stem: pd.read_parquet(path / f"{stem}.parquet")
        for stem in RUN_TABLES
        if (path / f"{stem}.parquet").is_file()
    }
    if not tables:
        return None
    scenario = _read_toml(path / "scenario.toml")
    name = scenario.get("name") or _json_or_empty(path / "summary.json").get("scenario")
    if not name:
        first = next(iter(tables.values()))
        name = str(first["scenario"].iloc[0]) if "scenario" in first and len(first) else path.name
    return RunDirectory(path, str(name), tables, scenario)


def _run_dirs(path: Path) -> list[Path]:
    return sorted(p for p in path.iterdir() if p.is_dir() and (p / "timeseries.parquet").is_file())


def read_comparison_directory(path: Path) -> ComparisonDirectory | None:
    """The comparison in ``path``, or None if it has neither compare files nor two runs.

    Without compare.json, two run directories are A and B, separate action first.
    """
    meta = _json_or_empty(path / "compare.json")
    table = _read_csv(path / "compare.csv")
    runs = _run_dirs(path)
    if not meta and table is None and len(runs) != 2:
        return None
    if meta.get("a") and meta.get("b"):
        a, b = read_run_directory(path / str(meta["a"])), read_run_directory(path / str(meta["b"]))
    elif len(runs) == 2:
        a, b = sorted((read_run_directory(r) for r in runs), key=lambda run: run.kind == "alliance")
    else:
        a = b = None
    return ComparisonDirectory(path, a, b, table, meta, _read_csv(path / "decomposition.csv"),
                               _read_csv(path / "payers.csv"))


def sensitivity_table(table: pd.DataFrame | None) -> pd.DataFrame | None:
    """sensitivity.csv with its CI column named ``ci`` (the sweep writes it as ``conf``)."""
    if table is not None and "ci" not in table.columns and "conf" in table.columns:
        table = table.rename(columns={"conf": "ci"})
    return table


def read_result_directory(path: str | Path) -> ResultDirectory:
    """Everything usable in ``path``: a run, a comparison and/or sensitivity indices.

    Raises:
        NoResults: ``path`` is not a directory or holds none of the result files.
    """
    path = Path(path)
    if not path.is_dir():
        raise NoResults(f"{path}: no such directory")
    results = ResultDirectory(
        path,
        run=read_run_directory(path),
        comparison=read_comparison_directory(path),
        sensitivity=sensitivity_table(_read_csv(path / "sensitivity.csv")),
        decision=read_decision(path),
    )
    if (results.run is None and results.comparison is None and results.sensitivity is None
            and results.decision is None):
        raise NoResults(
            f"{path}: no results here; expected timeseries.parquet (kasvu run), "
            "compare.csv or two run directories (kasvu compare), sensitivity.csv (a sweep) "
            "or decision.json (kasvu decide)"
        )
    return results
