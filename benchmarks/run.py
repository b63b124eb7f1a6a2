"""Speed of Kasvu: person-steps per second, against a naive Mesa model of the same rules.

Usage::

    python benchmarks/run.py --out docs/benchmarks.md      # what `make bench` runs
    python benchmarks/run.py --quick                       # a smoke run, a minute or so

A person-step is one person simulated for one month; the rate is persons × months / wall
seconds of ``model.step()`` calls. Every rate is measured after compilation and after one
untimed warm-up month, and burn-in is never timed: the fast model's scenario rows are timed
after its burn-in (its steady state, as a user runs it), and each fast-versus-naive pair
starts both models from the same initial populations (burn-in 0, one untimed month each)
and times the same months, alternating the two models in one process, so that the ratio
of each pair sees the same machine load. Rates are medians over repetitions; the ratios
are medians of the per-pair ratios.

Two rates are given for the fast model: the whole month as ``sim.run`` steps it (with the
growth services, cooperation and books), and its labour-market core, the time spent in the
stages that the naive model also has (demand shocks, deaths, separations, births,
vacancies, matching, ageing, measurement). The naive model (``benchmarks/naive_mesa.py``)
has only that core, so the core ratio is the like-for-like comparison. At Finland scale the
naive model is run for one timed month per repetition (about 3 GB and 2-3 minutes in all;
``--no-naive-finland`` skips it). Also reported: Pirkanmaa's 120 months after burn-in, and
the compilation time (fresh processes with an empty and a filled numba cache). The whole
run takes about five minutes on two cores. Progress goes to stderr; the Markdown report
goes to ``--out``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import mesa  # noqa: E402
import numba  # noqa: E402
import numpy as np  # noqa: E402
from naive_mesa import NaiveMesaModel  # noqa: E402
from sweep_bench import HEADER as SWEEP_HEADER  # noqa: E402
from sweep_bench import bench_rows  # noqa: E402

from sim import load_scenario  # noqa: E402
from sim.model import GrowthServicesModel  # noqa: E402

CORE_STAGES = (
    "demand_shocks",
    "firm_deaths",
    "separations",
    "firm_births",
    "post_vacancies",
    "job_matching",
    "unemployment_ageing",
    "measure",
)
"""Stages of the fast model's month that the naive model also has."""

START = time.perf_counter()


def log(message: str) -> None:
    """Progress on stderr, with the seconds since the start."""
    print(f"[{time.perf_counter() - START:7.1f} s] {message}", file=sys.stderr, flush=True)


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
    """Adds up the time a fast model spends in its core stages (wraps its methods)."""

    def __init__(self, model: GrowthServicesModel) -> None:
        self.total = 0.0
        for name in CORE_STAGES:
            method = getattr(model, name, None)
            if method is not None:
                setattr(model, name, self._timed(method))

    def _timed(self, method):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.total += time.perf_counter() - t0

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


def bench_fast(name: str, months: int, reps: int, seed: int = 1) -> tuple[Timing, float]:
    """Time the fast model after its burn-in; return the timing and construction seconds."""
    scenario = load_scenario(name)
    log(f"{name}: building (burn-in {scenario.simulation.burn_in_months} months)")
    t0 = time.perf_counter()
    model = GrowthServicesModel(scenario, seed=seed, months=months * reps + 1)
    built = time.perf_counter() - t0
    clock = StageClock(model)
    model.step()  # warm-up month
    timing = Timing(model.persons.size, months)
    for r in range(reps):
        wall, core = step_fast(model, clock, months)
        timing.seconds.append(wall)
        timing.core_seconds.append(core)
        log(f"{name}: rep {r + 1}/{reps}: {months} months in {wall:.3f} s (core {core:.3f} s)")
    return timing, built


def bench_pair(name: str, months: int, reps: int, seed: int = 1) -> tuple[Timing, Timing]:
    """Fast and naive models from the same initial state, alternated in this process."""
    scenario = load_scenario(name, ["simulation.burn_in_months=0"])
    log(f"{name}: building the fast and the naive model from the same initial state")
    fast = GrowthServicesModel(scenario, seed=seed, months=months * reps + 1)
    clock = StageClock(fast)
    t0 = time.perf_counter()
    naive = NaiveMesaModel(scenario, seed=seed)
    log(f"{name}: naive model built in {time.perf_counter() - t0:.1f} s")
    fast.step()
    naive.step()  # warm-up month for both (the initial reshuffle of workers)
    tf = Timing(fast.persons.size, months)
    tn = Timing(len(naive.persons), months)
    for r in range(reps):
        wall, core = step_fast(fast, clock, months)
        tf.seconds.append(wall)
        tf.core_seconds.append(core)
        tn.seconds.append(step_naive(naive, months))
        log(
            f"{name}: pair {r + 1}/{reps}: fast {wall:.3f} s (core {core:.3f} s), "
            f"naive {tn.seconds[-1]:.2f} s for {months} months"
        )
    return tf, tn


def ten_years(name: str, months: int, seed: int = 1) -> tuple[float, float, float]:
    """Seconds to build (burn-in included) and to step ``months`` months, and the core."""
    scenario = load_scenario(name)
    t0 = time.perf_counter()
    model = GrowthServicesModel(scenario, seed=seed, months=months)
    built = time.perf_counter() - t0
    clock = StageClock(model)
    wall, core = step_fast(model, clock, months)
    return built, wall, core


COMPILE_PROBE = """
import time
t0 = time.perf_counter()
from sim import load_scenario
from sim.model import GrowthServicesModel
m = GrowthServicesModel(load_scenario("tiny", ["simulation.burn_in_months=1"]), seed=1)
m.step()
print(time.perf_counter() - t0)
"""


def compile_seconds() -> tuple[float, float]:
    """(cold, warm) seconds to import, build tiny and step once, in fresh processes.

    Cold compiles every kernel into an empty numba cache (``NUMBA_CACHE_DIR``); warm is the
    same with that cache filled. Cold minus warm is the compilation time.
    """
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache, "PYTHONPATH": str(ROOT)}
        out = []
        for _ in range(2):
            proc = subprocess.run(
                [sys.executable, "-c", COMPILE_PROBE],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            out.append(float(proc.stdout.strip().splitlines()[-1]))
    return out[0], out[1]


def machine() -> dict[str, str]:
    """Date, machine and versions for the table's header."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        commit = commit + (" + uncommitted changes" if dirty else "") if commit else "unknown"
    except OSError:
        commit = "unknown"
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "unknown"
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "load": load,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "mesa": mesa.__version__,
        "commit": commit,
    }


def fmt_rate(x: float) -> str:
    """Person-steps per second, readable."""
    if x >= 1e6:
        return f"{x / 1e6:.2f} M"
    if x >= 1e3:
        return f"{x / 1e3:.1f} k"
    return f"{x:.0f}"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="Markdown file to write (stdout if absent)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: tiny only, short blocks, 2 reps"
    )
    parser.add_argument(
        "--no-naive-finland",
        action="store_true",
        help="skip the naive model at Finland scale (2.8M Mesa agents: about 3 GB, 2-3 min)",
    )
    args = parser.parse_args(argv)
    reps = 2 if args.quick else args.reps
    info = machine()
    log(f"machine: {info['cpu']}, {info['nproc']} CPUs, load {info['load']}")

    log("compile time: fresh processes with an empty and then a filled numba cache")
    cold, warm = compile_seconds()
    log(f"compile: cold {cold:.1f} s, warm {warm:.1f} s")

    scen = (
        [("tiny", 24)]
        if args.quick
        else [
            ("tiny", 24),
            ("pirkanmaa-separate", 12),
            ("finland-synthetic", 2),
        ]
    )
    fast_rows = []
    for name, months in scen:
        timing, built = bench_fast(name, months, reps)
        fast_rows.append((name, timing, built))

    pair_rows = []
    pairs = [("tiny", 6)] if args.quick else [("tiny", 12), ("pirkanmaa-separate", 2)]
    for name, months in pairs:
        pair_rows.append((name, *bench_pair(name, months, reps)))

    decade = None
    if not args.quick:
        log("pirkanmaa-separate: 120 months after burn-in")
        decade = ten_years("pirkanmaa-separate", 120)
        log(f"pirkanmaa-separate: built in {decade[0]:.1f} s, 120 months in {decade[1]:.2f} s")

    finland_naive = None
    if not (args.no_naive_finland or args.quick):
        finland_naive = bench_pair("finland-synthetic", 1, 2)

    sweep_rows = []
    if not args.quick:
        log("sweep: runs per hour with 1 and 2 local workers")
        sweep_rows = bench_rows()

    lines = render(info, cold, warm, fast_rows, pair_rows, decade, finland_naive, args)
    if sweep_rows:
        lines += ["", "## Sweeps: runs per hour with 1 and 2 local workers", "",
                  *SWEEP_HEADER, *sweep_rows]
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        log(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    log("done")
    return 0


def pair_line(name: str, tf: Timing, tn: Timing) -> str:
    """One row of the fast-against-naive table."""
    whole = statistics.median(n / f for n, f in zip(tn.seconds, tf.seconds, strict=True))
    core = statistics.median(n / c for n, c in zip(tn.seconds, tf.core_seconds, strict=True))
    return (
        f"| {name} | {tf.persons:,} | {tf.months} × {len(tf.seconds)} | "
        f"{fmt_rate(tn.rate())} | {fmt_rate(tf.rate())} / {fmt_rate(tf.rate(True))} | "
        f"{whole:.0f}× | {core:.0f}× |"
    )


def render(info, cold, warm, fast_rows, pair_rows, decade, finland_naive, args) -> list[str]:
    """The Markdown report."""
    command = "python benchmarks/run.py " + " ".join(sys.argv[1:])
    lines = [
        "# Benchmarks",
        "",
        f"- date: {info['date']}",
        f"- machine: {info['cpu']}, nproc {info['nproc']}, load average at start {info['load']}",
        f"- versions: Python {info['python']}, numpy {info['numpy']}, numba {info['numba']}, "
        f"mesa {info['mesa']}; kasvu {info['commit']}",
        f"- command: `{command}` (`make bench`)",
        "",
        "A person-step is one person simulated for one month: rate = persons × months / wall "
        "seconds of `model.step()`. Every rate is after compilation and one untimed warm-up "
        "month; burn-in is never timed. *Whole month* is the fast model's step as `sim.run` "
        "does it (labour market plus growth services, cooperation and books); *core* is the "
        "time in the stages the naive Mesa model also has (demand shocks, deaths, "
        "separations, births, vacancies, matching, ageing, measurement). Medians of "
        f"{'2' if args.quick else args.reps} repetitions.",
        "",
        "## Fast model, after burn-in",
        "",
        "| scenario | persons | months timed | ms / month | person-steps / s | "
        "core ms / month | core person-steps / s | build incl. burn-in, s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, t, built in fast_rows:
        lines.append(
            f"| {name} | {t.persons:,} | {t.months} × {len(t.seconds)} | {t.month_ms():.1f} | "
            f"{fmt_rate(t.rate())} | {t.month_ms(True):.1f} | {fmt_rate(t.rate(True))} | "
            f"{built:.1f} |"
        )
    lines += [
        "",
        "## Fast against naive Mesa (same initial state, alternated in one process)",
        "",
        "| scenario | persons | months timed | naive person-steps / s | fast person-steps / s "
        "(whole / core) | ratio whole month | ratio core (like for like) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    rows = list(pair_rows)
    if finland_naive is not None:
        rows.append(("finland-synthetic", *finland_naive))
    lines += [pair_line(name, tf, tn) for name, tf, tn in rows]
    if finland_naive is None and not args.quick:
        lines.append("| finland-synthetic | 2,799,997 | not run (`--no-naive-finland`) | | | | |")
    lines += ["", "Ratios are medians of the per-pair ratios (naive seconds / fast seconds)."]
    if finland_naive is not None:
        lines += [
            "At Finland scale the naive model times 1 month per repetition after its warm-up "
            "month: its 2.8 million Mesa agents take about 3 GB and most of a minute to build, "
            "and one of its months takes tens of seconds."
        ]
    lines += ["", "## Pirkanmaa, ten years", ""]
    if decade is not None:
        built, wall, core = decade
        lines += [
            f"- 120 months after burn-in, once compiled: **{wall:.2f} s** "
            f"(of which labour-market core {core:.2f} s)",
            f"- building the model including its 36-month burn-in: {built:.1f} s",
        ]
    lines += [
        f"- compilation: {cold - warm:.1f} s (a fresh process with an empty numba cache "
        f"takes {cold:.1f} s to import, build tiny and step once; with the cache filled "
        f"{warm:.1f} s)",
    ]
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
