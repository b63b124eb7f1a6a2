"""Analysis on top of the model: runs, comparisons, sweeps, figures and the kasvu CLI."""

from .experiments import load

__all__ = ["load"]
