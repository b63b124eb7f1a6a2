"""The house stays small: packages of about 12 modules, modules under 600 lines, classes
under 250 and functions under 120 (the limits of the project's style)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [p for top in ("sim", "analysis") for p in sorted((ROOT / top).rglob("__init__.py"))]


@pytest.mark.parametrize("package", [p.parent for p in PACKAGES],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_packages_modules_classes_and_functions_stay_small(package):
    modules = sorted(package.glob("*.py"))
    assert len(modules) <= 13, [m.name for m in modules]  # 12 modules and __init__
    for module in modules:
        text = module.read_text(encoding="utf-8")
        assert text.count("\n") <= 600, module.name
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                size = node.end_lineno - node.lineno + 1
                limit = 250 if isinstance(node, ast.ClassDef) else 120
                assert size <= limit, (module.name, node.name, size)


def _is_cached_njit(decorator: ast.expr) -> bool:
    """``@nb.njit(cache=True, ...)`` or ``@numba.njit(cache=True, ...)``."""
    return (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == "njit"
            and any(k.arg == "cache" and isinstance(k.value, ast.Constant) and k.value.value
                    for k in decorator.keywords))


def test_every_kernel_is_compiled_and_cached():
    # A private `_..._kernel` without its decorator still runs, as Python, hundreds of
    # times slower: the outputs stay right and only the benchmarks would notice.
    plain = []
    for module in sorted((ROOT / "sim").rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.FunctionDef) and node.name.startswith("_")
                    and node.name.endswith("_kernel")
                    and not any(_is_cached_njit(d) for d in node.decorator_list)):
                plain.append(f"{module.relative_to(ROOT)}:{node.name}")
    assert plain == []


def test_make_coverage_traces_every_kernel_modules_own_tests():
    # `make coverage` runs only KERNEL_TESTS with the JIT off, so a kernel module whose own
    # test file is missing from that list would count its kernels as never run.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(x for x in makefile.splitlines() if x.startswith("KERNEL_TESTS"))
    listed = set(line.split(":=", 1)[1].split())
    for module in sorted((ROOT / "sim").rglob("*.py")):
        if "@nb.njit" not in module.read_text(encoding="utf-8"):
            continue
        own = module.parent.relative_to(ROOT)
        test = Path("tests") / own / f"test_{module.stem}.py"
        if (ROOT / test).exists():
            assert str(test) in listed, f"{test} (kernels of {module.name}) not in KERNEL_TESTS"
    assert all((ROOT / path).exists() for path in listed), listed
