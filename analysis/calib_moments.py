"""Calibration moments (kalibrointimomentit): the targets file and what the model gives.

A moment is one number of the separate-action baseline that a public figure pins down:
the unemployment rate, the long-term share, vacancies per unemployed and the share of
unemployment spells ending within three months. :func:`simulate_moments` runs one seeded
model through the project's boundary (:class:`sim.model.GrowthServicesModel`) and reads
them; the spell moment follows every person's status month to month from the model's
arrays (read only).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.collect import METRICS
from sim.labour.population import UNEMPLOYED
from sim.model import GrowthServicesModel
from sim.scenario import ScenarioError, load_scenario

MOMENTS = (
    "unemployment_rate",
    "long_term_share",
    "vacancies_per_unemployed",
    "spells_ending_within_3_months",
)
"""Moments the model can compute, by name."""

SPELL_HORIZON_MONTHS = 3
"""A spell "ends within 3 months" (the published figure's definition)."""

MODES = ("full", "quick")

DEFAULT_TARGETS = Path(__file__).resolve().parent.parent / "calibration" / "targets.toml"


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
class Settings:
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
    modes: dict[str, Settings]


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
        modes[mode] = Settings(_need(table, "scenario", str, where), fixed=fixed, **ints)
    return Targets(path, tuple(params), tuple(moments), modes)


def overrides(params: tuple[Parameter, ...], values: np.ndarray) -> list[str]:
    """``key=value`` overrides (as ``--set`` takes them) of one parameter vector."""
    return [f"{p.key}={float(v)!r}" for p, v in zip(params, values, strict=True)]


# ----------------------------------------------------------------------------- moments
def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


def stock_moments(region_row: np.ndarray) -> dict[str, float]:
    """The stock moments of one month's region row of :data:`sim.collect.METRICS`."""
    col = {name: float(region_row[k]) for k, name in enumerate(METRICS)}
    unemployed = col["unemployed"]
    return {
        "unemployment_rate": _ratio(unemployed, col["labour_force"]),
        "long_term_share": _ratio(col["long_term_unemployed"], unemployed),
        "vacancies_per_unemployed": _ratio(col["vacancies"], unemployed),
    }


def spell_exit_share(unemployed: np.ndarray, first: int, last: int,
                     horizon: int = SPELL_HORIZON_MONTHS) -> tuple[float, int]:
    """Share of unemployment spells starting in months ``first..last`` that end within ``horizon``.

    Args:
        unemployed: (months, persons) booleans, True when the person is unemployed at the
            end of that month; row t is month t.
        first: first month in which a spell may start (>= 1: a start needs the month before).
        last: last such month; ``last + horizon`` must be a row of ``unemployed``.
        horizon: a spell ends within ``horizon`` months if the person is not unemployed at
            the end of some month ``t + 1 .. t + horizon``.

    Returns:
        The share (NaN when no spell starts) and the number of spells.
    """
    if first < 1 or last + horizon >= unemployed.shape[0] or last < first:
        raise ValueError("need 1 <= first <= last and last + horizon < months observed")
    started = ended = 0
    for t in range(first, last + 1):
        starts = unemployed[t] & ~unemployed[t - 1]
        out = ~unemployed[t + 1: t + 1 + horizon].all(axis=0)
        started += int(starts.sum())
        ended += int((starts & out).sum())
    return (ended / started if started else math.nan), started


def simulate_moments(task: tuple[str, tuple[str, ...], int, int]) -> dict[str, float]:
    """Run one seeded model and return every moment of :data:`MOMENTS`.

    Args:
        task: (scenario source, overrides, seed, spell window in months). The model runs its
            burn-in, records month 0 (the stock moments), then ``window + 3`` months while
            each person's status is kept month by month (the spell moment).
    """
    source, sets, seed, window = task
    scenario = load_scenario(source, list(sets))
    months = window + SPELL_HORIZON_MONTHS
    model = GrowthServicesModel(scenario, seed=seed, months=months)
    try:
        out = stock_moments(model.collector.array[0, -1])
        panel = np.empty((months + 1, model.persons.size), dtype=bool)
        panel[0] = model.persons.status == UNEMPLOYED
        for t in range(1, months + 1):
            model.step()
            panel[t] = model.persons.status == UNEMPLOYED
    finally:
        model.release()
    out["spells_ending_within_3_months"], out["spells"] = spell_exit_share(panel, 1, window)
    return out


def distance(moments: tuple[Moment, ...], values: dict[str, float]) -> float:
    """Weighted distance: sum of weight · ((model − target) / tolerance)²; inf if any is NaN."""
    total = 0.0
    for m in moments:
        v = values[m.name]
        if not math.isfinite(v):
            return math.inf
        total += m.weight * ((v - m.target) / m.tolerance) ** 2
    return total
