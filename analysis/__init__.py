"""Kasvu's analysis: experiments with the model, their reports, and the ``kasvu`` command.

Everything here stands on the model's boundary, :func:`sim.run` and :func:`sim.simulate`.
What a researcher calls from Python:

- :func:`replicate`: a scenario over seeds ``seed, seed + 1, ...``, its tables stacked
  (``kasvu run``);
- :func:`compare`: two scenarios with common random numbers, B − A with confidence
  intervals, optionally by lever (``kasvu compare``);
- :func:`run_sweep`: start or resume a parameter sweep in a crash-safe directory
  (``kasvu sweep``); :func:`load`: read a sweep directory back as one table;
- :func:`sensitivity`: Sobol' or Morris indices of a sweep's outcomes
  (``kasvu sensitivity``);
- :func:`validate`: check a scenario against stylised facts (``kasvu validate``);
- :func:`write_report`: figures and an HTML report of a result directory
  (``kasvu report``).

Those that write a directory (``out``) check it before any work: a non-empty directory
that is not the function's own earlier result is refused with :class:`OutputError` (a
ValueError) unless ``overwrite=True``, and files they did not write are never deleted
(:mod:`analysis.outputs`).

The packages, by role:

- :mod:`analysis.experiments`: replications, comparisons and the levers' shares, sweep
  specs, designs, stores and executors, sensitivity indices;
- :mod:`analysis.report`: reading result directories, slide figures, the HTML report and
  its plain-language summary, labels in Finnish and English;
- :mod:`analysis.validation`: the stylised facts, their figures and the validation runs;
- :mod:`analysis.calibration`: the calibration targets, moments and search
  (``python -m analysis.calibration``);
- :mod:`analysis.app`: the what-if dashboard (``kasvu app``);
- :mod:`analysis.cli`: the ``kasvu`` command, one module per subcommand.

:mod:`analysis.paramdoc` writes the parameter reference ``docs/parameters.md`` from the
scenario schema; it reads no results, so it belongs to none of the packages.
:mod:`analysis.outputs` keeps the output directories of every package the user's.

The functions above are imported on first use, so that ``import analysis`` (and every
``kasvu`` command) loads matplotlib and the figures only when they are needed.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

_HOMES = {
    "replicate": "experiments",
    "compare": "experiments",
    "run_sweep": "experiments",
    "sensitivity": "experiments",
    "load": "experiments",
    "validate": "validation",
    "write_report": "report",
    "OutputError": "experiments",
}
"""Each exported function's (and the output directory error's) package."""

__all__ = ["OutputError", "compare", "load", "replicate", "run_sweep", "sensitivity",
           "validate", "write_report"]


def lazy_exports(package: str, homes: dict[str, str], exported: list[str]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` that import its exports on first use.

    Args:
        package: the package's ``__name__``.
        homes: each exported name's module, relative to the package (``".runs"``).
        exported: the package's ``__all__``.

    Returns:
        (``__getattr__``, ``__dir__``) for the package's module namespace (PEP 562); the
        first lookup of a name imports its module and keeps the value in the package.
    """
    def __getattr__(name: str) -> Any:  # noqa: N807 - the module hook's own name
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(homes[name], package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:  # noqa: N807
        return sorted({*vars(sys.modules[package]), *exported})

    return __getattr__, __dir__


__getattr__, __dir__ = lazy_exports(__name__, {k: f".{v}" for k, v in _HOMES.items()}, __all__)
