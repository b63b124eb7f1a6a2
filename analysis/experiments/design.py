"""Experimental designs (koeasetelmat) and seeds: pure functions from a spec to a run plan.

Every random choice of a sweep derives from one root :class:`numpy.random.SeedSequence`
entropy, keyed by what it is for:

- ``(0,)``: the design sampler (Latin hypercube, Sobol', Morris);
- ``(1, run index)``: the seed of each run (``(3, replication)`` with common random
  numbers, so replication *r* sees the same seed at every design point);
- ``(2,)``: bootstrap resampling of sensitivity confidence intervals.

Samplers work in the unit hypercube; :func:`from_unit` maps a coordinate to a parameter's
value (a range, whole numbers of a range, or one of a list), so the unit sample is what
SALib's analysers see and the mapped values are what the model sees.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .spec import DesignSpec, ParameterSpec, SweepSpec

SAMPLER_KEY = 0
RUN_KEY = 1
ANALYSIS_KEY = 2
REPLICATION_KEY = 3


def new_entropy() -> int:
    """Fresh root entropy from the operating system (128 bits)."""
    return int(np.random.SeedSequence().entropy)


def derive_seed(entropy: int, *key: int) -> int:
    """A 63-bit seed, a deterministic function of the root entropy and ``key``."""
    high, low = np.random.SeedSequence(entropy, spawn_key=key).generate_state(2, np.uint32)
    return ((int(high) << 32) | int(low)) >> 1


def salib_problem(keys: list[str]) -> dict[str, Any]:
    """SALib's problem definition over the unit hypercube of the swept parameters."""
    return {"num_vars": len(keys), "names": list(keys), "bounds": [[0.0, 1.0]] * len(keys)}


def unit_sample(design: DesignSpec, keys: list[str], seed: int) -> np.ndarray:
    """Rows of unit-hypercube coordinates from SALib's sampler for ``design.kind``.

    Sizes: lhs ``samples`` rows; sobol ``samples·(D+2)`` (``samples·(2D+2)`` with
    second order); morris ``samples·(D+1)``.
    """
    problem = salib_problem(keys)
    if design.kind == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, design.samples, seed=seed)
    if design.kind == "sobol":
        from SALib.sample import sobol

        return sobol.sample(
            problem, design.samples, calc_second_order=design.second_order, seed=seed
        )
    if design.kind == "morris":
        from SALib.sample import morris

        return morris.sample(problem, design.samples, num_levels=design.grid_levels, seed=seed)
    raise ValueError(f"{design.kind!r} is not a sampled design")


def from_unit(param: ParameterSpec, u: float) -> Any:
    """The value of ``param`` at unit coordinate ``u`` in [0, 1].

    A range maps linearly; whole numbers and listed values split [0, 1] into equal bins.
    """
    if param.values is not None:
        return param.values[_bin(u, len(param.values))]
    if param.integer:
        low, high = int(param.min), int(param.max)
        return low + _bin(u, high - low + 1)
    return float(param.min + u * (param.max - param.min))


def _bin(u: float, n: int) -> int:
    return min(int(math.floor(u * n)), n - 1)


def levels_of(param: ParameterSpec, levels: int) -> list[Any]:
    """A factorial design's values of one parameter: its list, or ``levels`` even steps."""
    if param.values is not None:
        return list(param.values)
    points = np.linspace(param.min, param.max, levels)
    if param.integer:
        return sorted({int(round(p)) for p in points})
    return [float(p) for p in points]


def design_matrix(spec: SweepSpec, entropy: int) -> tuple[list[list[Any]], list[list[float]]]:
    """The design: one row of parameter values per point, and its unit coordinates.

    The unit rows are empty for a factorial design (it is not sampled).
    """
    if spec.design.kind == "factorial":
        axes = [levels_of(p, spec.design.grid_levels) for p in spec.parameters]
        return [list(row) for row in itertools.product(*axes)], []
    keys = [p.key for p in spec.parameters]
    unit = unit_sample(spec.design, keys, derive_seed(entropy, SAMPLER_KEY))
    values = [
        [from_unit(p, float(u)) for p, u in zip(spec.parameters, row, strict=True)] for row in unit
    ]
    return values, unit.tolist()


@dataclass(frozen=True)
class PlannedRun:
    """One run of a sweep: design point × replication, with its seed."""

    run_id: str
    index: int
    point: int
    replication: int
    seed: int


def plan_runs(points: int, replications: int, entropy: int, common: bool) -> list[PlannedRun]:
    """Runs in order (point-major): index = point · replications + replication."""
    total = points * replications
    width = max(6, len(str(total - 1)))
    runs = []
    for index in range(total):
        point, rep = divmod(index, replications)
        key = (REPLICATION_KEY, rep) if common else (RUN_KEY, index)
        runs.append(
            PlannedRun(f"r{index:0{width}d}", index, point, rep, derive_seed(entropy, *key))
        )
    return runs
