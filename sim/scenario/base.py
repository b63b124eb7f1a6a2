"""The base of every scenario table: strict validation, and the share type.

Ground floor of :mod:`sim.scenario`: imports nothing of the project.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Share = Annotated[float, Field(ge=0.0, le=1.0)]
"""A fraction in [0, 1]."""


class Strict(BaseModel):
    """Base for every scenario table: unknown keys and silent type coercion are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ScenarioError(ValueError):
    """A scenario that cannot be used: the message names the file, key path and problem."""
