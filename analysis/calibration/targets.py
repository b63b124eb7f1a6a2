"""The calibration's targets file (kalibrointikohteet): free parameters, moments, modes.

A moment is one number of the separate-action baseline that a public figure pins down:
the unemployment rate, the long-term share, vacancies per unemployed and the share of
unemployment spells ending within three months, as the employment-service statistics
define them (persons in services are not unemployed), the share of those unemployed who
search actively, and the worker flows: job-to-job moves a month and the quarterly
transitions of the unemployed and the employed, as the Labour Force Survey counts them
(:data:`MOMENTS`; computed by :mod:`.moments`). ``calibration/targets.toml`` gives each
moment's target, tolerance, weight, definition and source, the free parameters with their
bounds, and how each mode (``full``, ``quick``) searches.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim import ScenarioError

MOMENTS = (
    "unemployment_rate",
    "long_term_share",
    "vacancies_per_unemployed",
    "active_jobseekers_share",
    "spells_ending_within_3_months",
    "job_to_job_month",
    "unemployed_to_employed_quarter",
    "unemployed_to_outside_quarter",
    "employed_to_unemployed_quarter",
)
"""Moments the model can compute, by name."""

SPELL_HORIZON_MONTHS = 3
"""A spell "ends within 3 months" (the published figure's definition)."""

MODES = ("full", "quick")

DEFAULT_TARGETS = Path(__file__).resolve().parents[2] / "calibration" / "targets.toml"
"""The shipped targets file, ``calibration/targets.toml`` at the top of the repository."""


@dataclass(frozen=True)
class Parameter:
    """A free parameter of the search: a scenario key path and its bounds."""

    key: str
    low: float
    high: float
    why: str = ""


@dataclass(frozen=True)
class Moment:
    """A target: its value, the tolerance that counts as a match, and its weight."""

    name: str
    target: float
    tolerance: float
    weight: float
    definition: str
    source: str


@dataclass(frozen=True)
class SearchSettings:
    """How one mode searches: region, budget, seeds and fixed overrides."""

    scenario: str
    points: int
    replications: int
    refine_evaluations: int
    final_replications: int
    spell_window_months: int
    seed: int
    fixed: tuple[str, ...]


@dataclass(frozen=True)
class Targets:
    """The whole targets file: free parameters, moments and each mode's settings."""

    path: Path
    parameters: tuple[Parameter, ...]
    moments: tuple[Moment, ...]
    modes: dict[str, SearchSettings]


def _need(table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in table:
        raise ScenarioError(f"{where}: missing key {key!r}")
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ScenarioError(f"{where}.{key}: expected {getattr(kind, '__name__', kind)}, "
                            f"got {value!r}")
    return value


def load_targets(path: str | Path = DEFAULT_TARGETS) -> Targets:
    """Read and check a targets file; errors name the file, the key and the problem.

    Raises:
        ScenarioError: a missing file, bad TOML, a missing or mistyped key, an unknown
            moment, bounds with min >= max, or a tolerance that is not positive.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such targets file") from None
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{path}: malformed TOML: {err}") from None
    number = (int, float)
    params = []
    for k, row in enumerate(data.get("parameters", [])):
        where = f"{path}: parameters[{k}]"
        p = Parameter(_need(row, "key", str, where), float(_need(row, "min", number, where)),
                      float(_need(row, "max", number, where)), str(row.get("why", "")))
        if not p.low < p.high:
            raise ScenarioError(f"{where}.min: must be < max ({p.low} >= {p.high})")
        params.append(p)
    moments = []
    for k, row in enumerate(data.get("moments", [])):
        where = f"{path}: moments[{k}]"
        name = _need(row, "name", str, where)
        if name not in MOMENTS:
            raise ScenarioError(f"{where}.name: unknown moment {name!r}; known: "
                                + ", ".join(MOMENTS))
        m = Moment(name, float(_need(row, "target", number, where)),
                   float(_need(row, "tolerance", number, where)),
                   float(_need(row, "weight", number, where)),
                   _need(row, "definition", str, where), _need(row, "source", str, where))
        if m.tolerance <= 0 or m.weight < 0:
            raise ScenarioError(f"{where}: tolerance must be > 0 and weight >= 0")
        moments.append(m)
    if not params or not moments:
        raise ScenarioError(f"{path}: needs at least one [[parameters]] and one [[moments]]")
    modes = {}
    for mode in MODES:
        where = f"{path}: [{mode}]"
        table = _need(data, mode, dict, str(path))
        ints = {key: _need(table, key, int, where) for key in (
            "points", "replications", "refine_evaluations", "final_replications",
            "spell_window_months", "seed")}
        if min(ints["points"], ints["replications"], ints["final_replications"],
               ints["spell_window_months"]) < 1 or ints["refine_evaluations"] < 0:
            raise ScenarioError(f"{where}: counts must be >= 1 (refine_evaluations >= 0)")
        fixed = tuple(_need(table, "set", list, where))
        modes[mode] = SearchSettings(_need(table, "scenario", str, where), fixed=fixed,
                                     **ints)
    return Targets(path, tuple(params), tuple(moments), modes)


def values_by_key(params: tuple[Parameter, ...], values: Sequence[float]) -> dict[str, float]:
    """One point of the parameter space as overrides: each parameter's key path → value."""
    return {p.key: float(v) for p, v in zip(params, values, strict=True)}
