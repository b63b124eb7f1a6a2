"""Calibration (kalibrointi) of the default region to public figures.

``make calibrate`` (``python -m analysis.calibration``) searches the free parameters of
``calibration/targets.toml`` by the simulated method of moments and writes
``calibration/result.json`` and ``result.md``. Where to look:

- :mod:`.targets`: the targets file: free parameters, moments and each mode's settings
  (:func:`load_targets`);
- :mod:`.moments`: what one seeded model gives for each moment
  (:func:`simulate_moments`), and the weighted distance to the targets;
- :mod:`.search`: the Latin hypercube and Nelder-Mead search (:func:`calibrate`) and the
  command line;
- :mod:`.result`: the result as a readable page, and writing it.
"""

from .moments import simulate_moments
from .search import calibrate
from .targets import load_targets

__all__ = ["calibrate", "load_targets", "simulate_moments"]
