"""Decisions under uncertainty (päätökset epävarmuudessa): does a choice hold up?

Robust decision making (Lempert, Popper & Bankes 2003) over the model: every alternative
(scenario; the first is the reference) runs at every design point of the space of
uncertainties (each assumption's plausible range) and every seed, on the sweep engine of
:mod:`analysis.experiments`. Where to look:

- :mod:`.spec`: decision specs (:func:`load_decision`), the space of uncertainties and
  which keys apply to which alternative;
- :mod:`.study`: :func:`run_decision` starts or resumes a study directory;
- :mod:`.stats`: paired differences, share better, expected difference, regret (pure);
- :mod:`.discovery`: PRIM boxes (EMA Workbench) and the uncertainties that matter;
- :mod:`.results`: decision.json, decision.parquet and the printed summary.
"""

from .results import analyse, summary_text, write_results
from .spec import Decision, load_decision
from .study import DecisionReport, is_decision, outcome_table, read_plan, run_decision


def describe(decision: Decision) -> str:
    """One line: alternatives, uncertainties, design, seeds and months."""
    spec = decision.spec
    points = spec.design.samples if spec.design.kind == "lhs" else \
        spec.design.samples * (len(decision.uncertainties) + 2)
    runs = points * spec.replications * len(decision.alternatives)
    return (f"{spec.name}: {len(decision.alternatives)} alternatives (reference "
            f"{decision.reference}) × {points} {spec.design.kind} points over "
            f"{len(decision.uncertainties)} uncertainties × {spec.replications} seed(s) = "
            f"{runs} runs of {decision.months} months")


__all__ = ["Decision", "DecisionReport", "analyse", "describe", "is_decision", "load_decision",
           "outcome_table", "read_plan", "run_decision", "summary_text", "write_results"]
