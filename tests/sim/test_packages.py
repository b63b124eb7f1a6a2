"""The sim packages: what each exports imports, and the layout stays small."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import sim

PACKAGES = ["sim", "sim.scenario", "sim.labour", "sim.services", "sim.organising"]
ROOT = Path(sim.__file__).parent


@pytest.mark.parametrize("name", PACKAGES)
def test_every_exported_name_imports(name):
    package = importlib.import_module(name)
    assert package.__doc__ and package.__all__
    star: dict[str, object] = {}
    exec(f"from {name} import *", star)  # noqa: S102 - the test of __all__ itself
    assert set(package.__all__) <= set(star)
    for attr in package.__all__:
        value = star[attr]
        module = getattr(value, "__module__", None)
        assert module is None or module.startswith("sim."), (attr, module)


def test_the_boundary_is_run_and_simulate():
    assert {"run", "simulate", "Results", "GrowthServicesModel"} <= set(sim.__all__)


def test_analysis_reaches_the_model_only_through_its_doors():
    """analysis imports sim's boundary, the scenario schema and named constants, never the
    model's components (they may change without notice)."""
    allowed = ("sim", "sim.scenario", "sim.collect", "sim.labour", "sim.run")
    for path in (ROOT.parent / "analysis").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and \
                    node.module.split(".")[0] == "sim":
                assert node.module.startswith(allowed) and not node.module.startswith(
                    ("sim.labour.", "sim.model")), f"{path}: from {node.module} import ..."
