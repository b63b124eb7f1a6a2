"""Plausible ranges (uskottavat vaihteluvälit): the span worth sweeping of each assumption.

A parameter whose source is an *assumption* (no public figure behind it; see
``docs/parameters.md``) carries a plausible range and a one-line reason in its field's
``json_schema_extra``: ``{"plausible_range": [low, high], "range_note": why}`` (made by
:func:`.base.plausible`), so that ``kasvu scenarios --schema`` and the parameter reference
show it. The range lies within the field's valid bounds and holds its default and every
shipped scenario's value (``tests/sim/scenario/test_plausible_ranges.py``).

One field of a service spec has eight defaults, one per service, so the service tables
give their fields' ranges themselves: the field ``services.training`` carries
``{"plausible_ranges": {"lock_in": {"plausible_range": ..., "range_note": ...}, ...}}``.
A range found on the enclosing table's field wins over one on the field itself.

Assumptions that cannot be swept as one number have no range and are listed, with the
reason, in :func:`exemptions`.

Key paths come in two forms:

- :func:`schema_ranges` keys by schema path, as the parameter reference lists them: a list
  of tables by its field name, without an element (``providers.quality``,
  ``alliances.best_practice_pull``);
- :func:`plausible_ranges` keys by override path for one scenario (what ``--set``,
  :meth:`~sim.scenario.Scenario.with_overrides` and sweeps take): one key per element of a
  list of tables, by its name when the names are unique, else by index
  (``providers."Valmennus Oy".quality``, ``alliances.0.best_practice_pull``), and none for
  an absent table (no ``alliance.*`` without an ``[alliance]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .loading import load_scenario
from .overrides import Part, inner_model, join_key
from .schema import Scenario
from .services import FIRM_EFFECTS, PERSON_EFFECTS, PERSON_SERVICES, SERVICES, TRANSFERS, Services

EXEMPT = {
    "labour.skill_shares": "a composition summing to 1, one share per skill group: swept as "
    "a whole (another list), not as one number",
    "labour.employability_beta": "the two parameters of one Beta distribution: swept as a "
    "pair, not as one number",
    "labour.services_break_spell": "a switch: compare its two cases, there is no range",
    "firms.skill_demand_shares": "absent by default (demand mirrors supply), else a "
    "composition summing to 1 like labour.skill_shares",
    "municipalities.land_area_km2": "each municipality's own figure (Statistics Finland) where "
    "given; only the 25 km² used when it is absent is assumed",
    "organisers.municipal_benefit_share": "a schedule of [from month, share] rows: swept as "
    "alternative schedules, not as one number (the statutory percentages were not found)",
}
"""Assumptions without a plausible range, other than the service fields', and why."""

NOT_READ = "not read by the model for a service of this kind (person or firm service)"
NO_SUCH_EFFECT = ("the catalogue gives this service no such effect (docs/model.md, "
                  "Services): a range around 0 would be invented; set it to study one")
NO_CAPACITY = ("not read: a transfer is paid to the client or employer, not bought from a "
               "provider's capacity")


@dataclass(frozen=True)
class PlausibleRange:
    """A parameter's plausible range and the reason for it."""

    low: float
    high: float
    note: str


def _extra(field: Any) -> dict[str, Any]:
    extra = field.json_schema_extra
    return extra if isinstance(extra, dict) else {}


def _range_of(extra: dict[str, Any]) -> PlausibleRange | None:
    if "plausible_range" not in extra:
        return None
    low, high = extra["plausible_range"]
    return PlausibleRange(low, high, extra.get("range_note", ""))


def schema_ranges(model: type[BaseModel] = Scenario, prefix: str = "",
                  table_ranges: dict[str, Any] | None = None) -> dict[str, PlausibleRange]:
    """Every plausible range of the schema, by schema path (see the module docstring).

    Args:
        model: the schema class to walk.
        prefix: key path of ``model`` in the scenario.
        table_ranges: the ``plausible_ranges`` that the field holding ``model`` gives its
            fields (the service tables).
    """
    out: dict[str, PlausibleRange] = {}
    for name, field in model.model_fields.items():
        sub, _is_list = inner_model(field.annotation)
        if sub is not None and sub is not model:
            out.update(schema_ranges(sub, f"{prefix}{name}.",
                                     _extra(field).get("plausible_ranges")))
            continue
        found = _range_of((table_ranges or {}).get(name) or _extra(field))
        if found is not None:
            out[prefix + name] = found
    return out


@cache
def exemptions() -> dict[str, str]:
    """Assumptions without a plausible range, by schema path, with the reason.

    Besides :data:`EXEMPT`: the effects of a service spec that the model reads only for the
    other kind of service (:data:`PERSON_EFFECTS`, :data:`FIRM_EFFECTS`), the effects the
    catalogue sets at 0 for a service (it has no such effect), and the capacity need of
    the transfers.
    """
    out = dict(EXEMPT)
    catalogue = Services()
    for name in SERVICES:
        person = name in PERSON_SERVICES
        own, other = (PERSON_EFFECTS, FIRM_EFFECTS) if person else (FIRM_EFFECTS, PERSON_EFFECTS)
        for field in other:
            out[f"services.{name}.{field}"] = NOT_READ
        for field in own:
            if getattr(catalogue.spec(name), field) == 0:
                out[f"services.{name}.{field}"] = NO_SUCH_EFFECT
        if name in TRANSFERS:
            out[f"services.{name}.capacity_need"] = NO_CAPACITY
    return out


def leaves(table: BaseModel, path: str = "", parts: tuple[Part, ...] = ()
           ) -> Iterator[tuple[str, str, Any]]:
    """(schema path, override path, value) of every value set in a scenario's tables.

    Lists of tables are entered element by element (by unique name, else by index);
    absent tables yield nothing.
    """
    for name in type(table).model_fields:
        value = getattr(table, name)
        here, key = f"{path}{name}", (*parts, Part(name))
        if isinstance(value, BaseModel):
            yield from leaves(value, here + ".", key)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            names = [getattr(item, "name", None) for item in value]
            by_name = all(isinstance(n, str) for n in names) and len(set(names)) == len(names)
            for k, item in enumerate(value):
                element = Part(names[k], quoted=True) if by_name else Part(str(k))
                yield from leaves(item, here + ".", (*key, element))
        else:
            yield here, join_key(list(key)), value


def plausible_ranges(scenario: Scenario | str | Path) -> dict[str, tuple[float, float]]:
    """The plausible range of every assumption of ``scenario``, by override path.

    The keys are those :meth:`Scenario.with_overrides` and sweeps take for this scenario
    (see the module docstring); a sweep may set any of them, together, to any values in
    their ranges. Competition neutrality (:mod:`.law`) asks an organiser's own unit to price
    at cost at least, so an own unit's cost factor ranges up to its price factor and its
    price factor from there up (the schema's ranges, cut at the unit's price).

    Args:
        scenario: a scenario, a built-in scenario's name or a TOML file.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    ranges = schema_ranges()
    out = {key: (ranges[path].low, ranges[path].high) for path, key, _ in leaves(scenario)
           if path in ranges}
    for unit in scenario.providers:
        if unit.kind != "own":
            continue
        cost, price = (join_key([Part("providers"), Part(unit.name, quoted=True), Part(name)])
                       for name in ("cost_factor", "price_factor"))
        for key, (low, high) in ((cost, (out[cost][0], min(out[cost][1], unit.price_factor))),
                                 (price, (max(out[price][0], unit.price_factor), out[price][1]))):
            if low < high:
                out[key] = (low, high)
            else:
                del out[key]  # the unit's price leaves no room on this side
    return out
