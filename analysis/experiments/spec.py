"""Sweep specifications (koeajojen määrittely): which parameters to vary, how, and what to keep.

A sweep spec is a TOML file next to the scenarios::

    base = "pirkanmaa-separate"          # built-in name or path (relative to this file)
    set = ["simulation.burn_in_months=12"]
    months = 24
    replications = 2
    entropy = 20260115                   # optional root entropy of every seed
    outcomes = ["final_unemployment_rate", "mean_unemployment_rate"]

    [design]
    kind = "lhs"                         # factorial | lhs | sobol | morris
    samples = 16

    [[parameters]]
    key = "labour.monthly_separation_rate"
    min = 0.006
    max = 0.012

Everything is checked before anything runs or is written; every error names the file, the
key and the problem (:class:`SpecError`, exit status 2 in the CLI). Parameter key paths
are checked against the scenario schema by :func:`sim.scenario.overrides.set_value`, so
any path the schema accepts (``alliance.levers.pooled_budget``, ``municipalities.Tampere.
population``) can be swept.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim.collect import METRICS
from sim.scenario import Scenario
from sim.scenario.loading import (
    ScenarioError,
    apply_override,
    key_path,
    read_toml,
    read_with_base,
    resolve_source,
    validate,
)
from sim.scenario.overrides import inner_model, set_value, split_key

STATISTICS = {
    "final": "value at the last month",
    "initial": "value at month 0 (after burn-in)",
    "mean": "mean over months 0..M",
    "min": "smallest monthly value",
    "max": "largest monthly value",
    "change": "last month minus month 0",
    "total": "sum over months 0..M (money: euros over the whole run)",
}
"""Statistics an outcome name may start with: ``STAT_METRIC``, e.g. ``mean_unemployment_rate``."""

DEFAULT_OUTCOMES = (
    "final_unemployment_rate",
    "mean_unemployment_rate",
    "final_long_term_unemployed",
    "final_employed",
)
"""Scalar outcomes kept when a spec names none (all for the region, area ``ALL``). Not
``final_firm_employment``: for the region it equals ``final_employed`` by construction."""


SpecModel = TypeVar("SpecModel", bound=BaseModel)


class SpecError(ScenarioError):
    """A sweep spec that cannot be used: the message names the file, key and problem."""


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ParameterSpec(_Table):
    """One swept parameter: a scenario key path and a range or a list of values."""

    key: str = Field(min_length=1, description="Scenario key path, e.g. labour.scarring_rate.")
    min: float | None = Field(None, description="Lower end of the range.")
    max: float | None = Field(None, description="Upper end of the range.")
    integer: bool = Field(False, description="Whole numbers only (min..max inclusive).")
    values: list[Any] | None = Field(None, min_length=1, description="Explicit values.")

    @field_validator("values")
    @classmethod
    def _numbers_as_floats(cls, values: list[Any] | None) -> list[Any] | None:
        """Whole numbers listed among decimals become floats: one column type per key."""
        if (
            values
            and any(isinstance(v, float) for v in values)
            and all(_kind(v) == "number" for v in values)
        ):
            return [float(v) for v in values]
        return values

    @model_validator(mode="after")
    def _range_or_values(self) -> ParameterSpec:
        has_range = self.min is not None or self.max is not None
        if has_range == (self.values is not None):
            raise ValueError("give either min and max, or values")
        if self.values is not None:
            if self.integer:
                raise ValueError("integer applies to ranges; give whole numbers in values")
            kinds = {_kind(v) for v in self.values}
            if len(kinds) > 1:
                raise ValueError(f"values must all have one type, got {sorted(kinds)}")
            return self
        if self.min is None or self.max is None:
            raise ValueError("a range needs both min and max")
        if not (math.isfinite(self.min) and math.isfinite(self.max)):
            raise ValueError("min and max must be finite")
        if self.min >= self.max:
            raise ValueError(f"min must be below max (got {self.min:g} >= {self.max:g})")
        if self.integer and not (self.min.is_integer() and self.max.is_integer()):
            raise ValueError("min and max must be whole numbers when integer = true")
        return self

    @property
    def column(self) -> str:
        """Name of this parameter's column in result tables: its key path."""
        return self.key

    def corners(self) -> list[Any]:
        """The extreme values (or every listed value): checked against the schema upfront."""
        if self.values is not None:
            return list(self.values)
        if self.integer:
            return [int(self.min), int(self.max)]
        return [float(self.min), float(self.max)]


def _kind(value: Any) -> str:
    """Type name used to check that listed values agree (ints count as numbers)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


class DesignSpec(_Table):
    """How the parameter space is sampled (koeasetelma)."""

    kind: Literal["factorial", "lhs", "sobol", "morris"] = Field(
        "factorial",
        description="factorial: every combination; lhs: Latin hypercube; sobol: Saltelli's "
        "Sobol' sample (for Sobol indices); morris: Morris trajectories (screening).",
    )
    samples: int | None = Field(
        None,
        gt=0,
        description="lhs: points; sobol: base sample N (a power of 2); morris: trajectories.",
    )
    levels: int | None = Field(
        None,
        ge=2,
        description="factorial: points per range (default 3); morris: grid levels (default 4).",
    )
    second_order: bool = Field(False, description="sobol: also second-order indices.")

    @model_validator(mode="after")
    def _needs(self) -> DesignSpec:
        if self.kind != "factorial" and self.samples is None:
            raise ValueError(f"design kind {self.kind!r} needs samples")
        if self.kind == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(f"sobol samples must be a power of 2 (got {self.samples})")
        return self

    @property
    def grid_levels(self) -> int:
        """Levels per range: factorial points or Morris grid levels."""
        if self.levels is not None:
            return self.levels
        return 4 if self.kind == "morris" else 3


class SweepSpec(_Table):
    """A sweep: base scenario, fixed overrides, design, parameters and outcomes."""

    name: str = Field(min_length=1, description="Short name, default the file's stem.")
    description: str = ""
    base: str = Field(min_length=1, description="Built-in scenario name or TOML path.")
    set: list[str] = Field([], description="Fixed key.path=value overrides of the base.")
    months: int | None = Field(None, ge=1, description="Months per run (default: base's).")
    replications: int = Field(1, ge=1, description="Runs per design point, distinct seeds.")
    entropy: int | None = Field(
        None, ge=0, description="Root entropy of every seed; generated and recorded if absent."
    )
    common_random_numbers: bool = Field(
        False,
        description="Replication r uses the same seed at every design point (variance "
        "reduction); otherwise every run has its own seed.",
    )
    outcomes: list[str] = Field(list(DEFAULT_OUTCOMES), min_length=1)
    design: DesignSpec = DesignSpec()
    parameters: list[ParameterSpec] = Field(min_length=1)

    @field_validator("outcomes")
    @classmethod
    def _known_outcomes(cls, names: list[str]) -> list[str]:
        return check_outcomes(names)

    @model_validator(mode="after")
    def _unique_keys(self) -> SweepSpec:
        keys = [p.key for p in self.parameters]
        if len(set(keys)) != len(keys):
            raise ValueError("parameter keys must be unique")
        return self


def check_outcomes(names: list[str]) -> list[str]:
    """Outcome names, each known (:func:`parse_outcome`) and none twice.

    Raises:
        ValueError: an unknown or repeated name.
    """
    for name in names:
        parse_outcome(name)
    if len(set(names)) != len(names):
        raise ValueError("outcomes must be unique")
    return names


def parse_outcome(name: str) -> tuple[str, str]:
    """Split ``STAT_METRIC`` into its statistic and region metric.

    Raises:
        ValueError: unknown statistic or metric, with the valid choices.
    """
    stat, _, metric = name.partition("_")
    if stat not in STATISTICS or metric not in METRICS:
        raise ValueError(
            f"unknown outcome {name!r}: expected STAT_METRIC with STAT one of "
            f"{', '.join(STATISTICS)} and METRIC one of {', '.join(METRICS)}"
        )
    return stat, metric


@dataclass(frozen=True)
class Sweep:
    """A checked spec with its base scenario resolved: everything a sweep needs to run."""

    spec: SweepSpec
    path: Path
    base_path: Path
    base_data: dict[str, Any]  # raw base scenario with the spec's `set` applied
    months: int
    warnings: tuple[str, ...] = ()
    base_read: dict[str, Any] | None = None  # the base as read, `extends` merged
    given_design: tuple[list[list[Any]], list[list[float]]] | None = None
    """The design (values, unit rows) when the caller draws it, not the spec's sampler:
    a decision study gives every alternative the same points (:mod:`analysis.decision`)."""
    given_hash: str | None = None
    """The hash of whatever drew ``given_design`` (a decision spec), instead of the spec's."""

    @property
    def base_text(self) -> str:
        """The base scenario as read (its ``extends`` merged, before ``set``), as TOML.

        A sweep directory keeps it beside its copy of the spec, so that the copy can be
        used on its own when the spec named its base by a path relative to itself.
        """
        return tomli_w.dumps(self.base_read if self.base_read is not None else {})

    @property
    def keys(self) -> list[str]:
        """Swept key paths, in spec order."""
        return [p.key for p in self.spec.parameters]

    @property
    def hash(self) -> str:
        """SHA-256 of everything that shapes the results.

        Name and description do not count, nor a generated entropy: two specs with the
        same hash give the same sweep. A sweep of a decision study has the study's hash
        (with its alternative), ``given_hash``.
        """
        if self.given_hash is not None:
            return self.given_hash
        return spec_hash(self.spec, self.base_data)


def spec_hash(spec: SweepSpec, base_data: dict[str, Any]) -> str:
    """Hash of the result-shaping parts of a spec and its base scenario's data."""
    shaping = spec.model_dump(mode="json", exclude={"name", "description"})
    canonical = json.dumps({"spec": shaping, "base": base_data}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_spec(source: str | Path, design: dict[str, Any] | None = None,
              base: str | Path | None = None) -> Sweep:
    """Read and check a sweep spec; ``design`` replaces its ``[design]`` table.

    Args:
        source: path of the spec TOML file.
        design: e.g. ``{"kind": "sobol", "samples": 64}`` (``kasvu sensitivity``).
        base: read the base scenario from this file instead of the one the spec names
            (a sweep directory's ``base.toml``, :attr:`Sweep.base_text`).

    Raises:
        SpecError: the file, the key and what is wrong; nothing has been written.
    """
    path = Path(source)
    replace = None if design is None else {
        "design": {k: v for k, v in design.items() if v is not None}}
    spec = read_spec(path, SweepSpec, "sweep spec", replace)
    base_path = Path(base) if base is not None else _resolve_base(spec.base, path)
    base_data, base_read, scenario = read_base_with_set(base_path, spec.set, path, "base")
    for index, param in enumerate(spec.parameters):
        where = f"parameters[{index}].key"
        _apply(copy.deepcopy(base_data), f"{param.key}=0", path, where, base_path)
        if names_a_table(param.key):
            raise SpecError(
                f"{path}: {where}: {param.key} is a table, not a value; sweep one of its keys"
            )
    months = spec.months or scenario.simulation.months
    warnings = tuple(_corner_warnings(spec, base_data, path))
    return Sweep(spec, path, base_path, base_data, months, warnings, base_read)


def read_spec(path: Path, model: type[SpecModel], kind: str,
              replace: dict[str, Any] | None = None) -> SpecModel:
    """Read a spec file and check it against ``model`` (its name defaults to the stem).

    Args:
        path: the TOML file.
        model: the spec's schema (:class:`SweepSpec`, a decision spec).
        kind: what the file is, for the message when it is missing (``sweep spec``).
        replace: top-level tables replacing the file's.

    Raises:
        SpecError: one line per problem, each naming the file and the key.
    """
    if not path.is_file():
        raise SpecError(f"{path}: no such {kind} file")
    try:
        data = read_toml(path)
    except ScenarioError as exc:
        raise SpecError(str(exc)) from None
    data.setdefault("name", path.stem)
    data.update(replace or {})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SpecError(
            "\n".join(
                f"{path}: {key_path(err['loc'], data, label='key')}: {_msg(err)}"
                for err in exc.errors()
            )
        ) from None


def names_a_table(key: str) -> bool:
    """Whether an existing key path ends at a table rather than at a value.

    Tables are e.g. ``labour`` or ``municipalities.Tampere``; values are what a sweep sets.
    """
    model: type[BaseModel] | None = Scenario
    parts = [part.text for part in split_key(key)]  # quoted names may hold dots
    position = 0
    while model is not None and position < len(parts):
        field = model.model_fields.get(parts[position])
        if field is None:
            return False
        model, is_list = inner_model(field.annotation)
        if is_list:
            position += 1  # the element's index or name
            if position >= len(parts):
                return False  # the whole list is one value
        position += 1
    return model is not None and position == len(parts)


def _resolve_base(base: str, spec_path: Path) -> Path:
    """A base path relative to the spec file, else the working directory or a built-in."""
    beside = spec_path.parent / base
    if beside.is_file():
        return beside
    try:
        return resolve_source(base)
    except ScenarioError as exc:
        raise SpecError(f"{spec_path}: base: {exc}") from None


def read_base_with_set(base_path: Path, sets: list[str], path: Path, where: str
                       ) -> tuple[dict[str, Any], dict[str, Any], Scenario]:
    """A spec's base scenario file with the spec's ``set`` overrides applied.

    Args:
        base_path: the scenario file (its own ``base`` chain resolved).
        sets: the spec's ``set`` items, ``KEY=VALUE``.
        path: the spec file, for messages.
        where: what the spec calls the base in messages (``base``, ``alternatives: X``).

    Returns:
        (the data with ``set`` applied, the data as read, the validated scenario).

    Raises:
        SpecError: an override or the result that cannot be used, naming file and key.
    """
    data = read_with_base(base_path)
    as_read = copy.deepcopy(data)
    for item in sets:
        _apply(data, item, path, "set", base_path)
    try:
        scenario = validate(copy.deepcopy(data), str(base_path))
    except ScenarioError as exc:
        raise SpecError(f"{path}: {where} (with set): {exc}") from None
    return data, as_read, scenario


def _apply(data: dict[str, Any], item: str, path: Path, where: str, base_path: Path) -> None:
    try:
        apply_override(data, item, str(base_path))
    except ScenarioError as exc:
        problem = str(exc)
        if "--set " in problem:  # "[origin: ]--set KEY: where: problem" -> "where: problem"
            problem = problem.split("--set ", 1)[1].split(": ", 1)[-1]
        raise SpecError(f"{path}: {where}: {problem}") from None


def _corner_warnings(spec: SweepSpec, base_data: dict[str, Any], path: Path) -> list[str]:
    """Warnings for extreme or listed values that fail the scenario schema on their own.

    Those runs would fail (and be recorded as failed), which is rarely intended.
    """
    warnings = []
    for param in spec.parameters:
        for value in param.corners():
            data = copy.deepcopy(base_data)
            try:
                set_value(data, param.key, value, str(path))
                validate(data, f"{path}: {param.key}={toml_value(value)}")
            except ScenarioError as exc:
                warnings.append(f"runs will fail: {exc}")
    return warnings


def toml_value(value: Any) -> str:
    """A Python value as TOML text, for messages (floats round-trip through ``repr``)."""
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def _msg(err: dict[str, Any]) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown key"
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] != "missing" and "input" in err and not isinstance(err["input"], dict):
        msg += f" (got {err['input']!r})"
    return msg


def print_warnings(sweep: Sweep) -> None:
    """Print the spec's warnings to stderr."""
    for warning in sweep.warnings:
        print(f"kasvu: warning: {warning}", file=sys.stderr)
