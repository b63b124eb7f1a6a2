"""Sweep throughput: runs per hour of the Pirkanmaa scenario with 1 and 2 local workers.

Not a timed test: a measurement for the benchmark table. ``bench_rows()`` returns Markdown
rows (``| case | measured | result |``); run this file on its own to print them with a
header::

    .venv/bin/python benchmarks/sweep_bench.py [--runs 8] [--months 12] [--burn-in 6]

Each measurement is a real sweep (``analysis.sweep.run_sweep``: tasks, runs, Parquet
writes) on a local process pool whose workers are already started and warmed up, so the
rate is the steady state of a long sweep; the pool's start-up is reported beside it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.experiments.executors import LocalExecutor, worker_pid  # noqa: E402
from analysis.experiments.spec import load_spec  # noqa: E402
from analysis.experiments.sweep import run_sweep  # noqa: E402

HEADER = ["| case | measured | result |", "|---|---|---|"]

SPEC = """
name = "sweep-bench"
base = "pirkanmaa-separate"
set = ["simulation.burn_in_months={burn_in}"]
months = {months}
entropy = 1
outcomes = ["final_unemployment_rate"]

[design]
kind = "lhs"
samples = {runs}

[[parameters]]
key = "labour.monthly_separation_rate"
min = 0.008
max = 0.010
"""


class _Warm:
    """An entered executor that ``run_sweep`` may enter again without restarting it."""

    def __init__(self, executor: LocalExecutor) -> None:
        self.executor = executor

    def __enter__(self) -> LocalExecutor:
        return self.executor

    def __exit__(self, *exc: object) -> None:
        return None


def measure(workers: int, runs: int, months: int, burn_in: int) -> tuple[float, float]:
    """Seconds of pool start-up (with warm-up) and of a ``runs``-run sweep on warm workers."""
    with tempfile.TemporaryDirectory(prefix="kasvu-sweep-bench-") as tmp:
        spec = Path(tmp) / "bench.toml"
        spec.write_text(SPEC.format(runs=runs, months=months, burn_in=burn_in))
        sweep = load_spec(spec)
        start = time.perf_counter()
        with LocalExecutor(workers) as executor:
            _wait_for_workers(executor)
            started = time.perf_counter() - start
            begin = time.perf_counter()
            report = run_sweep(sweep, Path(tmp) / "out", _Warm(executor), progress=False)
            seconds = time.perf_counter() - begin
    if report.done != runs:
        raise RuntimeError(f"benchmark sweep: {report.failed} of {runs} runs failed")
    return started, seconds


def _wait_for_workers(executor: LocalExecutor, rounds: int = 20) -> None:
    """Return once every worker has started and run its warm-up initializer."""
    seen: set[int] = set()
    for _ in range(rounds):
        delays = [0.2] * (2 * executor.workers)
        seen |= {pid for _, pid in executor.map_unordered(worker_pid, delays)}
        if len(seen) >= executor.workers:
            return


def bench_rows(runs: int = 8, months: int = 12, burn_in: int = 6) -> list[str]:
    """Markdown rows: runs per hour with 1 and 2 local workers, and their ratio."""
    return bench(runs, months, burn_in)[0]


def bench(
    runs: int = 8, months: int = 12, burn_in: int = 6, reps: int = 1
) -> tuple[list[str], float]:
    """Markdown rows and the median speed-up (2 workers / 1) over ``reps`` interleaved pairs."""
    case = f"sweep, Pirkanmaa {months} months (burn-in {burn_in}), {runs} runs"
    rows = []
    speedups = []
    for rep in range(reps):
        rates = {}
        for workers in (1, 2):
            load = os.getloadavg()[0]  # other processes on the machine skew the ratio
            started, seconds = measure(workers, runs, months, burn_in)
            rates[workers] = runs / seconds * 3600
            rows.append(
                f"| {case}, {workers} local worker{'s' if workers > 1 else ''}"
                f"{f' (pair {rep + 1})' if reps > 1 else ''} | "
                f"{seconds:.1f} s on warm workers (pool start-up {started:.1f} s; "
                f"load average {load:.1f} before) | {rates[workers]:,.0f} runs/h |"
            )
        speedups.append(rates[2] / rates[1])
    speedup = statistics.median(speedups)
    rows.append(
        f"| sweep speed-up, 2 workers / 1 worker | runs per hour, median of {reps} "
        f"pair{'s' if reps > 1 else ''} | {speedup:.2f}× |"
    )
    return rows, speedup


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--burn-in", type=int, default=6)
    args = parser.parse_args(argv)
    print("\n".join([*HEADER, *bench_rows(args.runs, args.months, args.burn_in)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
