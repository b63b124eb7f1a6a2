"""Runs of the built-in scenarios shared by the tests of a session (computed once each)."""

from __future__ import annotations

import functools

import scenarios as builtin
from sim import Results, load_scenario, run

LONG_RUN_MONTHS = 36
"""Three budget years: an alliance's formation, development and settlements in each of
the built-in Pirkanmaa and tiny scenarios."""

REGIONAL = [n for n in builtin.names() if not n.startswith("finland")]
"""Built-in scenarios small enough to run for years in a test (Finland's 2.8 million
persons are left to the benchmarks)."""


@functools.cache
def long_run(name: str) -> Results:
    """Built-in scenario ``name`` over :data:`LONG_RUN_MONTHS` months, seed 7."""
    return run(load_scenario(name, [f"simulation.months={LONG_RUN_MONTHS}"]), 7)
