"""The base of every scenario table: strict validation, finite numbers, the share type.

Ground floor of :mod:`sim.scenario`: imports nothing of the project.
"""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_MAGNITUDE = 1e12
"""The largest magnitude any number in a scenario may take: no parameter of the model
(euros, persons, months, kilometres) has a meaningful value beyond it, and a larger one
only overflows or exhausts memory later, far from the key that caused it."""

Share = Annotated[float, Field(ge=0.0, le=1.0)]
"""A fraction in [0, 1]."""


def plausible(low: float, high: float, note: str) -> dict[str, Any]:
    """The ``json_schema_extra`` of an assumption: its plausible range and why that range.

    A sweep or a sensitivity analysis takes the range as the span worth exploring; it lies
    within the field's valid bounds and holds the default and the shipped scenarios' values
    (``tests/sim/scenario/test_plausible_ranges.py``). See :mod:`sim.scenario.ranges`.

    Args:
        low: the lowest plausible value.
        high: the highest plausible value.
        note: one line on why this range (the evidence, or "assumption: ...").
    """
    return {"plausible_range": [low, high], "range_note": note}


class Strict(BaseModel):
    """Base for every scenario table: unknown keys and silent type coercion are errors.

    Every number must be finite (no ``inf`` or ``nan``) and at most :data:`MAX_MAGNITUDE`
    in size, in lists and tables of numbers too.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _not_absurd(cls, value: Any) -> Any:
        check_magnitude(value)
        return value


def check_magnitude(value: Any, where: str = "") -> None:
    """Raise ``ValueError`` when a number in ``value`` (nested lists, dicts) is too large.

    The message names the entry of a list (``[2]``) or table (``Tampere``) that holds it.
    """
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        if not abs(value) <= MAX_MAGNITUDE:  # also catches nan in plain dicts and lists
            at = f"{where}: " if where else ""
            raise ValueError(f"{at}must be a finite number within ±{MAX_MAGNITUDE:.0e}")
    elif isinstance(value, list | tuple):
        for k, item in enumerate(value):
            check_magnitude(item, f"{where}[{k}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_magnitude(item, f"{where}.{key}" if where else str(key))


class InputError(ValueError):
    """Input the model cannot use; the message names it, what is wrong and what to do."""


class ScenarioError(InputError):
    """A scenario that cannot be used: the message names the file, key path and problem."""


class SeedError(InputError):
    """A seed outside the range the model takes (see :data:`MAX_SEED`)."""


MAX_SEED = 2**63 - 1
"""The largest seed: seeds are stored as 64-bit integers, exactly, in every table."""


def check_seed(seed: int, count: int = 1) -> None:
    """Raise :class:`SeedError` unless ``seed .. seed + count - 1`` are all valid seeds."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise SeedError(f"seed {seed!r}: a seed is a whole number in 0..{MAX_SEED}")
    last = int(seed) + count - 1
    if seed < 0 or last > MAX_SEED:
        what = f"seeds {seed}..{last}" if count > 1 else f"seed {seed}"
        raise SeedError(f"{what}: seeds must lie in 0..{MAX_SEED} (stored as 64-bit "
                        "integers); choose a smaller seed")
