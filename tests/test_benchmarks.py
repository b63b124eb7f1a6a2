"""The benchmark driver's plumbing (``make bench``): it measures and renders every target.

Only the plumbing is checked, on the tiny scenario; no time is asserted (performance is
measured by ``make bench``, never by tests).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

bench = pytest.importorskip("run")


def test_quick_measurements_render_the_six_targets():
    run = bench.Results(reps=1, quick=True)
    run.cold, run.warm, run.warm_imports = bench.compile_seconds(1, cold=False)
    timing, built = bench.bench_fast("tiny", 2, 1)
    run.fast_rows.append(("tiny", timing, built))
    run.pair_rows.append(("tiny", *bench.bench_pair("tiny", 1, 1)))
    run.decades.append(bench.ten_years("tiny", 2))
    run.decade_months = 2
    run.country_match = bench.MatchClock()
    run.country = bench.ten_years("tiny", 2, match_clock=run.country_match)
    run.country_months = 2
    run.country_draws = bench.random_draws_seconds("tiny", 2)
    run.memory = bench.memory("tiny", 1)
    run.profiles.append(bench.profile("tiny", 1, 1, top=3))

    assert run.memory.persons == timing.persons > 0
    assert run.memory.peak_rss >= run.memory.base_rss > 0
    assert run.memory.peak_traced > 0
    assert all(t > 0 for t in run.warm + run.warm_imports)
    assert len(timing.seconds) == len(timing.core_seconds) == 1
    assert 0 < timing.core_seconds[0] <= timing.seconds[0]

    lines = bench.render(bench.machine(), run, type("Args", (), {"quick": True})())
    text = "\n".join(lines)
    targets = [line for line in lines if re.match(r"\| [1-6] \|", line)]
    assert [t.split("|")[1].strip() for t in targets] == ["1", "2", "3", "4", "5", "6"]
    assert all("smoke run" in t for t in targets)  # a quick run never claims a target
    assert "B/person" in targets[3] and "×" in targets[0]
    assert f"| tiny | {timing.persons:,} |" in text
    assert "| match (core) |" in text and "| plan_and_start (growth services) |" in text
    assert run.country_match.calls == 2 and run.country_match.applications > 0
    assert run.country_draws > 0
    assert "## Where the limit stands at national scale" in text
    assert "| whole month |" in text and "| function | calls | own s | share |" in text
