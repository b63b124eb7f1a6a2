"""Docstrings that are true: every cross-reference in the code names something that exists.

A reference such as :func:`sim.labour.matching.match` or :mod:`.units` in a docstring or
comment of ``sim``, ``analysis``, ``benchmarks`` or ``tests`` must resolve to a module,
class, function or attribute of the project, so that renaming a module cannot leave its
old name behind in the documentation.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROLE = re.compile(r":(?:mod|func|class|meth|data|attr|exc):`~?([A-Za-z_.][\w.]*)`")
PACKAGES = ("sim", "analysis")


def module_name(path: Path) -> str:
    """The dotted module name of a project file (its package for ``__init__.py``)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def resolve(dotted: str) -> bool:
    """Whether ``dotted`` names an importable module or an attribute path under one."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for k, name in enumerate(parts[cut:]):
            if hasattr(obj, name):
                obj = getattr(obj, name)
            elif isinstance(obj, type) and k == len(parts) - cut - 1:
                return instance_attribute(obj, name)
            else:
                return False
        return True
    return False


def instance_attribute(cls: type, name: str) -> bool:
    """Whether instances of ``cls`` get attribute ``name`` (annotated, or set in a method)."""
    if name in getattr(cls, "__annotations__", {}):
        return True
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        return False
    return re.search(rf"self\.{name}\b\s*(?::[^=]*)?=", source) is not None


def candidates(ref: str, module: str, is_package: bool) -> list[str]:
    """Absolute names ``ref`` may stand for, written in ``module``."""
    if ref.startswith("."):
        base = module.split(".") if is_package else module.split(".")[:-1]
        level = len(ref) - len(ref.lstrip("."))
        base = base[: len(base) - (level - 1)] if level > 1 else base
        return [".".join([*base, ref.lstrip(".")])]
    names = [f"{module}.{ref}", ref, f"builtins.{ref}"]
    try:  # a method or attribute named from inside its class
        mod = importlib.import_module(module)
        names += [f"{module}.{cls}.{ref}" for cls, obj in vars(mod).items()
                  if isinstance(obj, type) and obj.__module__ == module]
    except ImportError:
        pass
    return names


def references() -> list[tuple[str, int, str, str, bool]]:
    """(file, line, reference, module, is_package) for every reference in the project."""
    out = []
    for folder in (*PACKAGES, "benchmarks", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            module = module_name(path)
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for ref in ROLE.findall(line):
                    out.append((str(path.relative_to(ROOT)), number, ref, module,
                                path.name == "__init__.py"))
    return out


REFERENCES = references()


def test_there_are_references_to_check():
    assert len(REFERENCES) > 100


@pytest.mark.parametrize("where", [r for r in REFERENCES if r[3].split(".")[0] in PACKAGES],
                         ids=lambda r: f"{r[0]}:{r[1]}:{r[2]}")
def test_reference_in_the_packages_resolves(where):
    path, number, ref, module, is_package = where
    assert any(resolve(c) for c in candidates(ref, module, is_package)), \
        f"{path}:{number}: {ref} names nothing"


@pytest.mark.parametrize("where", [r for r in REFERENCES if r[3].split(".")[0] not in PACKAGES],
                         ids=lambda r: f"{r[0]}:{r[1]}:{r[2]}")
def test_reference_in_tests_and_benchmarks_resolves(where):
    path, number, ref, _module, _is_package = where
    assert resolve(ref.lstrip(".")) or ref.split(".")[0] not in PACKAGES, \
        f"{path}:{number}: {ref} names nothing"
