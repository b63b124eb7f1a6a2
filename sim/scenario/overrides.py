"""Overrides (muutokset): set one value of a scenario by its key path, checked by the schema.

A key path names a value the way a TOML file nests it: tables and fields by name, separated
by dots (``labour.monthly_separation_rate``), list elements by index or, when they have a
``name``, by name (``municipalities.Tampere.population``, ``providers.0.quality``). A name
that contains a dot or a bracket is quoted, as in TOML, or given in brackets:
``municipalities."St. Olof".population`` or ``municipalities["St. Olof"].population``;
``municipalities[3].population`` is the fourth element.

This is the one place where a value enters a scenario from outside its file: the ``--set``
option, the Python ``overrides=`` mappings of :func:`sim.run` and
:meth:`~sim.scenario.Scenario.with_overrides`, sweeps, calibration and the dashboard all
come through :func:`set_value`, so they share its errors.
"""

from __future__ import annotations

import tomllib
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .base import ScenarioError


@dataclass(frozen=True)
class Part:
    """One step of a key path: a name, or an index into a list."""

    text: str
    quoted: bool = False  # given in quotes: always a name, never an index

    @property
    def index(self) -> int | None:
        """The list index this part names, or None for a name."""
        return int(self.text) if self.text.isdigit() and not self.quoted else None


def split_key(key: str) -> list[Part]:
    """The parts of a key path (see the module docstring).

    Raises:
        ValueError: an empty part, an unclosed quote or bracket.
    """
    parts: list[Part] = []
    i, n = 0, len(key)
    expect_part = True  # at the start and after a dot
    while i < n:
        ch = key[i]
        if ch == "[":
            close = key.find("]", i)
            if close < 0:
                raise ValueError(f"unclosed '[' in {key!r}")
            inner = key[i + 1:close].strip()
            if inner[:1] in ('"', "'"):
                name, end = _quoted(inner, 0)
                if inner[end:].strip():
                    raise ValueError(f"unexpected text after the quoted name in {key!r}")
                parts.append(Part(name, quoted=True))
            elif inner.isdigit():
                parts.append(Part(inner))
            else:
                raise ValueError(f"expected an index or a quoted name in [...] in {key!r}")
            i = close + 1
            expect_part = False
        elif ch == ".":
            if expect_part:
                raise ValueError(f"empty part in {key!r}")
            i += 1
            expect_part = True
        elif not expect_part:
            raise ValueError(f"expected '.' or '[' after a part in {key!r}")
        elif ch in ('"', "'"):
            name, i = _quoted(key, i)
            parts.append(Part(name, quoted=True))
            expect_part = False
        else:
            j = i
            while j < n and key[j] not in ".[":
                j += 1
            text = key[i:j].strip()
            if not text:
                raise ValueError(f"empty part in {key!r}")
            parts.append(Part(text))
            i = j
            expect_part = False
    if expect_part:
        raise ValueError(f"empty part in {key!r}")
    return parts


def _quoted(text: str, start: int) -> tuple[str, int]:
    """The quoted string starting at ``start`` (TOML rules) and the index after it."""
    quote = text[start]
    j = start + 1
    while j < len(text):
        if text[j] == "\\" and quote == '"':
            j += 2
            continue
        if text[j] == quote:
            break
        j += 1
    else:
        raise ValueError(f"unclosed quote in {text!r}")
    literal = text[start:j + 1]
    return tomllib.loads(f"v = {literal}")["v"], j + 1


def join_key(parts: list[Part]) -> str:
    """A key path from parts, quoting the names that need it (the inverse of split_key)."""
    out = ""
    for part in parts:
        if part.index is not None:
            out += ("." if out else "") + part.text
            continue
        plain = part.text and all(c not in part.text for c in '.[]"\'') \
            and part.text.strip() == part.text and not (part.quoted and part.text.isdigit())
        text = part.text if plain else '"' + part.text.replace("\\", "\\\\").replace(
            '"', '\\"') + '"'
        out += ("." if out else "") + text
    return out


def parse_value(text: str) -> Any:
    """Read an override's value as TOML (numbers, booleans, lists, strings in quotes).

    Text that is not a TOML value is taken as a plain string.
    """
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def apply_override(data: dict[str, Any], item: str, origin: str) -> None:
    """Set ``key.path=value`` (the ``--set`` form) in the raw scenario mapping ``data``."""
    key, sep, text = item.partition("=")
    if not sep or not key.strip():
        raise ScenarioError(f"{origin}: --set {item}: expected key.path=value")
    set_value(data, key.strip(), parse_value(text.strip()), origin)


def set_value(data: dict[str, Any], key: str, value: Any, origin: str) -> None:
    """Set the value at ``key`` in ``data``; the path must exist in the scenario schema.

    ``data`` is a scenario as read from TOML (nested dicts and lists). The value itself is
    checked when the scenario is validated.

    Raises:
        ScenarioError: naming ``origin``, the key and the part of it that does not exist.
    """
    from .schema import Scenario  # the schema imports nothing of this module's users

    try:
        parts = split_key(key)
    except ValueError as exc:
        raise ScenarioError(f"{origin}: --set {key}: {exc}") from None
    model: type[BaseModel] | None = Scenario
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = join_key(parts[: depth + 1])
        if isinstance(node, list):
            index = _list_index(node, part)
            if index is None:
                raise ScenarioError(f"{origin}: --set {key}: {where}: no such element")
            if last:
                node[index] = value
                return
            node = node[index]
            continue
        if not isinstance(node, dict) or model is None or part.text not in model.model_fields:
            raise ScenarioError(
                f"{origin}: --set {key}: {where}: no such key in the scenario schema"
            )
        field = model.model_fields[part.text]
        annotation = field.annotation
        model, is_list = inner_model(annotation)
        if last:
            node[part.text] = value
            return
        if typing.get_origin(annotation) is dict:
            # A mapping such as alliance.levers: set one key, keeping the defaults of the rest.
            if not isinstance(node.get(part.text), dict):
                node[part.text] = dict(field.default) if isinstance(field.default, dict) else {}
            node[part.text][".".join(p.text for p in parts[depth + 1:])] = value
            return
        if is_list:
            if not isinstance(node.get(part.text), list):
                raise ScenarioError(f"{origin}: --set {key}: {where}: no such list in the file")
            node = node[part.text]
        else:
            if model is None:
                raise ScenarioError(f"{origin}: --set {key}: {where} is a value, not a table")
            if part.text not in node:
                node[part.text] = _default_table(field)
            node = node[part.text]


def _default_table(field: FieldInfo) -> dict[str, Any]:
    """A table the file leaves out, as raw data holding the schema's defaults.

    Setting one value of it keeps the others: a service of the catalogue, say, has no
    defaults of its own, only those the catalogue gives it, which an empty table would
    lose (``services.coaching.employability_gain=0`` on a file without ``[services]``).
    """
    default = field.get_default(call_default_factory=True)
    return default.model_dump() if isinstance(default, BaseModel) else {}


def _list_index(items: list[Any], part: Part) -> int | None:
    """The element ``part`` names: by index, or by its ``name``."""
    if part.index is not None:
        return part.index if part.index < len(items) else None
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == part.text:
            return index
    return None


def inner_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
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
