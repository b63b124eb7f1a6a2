"""Measurements in fresh processes for ``benchmarks/run.py``: start-up time and memory.

:func:`compile_seconds` times import, build and one step of ``tiny`` in fresh processes,
with an empty and then a filled numba cache; :func:`command_seconds` the command
``kasvu run tiny --months 1`` with a filled one; :func:`memory` measures the peak bytes per
person of a scenario's run in a fresh process.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COMPILE_PROBE = """
import time
t0 = time.perf_counter()
from sim import load_scenario
from sim.model import GrowthServicesModel
t1 = time.perf_counter()
m = GrowthServicesModel(load_scenario("tiny", ["simulation.burn_in_months=1"]), seed=1)
m.step()
print(t1 - t0, time.perf_counter() - t0)
"""


def compile_seconds(warm_reps: int, cold: bool = True) -> tuple[float | None, list[float],
                                                                  list[float]]:
    """Cold seconds, warm seconds and warm import seconds of import + build tiny + one step.

    Each is a fresh process. Cold compiles every kernel into an empty numba cache
    (``NUMBA_CACHE_DIR``), median of ``warm_reps`` such starts; the warm runs reuse the
    cache filled by the last cold one. Without
    ``cold`` the warm runs use the default cache as it is.
    """
    def probe(env):
        proc = subprocess.run([sys.executable, "-c", COMPILE_PROBE], env=env, cwd=ROOT,
                              capture_output=True, text=True, check=True)
        imports, total = map(float, proc.stdout.strip().splitlines()[-1].split())
        return imports, total

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cold_runs = []
    # A cold start varies by a few seconds from run to run: the median of ``warm_reps``
    # cold starts, each into an empty cache of its own; the last one's cache serves the
    # warm runs.
    for k in range(warm_reps if cold else 1):
        with tempfile.TemporaryDirectory() as cache:
            if cold:
                env["NUMBA_CACHE_DIR"] = cache
                cold_runs.append(probe(env)[1])
            if k == (warm_reps - 1 if cold else 0):
                warm = [probe(env) for _ in range(warm_reps)]
    cold_s = statistics.median(cold_runs) if cold_runs else None
    return cold_s, [w[1] for w in warm], [w[0] for w in warm]


def command_seconds(reps: int) -> list[float]:
    """Wall seconds of ``kasvu run tiny --months 1`` in fresh processes, warm numba cache.

    What a user waits for: the interpreter's start, the command's imports, building
    ``tiny`` with its burn-in, one month and writing the results; one untimed run first
    fills the cache.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    seconds = []
    with tempfile.TemporaryDirectory() as out:
        for k in range(reps + 1):
            command = [sys.executable, "-m", "analysis.cli", "run", "tiny", "--months", "1",
                       "--quiet", "--overwrite", "--out", str(Path(out) / "tiny")]
            t0 = time.perf_counter()
            subprocess.run(command, env=env, cwd=ROOT, capture_output=True, check=True)
            if k:  # the first run only fills the cache
                seconds.append(time.perf_counter() - t0)
    return seconds


MEMORY_PROBE = """
import gc, resource, sys, tracemalloc
from sim import load_scenario
from sim.model import GrowthServicesModel


def status(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(key))


name, months = sys.argv[1], int(sys.argv[2])
# The baseline: interpreter, imports and every kernel loaded (a tiny model built, stepped
# and dropped), so that what is left is what the region's persons and firms cost.
t = GrowthServicesModel(load_scenario("tiny", ["simulation.burn_in_months=1"]), seed=1)
t.step(); t.release(); del t; gc.collect()
# Compiling a kernel (a stale numba cache) can raise the process's peak above anything the
# model needs; Linux resets the peak (VmHWM) on writing 5 to clear_refs, so the peak read
# afterwards is the model's own. Elsewhere the lifetime maximum RSS is the fallback.
try:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    base, peak_of = status("VmRSS:"), lambda: status("VmHWM:")
except OSError:
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    peak_of = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # noqa: E731
tracemalloc.start()  # numpy reports its array allocations to tracemalloc
m = GrowthServicesModel(load_scenario(name), seed=1, months=months)
for _ in range(months):
    m.step()
peak_traced = tracemalloc.get_traced_memory()[1]
print(m.persons.size, base, peak_of(), peak_traced)
"""


@dataclass
class Memory:
    """Peak memory of a process that builds a scenario (burn-in included) and runs it."""

    name: str
    months: int
    persons: int
    base_rss: int
    peak_rss: int
    peak_traced: int

    @property
    def rss_per_person(self) -> float:
        """Peak resident set size above the baseline, bytes per person."""
        return (self.peak_rss - self.base_rss) / self.persons

    @property
    def traced_per_person(self) -> float:
        """Peak of traced allocations (numpy arrays and Python objects), bytes per person."""
        return self.peak_traced / self.persons


def memory(name: str, months: int) -> Memory:
    """Peak bytes per person in a fresh process (peak RSS above baseline, and tracemalloc)."""
    proc = subprocess.run([sys.executable, "-c", MEMORY_PROBE, name, str(months)],
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT,
                          capture_output=True, text=True, check=True)
    persons, base, peak, traced = map(int, proc.stdout.strip().splitlines()[-1].split())
    return Memory(name, months, persons, base, peak, traced)
