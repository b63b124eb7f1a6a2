"""What a second thread gives on this machine (part of ``make bench``).

Two measurements, each alternated in one process so that both sides see the same load:

- a compiled loop that only computes (:func:`_spin`), two parts of it one after another in
  the caller and side by side on two threads, the caller and a helper from the matching
  pool (:func:`sim.labour.pool.in_parts`), at three sizes: what two threads can
  give at best to work cut into parts of that length;
- job matching's phases on one and on two threads, month by month alternated
  (:class:`PhaseClock`): which phases run on every thread, how much a second thread takes
  off each, and what stays on one thread.

Usage::

    python benchmarks/threads.py            # Pirkanmaa and Finland (about a minute)
    python benchmarks/threads.py --quick    # the tiny region, small loops
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numba as nb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sim.labour.applications as applications  # noqa: E402
import sim.labour.matching as matching  # noqa: E402
import sim.labour.pool as pool  # noqa: E402
from sim import load_scenario  # noqa: E402
from sim.model import GrowthServicesModel  # noqa: E402

SIZES = (200_000, 2_000_000, 20_000_000)
"""Iterations of each part of the compute-only loop: about 0.2, 2 and 20 ms a part, the
lengths of a part of matching in the region (a few ms) and in the country (tens of ms)."""

PHASES = (
    ("build_rows", "rows of bucket weights built", True),
    ("count_round", "applications numbered", True),
    ("send", "applications pick vacancies", True),
    ("count_by_firm", "grouped by firm: counted", True),
    ("scatter_by_firm", "grouped by firm: scattered", True),
    ("rank_by_firm", "each firm ranks its own", True),
    ("_open_round", "open firms", False),
    ("place_by_firm", "grouped by firm: placed", False),
    ("_close_round", "firms offer, seekers accept", False),
    ("_prepare", "the month's tables", False),
)
"""Matching's phases as (function, what it does, split into parts on threads)."""


@nb.njit(nogil=True)
def _spin(n, lo, hi):
    """``n`` × (hi − lo) steps of arithmetic and nothing else (no memory traffic)."""
    s = 0.0
    for i in range(n * (hi - lo)):
        s += (i % 7) * 0.5
    return s


def pool_scaling(sizes: tuple[int, ...] = SIZES, reps: int = 15) -> list[tuple[int, float, float]]:
    """Per size: median ms of two parts one after another, and on two threads.

    The parts go through :func:`~sim.labour.pool.in_parts`, as matching's do: on
    one thread in the caller, on two in the caller and a helper from the matching pool.
    """
    _spin(1, 0, 1)  # compiled before timing
    bounds = [0, 1, 2]
    rows = []
    for n in sizes:
        one, two = [], []
        for _ in range(reps):
            for threads, out in ((1, one), (2, two)):
                t0 = time.perf_counter()
                pool.in_parts(_spin, (n,), bounds, threads)
                out.append(time.perf_counter() - t0)
        rows.append((n, 1e3 * statistics.median(one), 1e3 * statistics.median(two)))
    return rows


class PhaseClock:
    """Wall time of each matching phase and of the whole kernel call (a context).

    Wraps the phases where the kernel's driver looks them up (module attributes), so
    every call is seen: the phases split into parts on threads by the kernel that
    :func:`~sim.labour.pool.in_parts` runs, the others by name. The passes over
    persons that import ``in_parts`` by name are not counted here (they are not matching).
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._saved: list[tuple[object, str, object]] = []

    def _wrap(self, module, name: str, label=None) -> None:
        original = getattr(module, name)
        self._saved.append((module, name, original))

        def timed(*args, **kwargs):
            key = label(args) if label else name
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[key] += time.perf_counter() - t0

        setattr(module, name, timed)

    def __enter__(self) -> PhaseClock:
        self._wrap(matching, "match", lambda args: "kernel")
        for name in ("_prepare", "_open_round", "_close_round"):
            self._wrap(matching, name)
        self._wrap(applications, "place_by_firm")
        self._wrap(pool, "in_parts", lambda args: args[0].__name__)
        return self

    def __exit__(self, *exc) -> None:
        for module, name, original in reversed(self._saved):
            setattr(module, name, original)
        self._saved.clear()


def matching_on_threads(name: str, burn_in: int | None, skip: int, months: int,
                        seed: int = 1) -> dict[int, dict[str, float]]:
    """Median ms a month of each phase, the kernel and the month, on 1 and on 2 threads.

    After ``skip`` untimed months, ``2 × months`` months alternate one thread and two
    (the months differ, the alternation gives each side the same mix). The thread count
    changes the time only, never the result.
    """
    overrides = [] if burn_in is None else [f"simulation.burn_in_months={burn_in}"]
    model = GrowthServicesModel(load_scenario(name, overrides), seed=seed,
                                months=skip + 2 * months + 1)
    for _ in range(skip):
        model.step()
    samples: dict[int, dict[str, list[float]]] = {1: defaultdict(list), 2: defaultdict(list)}
    try:
        for k in range(2 * months):
            threads = 1 + k % 2
            pool.set_matching_threads(threads)
            with PhaseClock() as clock:
                t0 = time.perf_counter()
                model.step()
                clock.seconds["month"] = time.perf_counter() - t0
            for key, secs in clock.seconds.items():
                samples[threads][key].append(secs)
    finally:
        pool.set_matching_threads(None)
    return {t: {key: 1e3 * statistics.median(v) for key, v in s.items()}
            for t, s in samples.items()}


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b > 0 else "–"


def render(loop: list[tuple[int, float, float]],
           scales: list[tuple[str, int, dict[int, dict[str, float]]]]) -> list[str]:
    """The Markdown section: the loop's scaling, then each scale's phases."""
    lines = [
        "## What a second thread gives here",
        "",
        "`benchmarks/threads.py`. A compiled loop that only computes, cut into two equal "
        "parts, run one after another in the caller and side by side on two threads (the "
        "caller and a helper from the matching pool; medians of 15, alternated):",
        "",
        "| one part | two parts, one thread | two parts, two threads | speed-up |",
        "|---|---:|---:|---:|",
    ]
    for n, one, two in loop:
        lines.append(f"| {one / 2:.2f} ms ({n:,} steps) | {one:.2f} ms | {two:.2f} ms | "
                     f"{_ratio(one, two)} |")
    for name, months, by in scales:
        one, two = by[1], by[2]
        listed = sum(one.get(p, 0.0) for p, _, _ in PHASES)
        lines += [
            "",
            f"Job matching in `{name}` on one and on two threads (medians of {months} months "
            "each, alternated month by month). The phases on threads split a round into "
            "parts; a round of fewer than two parts' worth of applications stays in the "
            "caller (`split_work`):",
            "",
            "| phase | runs on | 1 thread, ms | 2 threads, ms | speed-up |",
            "|---|---|---:|---:|---:|",
        ]
        for phase, what, parallel in PHASES:
            if phase in one:
                lines.append(f"| {what} (`{phase}`) | {'threads' if parallel else 'caller'} "
                             f"| {one[phase]:.1f} | {two.get(phase, 0.0):.1f} | "
                             f"{_ratio(one[phase], two.get(phase, 0.0))} |")
        rest1 = one["kernel"] - listed
        rest2 = two["kernel"] - sum(two.get(p, 0.0) for p, _, _ in PHASES)
        lines += [
            f"| the wrapper's checks and tables | caller | {rest1:.1f} | {rest2:.1f} | "
            f"{_ratio(rest1, rest2)} |",
            f"| **matching kernel** | | {one['kernel']:.1f} | {two['kernel']:.1f} | "
            f"{_ratio(one['kernel'], two['kernel'])} |",
            f"| whole month | | {one['month']:.1f} | {two['month']:.1f} | "
            f"{_ratio(one['month'], two['month'])} |",
            "",
            f"On two threads the matching kernel alone takes {two['kernel']:.1f} ms a month: "
            f"{120 * two['kernel'] / 1e3:.1f} s of any 120 months, if every other stage took "
            "no time.",
        ]
    return lines


def section(quick: bool) -> list[str]:
    """Measure and render (``quick``: the tiny region and short loops, for the tests)."""
    if quick:
        return render(pool_scaling(SIZES[:1], reps=3), [("tiny", 2, matching_on_threads(
            "tiny", 12, 2, 2))])
    return render(pool_scaling(), [
        ("pirkanmaa-alliance", 6, matching_on_threads("pirkanmaa-alliance", None, 13, 6)),
        ("finland", 4, matching_on_threads("finland", 1, 13, 4)),
    ])


def main(argv: list[str] | None = None) -> int:
    """Print the section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny region, short loops")
    args = parser.parse_args(argv)
    sys.stdout.write("\n".join(section(args.quick)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
