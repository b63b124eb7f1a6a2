"""Kasvu's model: a region's persons, firms and organisers, stepped month by month.

The public surface is small: :func:`run` and :func:`simulate` (the boundary), the model
class, the scenario type with its loader and error. Inside, packages by concept:

- :mod:`sim.scenario`: what a run is asked: the schema, loading, overrides, the law;
- :mod:`sim.labour`: persons and firms, their flows and job matching;
- :mod:`sim.services`: the services' state, eligibility and effects; providers;
- :mod:`sim.organising`: organisers, purchasing units, the alliance, payments and books;
- :mod:`sim.model`: the wiring and the month's schedule; :mod:`sim.run`: the boundary.
"""

from . import lazy_mesa  # noqa: F401 - first, before `import mesa`: see sim.lazy_mesa
from .model import GrowthServicesModel
from .run import Results, Simulation, run, simulate
from .scenario import MAX_SEED, InputError, Scenario, ScenarioError, SeedError, load_scenario

__all__ = ["MAX_SEED", "GrowthServicesModel", "InputError", "Results", "Scenario", "ScenarioError",
           "SeedError", "Simulation", "load_scenario", "run", "simulate"]
