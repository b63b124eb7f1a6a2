"""Scratch arrays of the kernels, kept between months (one per model, one thread)."""

from __future__ import annotations

import numpy as np


class Workspace:
    """Scratch arrays of the kernels, kept between calls (one per model, one thread).

    Performance: a Pirkanmaa month needs a few megabytes of scratch; allocating it afresh
    every month costs page faults, so arrays are kept and grown (with headroom) only when a
    call needs more. Holds no state between calls: every kernel initialises the part of an
    array it reads before reading it.
    """

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}

    def get(self, name: str, size: int, dtype: type = np.int64) -> np.ndarray:
        """A 1-D array of at least ``size`` entries, contents undefined."""
        arr = self._arrays.get(name)
        if arr is None or arr.shape[0] < size or arr.dtype != dtype:
            arr = np.empty(size + size // 4 + 16, dtype=dtype)
            self._arrays[name] = arr
        return arr
