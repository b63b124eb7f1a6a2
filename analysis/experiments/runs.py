"""Replicated runs and their outputs: time series, summary and the resolved scenario.

Small functions over :func:`sim.run`: replicate a scenario over seeds (:func:`replicate`),
run labelled jobs in worker processes (:func:`run_jobs`), summarise the region, and write
a run directory (:func:`run_files`) through an :class:`~analysis.outputs.Output`: checked before
the runs, all files or none.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from sim import Scenario, load_scenario, run
from sim.collect import METRICS, REGION_AREA
from sim.run import TABLES
from sim.scenario import check_seed, scenario_to_toml
from sim.scenario.loading import Overrides

from ..outputs import Writer, json_writer, optional_output, text_writer, write_files
from .executors import make_executor

SUMMARY_METRICS = (
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


@dataclass(frozen=True)
class Replications:
    """Replications of one scenario: the scenario as run, its stacked tables and summary.

    Attributes:
        scenario: the scenario as run (overrides applied).
        tables: each table of :data:`sim.run.TABLES`, the replications stacked with
            leading columns scenario, rep, seed.
        summary: :func:`summarise` of the time series (written as ``summary.json``).
    """

    scenario: Scenario
    tables: dict[str, pd.DataFrame]
    summary: dict[str, Any]

    @property
    def timeseries(self) -> pd.DataFrame:
        """The stacked time series (scenario, rep, seed, month, area, then the metrics)."""
        return self.tables["timeseries"]

    def files(self, under: str = "") -> dict[str, Writer]:
        """The run directory's files (see :func:`run_files`)."""
        return run_files(self.scenario, self.tables, self.summary, under)

    def write(self, out: str | Path, *, overwrite: bool = False) -> Path:
        """Write the run directory ``out``, all files or none.

        See :func:`~analysis.outputs.write_files`.
        """
        return write_files(out, "run", self.files(), overwrite=overwrite)


def replicate(
    scenario: Scenario | str | Path,
    reps: int = 1,
    *,
    seed: int | None = None,
    months: int | None = None,
    overrides: Overrides = (),
    on_month: Callable[[int], None] | None = None,
    out: str | Path | None = None,
    overwrite: bool = False,
) -> Replications:
    """Run ``reps`` replications with seeds ``seed, seed + 1, ...`` and stack their tables.

    Replication 0 is exactly ``kasvu run --seed SEED``; ``kasvu run`` is this function
    with a progress bar.

    Args:
        scenario: a scenario, a path to a TOML file or a built-in name.
        reps: number of replications.
        seed: seed of replication 0; defaults to the scenario's ``simulation.seed``.
        months: months after month 0; defaults to the scenario's ``simulation.months``.
        overrides: values to change (see :func:`sim.load_scenario`).
        on_month: called with the month number after each simulated month.
        out: write the run directory here (every table as NAME.parquet, summary.json,
            scenario.toml); nothing is written without it. It is checked before the runs.
        overwrite: write into an ``out`` that is not empty and not an earlier run,
            keeping the files a run does not write.

    Raises:
        ScenarioError: a scenario or override that cannot be used (nothing has run).
        SeedError: seeds outside 0 .. :data:`sim.MAX_SEED` (nothing has run).
        OutputError: ``out`` may not or cannot be written (nothing has run).
        ResultNotWritten: a file cannot be written; ``out`` is as it was.
    """
    scenario = load_scenario(scenario, overrides)
    seed = scenario.simulation.seed if seed is None else seed
    check_seed(seed, reps)
    stacked: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLES}
    with optional_output(out, "run", overwrite=overwrite) as output:
        for rep in range(reps):
            for name, frame in _labelled_tables(scenario, rep, seed + rep, months,
                                                on_month).items():
                stacked[name].append(frame)
        tables = {name: pd.concat(frames, ignore_index=True) for name, frames in stacked.items()}
        result = Replications(scenario, tables, summarise(tables["timeseries"]))
        if output is not None:
            output.write(result.files())
    return result


def _labelled_tables(scenario: Scenario, rep: int, seed: int, months: int | None,
              on_month: Callable[[int], None] | None = None) -> dict[str, pd.DataFrame]:
    """One run's tables with leading columns scenario, rep, seed."""
    result = run(scenario, seed, months=months, on_month=on_month)
    out = {}
    for name, frame in result.tables().items():
        frame = frame.copy()
        frame.insert(0, "seed", result.seed)
        frame.insert(0, "rep", rep)
        frame.insert(0, "scenario", scenario.name)
        out[name] = frame
    return out


class Job(NamedTuple):
    """One model run of :func:`run_jobs`: its label, scenario, replication, seed and months."""

    label: str
    scenario: Scenario
    rep: int
    seed: int
    months: int | None

    @property
    def run_id(self) -> str:
        """The run as messages name it: ``LABEL rep N``."""
        return f"{self.label} rep {self.rep}"


def _run_job(job: Job) -> dict[str, pd.DataFrame]:
    """Worker entry point: one job's tables with leading columns scenario, rep, seed."""
    _label, scenario, rep, seed, months = job
    return _labelled_tables(scenario, rep, seed, months)


def run_jobs(
    jobs: list[Job],
    workers: int = 1,
    on_run: Callable[[], None] | None = None,
) -> dict[str, dict[str, pd.DataFrame]]:
    """Run jobs, in parallel when ``workers`` > 1.

    Returns each label's tables stacked in replication order, whatever order the workers
    finished in, so the result does not depend on the number of workers.
    """
    executor = make_executor("serial") if workers <= 1 else make_executor("local", workers)
    done: dict[str, list[tuple[int, dict[str, pd.DataFrame]]]] = {}
    with executor as pool:
        for job, tables in pool.map_unordered(_run_job, jobs):
            if isinstance(tables, BaseException):
                raise tables
            done.setdefault(job[0], []).append((job[2], tables))
            if on_run is not None:
                on_run()
    out = {}
    for label, runs in done.items():
        runs.sort(key=lambda item: item[0])
        out[label] = {name: pd.concat([t[name] for _, t in runs], ignore_index=True)
                      for name in TABLES}
    return out


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
    """A short fixed-width table of :data:`SUMMARY_METRICS` for the terminal."""
    reps = len(summary["seeds"])
    region = f"region ({REGION_AREA})"
    head = f"{region:<24}{'month 0':>12}{'month ' + str(summary['months']):>12}"
    if reps > 1:
        head += f"{'min':>12}{'max':>12}"
    lines = [f"{summary['scenario']}: {reps} replication(s)", head]
    for metric in SUMMARY_METRICS:
        row = summary["region"][metric]
        fmt = (lambda v: f"{v:12.3f}") if metric.endswith("_rate") else (lambda v: f"{v:12,.0f}")
        line = f"{metric:<24}{fmt(row['month_0_mean'])}{fmt(row['final_mean'])}"
        if reps > 1:
            line += f"{fmt(row['final_min'])}{fmt(row['final_max'])}"
        lines.append(line)
    return "\n".join(lines)


def run_files(scenario: Scenario, tables: dict[str, pd.DataFrame], summary: dict[str, Any],
              under: str = "") -> dict[str, Writer]:
    """A run directory's files: every table as NAME.parquet, summary.json, scenario.toml.

    Args:
        scenario: the scenario as run (written fully resolved).
        tables: the stacked tables, by name.
        summary: :func:`summarise` of the time series.
        under: a prefix of every file's path (``NAME/`` in a comparison directory).
    """
    files: dict[str, Writer] = {
        f"{under}{name}.parquet": functools.partial(frame.to_parquet, index=False)
        for name, frame in tables.items()
    }
    files[f"{under}summary.json"] = json_writer(summary)
    files[f"{under}scenario.toml"] = text_writer(scenario_to_toml(scenario))
    return files
