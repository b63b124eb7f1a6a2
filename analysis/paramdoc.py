"""The parameter reference (parametrit), ``docs/parameters.md``, generated from the schema.

Every field of the scenario schema (:class:`sim.Scenario` and its nested tables) is
listed with its key path, meaning, unit, default, valid range, source and, for an
assumption, its plausible range (:mod:`sim.scenario.ranges`). The unit and the source are
read from the field's description by explicit rules (below); a field whose description
gives neither, or an assumption with neither a plausible range nor an exemption, fails
:func:`check_fields`, so that the reference, and the schema, cannot leave one out. The
values of the shipped default region (``pirkanmaa-separate``) that differ from the schema
defaults follow.

Run ``make docs`` or ``python -m analysis.paramdoc`` to regenerate the page.
"""

from __future__ import annotations

import re
import sys
import types
import typing
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import annotated_types as at
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from sim.scenario import Scenario, load_scenario
from sim.scenario.overrides import inner_model
from sim.scenario.ranges import PlausibleRange, exemptions, schema_ranges

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "parameters.md"
DEFAULT_REGION = "pirkanmaa-separate"

SOURCES = ("public figure", "calibration result", "assumption", "scenario input")
"""Source classes, in the order they are tested on a description (first match wins)."""

SCENARIO_INPUTS = (
    "name", "description", "simulation.", "municipalities.", "synthetic_region.",
    "providers.name", "providers.kind", "providers.owner", "providers.services",
    "providers.capacity", "providers.tasks", "alliance.", "alliances.", "host_arrangements.",
    "experiment.", "economy.", "organisers.region_budget_eur_per_year",
    "organisers.municipal_budgets", "organisers.region_mix", "organisers.municipal_mix",
    "targeting.", "market.differential_prices",
)
"""Key paths (or prefixes ending in a dot) that describe the what-if rather than the world:
the region's list of places, run length and seeds, the alliance's design, budgets and
mixes a scenario chooses, the recession to try. They are the user's to set; a description
that does give a public source or says "assumption" is classified by that instead."""

NAME_UNITS = {
    "applications_per_month": "applications per month",
    "extra_applications": "applications per month",
    "rounds_per_month": "rounds per month",
    "min_contacts_per_month": "contacts per jobseeker and month",
    "recovery_per_month": "share (0–1) per month",
    "scarring_rate": "share (0–1) per month",
    "recovery_rate": "share (0–1) per month",
    "recovery_rate_outside": "share (0–1) per month",
    "mean_reversion": "share (0–1) per month",
    "recruiting_share": "share (0–1) per month",
    "demand_shock_sd": "log points per month",
    "capacity_need": "client-slots per client-month",
    "capacity": "client-slots per month",
    "shock_size": "relative change (−0.9–0.9)",
    "municipal_benefit_share": "[months, share (0–1)] rows",
    "firms_per_1000_residents": "firms per 1,000 residents",
    "max_size": "employees",
    "startup_size": "employees",
    "advisory_max_firm_size": "employees",
    "population": "persons",
    "employability_gain": "employability (0–1)",
    "shock_start_month": "month",
    "on_the_job_applications_per_month": "applications per month",
    "job_switch_gain": "mean pay",
    "discouragement_per_year": "relative change per year",
    "hiring_standard": "judged productivity (mean output = 1)",
    "vacancy_cost": "fill rate × relative pay",
    "outside_share": "share of the labour force",
    "pace_min": "multiple of planned starts",
    "pace_max": "multiple of planned starts",
    "expected_outcome_slope": "job chance per unit of employability",
    "payment_group_employability": "employability (0–1)",
    "referrals_per_start": "candidates per start",
    "entrant_quality_min": "dimensionless",
    "entrant_quality_max": "dimensionless",
    "best_practice_pull": "share (0–1) of the gap per month",
    "joint_decision_step": "relative change per quarter",
    "joint_decision_min_follow_ups": "follow-ups",
    "effort_min": "multiple of the contracted standard",
    "effort_max": "multiple of the contracted standard",
    "effort_job_chance_elasticity": "relative change of job chance per unit of effort",
    "estimate_prior_clients": "follow-ups",
    "learning_evidence_clients": "follow-ups",
    "outcome_memory_months": "months",
    "outcome_chance_floor": "job chance (0–1)",
    "quality_max": "effect multiplier",
    "joint_decision_min_weight": "multiple of the planned share",
    "joint_decision_max_weight": "multiple of the planned share",
    "caseload": "unemployed jobseekers per caseworker",
    "caseworker_search_elasticity": "dimensionless",
    "caseworker_time_min": "multiple of month 0's time per jobseeker",
    "caseworker_time_max": "multiple of month 0's time per jobseeker",
    "joint_office_caseworker_gain": "share (0–1) of caseworker time",
    "transition_slowdown": "share (0–1) of caseworker time",
}
"""Units of fields whose name alone would mislead the key rules below."""

KEY_UNITS: tuple[tuple[str, str], ...] = (
    (r"_eur_per_year$", "EUR/year"),
    (r"_eur_per_resident$", "EUR/year per resident"),
    (r"_eur_per_month$", "EUR/month"),
    (r"_eur_per_contact$", "EUR per contact"),
    (r"_eur$", "EUR"),
    (r"_per_km$", "mean pay per km"),
    (r"_km2$", "km²"),
    (r"_km$", "km"),
    (r"^(lat|lon|center_lat|center_lon)$", "degrees"),
    (r"_(months|month)$", "months"),
    (r"_quarters$", "quarters"),
    (r"^monthly_.*_rate$", "per month"),
    (r"_per_year$", "per year"),
    (r"(_share|_shares|_rate|_saving|_tolerance|_slowdown|_floor|_employability|_effort|"
     r"_need)$", "share (0–1)"),
    (r"(_exponent|_sd|_beta|_noise|_penalty|_multiplier|_factor|_gain|_boost|_margin|"
     r"^quality|^weight|^improvement|^mean_reversion|^lock_in|_amplitude)$", "dimensionless"),
    (r"^(population|municipalities|capacity)$|_size$|^seed$|_seed$|_per_month$|"
     r"_per_1000_residents$|^regions$", "count"),
)
"""Unit of a number from its key (the field's own name), first match wins: the names follow
the schema's convention of ending in their unit."""

UNIT_RULES: tuple[tuple[str, str], ...] = (
    (r"EUR/year|[Yy]early .*EUR|EUR per year", "EUR/year"),
    (r"EUR/month|EUR per month", "EUR/month"),
    (r"\bEUR\b", "EUR"),
    (r"[Mm]onths|\bmonth\b", "months"),
    (r"[Ss]hare|fraction|[Pp]robability", "share (0–1)"),
)
"""Unit of a number whose key does not tell it, from its description; first match wins."""


@dataclass(frozen=True)
class FieldDoc:
    """One parameter as the reference shows it."""

    path: str
    meaning: str
    unit: str
    default: str
    valid: str
    source: str
    plausible: str = ""


def _literal_choices(annotation: Any) -> list[Any] | None:
    if typing.get_origin(annotation) is Literal:
        return list(typing.get_args(annotation))
    for arg in typing.get_args(annotation):
        found = _literal_choices(arg)
        if found is not None:
            return found
    return None


def _base_type(annotation: Any) -> Any:
    """The annotation without ``| None`` and Annotated metadata."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _base_type(args[0]) if len(args) == 1 else annotation
    if origin is typing.Annotated:
        return _base_type(typing.get_args(annotation)[0])
    return annotation


def _bounds(metadata: list[Any]) -> list[str]:
    out = []
    for item in metadata:
        for cls, attr, sym in ((at.Ge, "ge", "≥"), (at.Gt, "gt", ">"), (at.Le, "le", "≤"),
                               (at.Lt, "lt", "<")):
            if isinstance(item, cls):
                out.append(f"{sym} {getattr(item, attr):g}")
        if isinstance(item, at.MinLen) and item.min_length:
            out.append(f"at least {item.min_length} item" + "s" * (item.min_length > 1))
        if isinstance(item, at.MaxLen):
            out.append(f"at most {item.max_length} item" + "s" * (item.max_length > 1))
    return out


def valid_range(field: Any) -> str:
    """Valid values of a field: its bounds, Literal choices, or item bounds of a list."""
    choices = _literal_choices(field.annotation)
    if choices is not None:
        return "one of " + ", ".join(f"`{c}`" for c in choices)
    parts = _bounds(field.metadata)
    base = _base_type(field.annotation)
    if typing.get_origin(base) is list:
        item = typing.get_args(base)[0] if typing.get_args(base) else None
        if typing.get_origin(item) is typing.Annotated:
            item_bounds = _bounds(list(typing.get_args(item)[1:]))
            inner = [b for m in typing.get_args(item)[1:] for b in _bounds(getattr(m, "metadata",
                                                                                     []))]
            parts.append("each item " + " and ".join(item_bounds + inner))
    if base is bool:
        parts.append("true or false")
    if typing.get_origin(field.annotation) in (typing.Union, types.UnionType) and type(
            None) in typing.get_args(field.annotation):
        parts.append("or absent")
    return ", ".join(parts) if parts else "any"


def unit_of(path: str, field: Any, description: str) -> str:
    """The unit of a field: from its type, its key (:data:`KEY_UNITS`), or its description."""
    base = _base_type(field.annotation)
    if base is bool or (typing.get_origin(base) is dict and "bool" in str(base)):
        return "on/off"
    if _literal_choices(field.annotation) is not None:
        return "choice"
    if base is str or (typing.get_origin(base) is list and typing.get_args(base)[:1] == (str,)):
        return "text" if typing.get_origin(base) is not list else "names"
    if typing.get_origin(base) is dict and "float" in str(base) and "mix" in path:
        return "share (0–1) by service"
    key = path.rpartition(".")[2]
    if key in NAME_UNITS:
        return NAME_UNITS[key]
    for pattern, unit in KEY_UNITS:
        if re.search(pattern, key):
            return unit
    for pattern, unit in UNIT_RULES:
        if re.search(pattern, description):
            return unit
    return ""


def source_class(path: str, description: str) -> str:
    """Source class of a field (:data:`SOURCES`), or "" when its description gives none."""
    if "calibration/result.json" in description:
        return "calibration result"
    if "Source:" in description:
        return "public figure"
    if "assumption" in description.lower():
        return "assumption"
    if any(path == p or (p.endswith(".") and path.startswith(p)) for p in SCENARIO_INPUTS):
        return "scenario input"
    return ""


def _show(value: Any) -> str:
    if value is PydanticUndefined:
        return "required"
    if isinstance(value, BaseModel):
        return "see below"
    if isinstance(value, list) and value and isinstance(value[0], BaseModel):
        return f"{len(value)} tables"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "absent"
    if value == "":
        return '""'
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def fields(model: type[BaseModel] = Scenario, default: Any = None,
           prefix: str = "") -> list[FieldDoc]:
    """Every leaf field of ``model`` (recursively), with its default taken from ``default``.

    Args:
        model: the schema class.
        default: an instance whose values are the defaults (nested tables' defaults come from
            the enclosing default, e.g. each service of the catalogue); None for the class's.
        prefix: key path of ``model`` in the scenario.
    """
    out = []
    for name, field in model.model_fields.items():
        path = prefix + name
        sub, _is_list = inner_model(field.annotation)
        value = getattr(default, name) if default is not None else field.default
        if value is PydanticUndefined and field.default_factory is not None:
            value = field.default_factory()
        if sub is not None and sub is not model:
            nested = value if isinstance(value, sub) else None
            out.extend(fields(sub, nested, path + "."))
            continue
        description = " ".join((field.description or "").split())
        out.append(FieldDoc(path, description, unit_of(path, field, description), _show(value),
                            valid_range(field), source_class(path, description),
                            plausible_cell(path)))
    return out


@cache
def _ranges() -> dict[str, PlausibleRange]:
    return schema_ranges()


def plausible_cell(path: str) -> str:
    """A field's plausible range and its reason; "none" for an exempt field; else ""."""
    found = _ranges().get(path)
    if found is not None:
        return f"{_show(found.low)} to {_show(found.high)}: {found.note}"
    if path in exemptions():
        return "none (see below)"
    return ""


def check_fields(docs: list[FieldDoc]) -> list[str]:
    """Problems: fields without a meaning, a unit or a source class; assumptions unbounded."""
    problems = []
    for d in docs:
        for what, value in (("meaning", d.meaning), ("unit", d.unit), ("source", d.source)):
            if not value:
                problems.append(f"{d.path}: no {what} in its description")
        if d.source == "assumption" and not d.plausible:
            problems.append(f"{d.path}: an assumption without a plausible range (give it "
                            "one, or an exemption in sim.scenario.ranges)")
    return problems


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, BaseModel):
        out: dict[str, Any] = {}
        for name in type(value).model_fields:
            out.update(_flatten(getattr(value, name), prefix + name + "."))
        return out
    return {prefix[:-1]: value}


def region_differences(name: str = DEFAULT_REGION) -> list[tuple[str, str, str]]:
    """(key path, schema default, value) where the shipped region differs from the schema."""
    scenario = load_scenario(name)
    base = Scenario(name=scenario.name, municipalities=scenario.municipalities)
    ours, theirs = _flatten(scenario), _flatten(base)
    rows = []
    for path, value in ours.items():
        if path in ("name", "description", "municipalities"):
            continue
        if value != theirs.get(path):
            if path == "providers":
                rows.append((path, "none", f"{len(value)} providers (see the scenario file)"))
            else:
                rows.append((path, _show(theirs.get(path)), _show(value)))
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render() -> str:
    """The whole of ``docs/parameters.md``."""
    docs = fields()
    counts = {s: sum(d.source == s for d in docs) for s in SOURCES}
    lines = [
        "# Scenario parameters",
        "",
        "Generated from the scenario schema (`sim/scenario/`) by "
        "`make docs` (`python -m analysis.paramdoc`); do not edit by hand. "
        "`tests/analysis/test_paramdoc.py` fails when this page and the schema disagree.",
        "",
        "**Source** classes: *public figure* (the description cites a published number, "
        "\"Source: ...\"), *calibration result* (chosen by `make calibrate` to match public "
        "figures; see `calibration/result.md`), *assumption* (no public number: meant to be "
        "swept), *scenario input* (what the what-if is about: places, run length, seeds, the "
        "alliance's design, budgets; the user sets it). "
        + ", ".join(f"{counts[s]} {s}" for s in SOURCES) + f" of {len(docs)} parameters.",
        "",
        "Lists of tables (`municipalities`, `providers`, `alliances`, `alliance.kras`, "
        "`host_arrangements`) show the fields of one item. The eight services share one "
        "table layout (`services.NAME.*`), each with its own defaults.",
        "",
        "**Plausible range**: every assumption has one, with the reason for it, or is listed "
        "below with the reason why it has none "
        f"({sum(d.path in _ranges() for d in docs)} "
        "ranges). It is the span worth sweeping: within the valid range, around the default "
        "and every shipped scenario's value. `kasvu scenarios --schema` shows it as "
        "`plausible_range` and `range_note` (a service table's as `plausible_ranges`), and "
        "`sim.scenario.plausible_ranges(scenario)` gives it by the key paths that `--set` "
        "and sweeps take for that scenario.",
        "",
        "| key | meaning | unit | default | valid | source | plausible range |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in docs:
        lines.append(f"| `{d.path}` | {_cell(d.meaning)} | {d.unit} | {_cell(d.default)} | "
                     f"{_cell(d.valid)} | {d.source} | {_cell(d.plausible)} |")
    lines += _exemption_lines(docs)
    lines += [
        "",
        f"## The default region: `{DEFAULT_REGION}`",
        "",
        f"Values of `scenarios/{DEFAULT_REGION}.toml` that differ from the schema defaults "
        "(its 23 municipalities are listed in the file; the other `pirkanmaa-*` scenarios "
        "extend it).",
        "",
        "| key | schema default | pirkanmaa-separate |",
        "|---|---|---|",
    ]
    for path, default, value in region_differences():
        lines.append(f"| `{path}` | {_cell(default)} | {_cell(value)} |")
    return "\n".join(lines) + "\n"


def _exemption_lines(docs: list[FieldDoc]) -> list[str]:
    """The section listing the assumptions without a plausible range, grouped by reason."""
    reasons: dict[str, list[str]] = {}
    for d in docs:
        reason = exemptions().get(d.path)
        if reason is not None and d.source == "assumption":
            reasons.setdefault(reason, []).append(d.path)
    lines = ["", "## Assumptions without a plausible range", "",
             "They cannot be swept as one number, or a range would mean nothing "
             "(`sim.scenario.ranges.exemptions()`).", ""]
    for reason, paths in reasons.items():
        lines.append("- " + ", ".join(f"`{p}`" for p in paths) + f": {reason}.")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Write ``docs/parameters.md`` (or ``--check``: exit 1 when it is stale or incomplete)."""
    args = sys.argv[1:] if argv is None else argv
    problems = check_fields(fields())
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    text = render()
    if "--check" in args:
        stale = not DOC_PATH.exists() or DOC_PATH.read_text(encoding="utf-8") != text
        if stale:
            print(f"{DOC_PATH} is stale: run make docs", file=sys.stderr)
        return int(stale)
    DOC_PATH.write_text(text, encoding="utf-8")
    print(f"written: {DOC_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
