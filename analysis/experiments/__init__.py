"""Experiments with the model (koeajot): replications, comparisons, sweeps and sensitivity.

Everything here stands on :func:`sim.run`. Where to look:

- :mod:`.runs`: :func:`replicate` a scenario over seeds (:class:`Replications`), run
  labelled jobs in worker processes, summarise, a run directory's files;
- :mod:`.paired`: B − A per replication with confidence intervals (``compare.csv``) and
  :func:`~.paired.mean_ci`;
- :mod:`.decomposition`: the alliance effect by lever, Shapley or one at a time;
- :mod:`.comparison`: :func:`compare` two scenarios with common random numbers
  (:class:`Comparison`);
- output directories that stay the user's are :mod:`analysis.outputs` (shared with the
  validation and the report); :class:`OutputError` and :class:`ResultNotWritten` are
  exported here too;
- :mod:`.spec`: sweep specifications (:func:`load_spec`); :mod:`.design`: designs and
  seeds; :mod:`.store`: a sweep's crash-safe result directory (:func:`load`), whose every
  file :mod:`.integrity` checks; :mod:`.executors`: where runs execute
  (:func:`make_executor`);
- :mod:`.sweep`: :func:`run_sweep` starts or resumes a sweep (:class:`SweepReport`);
  :mod:`.repair` rebuilds a lost manifest;
- :mod:`.indices`: Sobol' and Morris indices of a sweep's outcomes
  (:func:`sensitivity`).
"""

from __future__ import annotations

from .. import lazy_exports

_HOMES = {
    "OutputError": "..outputs",
    "ResultNotWritten": "..outputs",
    "Comparison": ".comparison",
    "compare": ".comparison",
    "make_executor": ".executors",
    "sensitivity": ".indices",
    "Replications": ".runs",
    "replicate": ".runs",
    "load_spec": ".spec",
    "load": ".store",
    "SweepReport": ".sweep",
    "run_sweep": ".sweep",
}
"""Each exported name's module. Imported on first use (PEP 562), so that ``kasvu run``
does not load what only comparisons and sweeps need (scipy.stats, the executors)."""

__all__ = ["Comparison", "OutputError", "Replications", "ResultNotWritten", "SweepReport",
           "compare", "load", "load_spec", "make_executor", "replicate", "run_sweep",
           "sensitivity"]


__getattr__, __dir__ = lazy_exports(__name__, _HOMES, __all__)
