"""How ``benchmarks/run.py`` times the fast and the naive model: block timings and clocks.

A :class:`Timing` keeps the wall seconds of repeated blocks of months (and, for the fast
model, the seconds in its labour-market core); :class:`StageClock` adds up the core's
seconds by wrapping the model's stage methods; :class:`MatchClock` times the matching
kernel and counts its applications.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from naive_mesa import NaiveMesaModel
from profile_month import STAGES, stage_owner

from sim.model import GrowthServicesModel

CORE_STAGES = tuple(stage for stage in STAGES if stage[1] != "record")
"""Stages of the fast model's month that the naive model also has: every timed stage of
:data:`profile_month.STAGES` but the record (the fast model's time series and books)."""

SERVICE_CALLS_IN_CORE = ("search", "busy", "expanded_reach", "vacancy_class", "count_hires",
                         "area_columns", "money_columns")
"""Growth-services methods (of ``model.services``) that core stages call: matching asks the
services for the seekers' applications and boosts, who is busy, which vacancies each
searcher sees, and counts the hires for them; measurement adds their columns. The naive
model has no services, so their time inside a core stage is not core."""


@dataclass
class Timing:
    """Repeated timings of a block of months."""

    persons: int
    months: int
    seconds: list[float] = field(default_factory=list)
    core_seconds: list[float] = field(default_factory=list)

    def rate(self, core: bool = False) -> float:
        """Median person-steps per second."""
        secs = self.core_seconds if core else self.seconds
        return self.persons * self.months / statistics.median(secs)

    def month_ms(self, core: bool = False) -> float:
        """Median milliseconds per month."""
        secs = self.core_seconds if core else self.seconds
        return 1000.0 * statistics.median(secs) / self.months


class StageClock:
    """Adds up the time a fast model spends in its core stages (wraps its methods).

    The time of the growth services' calls made from inside a core stage
    (:data:`SERVICE_CALLS_IN_CORE`) is taken out again; called elsewhere they are not timed.
    """

    def __init__(self, model: GrowthServicesModel) -> None:
        self.total = 0.0
        self.depth = 0  # core stages running (a stage may call another)
        for owner, name in CORE_STAGES:
            obj = stage_owner(model, owner)
            setattr(obj, name, self._core(getattr(obj, name)))
        for name in SERVICE_CALLS_IN_CORE:
            setattr(model.services, name, self._not_core(getattr(model.services, name)))

    def _core(self, method):
        def wrapper(*args, **kwargs):
            self.depth += 1
            t0 = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.depth -= 1
                if self.depth == 0:  # the outermost stage counts its nested ones
                    self.total += time.perf_counter() - t0

        return wrapper

    def _not_core(self, method):
        def wrapper(*args, **kwargs):
            if self.depth == 0:
                return method(*args, **kwargs)
            t0 = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.total -= time.perf_counter() - t0

        return wrapper


def step_fast(model: GrowthServicesModel, clock: StageClock, months: int) -> tuple[float, float]:
    """Step ``months`` months; return (wall seconds, seconds in core stages)."""
    clock.total = 0.0
    t0 = time.perf_counter()
    for _ in range(months):
        model.step()
    return time.perf_counter() - t0, clock.total


def step_naive(model: NaiveMesaModel, months: int) -> float:
    """Step ``months`` months of the naive model; return wall seconds."""
    t0 = time.perf_counter()
    for _ in range(months):
        model.step()
    return time.perf_counter() - t0


class MatchClock:
    """Times the matching kernel and counts its applications while active (a context).

    The model calls ``kernels.match`` through the module, so the wrapper sees every call.
    Used to show where the physical limit stands: the month's applications each cost a few
    cache misses in firm tables far larger than the caches.
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        self.applications = 0
        self.calls = 0

    def __enter__(self) -> MatchClock:
        import sim.labour.matching as k

        self._module, self._match = k, k.match

        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return self._match(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - t0
                self.applications += int(args[3].sum())  # s_apps: the month's applications
                self.calls += 1

        k.match = timed
        return self

    def __exit__(self, *exc) -> None:
        self._module.match = self._match

    def ns_per_application(self) -> float:
        """Kernel nanoseconds per application sent."""
        return 1e9 * self.seconds / max(self.applications, 1)
