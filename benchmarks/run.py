"""Speed of Kasvu: the issue's six targets, and person-steps per second against naive Mesa.

Usage::

    python benchmarks/run.py --out docs/benchmarks.md      # what `make bench` runs
    python benchmarks/run.py --quick                       # a smoke run of the plumbing

The report opens with the table of the six targets (naive-Mesa ratio, Finland 120 months,
Pirkanmaa 120 months, peak bytes per person, compilation and warm start-up, sweep speed-up
on two workers), each with its measured value, whether it is met and how it was measured.

A person-step is one person simulated for one month; the rate is persons × months / wall
seconds of ``model.step()`` calls. Every rate is measured after compilation and after one
untimed warm-up month, and burn-in is never timed: the fast model's scenario rows are timed
after its burn-in (its steady state, as a user runs it), and each fast-versus-naive pair
starts both models from the same initial populations (burn-in 0, one untimed month each)
and times the same months, alternating the two models in one process, so that the ratio
of each pair sees the same machine load. Rates are medians over repetitions; the ratios
are medians of the per-pair ratios.

Two rates are given for the fast model: the whole month as ``sim.run`` steps it (with the
growth services, cooperation, alliances and books), and its labour-market core, the time
spent in the stages that the naive model also has (demand shocks, deaths, separations,
labour-force flows, births, vacancies, matching, ageing, measurement), less the growth
services' calls made inside them (who searches with which services, which vacancies they
see, the outcome record, the services' columns). The naive model
(``benchmarks/naive_mesa.py``) has only that core, so the core ratio is the like-for-like
comparison. The region (``pirkanmaa-alliance``) and the country (``finland``) run the full
model, alliances with every lever on. Finland's 120 months run ``--reps`` times (minutes);
its memory is measured in a fresh process (peak RSS of the run above a baseline with every
kernel loaded, and the tracemalloc peak, which includes numpy's arrays). ``--naive-finland``
adds the naive model
at Finland scale (about 3 GB). The whole run takes about eight minutes on two cores.
Progress goes to stderr; the Markdown report goes to ``--out``. The clocks live in
``benchmarks/clocks.py``, the fresh-process measurements in ``benchmarks/probes.py``, what
a second thread gives (a compute-only loop, and job matching's phases on one and two
threads) in ``benchmarks/threads.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import mesa  # noqa: E402
import numba  # noqa: E402
import numpy as np  # noqa: E402
from clocks import MatchClock, StageClock, Timing, step_fast, step_naive  # noqa: E402
from compare_versions import SECTION as CHANGES  # noqa: E402
from naive_mesa import NaiveMesaModel  # noqa: E402
from probes import Memory, command_seconds, compile_seconds, memory  # noqa: E402
from profile_month import profile  # noqa: E402
from sweep_bench import HEADER as SWEEP_HEADER  # noqa: E402
from sweep_bench import bench as sweep_bench  # noqa: E402
from threads import section as threads_section  # noqa: E402

from sim import load_scenario  # noqa: E402
from sim.labour import matching_threads  # noqa: E402
from sim.labour.flows import bernoulli_indices  # noqa: E402
from sim.model import GrowthServicesModel  # noqa: E402

FULL_REGION = "pirkanmaa-alliance"
"""The region of targets 1 and 3: all services, and an alliance with every lever on."""

COUNTRY = "finland"
"""The country of targets 2 and 4: 19 regional alliances with every lever on."""

START = time.perf_counter()


def log(message: str) -> None:
    """Progress on stderr, with the seconds since the start."""
    print(f"[{time.perf_counter() - START:7.1f} s] {message}", file=sys.stderr, flush=True)


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


def ten_years(
    name: str, months: int, seed: int = 1, match_clock: MatchClock | None = None
) -> tuple[float, float, float]:
    """Seconds to build (burn-in included) and to step ``months`` months, and the core.

    ``match_clock``, when given, times the matching kernel in the stepped months.
    """
    scenario = load_scenario(name)
    t0 = time.perf_counter()
    model = GrowthServicesModel(scenario, seed=seed, months=months)
    built = time.perf_counter() - t0
    clock = StageClock(model)
    if match_clock is None:
        wall, core = step_fast(model, clock, months)
    else:
        with match_clock:
            wall, core = step_fast(model, clock, months)
    model.release()
    return built, wall, core


def random_draws_seconds(name: str, months: int, seed: int = 1) -> float:
    """Seconds the core's random draws of one month take at this scale, times ``months``.

    The draws a month makes from the generators (a uniform per firm slot for deaths and
    for screening, a Laplace shock per live firm, the Bernoulli draws of quits and match
    shocks) with this scenario's sizes, drawn alone. The applications', the labour-force
    flows' and on-the-job search's uniforms are computed inside their kernels from stream
    keys (sim.labour.draws), so their cost is in the kernels' time.
    """
    scenario = load_scenario(name, ["simulation.burn_in_months=0"])
    model = GrowthServicesModel(scenario, seed=seed, months=1)  # built: the sizes only
    cap = model.firms.capacity
    alive = int(model.firms.alive.sum())
    persons = model.persons.size
    model.release()
    lab = scenario.labour
    rates = (lab.monthly_separation_rate, lab.monthly_match_shock_rate)
    rng = np.random.default_rng(seed)
    scale = np.full(alive, 0.1)
    seconds = []
    for _ in range(5):  # median of five months' draws
        t0 = time.perf_counter()
        rng.random(cap)
        rng.random(cap)
        rng.laplace(0.0, scale)
        for rate in rates:
            bernoulli_indices(rng, persons, rate)
        seconds.append(time.perf_counter() - t0)
    return statistics.median(seconds) * months


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
        "--quick", action="store_true",
        help="smoke run of the plumbing: tiny only, short blocks, 2 reps, warm compile only, "
        "no sweeps (its numbers are not the targets')",
    )
    parser.add_argument(
        "--naive-finland",
        action="store_true",
        help="also pair the naive model at Finland scale (3.4 M person and 0.3 M firm agents: "
        "about 3 GB, several minutes)",
    )
    args = parser.parse_args(argv)
    reps = 2 if args.quick else args.reps
    info = machine()
    log(f"machine: {info['cpu']}, {info['nproc']} CPUs, load {info['load']}")
    run = Results(reps=reps, quick=args.quick)

    log("compile time: fresh processes with an empty and then a filled numba cache")
    run.cold, run.warm, run.warm_imports = compile_seconds(reps, cold=not args.quick)
    log(f"compile: cold (median) {run.cold}, warm {[round(w, 2) for w in run.warm]}")
    run.command = command_seconds(reps)
    log(f"kasvu run tiny --months 1, warm: {[round(w, 2) for w in run.command]}")

    full = "tiny" if args.quick else FULL_REGION
    country = "tiny" if args.quick else COUNTRY
    scen = [("tiny", 24)] if args.quick else [("tiny", 24), (FULL_REGION, 12)]
    for name, months in scen:
        timing, built = bench_fast(name, months, reps)
        run.fast_rows.append((name, timing, built))

    pairs = [("tiny", 6)] if args.quick else [("tiny", 12), (FULL_REGION, 2)]
    for name, months in pairs:
        run.pair_rows.append((name, *bench_pair(name, months, reps)))
    if args.naive_finland and not args.quick:
        run.pair_rows.append((country, *bench_pair(country, 1, 2)))

    months = 24 if args.quick else 120
    log(f"{full}: {months} months after burn-in, {reps} times")
    for _ in range(reps):
        clock = MatchClock()
        run.decades.append(ten_years(full, months, match_clock=clock))
        run.decade_match.append(clock)
        log(f"{full}: built in {run.decades[-1][0]:.1f} s, {months} months in "
            f"{run.decades[-1][1]:.2f} s")
    run.decade_months = months
    run.decade_name = full

    f_months = 3 if args.quick else 120
    log(f"{country}: {f_months} months after burn-in, {reps} times (minutes at national scale)")
    country_runs = []
    for _ in range(reps):
        clock = MatchClock()
        country_runs.append((ten_years(country, f_months, match_clock=clock), clock))
        log(f"{country}: built in {country_runs[-1][0][0]:.1f} s, {f_months} months in "
            f"{country_runs[-1][0][1]:.2f} s")
    # The run of median wall time stands for the country, with its matching-kernel clock.
    country_runs.sort(key=lambda r: r[0][1])
    run.country, run.country_match = country_runs[len(country_runs) // 2]
    run.country_walls = [r[0][1] for r in country_runs]
    run.country_months = f_months
    run.country_draws = random_draws_seconds(country, f_months)

    mem_months = 3 if args.quick else 12
    log(f"{country}: peak memory of a fresh process, burn-in and {mem_months} months")
    run.memory = memory(country, mem_months)
    log(f"memory: {run.memory.rss_per_person:.0f} B/person (peak RSS above baseline), "
        f"{run.memory.traced_per_person:.0f} B/person traced")

    # Profiles from month 13 on, when the alliances' levers act (skip 12 untimed months).
    for name, months, burn_in in ([("tiny", 3, 1)] if args.quick else
                                  [(FULL_REGION, 12, 12), (COUNTRY, 3, 1)]):
        log(f"{name}: profile of {months} months (stage timers, then cProfile)")
        run.profiles.append(profile(name, months, burn_in, top=12, skip=0 if args.quick else 12))

    log("threads: a compute-only loop and job matching's phases on 1 and 2 threads")
    run.threads_section = threads_section(args.quick)

    if not args.quick:
        log("sweep: runs per hour with 1 and 2 local workers")
        run.sweep_rows, run.sweep_speedup = sweep_bench(reps=2)

    lines = render(info, run, args)
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        # The record of changes measured side by side (benchmarks/compare_versions.py)
        # stays: it belongs to the history, not to this run.
        old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if CHANGES in old:
            text = text.rstrip("\n") + "\n\n" + old[old.index(CHANGES):]
        args.out.write_text(text, encoding="utf-8")
        log(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    log("done")
    return 0


@dataclass
class Results:
    """Everything one benchmark run measured, for :func:`render`."""

    reps: int
    quick: bool
    cold: float | None = None
    warm: list[float] = field(default_factory=list)
    warm_imports: list[float] = field(default_factory=list)
    command: list[float] = field(default_factory=list)
    fast_rows: list = field(default_factory=list)
    pair_rows: list = field(default_factory=list)
    decades: list[tuple[float, float, float]] = field(default_factory=list)
    decade_months: int = 120
    country: tuple[float, float, float] | None = None
    country_months: int = 120
    country_walls: list[float] = field(default_factory=list)
    memory: Memory | None = None
    sweep_rows: list[str] = field(default_factory=list)
    sweep_speedup: float | None = None
    profiles: list[list[str]] = field(default_factory=list)
    country_match: MatchClock | None = None
    country_draws: float = 0.0
    decade_match: list[MatchClock] = field(default_factory=list)
    decade_name: str = FULL_REGION
    threads: int = field(default_factory=matching_threads)
    threads_section: list[str] = field(default_factory=list)


def regional_limit(run: Results) -> str:
    """Targets 1 and 3 against the matching kernel's own time in the region's ten years."""
    mc = sorted(run.decade_match, key=lambda c: c.seconds)[len(run.decade_match) // 2]
    per_month = mc.applications / max(mc.calls, 1)
    text = (
        f"In the {run.decade_months} months of target 3 (`{run.decade_name}`, the run of median "
        f"matching time) the matching kernel alone took {mc.seconds:.2f} s: "
        f"{per_month:,.0f} applications a month, {mc.ns_per_application():.0f} ns each. "
        f"Within 1 s for {run.decade_months} months an application could take at most "
        f"{1e9 / max(per_month * run.decade_months, 1):.0f} ns with nothing else left to run."
    )
    naive = [tn for name, _, tn in run.pair_rows if name == FULL_REGION]
    if naive:
        tn = naive[0]
        month_ms = 1e3 * tn.persons / (300 * tn.rate())
        kernel_ms = 1e3 * mc.seconds / max(mc.calls, 1)
        text += (
            f" Target 1 asks the whole month to run 300× the naive model's "
            f"{fmt_rate(tn.rate())} person-steps a second, that is in {month_ms:.1f} ms for "
            f"{tn.persons:,} persons; the matching kernel alone takes {kernel_ms:.1f} ms of it."
        )
    return text


def pair_line(name: str, tf: Timing, tn: Timing) -> str:
    """One row of the fast-against-naive table."""
    whole, core = pair_ratios(tf, tn)
    return (
        f"| {name} | {tf.persons:,} | {tf.months} × {len(tf.seconds)} | "
        f"{fmt_rate(tn.rate())} | {fmt_rate(tf.rate())} / {fmt_rate(tf.rate(True))} | "
        f"{whole:.0f}× | {core:.0f}× |"
    )


def pair_ratios(tf: Timing, tn: Timing) -> tuple[float, float]:
    """Median per-pair ratios naive / fast: whole month, and core (like for like)."""
    whole = statistics.median(n / f for n, f in zip(tn.seconds, tf.seconds, strict=True))
    core = statistics.median(n / c for n, c in zip(tn.seconds, tf.core_seconds, strict=True))
    return whole, core


def verdict(ok: bool, quick: bool) -> str:
    """Met / not met (a quick run measures the plumbing, not the targets)."""
    if quick:
        return "smoke run"
    return "**met**" if ok else "not met"


def target_rows(run: Results) -> list[str]:
    """The table of the issue's six targets."""
    q = run.quick
    rows = ["| # | target | measured | met? | how |", "|---|---|---|---|---|"]
    name, tf, tn = run.pair_rows[-1] if run.quick else next(
        r for r in run.pair_rows if r[0] == FULL_REGION)
    whole, core = pair_ratios(tf, tn)
    rows.append(
        f"| 1 | ≥ 300× a naive Mesa model (one `mesa.Agent` per person and firm), per "
        f"person-step | whole month {whole:.0f}×; labour-market core (like for like) "
        f"{core:.0f}× | {verdict(whole >= 300, q)} (core: {verdict(core >= 300, q)}) | "
        f"{name}, same initial state, {tf.months} months × {len(tf.seconds)} pairs "
        f"alternated in one process, median of per-pair ratios |"
    )
    built, wall, core_s = run.country
    cname = "tiny" if q else COUNTRY
    rows.append(
        f"| 2 | Finland scale: 2.8 M persons, ~300,000 firms, 309 municipalities in 19 "
        f"regions, 120 months ≤ 10 s incl. data collection, after compilation | "
        f"{run.country_months} months in **{wall:.1f} s** (labour-market core {core_s:.1f} s; "
        f"{1000 * wall / run.country_months:.0f} ms / month) | "
        f"{verdict(wall <= 10.0 and run.country_months == 120, q)} | "
        f"`{cname}` after its burn-in (built in {built:.0f} s), median of "
        f"{len(run.country_walls)} runs ({', '.join(f'{w:.1f}' for w in run.country_walls)} s) |"
    )
    walls = [d[1] for d in run.decades]
    cores = [d[2] for d in run.decades]
    rows.append(
        f"| 3 | Pirkanmaa 120 months ≤ 1 s after compilation | {run.decade_months} months in "
        f"**{statistics.median(walls):.2f} s** (core {statistics.median(cores):.2f} s) | "
        f"{verdict(statistics.median(walls) <= 1.0, q)} | "
        f"`{'tiny' if q else FULL_REGION}` after burn-in, median of {len(walls)} runs |"
    )
    m = run.memory
    rows.append(
        f"| 4 | peak memory ≤ 200 bytes per person | **{m.rss_per_person:.0f} B/person** "
        f"(peak RSS during the run above the loaded-interpreter baseline); "
        f"{m.traced_per_person:.0f} B/person peak of traced allocations (tracemalloc) | "
        f"{verdict(0 < m.rss_per_person <= 200, q)} | "
        f"fresh process: `{m.name}` ({m.persons:,} persons), burn-in and {m.months} months |"
    )
    warm = statistics.median(run.warm)
    command = statistics.median(run.command)
    cold = "not measured (`--quick`)" if run.cold is None else f"{run.cold:.1f} s"
    rows.append(
        f"| 5 | cold start (compilation) ≤ 15 s; a warm `kasvu run tiny --months 1` < 2 s | "
        f"cold {cold}; warm command **{command:.2f} s** (import, build `tiny`, one step "
        f"alone {warm:.2f} s, of which imports {statistics.median(run.warm_imports):.2f} s) "
        f"| {verdict(run.cold is not None and run.cold <= 15.0 and command < 2.0, q)} | "
        f"fresh processes: cold is import, build `tiny` and one step with an empty "
        f"`NUMBA_CACHE_DIR`, median of {len(run.warm)}; the command's wall time with a "
        f"filled cache (results written), median of {len(run.command)} |"
    )
    if run.sweep_speedup is None:
        rows.append("| 6 | sweeps on 2 local workers ≥ 1.8× the runs/h of 1 | not run | "
                    "smoke run | `benchmarks/sweep_bench.py` |")
    else:
        rows.append(
            f"| 6 | sweeps on 2 local workers ≥ 1.8× the runs/h of 1 | "
            f"**{run.sweep_speedup:.2f}×** | {verdict(run.sweep_speedup >= 1.8, q)} | "
            f"`benchmarks/sweep_bench.py`: a real sweep on warm pools, median of 2 pairs |"
        )
    return rows


def render(info, run: Results, args) -> list[str]:
    """The Markdown report."""
    command = "python benchmarks/run.py " + " ".join(sys.argv[1:])
    lines = [
        "# Benchmarks",
        "",
        f"- date: {info['date']}",
        f"- machine: {info['cpu']}, nproc {info['nproc']}, load average at start {info['load']}; "
        f"job matching on {run.threads} threads",
        f"- versions: Python {info['python']}, numpy {info['numpy']}, numba {info['numba']}, "
        f"mesa {info['mesa']}; kasvu {info['commit']}",
        f"- command: `{command}` (`make bench`)",
        "",
        "## The six targets",
        "",
        *target_rows(run),
        "",
        "A person-step is one person simulated for one month: rate = persons × months / wall "
        "seconds of `model.step()`. Every rate is after compilation and one untimed warm-up "
        "month; burn-in is never timed. *Whole month* is the fast model's step as `sim.run` "
        "does it (labour market plus growth services, cooperation, alliances and books); "
        "*core* is the time in the stages the naive Mesa model also has (demand shocks, "
        "deaths, separations, labour-force flows, births, vacancies, matching, ageing, "
        "measurement), less the growth services' calls inside them. "
        f"`{FULL_REGION}` and `{COUNTRY}` run the full model: all services, and alliances "
        "with every lever on (their levers act from month 13, after formation and "
        f"development). Medians of {run.reps} repetitions unless said otherwise.",
        "",
        "## Fast model, after burn-in",
        "",
        "| scenario | persons | months timed | ms / month | person-steps / s | "
        "core ms / month | core person-steps / s | build incl. burn-in, s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, t, built in run.fast_rows:
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
    lines += [pair_line(name, tf, tn) for name, tf, tn in run.pair_rows]
    lines += ["", "Ratios are medians of the per-pair ratios (naive seconds / fast seconds). "
              "The naive model has only the labour-market core, so the core ratio is the like-"
              "for-like one; the whole-month ratio charges the fast model for its growth "
              "services too."]
    if run.country_match is not None and run.country is not None:
        mc, wall = run.country_match, run.country[1]
        lines += [
            "", "## Where the limit stands at national scale", "",
            f"In the {run.country_months} months of target 2 (the run of median time) the "
            f"matching kernel alone took "
            f"{mc.seconds:.1f} s ({100 * mc.seconds / wall:.0f} % of the run): "
            f"{mc.applications / max(mc.calls, 1):,.0f} applications a month, "
            f"{mc.ns_per_application():.0f} ns each, on {run.threads} threads. Each "
            "application is a chain of dependent look-ups (the seeker's row of bucket "
            "weights, the vacancy, then, grouped by firm, the firm's heap of best "
            "applicants) ending in a data-dependent branch; the rules fix the number of "
            f"applications ({mc.applications:,} in these months). Within a 10 s budget for "
            f"120 months, an application could take at most "
            f"{1e10 / max(mc.applications / max(mc.calls, 1) * 120, 1):.0f} ns with nothing "
            "else left to run. "
            f"The core's draws from the generators (firms' deaths, screening and shocks, "
            f"quits and match shocks; the kernels compute the rest from stream keys) take "
            f"{run.country_draws:.1f} s for those months. "
            "The remaining time is the growth services' per-unit purchasing and books "
            "(see the profiles below).",
        ]
    if run.decade_match:
        lines += ["", "## Where the limit stands at regional scale", "", regional_limit(run)]
    if run.threads_section:
        lines += ["", *run.threads_section]
    if run.sweep_rows:
        lines += ["", "## Sweeps: runs per hour with 1 and 2 local workers", "",
                  *SWEEP_HEADER, *run.sweep_rows]
    if run.profiles:
        lines += ["", "## Where a month's time goes", "",
                  "`benchmarks/profile_month.py`: wall time of each stage of the month (the "
                  "model's stage methods, timed), then the Python profile's top entries, from "
                  "month 13 on, when the alliances are in implementation and every lever acts "
                  "(the country's burn-in is shortened to one month to keep the profile short)."]
        for block in run.profiles:
            lines += ["", *block]
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
