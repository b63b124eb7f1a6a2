"""Validation (validointi): does the model behave like real labour markets and firms?

``kasvu validate`` runs a scenario over a demand cycle, one randomised trial per service
and the displacement design, and checks nine stylised facts from the literature. Where to
look:

- :mod:`.checks`: the plan (:func:`make_plan`, :class:`ValidationPlan`), the runs, the
  checks and the report (:func:`validate`);
- :mod:`.facts`: each stylised fact as a small pure function returning a :class:`Fact`
  (statistics with confidence intervals, the reference, the rule and the verdict);
- :mod:`.matching`: the matching function, within municipalities with their neighbours
  within commuting reach held fixed;
- :mod:`.transitions`: the worker flows (job-to-job moves, quarterly transitions);
- :mod:`.displacement`: what the treated gain and what treating more jobseekers adds,
  region-wide and in a two-level trial across municipalities (the displacement fact);
- :mod:`.figures`: one slide figure per fact.
"""

from __future__ import annotations

from .. import lazy_exports

DEFAULT_SCENARIO = "pirkanmaa-separate"
"""The scenario validated when none is given: the calibrated default region."""

_HOMES = {"Fact": ".facts", "ValidationPlan": ".checks", "make_plan": ".checks",
          "validate": ".checks"}
"""Each exported name's module, imported on first use (PEP 562): the ``kasvu`` parser
reads :data:`DEFAULT_SCENARIO` at every start without loading the validation."""

__all__ = ["Fact", "ValidationPlan", "make_plan", "validate"]


__getattr__, __dir__ = lazy_exports(__name__, _HOMES, __all__)
