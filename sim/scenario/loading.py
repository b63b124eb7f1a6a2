"""Loading, overriding and writing scenarios (skenaariot), with errors a person can act on.

A scenario is a TOML file or the name of a built-in one. Every error names the file, the
key path and what is wrong, and is raised as :class:`ScenarioError` before anything runs.
"""

from __future__ import annotations

import tomllib
import types
import typing
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ValidationError

import scenarios as builtin

from .schema import Scenario


class ScenarioError(ValueError):
    """A scenario that cannot be used: the message names the file, key path and problem."""


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


def load_scenario(source: str | Path, overrides: typing.Sequence[str] = ()) -> Scenario:
    """Load and validate a scenario, applying ``--set key.path=value`` overrides.

    Args:
        source: a path to a TOML file or the name of a built-in scenario.
        overrides: ``key.path=value`` strings; the value is read as a TOML value and
            falls back to a plain string.

    Raises:
        ScenarioError: the file, the key path and what is wrong.
    """
    path = resolve_source(source)
    data = read_with_base(path)
    for item in overrides:
        apply_override(data, item, str(path))
    return validate(data, str(path))


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


def parse_value(text: str) -> Any:
    """Read an override's value as TOML (numbers, booleans, lists, strings in quotes)."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def apply_override(data: dict[str, Any], item: str, origin: str) -> None:
    """Set ``key.path=value`` in ``data``; the path must exist in the scenario schema.

    List elements are addressed by index or, for municipalities, by name
    (``municipalities.Tampere.population=300000``).
    """
    key, sep, text = item.partition("=")
    if not sep or not key.strip():
        raise ScenarioError(f"{origin}: --set {item}: expected key.path=value")
    parts = key.strip().split(".")
    model: type[BaseModel] | None = Scenario
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            index = _list_index(node, part)
            if index is None:
                raise ScenarioError(f"{origin}: --set {key}: {where}: no such element")
            if last:
                node[index] = parse_value(text)
                return
            node = node[index]
            continue
        if model is None or part not in model.model_fields:
            raise ScenarioError(
                f"{origin}: --set {key}: {where}: no such key in the scenario schema"
            )
        field = model.model_fields[part]
        annotation = field.annotation
        model, is_list = _inner_model(annotation)
        if last:
            node[part] = parse_value(text)
            return
        if typing.get_origin(annotation) is dict:
            # A mapping such as alliance.levers: set one key, keeping the defaults of the rest.
            if not isinstance(node.get(part), dict):
                node[part] = dict(field.default) if isinstance(field.default, dict) else {}
            node[part][".".join(parts[depth + 1:])] = parse_value(text)
            return
        if is_list:
            if not isinstance(node.get(part), list):
                raise ScenarioError(f"{origin}: --set {key}: {where}: no such list in the file")
            node = node[part]
        else:
            if model is None:
                raise ScenarioError(f"{origin}: --set {key}: {where} is a value, not a table")
            node = node.setdefault(part, {})


def _list_index(items: list[Any], part: str) -> int | None:
    if part.isdigit():
        index = int(part)
        return index if index < len(items) else None
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == part:
            return index
    return None


def _inner_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model class inside ``X``, ``X | None`` or ``list[X] | None``, and whether a list."""
    is_list = False
    candidates = [annotation]
    while candidates:
        ann = candidates.pop()
        origin = typing.get_origin(ann)
        if origin in (typing.Union, types.UnionType):
            candidates.extend(a for a in typing.get_args(ann) if a is not type(None))
        elif origin is list:
            is_list = True
            candidates.extend(typing.get_args(ann))
        elif isinstance(ann, type) and issubclass(ann, BaseModel):
            return ann, is_list
    return None, is_list


def scenario_to_toml(scenario: Scenario) -> str:
    """The fully resolved scenario as TOML: every default written out, enough to rerun it."""
    header = "# Fully resolved scenario written by kasvu; rerun with `kasvu run THIS_FILE`.\n"
    return header + tomli_w.dumps(scenario.model_dump(mode="json", exclude_none=True))
