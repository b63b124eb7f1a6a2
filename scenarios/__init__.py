"""Built-in scenario files (skenaariot): data only, located here so that installed copies find them.

Nothing in this package imports the model; ``sim`` reads these files, never the other way.
"""

from __future__ import annotations

from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent


def names() -> list[str]:
    """Names of the built-in scenarios, sorted."""
    return sorted(p.stem for p in DIRECTORY.glob("*.toml"))


def path(name: str) -> Path | None:
    """Path of the built-in scenario ``name``, or None when there is none."""
    candidate = DIRECTORY / f"{name}.toml"
    return candidate if candidate.is_file() else None
