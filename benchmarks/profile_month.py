"""Where a month's time goes: per-stage timers and the Python profile's top entries.

Usage::

    python benchmarks/profile_month.py finland --months 3 --burn-in 1 --skip 12 --profile
    python benchmarks/profile_month.py pirkanmaa-separate --months 12 --top 25

Builds the scenario (burn-in shortened by ``--burn-in``), steps one untimed warm-up month,
then steps ``--months`` months with every stage of ``simulate_month`` timed, and prints the
median milliseconds per stage; with ``--profile`` the same months run under cProfile
(the standard library's deterministic profiler) and its top entries by total time are
printed as a Markdown table. Numba kernels appear as single entries (their inside is
compiled); the stage timers give their share.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim import load_scenario  # noqa: E402
from sim.model import GrowthServicesModel  # noqa: E402

STAGES = (
    ("labour", "demand_shocks"),
    ("labour", "firm_deaths"),
    ("labour", "separations"),
    ("labour", "labour_force_flows"),
    ("labour", "firm_births"),
    ("labour", "post_vacancies"),
    ("model", "match"),
    ("labour", "age"),
    ("model", "measure"),
    ("model", "record"),
)
"""Core stages of the month, timed one by one: (owner, method), the owner being the model
or its labour market (``model.labour``); the rest is the growth services."""


def stage_owner(model: GrowthServicesModel, owner: str):
    """The object whose method a stage is: the model or its labour market."""
    return model if owner == "model" else getattr(model, owner)

SERVICE_STAGES = ("plan_and_start", "pay_and_book", "progress", "govern")
"""Growth-services stages (methods of ``model.services``)."""


class StageTimers:
    """Wraps a model's stage methods and adds up their seconds month by month."""

    def __init__(self, model: GrowthServicesModel) -> None:
        self.seconds: dict[str, list[float]] = {}
        for owner, name in STAGES:
            obj = stage_owner(model, owner)
            setattr(obj, name, self._timed(name, getattr(obj, name)))
        for name in SERVICE_STAGES:
            setattr(model.services, name, self._timed(name, getattr(model.services, name)))

    def _timed(self, name, method):
        self.seconds[name] = []

        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.seconds[name].append(time.perf_counter() - t0)

        return wrapper


def profile(name: str, months: int, burn_in: int, top: int, seed: int = 1,
            with_cprofile: bool = True, skip: int = 0) -> list[str]:
    """Markdown lines: per-stage median ms of ``months`` months, then cProfile's top entries.

    ``skip`` months are stepped untimed first (after a warm-up month), so that alliances
    can reach their implementation phase (month 13 with the default phases). The stage
    timers and cProfile run over separate blocks of months (cProfile's own overhead would
    distort the stage times).
    """
    scenario = load_scenario(name, [f"simulation.burn_in_months={burn_in}"])
    t0 = time.perf_counter()
    model = GrowthServicesModel(scenario, seed=seed, months=2 * months + skip + 2)
    print(f"{name}: {model.persons.size:,} persons, {model.firms.capacity:,} firm slots, "
          f"built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    model.step()  # warm-up month
    for _ in range(skip):
        model.step()
    timers = StageTimers(model)
    t0 = time.perf_counter()
    for _ in range(months):
        model.step()
    wall = (time.perf_counter() - t0) / months
    first = model.month - months + 1
    lines = [f"Stages of `{name}` ({model.persons.size:,} persons; burn-in {burn_in}, months "
             f"{first}..{model.month}, median of {months}):", "",
             "| stage | ms / month | share of month |", "|---|---:|---:|"]
    for stage, secs in sorted(timers.seconds.items(), key=lambda kv: -sum(kv[1])):
        med = statistics.median(secs) if secs else 0.0
        kind = "growth services" if stage in SERVICE_STAGES else "core"
        lines.append(f"| {stage} ({kind}) | {1000 * med:.1f} | {100 * med / wall:.0f} % |")
    lines.append(f"| whole month | {1000 * wall:.1f} | 100 % |")
    if with_cprofile:
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(months):
            model.step()
        prof.disable()
        stats = pstats.Stats(prof, stream=io.StringIO())
        total = sum(v[2] for v in stats.stats.values())
        lines += ["", f"Top {top} functions of `{name}` by own time (cProfile, {months} months; "
                  "a numba kernel is one entry, numpy operators count in their caller):", "",
                  "| function | calls | own s | share |", "|---|---:|---:|---:|"]
        rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:top]
        for (file, line, func), (_cc, nc, tt, _ct, _callers) in rows:
            where = f"{Path(file).name}:{line}({func})" if line else func
            lines.append(f"| `{where}` | {nc} | {tt:.3f} | {100 * tt / total:.0f} % |")
    model.release()
    return lines


def main(argv: list[str] | None = None) -> int:
    """Time and profile a few months of one scenario."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--burn-in", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--skip", type=int, default=0, help="untimed months first")
    parser.add_argument("--profile", action="store_true", help="also run cProfile")
    args = parser.parse_args(argv)
    print("\n".join(profile(args.scenario, args.months, args.burn_in, args.top, args.seed,
                            args.profile, args.skip)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
