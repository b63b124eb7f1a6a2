"""Kasvu's model: a region's persons, firms and organisers, stepped month by month.

The public surface is small: :func:`run` (the boundary function), the model class, and the
scenario loader with its error type.
"""

from .model import GrowthServicesModel
from .run import Results, run
from .scenario import Scenario, ScenarioError, load_scenario

__all__ = ["GrowthServicesModel", "Results", "Scenario", "ScenarioError", "load_scenario", "run"]
