"""Decision study specs (päätösanalyysin määrittely): alternatives, uncertainties, design.

A decision spec is a TOML file in the style of the sweep specs::

    alternatives = ["pirkanmaa-separate", "pirkanmaa-alliance"]   # the first is the reference
    set = ["simulation.burn_in_months=12"]   # fixed overrides of every alternative
    months = 60
    replications = 2                          # seeds per point, shared by every alternative
    entropy = 20261201
    outcomes = ["final_employed", "total_public_net_eur"]
    [design]
    kind = "lhs"                              # or sobol (samples a power of 2)
    samples = 64
    [uncertainties]
    from_schema = true                        # every plausible range of the alternatives
    exclude = ["simulation.*"]                # glob patterns of key paths left out
    [[uncertainties.set]]                     # narrow, widen or add one
    key = "alliance.contract.gain_share"
    min = 0.3
    max = 0.7

**Which keys apply to which alternative.** The space of uncertainties is the union of the
alternatives' plausible ranges (:func:`sim.scenario.plausible_ranges`), each key at the
range every alternative that has it accepts (their intersection). A key of a table an
alternative does not have (``alliance.*`` for separate action, which has no alliance) is
*not applied* to that alternative: its runs ignore that coordinate of the design point,
as the model would (there is no alliance whose slowdown could vary). Every alternative
sees the same design points and seeds, so differences are paired. A key of
``[[uncertainties.set]]`` applies to an alternative whose scenario has it (a plausible
range there, or a value of a table it has); a key no alternative has is an error.

Everything is checked before anything runs or is written; errors are
:class:`~analysis.experiments.spec.SpecError` (exit status 2) naming file, key and problem.
"""

from __future__ import annotations

import copy
import fnmatch
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from sim.scenario import Scenario, plausible_ranges
from sim.scenario.loading import ScenarioError, validate
from sim.scenario.overrides import set_value, split_key
from sim.scenario.ranges import leaves

from ..experiments.spec import (
    DesignSpec,
    ParameterSpec,
    SpecError,
    SweepSpec,
    _resolve_base,
    _Table,
    check_outcomes,
    names_a_table,
    read_base_with_set,
    read_spec,
    toml_value,
)

DEFAULT_OUTCOMES = ("final_employed", "final_long_term_unemployed", "total_public_net_eur")
"""Outcomes of a decision study when its spec names none.

Not ``final_firm_employment``: outcomes are the region's, and for the region firm
employment equals the employed by construction (every employed person works for a firm of
the region; municipalities differ by commuting), so it would repeat ``final_employed``.
"""


class DecisionDesign(_Table):
    """How the space of uncertainties is sampled: Latin hypercube or Saltelli's Sobol'."""

    kind: Literal["lhs", "sobol"] = Field("lhs", description="lhs or sobol.")
    samples: int = Field(gt=0, description="lhs: points; sobol: base sample N (power of 2).")

    @model_validator(mode="after")
    def _power_of_two(self) -> DecisionDesign:
        if self.kind == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(f"sobol samples must be a power of 2 (got {self.samples})")
        return self


class Uncertainties(_Table):
    """The space of uncertainties: the schema's plausible ranges, pruned and amended."""

    from_schema: bool = Field(True, description="Every parameter with a plausible range.")
    exclude: list[str] = Field([], description="Glob patterns of key paths left out.")
    set: list[ParameterSpec] = Field([], description="Ranges added or replacing the schema's.")

    @model_validator(mode="after")
    def _unique(self) -> Uncertainties:
        keys = [p.key for p in self.set]
        if len(set(keys)) != len(keys):
            raise ValueError("uncertainties.set keys must be unique")
        return self


class DecisionSpec(_Table):
    """A decision study: alternatives (the first the reference), outcomes and uncertainties."""

    name: str = Field(min_length=1, description="Short name, default the file's stem.")
    description: str = ""
    alternatives: list[str] = Field(min_length=2, description="Scenarios; the first is the "
                                    "reference.")
    set: list[str] = Field([], description="Fixed key.path=value overrides of every alternative.")
    months: int | None = Field(None, ge=1, description="Months per run (default: reference's).")
    replications: int = Field(1, ge=1, description="Seeds per design point (common to all).")
    entropy: int | None = Field(None, ge=0, description="Root entropy of design and seeds.")
    outcomes: list[str] = Field(list(DEFAULT_OUTCOMES), min_length=1)
    design: DecisionDesign
    uncertainties: Uncertainties = Uncertainties()

    @field_validator("outcomes")
    @classmethod
    def _known_outcomes(cls, names: list[str]) -> list[str]:
        return check_outcomes(names)

    @field_validator("alternatives")
    @classmethod
    def _unique_alternatives(cls, names: list[str]) -> list[str]:
        labels = [label_of(n) for n in names]
        if len(set(labels)) != len(labels):
            raise ValueError("alternatives must be unique (by scenario name)")
        return names


def label_of(source: str) -> str:
    """An alternative's label: its built-in name, or its file's stem."""
    return Path(source).stem if source.endswith(".toml") else source


@dataclass(frozen=True)
class Alternative:
    """One alternative: its scenario as read, with the spec's ``set`` applied."""

    name: str
    base_path: Path
    base_data: dict[str, Any]
    base_read: dict[str, Any]
    keys: tuple[str, ...]  # the uncertainties applied to it, in design order


@dataclass(frozen=True)
class Decision:
    """A checked decision spec with its alternatives and space of uncertainties resolved."""

    spec: DecisionSpec
    path: Path
    alternatives: tuple[Alternative, ...]
    uncertainties: tuple[ParameterSpec, ...]
    sources: dict[str, str]  # key -> "schema" or "set"
    months: int
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def reference(self) -> str:
        """The reference alternative's name (the first)."""
        return self.alternatives[0].name

    @property
    def keys(self) -> list[str]:
        """Every uncertainty's key path, in design order."""
        return [p.key for p in self.uncertainties]

    @property
    def hash(self) -> str:
        """SHA-256 of everything that shapes the results (not name, description)."""
        shaping = {
            "spec": self.spec.model_dump(mode="json", exclude={"name", "description"}),
            "alternatives": [{"name": a.name, "base": a.base_data, "keys": list(a.keys)}
                             for a in self.alternatives],
            "uncertainties": [p.model_dump(mode="json") for p in self.uncertainties],
            "months": self.months,
        }
        text = json.dumps(shaping, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def design_spec(self, alternative: Alternative | None = None) -> SweepSpec:
        """The sweep spec of one alternative (its keys), or of the whole space (``None``)."""
        params = list(self.uncertainties)
        base = self.alternatives[0]
        if alternative is not None:
            params = [p for p in params if p.key in alternative.keys]
            base = alternative
        return SweepSpec.model_construct(
            name=f"{self.spec.name}-{base.name}", description=self.spec.description,
            base=str(base.base_path), set=list(self.spec.set), months=self.months,
            replications=self.spec.replications, entropy=self.spec.entropy,
            common_random_numbers=True, outcomes=list(self.spec.outcomes),
            design=_sweep_design(self.spec.design), parameters=params)


def _sweep_design(design: DecisionDesign) -> DesignSpec:
    return DesignSpec(kind=design.kind, samples=design.samples)


def load_decision(source: str | Path) -> Decision:
    """Read and check a decision spec; resolve its alternatives and uncertainties.

    Raises:
        SpecError: the file, the key and what is wrong; nothing has been written.
    """
    path = Path(source)
    spec = read_spec(path, DecisionSpec, "decision spec")
    read = [_read_alternative(spec, path, source) for source in spec.alternatives]
    uncertainties, sources, notes = _space(spec, path, read)
    warnings = tuple(_set_warnings(spec, path, read))
    alternatives = tuple(
        Alternative(label_of(src), base_path, data, base_read,
                    tuple(p.key for p in uncertainties if _applies(p.key, sources, scenario,
                                                               ranges, data, path)))
        for src, (base_path, data, base_read, scenario, ranges) in zip(
            spec.alternatives, read, strict=True))
    months = spec.months or read[0][3].simulation.months
    return Decision(spec, path, alternatives, tuple(uncertainties), sources, months,
                    warnings, tuple(notes))


Read = tuple[Path, dict[str, Any], dict[str, Any], Scenario, dict[str, tuple[float, float]]]


def _read_alternative(spec: DecisionSpec, path: Path, source: str) -> Read:
    """An alternative's file, its data with ``set`` applied, scenario and plausible ranges."""
    try:
        base_path = _resolve_base(source, path)
    except SpecError as exc:
        raise SpecError(str(exc).replace(": base: ", ": alternatives: ", 1)) from None
    data, base_read, scenario = read_base_with_set(base_path, spec.set, path,
                                                   f"alternatives: {source}")
    return base_path, data, base_read, scenario, plausible_ranges(scenario)


def _space(spec: DecisionSpec, path: Path, read: list[Read]
           ) -> tuple[list[ParameterSpec], dict[str, str], list[str]]:
    """The uncertainties (schema ranges not excluded, then ``set``), sources and notes."""
    out: dict[str, ParameterSpec] = {}
    sources: dict[str, str] = {}
    notes: list[str] = []
    if spec.uncertainties.from_schema:
        for key, (low, high, integer) in _schema_space(read).items():
            if any(fnmatch.fnmatchcase(key, pattern) for pattern in spec.uncertainties.exclude):
                continue
            if low >= high:
                notes.append(f"{key}: left out, the alternatives' ranges do not overlap")
                continue
            out[key] = ParameterSpec(key=key, min=low, max=high, integer=integer)
            sources[key] = "schema"
    for index, param in enumerate(spec.uncertainties.set):
        where = f"uncertainties.set[{index}].key"
        _check_key(param.key, where, path, read)
        out[param.key] = param
        sources[param.key] = "set"
    if not out:
        raise SpecError(f"{path}: uncertainties: no uncertainty left (from_schema = false or "
                        "everything excluded, and no [[uncertainties.set]])")
    return list(out.values()), sources, notes


def _schema_space(read: list[Read]) -> dict[str, tuple[Any, Any, bool]]:
    """Every alternative's plausible ranges, intersected where several have the key."""
    space: dict[str, tuple[Any, Any, bool]] = {}
    for _, _, _, scenario, ranges in read:
        values = {key: value for _, key, value in leaves(scenario)}
        for key, (low, high) in ranges.items():
            integer = isinstance(values.get(key), int) and not isinstance(values.get(key), bool)
            if key in space:
                old_low, old_high, old_integer = space[key]
                space[key] = (max(low, old_low), min(high, old_high), integer and old_integer)
            else:
                space[key] = (low, high, integer)
    return space


def _check_key(key: str, where: str, path: Path, read: list[Read]) -> None:
    """A ``set`` key must be a value (not a table) of at least one alternative."""
    problems = []
    for base_path, data, _, scenario, ranges in read:
        try:
            set_value(copy.deepcopy(data), key, 0, str(base_path))
        except ScenarioError as exc:
            problems.append(str(exc).split(": ", 2)[-1])
            continue
        if names_a_table(key):
            raise SpecError(f"{path}: {where}: {key} is a table, not a value; give one of its "
                            "keys")
        if _present(key, scenario, ranges):
            return
    detail = f" ({problems[0]})" if problems else " (a table no alternative has)"
    raise SpecError(f"{path}: {where}: {key} is not a key of any alternative{detail}")


def _present(key: str, scenario: Scenario, ranges: dict[str, Any]) -> bool:
    """Whether an alternative has ``key``: a range of its, or a key of a table it has."""
    if key in ranges:
        return True
    head = split_key(key)[0].text
    value = getattr(scenario, head, None)
    return value is not None and value != []


def _applies(key: str, sources: dict[str, str], scenario: Scenario,
             ranges: dict[str, Any], data: dict[str, Any], path: Path) -> bool:
    """Whether uncertainty ``key`` is applied to an alternative (module docstring)."""
    if sources[key] == "schema":
        return key in ranges
    try:
        set_value(copy.deepcopy(data), key, 0, str(path))
    except ScenarioError:
        return False
    return _present(key, scenario, ranges)


def _set_warnings(spec: DecisionSpec, path: Path, read: list[Read]) -> list[str]:
    """Warnings for ``set`` ranges whose ends fail an alternative's schema on their own."""
    warnings = []
    for param in spec.uncertainties.set:
        for base_path, data, _, scenario, ranges in read:
            if not _present(param.key, scenario, ranges):
                continue
            for value in param.corners():
                trial = copy.deepcopy(data)
                try:
                    set_value(trial, param.key, value, str(path))
                    validate(trial, f"{path}: {base_path.stem}: {param.key}={toml_value(value)}")
                except ScenarioError as exc:
                    warnings.append(f"runs will fail: {exc}")
    return warnings
