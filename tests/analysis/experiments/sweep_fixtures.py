"""Small sweeps of the tiny region (two parameters) and their helpers.

Shared by the sweep tests of the library (``tests/analysis/experiments``) and of the
command line (``tests/analysis/cli``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

import analysis
from analysis.experiments import sweep as sweep_module
from analysis.experiments.design import RUN_KEY, derive_seed
from analysis.experiments.executors import SerialExecutor
from analysis.experiments.spec import load_spec
from analysis.experiments.sweep import SweepReport, run_sweep

REPO = Path(__file__).resolve().parents[3]
"""The repository's root."""

SPEC = """
base = "tiny"
set = ["simulation.burn_in_months=2"]
months = {months}
replications = 2
entropy = 7
{extra}

[design]
kind = "lhs"
samples = {samples}

[[parameters]]
key = "labour.monthly_separation_rate"
min = 0.005
max = 0.015

[[parameters]]
key = "matching.applications_per_month"
min = 2
max = 6
integer = true
"""


def write_spec(directory: Path, name="spec.toml", months=4, samples=3, extra="",
               text=None) -> Path:
    """Write the spec (or ``text``) into ``directory``; returns its path."""
    path = directory / name
    path.write_text(text or SPEC.format(months=months, samples=samples, extra=extra))
    return path


def sweep_serial(spec: Path, out: Path, **kwargs) -> SweepReport:
    """Run (or resume) the spec's sweep in this process, without a progress bar."""
    return run_sweep(load_spec(spec), out, SerialExecutor(), progress=False, **kwargs)


def assert_same_results(a: Path, b: Path) -> None:
    """The two sweep directories hold the same time series, outcomes and design."""
    for table in ("timeseries", "outcomes", "design"):
        pd.testing.assert_frame_equal(analysis.load(a, table), analysis.load(b, table))


def fail_run(monkeypatch, index: int, entropy: int = 7) -> None:
    """Make run ``index`` of sweeps with root ``entropy`` raise "model blew up".

    The run is known by its seed; ``monkeypatch.undo()`` lets it succeed again.
    """
    real_run = sweep_module.run
    doomed = derive_seed(entropy, RUN_KEY, index)

    def flaky(scenario, seed, months=None):
        if seed == doomed:
            raise RuntimeError("model blew up")
        return real_run(scenario, seed, months=months)

    monkeypatch.setattr(sweep_module, "run", flaky)


def file_hashes(directory: Path) -> dict[str, str]:
    """SHA-256 of every file under ``directory`` by relative path (hidden ones left out)."""
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def copy_sweep(source: Path, target: Path) -> Path:
    """A copy of a finished sweep directory, to damage in a test; returns ``target``."""
    shutil.copytree(source, target)
    return target


SENSITIVITY_SPEC = """
base = "tiny"
set = ["simulation.burn_in_months=2"]
months = 3
entropy = 5
outcomes = ["final_unemployment_rate", "mean_employed"]

[design]
kind = "lhs"
samples = 4

[[parameters]]
key = "labour.monthly_separation_rate"
min = 0.004
max = 0.02

[[parameters]]
key = "matching.applications_per_month"
min = 1
max = 8
integer = true
"""
"""A sweep for sensitivity indices: two outcomes of two parameters, one replication."""


def kill_when_stored(argv: list[str], out: Path, pattern: str, count: int = 2,
                     seconds: float = 90) -> int:
    """Run ``python -m analysis.cli ARGV``; ``kill -9`` its group once ``count`` checksum
    records match ``out.glob(pattern)`` (runs stored whole). Returns the records then."""
    proc = subprocess.Popen([sys.executable, "-m", "analysis.cli", *argv], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)},
                            start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + seconds
        while len(list(out.glob(pattern))) < count:
            assert proc.poll() is None, "the command ended before it could be killed"
            assert time.monotonic() < deadline, f"no {count} runs stored within {seconds} s"
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    return len(list(out.glob(pattern)))
