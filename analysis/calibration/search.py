"""Calibration (kalibrointi) of the default region by the simulated method of moments.

The free parameters and the moments with their targets, tolerances, weights and sources
are in ``calibration/targets.toml``. The search is a seeded Latin hypercube over the
parameters' bounds, then a Nelder-Mead refinement from its best point; every point is run
with the same seeds (common random numbers), so that differences between points are not
noise. The chosen values, rounded to three significant digits, are then run with fresh
seeds and their moments reported with the spread over replications.

Run it as ``make calibrate`` or ``python -m analysis.calibration`` (full: Pirkanmaa, the
result in ``calibration/result.json`` and ``calibration/result.md``, written by
:mod:`.result`), or with ``--quick`` (the tiny region, a few points, well under a minute:
what the tests run). ``--check`` (``make calibration-check``) searches nothing: it measures
the recorded values' moments again with the current model, on the record's final seeds.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy import optimize
from scipy.stats import qmc
from tqdm import tqdm

from sim import Scenario, ScenarioError, load_scenario

from ..experiments.executors import LocalExecutor, SerialExecutor
from ..outputs import OutputError, check_writable
from .moments import distance, simulate_moments
from .result import moment_row, result_markdown, write_result
from .targets import (
    DEFAULT_TARGETS,
    MOMENTS,
    SearchSettings,
    Targets,
    load_targets,
    values_by_key,
)

FINAL_SEED_OFFSET = 10_000
"""Seeds of the final replications start here above the search seed (fresh numbers)."""


def round_significant(values: np.ndarray, digits: int = 3) -> np.ndarray:
    """Each value rounded to ``digits`` significant digits (what goes into the scenario)."""
    out = np.empty_like(values, dtype=float)
    for k, v in enumerate(values):
        out[k] = 0.0 if v == 0 else round(float(v), digits - 1 - math.floor(math.log10(abs(v))))
    return out


class Search:
    """Runs points of the parameter space and remembers every evaluation.

    Args:
        targets: the targets file.
        settings: the mode's settings.
        executor: a serial or local executor (entered).
        progress: a tqdm bar counting model runs.
    """

    def __init__(self, targets: Targets, settings: SearchSettings, executor: Any,
                 progress: Any):
        """Load the mode's scenario with its fixed overrides; nothing runs yet."""
        self.targets, self.settings = targets, settings
        self.base = load_scenario(settings.scenario, settings.fixed)
        self.executor, self.progress = executor, progress
        self.low = np.array([p.low for p in targets.parameters])
        self.high = np.array([p.high for p in targets.parameters])
        self.history: list[dict[str, Any]] = []

    def run_points(self, points: np.ndarray, seeds: list[int], stage: str) -> list[dict]:
        """Run every point with every seed; return per point its moments and distance."""
        s = self.settings
        scenarios = [self.scenario_at(x) for x in points]
        tasks = [(scenarios[i], seed, s.spell_window_months, i, r)
                 for i in range(len(points)) for r, seed in enumerate(seeds)]
        per_point: list[list[dict[str, float]]] = [[{}] * len(seeds) for _ in points]
        for task, result in self.executor.map_unordered(_run_task, tasks):
            if isinstance(result, BaseException):
                raise result
            per_point[task[-2]][task[-1]] = result  # in seed order, whatever order they end
            self.progress.update(1)
        rows = []
        for x, reps in zip(points, per_point, strict=True):
            means = {m: float(np.mean([r[m] for r in reps])) for m in MOMENTS}
            row = {
                "stage": stage,
                "values": [float(v) for v in x],
                "distance": distance(self.targets.moments, means),
                "moments": means,
                "replications": reps,
            }
            rows.append(row)
            self.history.append(row)
        return rows

    def scenario_at(self, values: np.ndarray) -> Scenario:
        """The mode's scenario with the free parameters at ``values``."""
        return self.base.with_overrides(values_by_key(self.targets.parameters, values))

    def to_values(self, unit: np.ndarray) -> np.ndarray:
        """Parameter values of a point of the unit cube (clipped to the bounds)."""
        return self.low + np.clip(unit, 0.0, 1.0) * (self.high - self.low)

    def latin_hypercube(self) -> list[dict]:
        """The seeded Latin-hypercube stage."""
        s = self.settings
        unit = qmc.LatinHypercube(d=len(self.low), seed=s.seed).random(s.points)
        return self.run_points(self.to_values(unit), self.seeds(), "lhs")

    def refine(self, start: np.ndarray) -> dict[str, Any]:
        """Nelder-Mead in the unit cube from ``start`` (values), common random numbers.

        Points outside the bounds are clipped and pay the squared excursion, so that the
        simplex stays inside.
        """
        s = self.settings
        if s.refine_evaluations <= 0:
            return {"evaluations": 0, "message": "skipped"}
        x0 = (start - self.low) / (self.high - self.low)

        cache: dict[tuple[float, ...], dict] = {  # the start is already run
            tuple(self.to_values(x0)): min(self.history, key=lambda r: r["distance"])}

        def objective(u: np.ndarray) -> float:
            x = self.to_values(u)
            row = cache.get(tuple(x))
            if row is None:
                row = cache[tuple(x)] = self.run_points(x[None, :], self.seeds(), "refine")[0]
            excursion = float(np.sum((u - np.clip(u, 0.0, 1.0)) ** 2))
            return min(row["distance"], 1e12) + 1e3 * excursion

        simplex = np.vstack([x0] + [x0 + 0.08 * np.eye(len(x0))[k] * (1 if x0[k] < 0.9 else -1)
                                    for k in range(len(x0))])
        res = optimize.minimize(objective, x0, method="Nelder-Mead", options={
            "maxfev": s.refine_evaluations, "initial_simplex": simplex,
            "xatol": 1e-3, "fatol": 1e-2})
        return {"evaluations": int(res.nfev), "message": str(res.message)}

    def seeds(self) -> list[int]:
        """The search's seeds: the same at every point (common random numbers)."""
        return [self.settings.seed + r for r in range(self.settings.replications)]


def _run_task(task: tuple) -> dict[str, float]:
    """A search task: scenario, seed and spell window, then the point's and seed's index."""
    scenario, seed, window, _point, _rep = task
    return simulate_moments(scenario, seed, window)


def calibrate(targets: Targets, mode: str, *, workers: int = 1, quiet: bool = False,
              command: str = "") -> dict[str, Any]:
    """Search, then assess the chosen values with fresh seeds; return the result record."""
    s = targets.modes[mode]
    started = time.time()
    budget = (s.points + s.refine_evaluations) * s.replications + s.final_replications
    executor = SerialExecutor() if workers <= 1 else LocalExecutor(workers)
    with executor, tqdm(total=budget, desc=f"calibrate ({mode})", unit="run",
                        disable=quiet or None) as bar:
        search = Search(targets, s, executor, bar)
        lhs = search.latin_hypercube()
        best_lhs = min(lhs, key=lambda r: r["distance"])
        refine = search.refine(np.array(best_lhs["values"]))
        best = min(search.history, key=lambda r: r["distance"])
        chosen = round_significant(np.array(best["values"]))
        seeds = [s.seed + FINAL_SEED_OFFSET + r for r in range(s.final_replications)]
        bar.total = len(search.history) * s.replications + s.final_replications
        final = search.run_points(chosen[None, :], seeds, "final")[0]
    refined = [r["distance"] for r in search.history if r["stage"] == "refine"]
    return {
        "mode": mode,
        "command": command,
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "targets_file": str(targets.path.name),
        "scenario": s.scenario,
        "fixed": list(s.fixed),
        "seed": s.seed,
        "parameters": [
            {"key": p.key, "min": p.low, "max": p.high, "value": float(v), "why": p.why}
            for p, v in zip(targets.parameters, chosen, strict=True)
        ],
        "moments": [moment_row(m, final) for m in targets.moments],
        "distance": final["distance"],
        "search": {
            "lhs_points": s.points,
            "replications": s.replications,
            "seeds": search.seeds(),
            "lhs_best_distance": best_lhs["distance"],
            "lhs_worst_distance": max(r["distance"] for r in lhs),
            "refine_evaluations": refine["evaluations"],
            "refine_message": refine["message"],
            "refine_best_distance": min(refined) if refined else None,
            "search_best_distance": best["distance"],
            "search_best_values": best["values"],
            "evaluations": [
                {k: r[k] for k in ("stage", "values", "distance", "moments")}
                for r in search.history if r["stage"] != "final"
            ],
        },
        "final_seeds": seeds,
        "spells_per_replication": [r["spells"] for r in final["replications"]],
        "elapsed_seconds": round(time.time() - started, 1),
    }


def check(result: dict[str, Any], targets: Targets, *, workers: int = 1,
          quiet: bool = False, command: str = "") -> dict[str, Any]:
    """The recorded values' moments measured again, on the record's final seeds.

    For a model whose numbers changed (its random draws, say) without a reason to search
    again: the chosen values stay, and the moments, their distance and the spells are
    those the current model gives; ``checked`` says when and how. The search's record
    stays as it was.
    """
    s = targets.modes[result["mode"]]
    started = time.time()
    values = np.array([p["value"] for p in result["parameters"]])
    seeds = list(result["final_seeds"])
    executor = SerialExecutor() if workers <= 1 else LocalExecutor(workers)
    with executor, tqdm(total=len(seeds), desc="calibration check", unit="run",
                        disable=quiet or None) as bar:
        final = Search(targets, s, executor, bar).run_points(values[None, :], seeds, "final")[0]
    return {
        **result,
        "moments": [moment_row(m, final) for m in targets.moments],
        "distance": final["distance"],
        "spells_per_replication": [r["spells"] for r in final["replications"]],
        "checked": {
            "command": command,
            "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "elapsed_seconds": round(time.time() - started, 1),
        },
    }


def _recorded(targets: Targets, out: Path, mode: str) -> dict[str, Any]:
    """The result that ``--check`` measures again: ``out``'s, of this mode and targets."""
    path = out / "result.json"
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ScenarioError(f"{path}: no calibration result to check ({err})") from None
    keys = [p.key for p in targets.parameters]
    if result.get("mode") != mode or [p.get("key") for p in result.get("parameters", [])] != keys:
        raise ScenarioError(f"{path}: a {result.get('mode')!r} result for other parameters "
                            f"than {targets.path.name}'s {mode!r} mode")
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.calibration [--quick] [--out DIR] ...``; exit 2 on bad input."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis.calibration",
        description="Calibrate the default region to public figures (calibration/targets.toml).")
    parser.add_argument("--quick", action="store_true",
                        help="the tiny region and a few points (CI); default: full Pirkanmaa")
    parser.add_argument("--targets", type=Path, default=DEFAULT_TARGETS,
                        help="targets file (default: calibration/targets.toml)")
    parser.add_argument("--out", type=Path, default=None,
                        help="result directory (default: calibration/, or "
                             "out/calibration-quick with --quick)")
    parser.add_argument("--points", type=int, default=None, help="Latin-hypercube points")
    parser.add_argument("--refine", type=int, default=None, help="Nelder-Mead evaluations")
    parser.add_argument("--workers", type=int, default=None,
                        help="local worker processes (default: 1 with --quick, else 2)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--check", action="store_true",
                        help="no search: measure the recorded values' moments again on the "
                             "record's final seeds (after a change to the model's numbers)")
    args = parser.parse_args(argv)
    mode = "quick" if args.quick else "full"
    try:
        targets = load_targets(args.targets)
        s = targets.modes[mode]
        changes = {}
        if args.points is not None:
            changes["points"] = args.points
        if args.refine is not None:
            changes["refine_evaluations"] = args.refine
        if changes:
            if min(changes.values()) < 0 or changes.get("points", 1) < 1:
                raise ScenarioError("--points must be >= 1 and --refine >= 0")
            targets.modes[mode] = SearchSettings(**{**s.__dict__, **changes})
        base = load_scenario(s.scenario, s.fixed)
        for bound in ("low", "high"):  # bad key paths or values fail here, not in a worker
            base.with_overrides(values_by_key(
                targets.parameters, [getattr(p, bound) for p in targets.parameters]))
        out = args.out or (Path("out/calibration-quick") if args.quick
                           else targets.path.parent)
        check_writable(out)  # before the search, not after it
        workers = args.workers if args.workers is not None else (1 if args.quick else 2)
        command = "python -m analysis.calibration " + " ".join(
            sys.argv[1:] if argv is None else argv)
        if args.check:
            result = check(_recorded(targets, out, mode), targets, workers=workers,
                           quiet=args.quiet, command=command.strip())
        else:
            result = calibrate(targets, mode, workers=workers, quiet=args.quiet,
                               command=command.strip())
    except (ScenarioError, OutputError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        write_result(result, out)
    except OSError as err:
        # The search is not lost: its result goes to standard output instead.
        print(result_markdown(result))
        print(f"error: {out}: the result could not be written ({err}); it is printed "
              "above", file=sys.stderr)
        return 1
    if not args.quiet:
        print(result_markdown(result))
        print(f"written: {out / 'result.json'}, {out / 'result.md'}")
    return 0
