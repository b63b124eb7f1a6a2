"""The analysis packages: what each exports imports, and the layout stays small."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import analysis

PACKAGES = ["analysis", "analysis.app", "analysis.calibration", "analysis.cli",
            "analysis.experiments", "analysis.report", "analysis.validation"]
ROOT = Path(analysis.__file__).parent


@pytest.mark.parametrize("name", PACKAGES)
def test_every_exported_name_imports(name):
    package = importlib.import_module(name)
    assert package.__doc__ and package.__all__
    for attr in package.__all__:
        value = getattr(package, attr)
        assert value.__module__.startswith("analysis."), (attr, value.__module__)
    star: dict[str, object] = {}
    exec(f"from {name} import *", star)  # noqa: S102 - the test of __all__ itself
    assert set(package.__all__) <= set(star)


@pytest.mark.parametrize("name", PACKAGES)
def test_exported_names_are_not_also_module_names(name):
    package = importlib.import_module(name)
    modules = {info.name for info in pkgutil.iter_modules(package.__path__)}
    assert not modules & set(package.__all__)


def test_the_researchers_functions_are_the_packages_own():
    from analysis import experiments, report, validation

    assert analysis.compare is experiments.compare
    assert analysis.replicate is experiments.replicate
    assert analysis.run_sweep is experiments.run_sweep
    assert analysis.sensitivity is experiments.sensitivity
    assert analysis.load is experiments.load
    assert analysis.validate is validation.validate
    assert analysis.write_report is report.write_report
    assert set(analysis.__all__) <= set(dir(analysis))
    with pytest.raises(AttributeError, match="no attribute 'no_such_function'"):
        analysis.no_such_function  # noqa: B018 - the lookup is what is tested


def test_top_level_holds_only_packages_and_what_belongs_to_none():
    """The parameter reference (from the schema) and the output directories (written by
    experiments, validation and reports alike) belong to no one package."""
    modules = {p.name for p in ROOT.glob("*.py")}
    assert modules == {"__init__.py", "outputs.py", "paramdoc.py"}


def test_commands_load_only_what_they_use():
    # Every kasvu start builds the parser of every command: it must not load the model,
    # and `kasvu run` must not load what comparisons, sweeps, decisions, figures and the
    # dashboard need (a warm `kasvu run tiny --months 1` should take under 2 seconds).
    probe = """
import sys
from analysis.cli import build_parser, main
build_parser()
parser_only = [m for m in ("sim", "mesa", "numba", "pandas", "scipy") if m in sys.modules]
main(["run", "tiny", "--months", "0", "--quiet", "--out", sys.argv[1]])
heavy = ("scipy.stats", "matplotlib", "ema_workbench", "solara", "SALib", "dask",
         "analysis.experiments.comparison", "analysis.validation.checks")
print(parser_only, [m for m in heavy if m in sys.modules], "sim" in sys.modules)
"""
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as out:
        proc = subprocess.run([sys.executable, "-c", probe, str(Path(out) / "run")],
                              capture_output=True, text=True, check=True, cwd=ROOT.parent)
    assert proc.stdout.strip().splitlines()[-1] == "[] [] True"
