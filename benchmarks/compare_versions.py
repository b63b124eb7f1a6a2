"""Two versions of the model measured side by side: compile time and month time.

    python benchmarks/compare_versions.py BEFORE_TREE AFTER_TREE --label "what changed" \
        [--reps 3] [--out docs/benchmarks.md]

Each tree is a checkout of the project (e.g. ``git worktree add /tmp/before HEAD~1``). Every
measurement runs in a fresh process that imports the tree's ``sim``, alternating between
the two trees, so that both meet the same machine load; the table gives each version's
median and the ratio after / before:

- cold compilation: the matching kernel's first call, and a whole cold start (import,
  build ``tiny``, one month), each with an empty ``NUMBA_CACHE_DIR``;
- month time, warm cache: ``pirkanmaa-alliance`` and ``finland`` after their burn-in and
  one untimed month, the whole month and the matching kernel within it.

With ``--out``, the table is appended to the file's section "Changes measured side by
side" (``benchmarks/run.py`` keeps that section when it rewrites the file).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SECTION = "## Changes measured side by side"

COMPILE = """
import time, numpy as np
t0 = time.perf_counter()
from sim.labour import matching
t1 = time.perf_counter()
rng = np.random.default_rng(0)
n = 50
matching.match(np.zeros(n, np.int64), np.zeros(n, np.int64), rng.random(n),
               np.full(n, 2, np.int64), rng.random((2 * n, 3)), 2, np.ones((1, 1)),
               np.ones((1, 1)), np.zeros((1, 1)), np.zeros(5, np.int64),
               np.zeros(5, np.int64), np.ones(5), np.full(5, 3, np.int64),
               np.zeros(5, np.int64), ragged=True)
t2 = time.perf_counter()
print(json.dumps({"match_compile_s": t2 - t1}))
"""

COLD_START = """
import time
t0 = time.perf_counter()
import sim
sim.run("tiny", 1, months=1, overrides={"simulation.burn_in_months": 1})
print(json.dumps({"cold_start_s": time.perf_counter() - t0}))
"""

MONTHS = """
import time, statistics
import sim
import sim.labour.matching as m
inner = m.match
spent = []
def timed(*a, **k):
    t0 = time.perf_counter()
    try:
        return inner(*a, **k)
    finally:
        spent.append(time.perf_counter() - t0)
m.match = timed
with sim.simulate(SCENARIO, 1, months=MONTHS + 1, overrides=OVERRIDES) as run:
    it = iter(run)
    next(it)  # one untimed month
    walls, kernels = [], []
    for _ in range(MONTHS):
        spent.clear()
        t0 = time.perf_counter()
        next(it)
        walls.append(time.perf_counter() - t0)
        kernels.append(sum(spent))
print(json.dumps({"month_ms": 1000 * statistics.median(walls),
                  "match_ms": 1000 * statistics.median(kernels)}))
"""


def measure(tree: Path, code: str, cold: bool) -> dict[str, float]:
    """Run ``code`` in a fresh process importing ``tree``'s packages; its JSON result."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    with tempfile.TemporaryDirectory() as cache:
        if cold:
            env["NUMBA_CACHE_DIR"] = cache
        out = subprocess.run([sys.executable, "-c", "import json\n" + code], env=env,
                             cwd=tree, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def months_code(scenario: str, months: int, burn_in: int | None) -> str:
    """The month-time measurement of one scenario."""
    overrides = {} if burn_in is None else {"simulation.burn_in_months": burn_in}
    return (MONTHS.replace("SCENARIO", repr(scenario)).replace("MONTHS", str(months))
            .replace("OVERRIDES", repr(overrides)))


def compare(before: Path, after: Path, reps: int) -> list[tuple[str, float, float]]:
    """Every measurement for both trees, alternated; (name, median before, median after)."""
    cases = [("match_compile_s", COMPILE, True), ("cold_start_s", COLD_START, True),
             ("pirkanmaa", months_code("pirkanmaa-alliance", 12, None), False),
             ("finland", months_code("finland", 6, 1), False)]
    for tree in (before, after):  # fill each tree's own numba cache for the warm runs
        measure(tree, COLD_START, cold=False)
    rows = []
    for name, code, cold in cases:
        got: dict[str, dict[str, list[float]]] = {"before": {}, "after": {}}
        for _ in range(reps):
            for label, tree in (("before", before), ("after", after)):
                print(f"{name} {label}", file=sys.stderr, flush=True)
                for key, value in measure(tree, code, cold).items():
                    got[label].setdefault(key, []).append(value)
        for key in got["before"]:
            label = key if name in key else f"{name} {key}"
            rows.append((label, statistics.median(got["before"][key]),
                         statistics.median(got["after"][key])))
    return rows


def table(rows: list[tuple[str, float, float]], label: str, reps: int) -> str:
    """The rows as a Markdown table under a heading naming the change."""
    lines = [f"### {label}", "",
             f"Medians of {reps} fresh processes per version, alternated "
             "(`benchmarks/compare_versions.py`).", "",
             "| measure | before | after | after / before |", "|---|---:|---:|---:|"]
    for name, b, a in rows:
        lines.append(f"| {name} | {b:.3g} | {a:.3g} | {a / b:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Measure two trees and print (or append) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--label", required=True, help="heading: what changed")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--out", type=Path, help="append to this file's section")
    args = parser.parse_args(argv)
    text = table(compare(args.before.resolve(), args.after.resolve(), args.reps), args.label,
                 args.reps)
    print(text)
    if args.out is not None:
        old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if SECTION not in old:
            old = old.rstrip("\n") + f"\n\n{SECTION}\n"
        args.out.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
