"""Replicated runs and their outputs: time series, summary and the resolved scenario.

Small functions over :func:`sim.run`: replicate a scenario over seeds, summarise the region,
and write a run directory atomically (all files or none).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from sim import Scenario, run
from sim.collect import METRICS, REGION_AREA
from sim.scenario import scenario_to_toml

HEADLINE = (
    "employed",
    "unemployed",
    "unemployment_rate",
    "long_term_unemployed",
    "vacancies",
    "job_finding_rate",
    "firms",
    "firm_employment",
)
"""Region metrics shown in the printed summary table."""


def replicate(
    scenario: Scenario,
    seed: int,
    reps: int,
    months: int | None = None,
    on_month: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Run ``reps`` replications with seeds ``seed, seed + 1, ...`` and stack them.

    Returns columns scenario, rep, seed, month, area, then :data:`sim.collect.METRICS`.
    Replication 0 is exactly ``kasvu run --seed SEED``.
    """
    frames = []
    for rep in range(reps):
        result = run(scenario, seed + rep, months=months, on_month=on_month)
        frame = result.timeseries
        frame.insert(0, "seed", result.seed)
        frame.insert(0, "rep", rep)
        frame.insert(0, "scenario", scenario.name)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def summarise(timeseries: pd.DataFrame) -> dict[str, Any]:
    """Region figures at month 0 and at the last month: mean, min and max over replications."""
    region = timeseries[timeseries["area"] == REGION_AREA]
    first, last = region["month"].min(), region["month"].max()
    out: dict[str, Any] = {
        "scenario": str(region["scenario"].iloc[0]),
        "seeds": sorted(int(s) for s in region["seed"].unique()),
        "months": int(last),
        "region": {},
    }
    for metric in METRICS:
        start = region.loc[region["month"] == first, metric]
        end = region.loc[region["month"] == last, metric]
        out["region"][metric] = {
            "month_0_mean": float(start.mean()),
            "final_mean": float(end.mean()),
            "final_min": float(end.min()),
            "final_max": float(end.max()),
        }
    final = timeseries[timeseries["month"] == last]
    by_area = final.groupby("area", sort=False)[["unemployment_rate", "employed"]].mean()
    out["areas_final_mean"] = {
        area: {k: float(v) for k, v in row.items()} for area, row in by_area.iterrows()
    }
    return out


def summary_table(summary: dict[str, Any]) -> str:
    """A short fixed-width table of :data:`HEADLINE` metrics for the terminal."""
    reps = len(summary["seeds"])
    head = f"{'region (ALL)':<24}{'month 0':>12}{'month ' + str(summary['months']):>12}"
    if reps > 1:
        head += f"{'min':>12}{'max':>12}"
    lines = [f"{summary['scenario']}: {reps} replication(s)", head]
    for metric in HEADLINE:
        row = summary["region"][metric]
        fmt = (lambda v: f"{v:12.3f}") if metric.endswith("_rate") else (lambda v: f"{v:12,.0f}")
        line = f"{metric:<24}{fmt(row['month_0_mean'])}{fmt(row['final_mean'])}"
        if reps > 1:
            line += f"{fmt(row['final_min'])}{fmt(row['final_max'])}"
        lines.append(line)
    return "\n".join(lines)


@contextmanager
def atomic_directory(target: Path):
    """Yield a fresh temporary directory that replaces ``target`` only on success.

    Nothing half-written is ever left at ``target``: on error the temporary directory is
    removed and an existing ``target`` stays as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
        tmp.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(target)


def write_run(
    out: Path, scenario: Scenario, timeseries: pd.DataFrame, summary: dict[str, Any]
) -> None:
    """Write timeseries.parquet, summary.json and scenario.toml into ``out`` atomically."""
    with atomic_directory(out) as tmp:
        timeseries.to_parquet(tmp / "timeseries.parquet", index=False)
        (tmp / "summary.json").write_text(
            json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (tmp / "scenario.toml").write_text(scenario_to_toml(scenario), encoding="utf-8")
