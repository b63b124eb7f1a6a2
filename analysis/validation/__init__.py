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

from .checks import ValidationPlan, make_plan, validate
from .facts import Fact

__all__ = ["Fact", "ValidationPlan", "make_plan", "validate"]
