"""Parameter sweeps (parametrikartoitus): many runs of one scenario, stored run by run.

A sweep is a spec (:mod:`.spec`), a plan of runs with their seeds (:mod:`.design`), an
executor (:mod:`.executors`) and a store (:mod:`.store`). :func:`run_sweep` starts a sweep
directory or resumes one: runs already stored are skipped, so a killed sweep rerun with
the same command ends with the same results as one that was never interrupted. Every
stored run is verified first (:mod:`.integrity`): a file that is missing, unreadable, of
the wrong run or changed since it was written is moved into ``DIR/quarantine/`` and run
again, one line each saying so. A spec changed since the directory was started is refused.

Each run goes through the model's one boundary, :func:`sim.run`, in :func:`execute`, which
never raises: a run that fails is returned with its error and recorded.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import platform
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim import run
from sim.collect import REGION_AREA
from sim.scenario.loading import validate
from sim.scenario.overrides import set_value

from .design import design_matrix, new_entropy, plan_runs
from .executors import make_executor
from .integrity import RUN_COLUMNS, identity_problem
from .spec import SpecError, Sweep, load_spec, parse_outcome
from .store import StoredRuns, SweepStore, planned, run_table

MANIFEST_FORMAT = 2
"""Format of new manifests: 2 has a checksum record beside every run file."""


# -- one run (in a worker) ---------------------------------------------------------------
@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs for one run; small and picklable."""

    run_id: str
    index: int
    point: int
    replication: int
    seed: int
    months: int
    base: dict[str, Any]
    origin: str
    parameters: dict[str, Any]
    outcomes: tuple[str, ...]

    def record(self) -> dict[str, Any]:
        """Ids, seed and parameters, as stored with the run."""
        return {
            "run_id": self.run_id,
            "run": self.index,
            "point": self.point,
            "replication": self.replication,
            "seed": self.seed,
            "parameters": dict(self.parameters),
        }


@dataclass(frozen=True)
class RunResult:
    """A finished run's table and outcomes, or its error."""

    run_id: str
    frame: pd.DataFrame | None = None
    outcomes: dict[str, float] = field(default_factory=dict)
    error: dict[str, str] | None = None


def execute(task: RunTask) -> RunResult:
    """Build the task's scenario, run it and summarise it; errors are returned, not raised."""
    try:
        data = copy.deepcopy(task.base)
        for key, value in task.parameters.items():
            set_value(data, key, value, task.origin)
        scenario = validate(data, f"{task.origin} [{task.run_id}]")
        months = None if "simulation.months" in task.parameters else task.months
        timeseries = run(scenario, task.seed, months=months).timeseries
        outcomes = compute_outcomes(timeseries, task.outcomes)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded with the run
        return RunResult(task.run_id, error=error_record(exc))
    return RunResult(task.run_id, with_ids(timeseries, task), outcomes)


def error_record(exc: BaseException) -> dict[str, str]:
    """The type, message and traceback of an exception, as strings."""
    return {
        "error_type": type(exc).__name__,
        "error": str(exc),
        "traceback": "".join(traceback.format_exception(exc)),
    }


def compute_outcomes(timeseries: pd.DataFrame, names: tuple[str, ...]) -> dict[str, float]:
    """Scalar outcomes (``STAT_METRIC``) of the region's (``ALL``) monthly series."""
    region = timeseries[timeseries["area"] == REGION_AREA].sort_values("month")
    out = {}
    for name in names:
        stat, metric = parse_outcome(name)
        series = region[metric].to_numpy(dtype=np.float64)
        value = {
            "final": lambda s: s[-1],
            "initial": lambda s: s[0],
            "mean": np.mean,
            "min": np.min,
            "max": np.max,
            "change": lambda s: s[-1] - s[0],
            "total": np.sum,
        }[stat](series)
        out[name] = float(value)
    return out


def with_ids(timeseries: pd.DataFrame, task: RunTask) -> pd.DataFrame:
    """The run's time series led by run id, point, replication, seed and parameter columns."""
    n = len(timeseries)
    ids = {
        "run_id": [task.run_id] * n,
        "run": np.full(n, task.index, dtype=np.int64),
        "point": np.full(n, task.point, dtype=np.int64),
        "replication": np.full(n, task.replication, dtype=np.int64),
        "seed": np.full(n, task.seed, dtype=np.int64),
    }
    ids.update({key: [value] * n for key, value in task.parameters.items()})
    lead = pd.DataFrame(ids, index=timeseries.index)
    return pd.concat([lead, timeseries], axis=1)


# -- the manifest ------------------------------------------------------------------------
def new_manifest(sweep: Sweep, entropy: int | None = None) -> dict[str, Any]:
    """The manifest of a sweep: spec, hash, entropy, design matrix and every seed.

    ``entropy`` is the spec's, else the given one (a rebuilt manifest's), else new.
    """
    spec = sweep.spec
    if spec.entropy is not None:
        entropy = spec.entropy
    elif entropy is None:
        entropy = new_entropy()
    values, unit = sweep.given_design or design_matrix(spec, entropy)
    runs = plan_runs(len(values), spec.replications, entropy, spec.common_random_numbers)
    return {
        "format": MANIFEST_FORMAT,
        "name": spec.name,
        "description": spec.description,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "spec_file": str(sweep.path.resolve()),
        "spec_hash": sweep.hash,
        "spec": spec.model_dump(mode="json"),
        "base_file": str(sweep.base_path.resolve()),
        "base": sweep.base_data,
        "months": sweep.months,
        "replications": spec.replications,
        "entropy": entropy,
        "entropy_source": "spec" if spec.entropy is not None else "generated",
        "outcomes": list(spec.outcomes),
        "parameters": sweep.keys,
        "design_kind": spec.design.kind,
        "design": values,
        "unit_design": unit,
        "run_columns": list(RUN_COLUMNS),
        "runs": [[r.run_id, r.point, r.replication, r.seed] for r in runs],
        "code_fingerprint": code_fingerprint(),
        "versions": versions(),
    }


def code_fingerprint() -> str:
    """SHA-256 of the model's source files: a resumed sweep warns when the model changed."""
    import sim

    digest = hashlib.sha256()
    for path in sorted(Path(sim.__file__).parent.rglob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def versions() -> dict[str, str]:
    """Versions of Python and of the packages that shape results."""
    out = {"python": platform.python_version()}
    for name in ("kasvu", "numpy", "numba", "mesa", "SALib", "pandas"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def tasks(manifest: dict[str, Any], run_ids: set[str]) -> Iterator[RunTask]:
    """Tasks for the given runs of a manifest, in run order."""
    keys = manifest["parameters"]
    outcomes = tuple(manifest["outcomes"])
    for row in run_table(manifest):
        if row["run_id"] in run_ids:
            values = manifest["design"][row["point"]]
            yield RunTask(
                row["run_id"],
                row["run"],
                row["point"],
                row["replication"],
                row["seed"],
                manifest["months"],
                manifest["base"],
                manifest["base_file"],
                dict(zip(keys, values, strict=True)),
                outcomes,
            )


# -- the sweep ---------------------------------------------------------------------------
@dataclass
class SweepReport:
    """What a call of :func:`run_sweep` did.

    ``notes`` are the lines said about the directory as they were found (bad runs set
    aside, leftovers removed, warnings); ``warnings`` the warnings among them.
    """

    directory: Path
    total: int
    done: int = 0
    failed: int = 0
    ran: int = 0
    failed_now: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def pending(self) -> int:
        """Runs neither stored nor recorded as failed."""
        return self.total - self.done - self.failed


def open_sweep(sweep: Sweep, store: SweepStore) -> dict[str, Any] | None:
    """The manifest of an existing sweep directory for this spec, or None for a fresh one.

    Raises:
        SpecError: the directory was started with a different spec (hash comparison).
        StoreError: the directory exists and is not a sweep, or its manifest is damaged.
    """
    if not store.exists():
        store.check_fresh(sweep.path.read_text(encoding="utf-8"))
        return None
    manifest = store.read_manifest()
    check_same_spec(sweep, store, manifest)
    return manifest


def check_same_spec(sweep: Sweep, store: SweepStore, manifest: dict[str, Any]) -> None:
    """Refuse a spec whose hash differs from the one the directory was started with.

    Raises:
        SpecError: the spec or its base scenario changed.
    """
    if manifest["spec_hash"] != sweep.hash:
        raise SpecError(
            f"{sweep.path}: the spec (or its base scenario) changed since {store.root} was "
            f"started from {manifest.get('spec_file')} (hash {manifest['spec_hash'][:12]}"
            f", now {sweep.hash[:12]}); resume with the original spec or choose a new --out"
        )


def run_sweep(
    sweep: Sweep | str | Path,
    directory: str | Path,
    executor: Any = "local",
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    max_runs: int | None = None,
    retry_failed: bool = False,
    progress: bool = True,
    notify: Callable[[str], None] | None = None,
) -> SweepReport:
    """Start or resume a sweep in ``directory`` and run what is left.

    On resume every stored run is verified first (:func:`set_aside_bad_runs`); bad ones
    are moved into ``DIR/quarantine/`` and run again. ``kasvu sweep`` is this function
    with the spec's warnings and a summary printed.

    Args:
        sweep: a checked spec (:func:`.spec.load_spec`) or the path of a spec file.
        directory: the sweep directory (created if new).
        executor: ``local``, ``dask`` or ``serial`` (:func:`.executors.make_executor`),
            or an executor of :mod:`.executors` (not yet entered).
        workers: local (or Dask LocalCluster) workers of a named executor; default one
            per core.
        scheduler: a Dask scheduler's address for the ``dask`` executor; default a
            LocalCluster.
        max_runs: run at most this many now (the rest stays for the next call).
        retry_failed: rerun runs recorded as failed.
        progress: show a progress bar.
        notify: called with each line about the directory as it is found (a bad run
            set aside, leftovers removed, the model's code changed); default: printed to
            stderr as ``kasvu: ...``. The lines are also kept in the report.

    Raises:
        SpecError: a bad or changed spec. StoreError: a foreign or busy directory, or a
            damaged manifest.
        WorkerLost: a local worker died; finished runs are kept.
    """
    if not isinstance(sweep, Sweep):
        sweep = load_spec(sweep)
    if isinstance(executor, str):
        executor = make_executor(executor, workers, scheduler)
    store = SweepStore(directory)
    manifest = open_sweep(sweep, store)
    report = SweepReport(store.root, total=0)
    say = _teller(report, notify)
    with store.lock():
        if manifest is None:
            store.create(new_manifest(sweep), sweep.path.read_text(encoding="utf-8"),
                         sweep.base_text)
            manifest = store.read_manifest()  # as a resumed sweep will read it
        elif manifest.get("code_fingerprint") != code_fingerprint():
            say("warning: the model's code changed since this sweep started; runs stored "
                "before and after the change may not be comparable")
        finished = set(set_aside_bad_runs(store, manifest, say, "running it again"))
        set_aside_bad_failures(store, manifest, say, "running it again")
        failed = store.failures()
        ids = [row["run_id"] for row in run_table(manifest)]
        report.total = len(ids)
        skip = finished if retry_failed else finished | failed
        todo = [run_id for run_id in ids if run_id not in skip]
        if max_runs is not None:
            todo = todo[:max_runs]
        report.done = len(finished)
        report.failed = len(failed) - (len(failed & set(todo)))
        _run_tasks(store, manifest, todo, executor, report, progress)
    return report


def _teller(report: SweepReport, notify: Callable[[str], None] | None) -> Callable[[str], None]:
    """A function keeping each line in the report and passing it on to ``notify``."""

    def say(line: str) -> None:
        report.notes.append(line)
        if line.startswith("warning: "):
            report.warnings.append(line.removeprefix("warning: "))
        if notify is not None:
            notify(line)
        else:
            print(f"kasvu: {line}", file=sys.stderr)

    return say


def _run_tasks(store: SweepStore, manifest: dict[str, Any], todo: list[str], executor: Any,
               report: SweepReport, progress: bool) -> None:
    """Run the runs ``todo`` on ``executor``, storing each as it finishes, with a bar."""
    stamp = sweep_stamp(manifest, code_fingerprint())
    start = time.monotonic()
    with tqdm(
        total=report.total,
        initial=report.done + report.failed,
        unit="run",
        desc=manifest["name"],
        disable=not progress or None,
        smoothing=0.1,
    ) as bar:
        bar.set_postfix(failed=report.failed)
        if todo:
            with executor as ex:
                for task, result in ex.map_unordered(execute, tasks(manifest, set(todo))):
                    _store(store, {**task.record(), **stamp}, result, report)
                    bar.update()
                    bar.set_postfix(failed=report.failed)
    report.seconds = time.monotonic() - start


def sweep_stamp(manifest: dict[str, Any], code: str) -> dict[str, Any]:
    """The sweep's identity stored with each run: what a lost manifest is rebuilt from."""
    return {"sweep": manifest["name"], "entropy": manifest["entropy"],
            "spec_hash": manifest["spec_hash"], "code_fingerprint": code}


def set_aside_bad_runs(store: SweepStore, manifest: dict[str, Any], say: Callable[[str], None],
                       then: str) -> list[str]:
    """Verify every stored run whole; move bad ones into quarantine, one line each.

    Leftover temporary files are removed (and counted). Runs stored before checksum
    records were kept (a format-1 manifest) that are whole and of their planned run get
    their record, and the manifest its new format.

    Args:
        store: the sweep directory, locked by the caller.
        manifest: its manifest.
        say: called with each line.
        then: what happens to a bad run next (``running it again``).

    Returns:
        The ids of the finished (verified) runs.
    """
    removed = store.remove_temporaries()
    if removed:
        say(f"removed {removed} temporary file(s) left by a killed sweep (never a stored run)")
    verification = StoredRuns(store, manifest).verify()
    plan = planned_ids(manifest)
    for run_id, problem in verification.bad.items():
        where = store.quarantine_run(run_id, problem)
        say(f"{run_id}: {problem}; moved to {where}/, {then if run_id in plan else 'kept there'}")
    if verification.unrecorded:
        stamp = sweep_stamp(manifest, manifest.get("code_fingerprint", "unknown"))
        for run_id in verification.unrecorded:
            store.record_checksum(run_id, stamp)
        say(f"recorded the checksums of {len(verification.unrecorded)} run(s) stored before "
            "kasvu kept them (each read whole and found to be its planned run)")
    if manifest["format"] < MANIFEST_FORMAT:
        manifest["format"] = MANIFEST_FORMAT
        store.write_manifest(manifest)
    return verification.finished


def set_aside_bad_failures(store: SweepStore, manifest: dict[str, Any],
                           say: Callable[[str], None], then: str) -> None:
    """Move failure records that are unreadable or not of a planned run into quarantine.

    Their runs are then pending, not failed: an unreadable record has lost its error, and
    one of another run says nothing of this one.
    """
    plan = planned(manifest)
    keys = ("point", "replication", "seed", "entropy", "spec_hash")
    for run_id in sorted(store.failures()):
        record = store.failure_record(run_id)
        if run_id not in plan:
            problem = "not a run of this sweep (the manifest plans no such run)"
        elif record is None:
            problem = "its failure record is unreadable"
        else:
            problem = identity_problem(record, plan[run_id], keys)
        if problem is not None:
            where = store.quarantine(run_id, problem, [store.failure_path(run_id)])
            say(f"{run_id}: failure record: {problem}; moved to {where}/, {then}")


def _store(store: SweepStore, record: dict[str, Any], result: Any, report: SweepReport) -> None:
    run_id = record["run_id"]
    if isinstance(result, BaseException):  # lost with its worker (Dask)
        result = RunResult(run_id, error=error_record(result))
    if result.error is None:
        store.write_run(run_id, result.frame, {**record, "outcomes": result.outcomes})
        report.done += 1
    else:
        store.write_failure(run_id, {**record, **result.error})
        report.failed += 1
        report.failed_now += 1
    report.ran += 1


# -- status ------------------------------------------------------------------------------
def status(directory: str | Path, failures_shown: int = 5) -> str:
    """A progress line (as the sweep's own bar shows it), bad files and recent failures.

    Works while a sweep writes to ``directory`` elsewhere: the rate and time left are
    those of the running writer, counted from its stored files. Changes nothing: run files
    are checked against their checksum records by size only (fast for thousands of runs);
    their SHA-256 is checked when the sweep resumes and when :func:`.store.load` reads them.
    """
    store = SweepStore(directory)
    manifest = store.read_manifest()
    total = len(manifest["runs"])
    writer = store.writer()
    runs = StoredRuns(store, manifest)
    verification = runs.verify(deep=False, writing=writer is not None)
    finished, failed = verification.finished, store.failures()
    bad = {run_id for run_id in verification.bad if run_id in planned_ids(manifest)}
    count = len(finished) + len(failed)
    elapsed, initial = 0.0, count
    if writer and "started" in writer:
        started = float(writer["started"])
        elapsed = max(time.time() - started, 1e-9)
        initial = count - _written_since(store, started)
    meter = tqdm.format_meter(
        count,
        total,
        elapsed,
        prefix=manifest["name"],
        unit="run",
        initial=initial,
        postfix=f"failed={len(failed)}",
        ncols=100,
    )
    state = (
        f"running (pid {writer.get('pid', '?')} on {writer.get('host', '?')})"
        if writer is not None
        else "not running"
    )
    bad_count = f"{len(bad)} bad, " if bad else ""
    lines = [
        f"{store.root}: {len(finished)} done, {len(failed)} failed, {bad_count}"
        f"{total - count - len(bad)} pending of {total}; {state}",
        meter,
    ]
    for run_id, problem in list(verification.bad.items())[:failures_shown]:
        lines.append(f"  bad {store.run_path(run_id)}: {problem}")
    if len(verification.bad) > failures_shown:
        lines.append(f"  ... and {len(verification.bad) - failures_shown} more bad files")
    if verification.bad:
        lines.append("  bad files are moved to quarantine/ and run again when the sweep resumes")
    lines.append("  (files checked by size against their checksum records; checksums are "
                 "verified on resume and by analysis.load)")
    table = runs.failures()
    for _, row in table.head(failures_shown).iterrows():
        lines.append(
            f"  failed {row['run_id']}: {row['error_type']}: "
            f"{str(row['error']).splitlines()[0] if row['error'] else ''}"
        )
    if len(table) > failures_shown:
        lines.append(
            f"  ... and {len(table) - failures_shown} more (analysis.load(DIR, table='failed'))"
        )
    return "\n".join(lines)


def planned_ids(manifest: dict[str, Any]) -> set[str]:
    """The ids of the runs a manifest plans."""
    return {row[0] for row in manifest["runs"]}


def _written_since(store: SweepStore, since: float) -> int:
    paths = [*store.run_files(), *(store.failure_path(i) for i in store.failures())]
    return sum(1 for p in paths if p.stat().st_mtime >= since)


def describe(sweep: Sweep) -> str:
    """One line: design, points, replications, runs and months."""
    spec = sweep.spec
    return (
        f"{spec.name}: {spec.design.kind} design over {len(spec.parameters)} "
        f"parameter(s), {spec.replications} replication(s) per point, "
        f"{sweep.months} months per run, base {sweep.base_path.name}"
    )


def print_report(report: SweepReport, stream: Any = None) -> None:
    """The end-of-sweep summary (to stdout by default)."""
    stream = stream or sys.stdout
    print(
        f"{report.directory}: {report.done} done, {report.failed} failed, "
        f"{report.pending} pending of {report.total} runs "
        f"({report.ran} run now in {report.seconds:.1f} s)",
        file=stream,
    )
    if report.failed:
        print(
            f"failed runs: {report.directory}/failed/ (analysis.load(DIR, table='failed'))",
            file=stream,
        )
    if report.pending:
        print("rerun the same command to continue", file=stream)
