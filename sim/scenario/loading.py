"""Loading, overriding and writing scenarios (skenaariot), with errors a person can act on.

A scenario is a TOML file or the name of a built-in one. Every error names the file, the
key path and what is wrong, and is raised as :class:`ScenarioError` before anything runs.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

import scenarios as builtin

from .base import ScenarioError
from .overrides import apply_override, set_value
from .schema import Scenario


def resolve_source(source: str | Path) -> Path:
    """Return the file behind ``source``: an existing path, or a built-in scenario name."""
    candidate = Path(source)
    if candidate.is_file():
        return candidate
    found = builtin.path(str(source))
    if found is not None:
        return found
    if candidate.suffix == ".toml" or "/" in str(source):
        raise ScenarioError(f"{source}: no such scenario file")
    raise ScenarioError(
        f"{source}: neither a file nor a built-in scenario; built-ins are: "
        + ", ".join(builtin.names())
    )


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning syntax errors into a :class:`ScenarioError`."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: malformed TOML: {exc}") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror}") from None


Overrides = Mapping[str, Any] | Sequence[str]
"""Values to change in a scenario: a mapping from key path to a Python value
(``{"labour.monthly_separation_rate": 0.012}``), or ``key.path=value`` strings as
``--set`` takes them (the value read as TOML). Key paths: :mod:`sim.scenario.overrides`."""


def load_scenario(source: str | Path | Scenario, overrides: Overrides = ()) -> Scenario:
    """Load and validate a scenario, applying overrides.

    Args:
        source: a path to a TOML file, the name of a built-in scenario, or a scenario.
        overrides: see :data:`Overrides`.

    Raises:
        ScenarioError: the file, the key path and what is wrong.
    """
    if isinstance(source, Scenario):
        return with_overrides(source, overrides) if overrides else source
    path = resolve_source(source)
    data = read_with_base(path)
    apply_overrides(data, overrides, str(path))
    return validate(data, str(path))


def apply_overrides(data: dict[str, Any], overrides: Overrides, origin: str) -> None:
    """Apply every override to the raw scenario mapping ``data``, in order."""
    if isinstance(overrides, str):
        raise TypeError("overrides: a mapping or a list of key.path=value strings, not a str")
    if isinstance(overrides, Mapping):
        for key, value in overrides.items():
            set_value(data, str(key), value, origin)
    else:
        for item in overrides:
            apply_override(data, item, origin)


def with_overrides(scenario: Scenario, overrides: Overrides, origin: str | None = None
                   ) -> Scenario:
    """A new scenario: ``scenario`` with ``overrides`` applied, validated again.

    The one way to change a validated scenario: the value goes through the same key paths,
    schema and law as ``--set`` (:meth:`Scenario.with_overrides` calls this).
    """
    origin = origin or f"scenario {scenario.name!r}"
    data = scenario.model_dump(mode="json", exclude_none=True)
    apply_overrides(data, overrides, origin)
    return validate(data, origin)


def read_with_base(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a scenario file, merged over the file its ``extends`` key names.

    ``extends`` is a built-in name or a path relative to the file. Tables merge key by key;
    any other value (lists included) replaces the base's.
    """
    data = read_toml(path)
    base_name = data.pop("extends", None)
    if base_name is None:
        return data
    if not isinstance(base_name, str):
        raise ScenarioError(f"{path}: extends: expected a scenario name or path")
    relative = path.parent / base_name
    base_path = relative if relative.is_file() else builtin.path(base_name)
    if base_path is None:
        raise ScenarioError(f"{path}: extends: no such scenario {base_name!r}")
    if base_path.resolve() in seen:
        raise ScenarioError(f"{path}: extends: {base_name!r} extends itself")
    base = read_with_base(base_path, (*seen, path.resolve()))
    return _merge(base, data)


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def validate(data: dict[str, Any], origin: str) -> Scenario:
    """Validate a scenario mapping; ``origin`` names it in errors."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        lines = [
            f"{origin}: {key_path(err['loc'], data)}: {_message(err)}" if err["loc"]
            else f"{origin}: {_message(err)}"
            for err in exc.errors()
        ]
        raise ScenarioError("\n".join(lines)) from None


def _message(err: dict[str, Any]) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown key"
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] not in ("missing",) and "input" in err and not isinstance(err["input"], dict):
        msg += f" (got {err['input']!r})"
    return msg


def key_path(loc: tuple[Any, ...], data: Any, label: str = "name") -> str:
    """Render a pydantic location as ``municipalities[3] (Nokia).lat``.

    A list element is followed by its ``label`` value in parentheses when it has one.
    """
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get(label), str):
                out += f" ({node[label]})"
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(top level)"


def scenario_to_toml(scenario: Scenario) -> str:
    """The fully resolved scenario as TOML: every default written out, enough to rerun it."""
    header = "# Fully resolved scenario written by kasvu; rerun with `kasvu run THIS_FILE`.\n"
    return header + tomli_w.dumps(scenario.model_dump(mode="json", exclude_none=True))
