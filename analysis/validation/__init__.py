"""Validation (validointi): does the model behave like real labour markets and firms?

``kasvu validate`` runs a scenario over a demand cycle, one randomised trial per service
and the displacement design, and checks eight stylised facts from the literature. Where to
look:

- :mod:`.checks`: the plan (:func:`make_plan`, :class:`ValidationPlan`), the runs, the
  checks and the report (:func:`validate`);
- :mod:`.facts`: each stylised fact as a small pure function returning a :class:`Fact`
  (statistics with confidence intervals, the reference, the rule and the verdict);
- :mod:`.transitions`: the worker flows (job-to-job moves, quarterly transitions);
- :mod:`.displacement`: what the treated gain and what treating more jobseekers adds,
  region-wide and in a two-level trial across municipalities (the displacement fact);
- :mod:`.figures`: one slide figure per fact.
"""

from __future__ import annotations

import importlib
from typing import Any

DEFAULT_SCENARIO = "pirkanmaa-separate"
"""The scenario validated when none is given: the calibrated default region."""

_HOMES = {"Fact": ".facts", "ValidationPlan": ".checks", "make_plan": ".checks",
          "validate": ".checks"}
"""Each exported name's module, imported on first use (PEP 562): the ``kasvu`` parser
reads :data:`DEFAULT_SCENARIO` at every start without loading the validation."""

__all__ = ["Fact", "ValidationPlan", "make_plan", "validate"]


def __getattr__(name: str) -> Any:
    """Import an exported name from its module on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the exported ones among them before their first use."""
    return sorted({*globals(), *__all__})
