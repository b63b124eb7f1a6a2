"""Every assumption is bounded: a plausible range (or a listed exemption) that lies within the
field's valid bounds, holds its default and every shipped scenario's value, and that a sweep
can set through the key paths of :func:`sim.scenario.plausible_ranges`."""

from __future__ import annotations

import json
import typing
from typing import Any

import annotated_types as at
import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

import scenarios as builtin
from analysis import paramdoc
from sim.scenario import Scenario, load_scenario, plausible_ranges
from sim.scenario.overrides import inner_model
from sim.scenario.ranges import EXEMPT, PlausibleRange, exemptions, leaves, schema_ranges

RANGES = schema_ranges()
SOURCES = {d.path: d.source for d in paramdoc.fields()}


def schema_fields(model: type[BaseModel] = Scenario, default: Any = None, prefix: str = ""
                  ) -> dict[str, tuple[FieldInfo, Any]]:
    """Every leaf field by schema path, with its default (as paramdoc walks the schema)."""
    out = {}
    for name, field in model.model_fields.items():
        value = getattr(default, name) if default is not None else field.default
        if value is PydanticUndefined and field.default_factory is not None:
            value = field.default_factory()
        sub, _is_list = inner_model(field.annotation)
        if sub is not None and sub is not model:
            out.update(schema_fields(sub, value if isinstance(value, sub) else None,
                                     f"{prefix}{name}."))
        else:
            out[prefix + name] = (field, value)
    return out


FIELDS = schema_fields()


def bounds(field: FieldInfo) -> list[Any]:
    """The field's ge/gt/le/lt constraints, also those of an ``X | None`` annotation."""
    found = list(field.metadata)
    for arg in typing.get_args(field.annotation):
        if typing.get_origin(arg) is typing.Annotated:
            for meta in typing.get_args(arg)[1:]:
                found.extend(getattr(meta, "metadata", [meta]))
    return [m for m in found if isinstance(m, at.Ge | at.Gt | at.Le | at.Lt)]


def is_integer_field(field: FieldInfo) -> bool:
    return field.annotation is int or typing.get_args(field.annotation)[:1] == (int,)


def range_problems(field: FieldInfo, default: Any, found: PlausibleRange) -> list[str]:
    """What is wrong with one plausible range (empty when nothing)."""
    low, high = found.low, found.high
    numbers = all(isinstance(x, int | float) and not isinstance(x, bool) for x in (low, high))
    if not numbers:
        return [f"not two numbers: {low!r}, {high!r}"]
    problems = []
    if not low < high:
        problems.append(f"low {low} is not below high {high}")
    if is_integer_field(field) and not all(isinstance(x, int) for x in (low, high)):
        problems.append("an integer field needs an integer range")
    for bound in bounds(field):
        for x in (low, high):
            ok = (x >= bound.ge if isinstance(bound, at.Ge) else x > bound.gt
                  if isinstance(bound, at.Gt) else x <= bound.le if isinstance(bound, at.Le)
                  else x < bound.lt)
            if not ok:
                problems.append(f"{x} is outside the valid bound {bound}")
    if default is not None and not low <= default <= high:
        problems.append(f"the default {default} is outside [{low}, {high}]")
    if default is None and "None" not in str(field.annotation):
        problems.append("no default to hold")
    if not found.note.strip():
        problems.append("no range_note")
    return problems


def test_every_assumption_has_a_plausible_range_or_a_listed_exemption():
    assumptions = {path for path, source in SOURCES.items() if source == "assumption"}
    missing = sorted(assumptions - set(RANGES) - set(exemptions()))
    assert missing == [], "assumptions without a range or an exemption"
    assert not set(RANGES) & set(exemptions()), "both a range and an exemption"
    # Ranges and exemptions name real fields, and only assumptions.
    assert set(RANGES) | set(exemptions()) <= assumptions
    assert len(RANGES) >= 100


@pytest.mark.parametrize("path", sorted(RANGES))
def test_a_plausible_range_is_valid_and_holds_the_default(path):
    field, default = FIELDS[path]
    assert range_problems(field, default, RANGES[path]) == []


def test_the_range_check_catches_each_kind_of_mistake():
    field, default = FIELDS["market.effort_min"]  # 0.3, within [0, 1]
    assert range_problems(field, default, PlausibleRange(0.1, 0.6, "why")) == []
    for bad, words in [
        (PlausibleRange(0.6, 0.1, "why"), "not below"),
        (PlausibleRange(0.1, 1.5, "why"), "outside the valid bound"),
        (PlausibleRange(0.4, 0.6, "why"), "the default 0.3"),
        (PlausibleRange(0.1, 0.6, " "), "no range_note"),
        (PlausibleRange(True, 0.6, "why"), "not two numbers"),
    ]:
        assert any(words in p for p in range_problems(field, default, bad)), bad
    field, default = FIELDS["market.referrals_per_start"]
    assert range_problems(field, default, PlausibleRange(1.0, 4.0, "why")) == [
        "an integer field needs an integer range"]


def test_paramdoc_reports_an_assumption_without_a_range():
    bare = paramdoc.FieldDoc("labour.x", "A rate (assumption).", "per month", "0.1", "any",
                             "assumption")
    assert paramdoc.check_fields([bare]) == [
        "labour.x: an assumption without a plausible range (give it one, or an exemption in "
        "sim.scenario.ranges)"]


@pytest.mark.parametrize("name", builtin.names())
def test_shipped_scenarios_set_values_inside_the_ranges(name):
    outside = [(path, value, RANGES[path]) for path, _key, value in leaves(load_scenario(name))
               if path in RANGES and value is not None
               and not RANGES[path].low <= value <= RANGES[path].high]
    assert outside == []


def test_the_exemptions_give_their_reasons():
    assert all(reason.strip() for reason in exemptions().values())
    assert set(EXEMPT) <= set(exemptions())
    # A service's own effect that the catalogue leaves at 0 is exempt; one it sets is not.
    assert "services.coaching.lock_in" in exemptions()
    assert "services.training.lock_in" in RANGES
    assert "services.coaching.growth_gain" in exemptions()  # a firm effect of a person service


def test_the_json_schema_shows_the_ranges():
    schema = Scenario.model_json_schema()
    market = schema["$defs"]["Market"]["properties"]["expected_outcome_slope"]
    assert market["plausible_range"] == [0.3, 0.9] and market["range_note"]
    training = schema["$defs"]["Services"]["properties"]["training"]["plausible_ranges"]
    assert training["lock_in"]["plausible_range"] == [0.2, 0.5]
    json.dumps(schema)  # as kasvu scenarios --schema prints it


def values(scenario: Scenario) -> dict[str, Any]:
    return {key: value for _path, key, value in leaves(scenario)}


@pytest.mark.parametrize("name", ["tiny-alliance", "pirkanmaa-two-alliances", "finland"])
def test_a_sweep_can_set_every_range_end_by_its_key(name):
    scenario = load_scenario(name)
    ranges = plausible_ranges(scenario)
    assert ranges == plausible_ranges(name)
    for key, (low, high) in ranges.items():
        for value in (low, high):
            assert values(scenario.with_overrides({key: value}))[key] == value, key
    for end in (0, 1):
        moved = scenario.with_overrides({key: r[end] for key, r in ranges.items()})
        assert all(values(moved)[key] == r[end] for key, r in ranges.items())


def test_override_keys_name_list_elements_and_skip_absent_tables():
    two = plausible_ranges("pirkanmaa-two-alliances")
    assert two["providers.Valmennus Oy.quality"] == (0.6, 1.6)
    assert "alliance.best_practice_pull" in two
    assert "alliances.Outer Pirkanmaa alliance.best_practice_pull" in two
    assert "services.training.lock_in" in two
    separate = plausible_ranges("tiny")
    assert not any(key.startswith(("alliance", "providers")) for key in separate)
    assert separate["market.expected_outcome_slope"] == (0.3, 0.9)


def test_an_own_units_cost_range_ends_at_its_price_and_its_price_range_starts_there():
    ranges = plausible_ranges("pirkanmaa-separate")
    # Region own unit: cost and price 1.05 × the catalogue cost (competition neutrality).
    assert ranges["providers.Region own unit.cost_factor"] == (0.7, 1.05)
    assert ranges["providers.Region own unit.price_factor"] == (1.05, 1.3)
    assert ranges["providers.Valmennus Oy.cost_factor"] == (0.7, 1.2)  # external: uncut
