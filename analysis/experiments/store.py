"""A sweep's result store (tulosvarasto) that loses nothing and checks what it reads back.

Layout of a sweep directory::

    DIR/manifest.json       spec copy and hash, entropy, design matrix, every run's seed
    DIR/spec.toml           the spec file as given
    DIR/base.toml           its base scenario as read (extends merged), for --repair
    DIR/runs/r000123.parquet   one run: time series of the region and every area, with
                               run id, parameter and seed columns; its ids, scalar outcomes
                               and its sweep's entropy and spec hash in the file's metadata
                               (key ``kasvu.run``)
    DIR/runs/r000123.json      its checksum record: SHA-256, bytes, rows, ids (written last)
    DIR/failed/r000124.json    a run that raised: its error and traceback
    DIR/quarantine/r000125.1/  a bad run's files, moved aside, with problem.txt saying why
    DIR/.lock               held while a sweep writes here (pid, start time)

Every file is written under a temporary name, flushed to disk and :func:`os.replace`-d
into place, so a killed sweep (even ``kill -9``) leaves only whole files; rerunning it skips
the finished runs. A run is finished only when its file and checksum record agree
(:func:`.integrity.check_run`; :class:`StoredRuns` checks a whole directory). :func:`load`
reads a directory back as one table and refuses, naming each file and its problem, when a
stored file is bad.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import io
import json
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .integrity import (
    BAD,
    FINISHED,
    RUN_METADATA,
    UNRECORDED,
    RunCheck,
    check_run,
    checksum_record,
    manifest_problem,
    read_run_record,
)

MANIFEST = "manifest.json"
SPEC_COPY = "spec.toml"
BASE_COPY = "base.toml"
RUNS = "runs"
FAILED = "failed"
QUARANTINE = "quarantine"
LOCK = ".lock"
TABLES = ("timeseries", "outcomes", "failed", "design")
ID_COLUMNS = ("run", "point", "replication", "seed")
"""Whole-number id columns of the result tables (int64: seeds are below 2**63)."""
BAD_FILES_SHOWN = 20


class StoreError(ValueError):
    """A directory that is not (or not this) sweep, is busy or holds bad files: says which."""


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def run_table(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The manifest's runs as dicts (run_id, point, replication, seed, run index)."""
    columns = manifest["run_columns"]
    return [dict(zip(columns, row, strict=True), run=i) for i, row in enumerate(manifest["runs"])]


def planned(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What the manifest plans for each run, by run id: ids, parameters and sweep identity."""
    keys = manifest["parameters"]
    return {
        row["run_id"]: {
            **row,
            "parameters": dict(zip(keys, manifest["design"][row["point"]], strict=True)),
            "entropy": manifest["entropy"],
            "spec_hash": manifest["spec_hash"],
        }
        for row in run_table(manifest)
    }


@dataclass
class Verification:
    """The stored runs of a sweep directory, checked: finished ones and bad ones."""

    finished: list[str] = field(default_factory=list)
    unrecorded: list[str] = field(default_factory=list)
    bad: dict[str, str] = field(default_factory=dict)


class SweepStore:
    """The files of one sweep directory."""

    def __init__(self, root: str | Path) -> None:
        """Address the sweep directory ``root`` (nothing is created yet)."""
        self.root = Path(root)
        self.runs_dir = self.root / RUNS
        self.failed_dir = self.root / FAILED
        self.quarantine_dir = self.root / QUARANTINE

    # -- the manifest ---------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        """Path of ``manifest.json``."""
        return self.root / MANIFEST

    @property
    def spec_path(self) -> Path:
        """Path of the spec's copy, ``spec.toml``."""
        return self.root / SPEC_COPY

    @property
    def base_path(self) -> Path:
        """Path of the base scenario's copy, ``base.toml``."""
        return self.root / BASE_COPY

    def exists(self) -> bool:
        """Whether ``root`` holds a started sweep (its manifest)."""
        return self.manifest_path.is_file()

    def check_fresh(self, spec_text: str | None = None) -> None:
        """Refuse a directory that holds something other than a new sweep.

        An empty directory, or one holding only what a sweep killed before its manifest
        was written leaves (hidden files; the copies of the same spec and its base) may be
        used. A directory with run files but no manifest is a sweep whose manifest was
        lost.
        """
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"{self.root}: exists and is not a directory")
        if not self.root.is_dir():
            return
        leftovers = [p for p in self.root.iterdir() if not p.name.startswith(".")]
        names = {p.name for p in leftovers}
        if names and names <= {SPEC_COPY, BASE_COPY} and spec_text is not None:
            if (self.spec_path.is_file()
                    and self.spec_path.read_text(encoding="utf-8") == spec_text) \
                    or names == {BASE_COPY}:
                return
        if leftovers:
            hint = (f"if its manifest was lost, `kasvu sweep --repair {self.root}` rebuilds it"
                    if self.runs_dir.is_dir() or self.spec_path.is_file()
                    else "choose another --out")
            raise StoreError(
                f"{self.root}: directory exists and is not a sweep (no {MANIFEST}); {hint}"
            )

    def create(self, manifest: dict[str, Any], spec_text: str, base_text: str = "") -> None:
        """Start a sweep here: the copies of its base and spec, then the manifest (last)."""
        self.check_fresh(spec_text)
        self.root.mkdir(parents=True, exist_ok=True)
        if base_text:
            atomic_write(self.base_path, base_text.encode("utf-8"))
        atomic_write(self.spec_path, spec_text.encode("utf-8"))
        self.write_manifest(manifest)

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write (or replace) the manifest atomically."""
        atomic_write(self.manifest_path, _json_bytes(manifest))

    def read_manifest(self) -> dict[str, Any]:
        """The manifest, checked for its keys and types.

        Raises:
            StoreError: no manifest, or one that is unreadable or of the wrong shape (the
                message names the manifest and the key, and how to rebuild it).
        """
        manifest, problem = self.manifest_or_problem()
        if problem is not None:
            raise StoreError(f"{self.manifest_path}: {problem}; {self.repair_hint}")
        if manifest is None:
            hint = ""
            if self.runs_dir.is_dir() or self.spec_path.is_file():
                hint = f"; if it was lost, `kasvu sweep --repair {self.root}` rebuilds it"
            raise StoreError(f"{self.root}: not a sweep directory (no {MANIFEST}){hint}")
        return manifest

    def manifest_or_problem(self) -> tuple[dict[str, Any] | None, str | None]:
        """The manifest and None; or None and what is wrong with it; (None, None) if absent."""
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None, None
        except (OSError, ValueError) as exc:
            return None, f"unreadable ({exc})"
        problem = manifest_problem(manifest)
        return (None, problem) if problem is not None else (manifest, None)

    @property
    def repair_hint(self) -> str:
        """How to rebuild a damaged manifest of this directory."""
        return (f"the manifest is damaged: `kasvu sweep --repair {self.root}` moves it to "
                f"{QUARANTINE}/ and rebuilds it from {SPEC_COPY} and the run files")

    # -- runs -----------------------------------------------------------------------
    def run_path(self, run_id: str) -> Path:
        """Path of a finished run's Parquet file."""
        return self.runs_dir / f"{run_id}.parquet"

    def record_path(self, run_id: str) -> Path:
        """Path of a finished run's checksum record."""
        return self.runs_dir / f"{run_id}.json"

    def failure_path(self, run_id: str) -> Path:
        """Path of a failed run's error record."""
        return self.failed_dir / f"{run_id}.json"

    def stored(self) -> set[str]:
        """Ids of the runs with a file in ``runs/`` (not yet verified: :meth:`verify`)."""
        return _stems(self.runs_dir, ".parquet")

    def failures(self) -> set[str]:
        """Ids of the runs recorded as failed (and not stored since)."""
        return _stems(self.failed_dir, ".json") - self.stored()

    def write_run(self, run_id: str, frame: pd.DataFrame, record: dict[str, Any]) -> None:
        """Store one run: its table with ``record`` as metadata, then its checksum record.

        ``record`` holds the run's ids, parameters and outcomes and its sweep's identity
        (:data:`.integrity.SWEEP_IDENTITY`).
        """
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        metadata = dict(table.schema.metadata or {})
        metadata[RUN_METADATA] = json.dumps(record, ensure_ascii=False).encode("utf-8")
        buffer = io.BytesIO()
        pq.write_table(table.replace_schema_metadata(metadata), buffer)
        data = buffer.getvalue()
        atomic_write(self.run_path(run_id), data)
        atomic_write(self.record_path(run_id),
                     _json_bytes(checksum_record(data, table.num_rows, record)))
        with contextlib.suppress(FileNotFoundError):
            self.failure_path(run_id).unlink()

    def record_checksum(self, run_id: str, stamp: dict[str, Any]) -> None:
        """Write the checksum record of a run stored before records were kept (format 1)."""
        data = self.run_path(run_id).read_bytes()
        record, rows, _ = read_run_record(data)
        atomic_write(self.record_path(run_id),
                     _json_bytes(checksum_record(data, rows, {**(record or {}), **stamp})))

    def failure_record(self, run_id: str) -> dict[str, Any] | None:
        """A failed run's record, or None when it cannot be read."""
        record = _json_or_none(self.failure_path(run_id))
        return record if isinstance(record, dict) else None

    def write_failure(self, run_id: str, record: dict[str, Any]) -> None:
        """Record a failed run (its ids, parameters and error)."""
        self.failed_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(self.failure_path(run_id), _json_bytes(record))

    def quarantine(self, name: str, problem: str, paths: list[Path]) -> Path:
        """Move the existing ``paths`` aside into a new ``quarantine/NAME.N/`` and say why.

        Nothing is deleted: the folder holds the files and ``problem.txt``.
        """
        self.quarantine_dir.mkdir(parents=True, exist_ok=True)
        number = 1
        while (self.quarantine_dir / f"{name}.{number}").exists():
            number += 1
        target = self.quarantine_dir / f"{name}.{number}"
        target.mkdir()
        when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        atomic_write(target / "problem.txt", f"{problem}\nmoved here at {when}\n".encode())
        for path in paths:
            if path.exists():
                os.replace(path, target / path.name)
                _fsync_directory(path.parent)
        _fsync_directory(target)
        return target

    def quarantine_run(self, run_id: str, problem: str) -> Path:
        """Move a bad run's file and checksum record into quarantine (:meth:`quarantine`)."""
        return self.quarantine(run_id, problem, [self.run_path(run_id), self.record_path(run_id)])

    def remove_temporaries(self) -> int:
        """Delete temporary files left by a killed writer; returns how many."""
        removed = 0
        for directory in (self.root, self.runs_dir, self.failed_dir):
            if directory.is_dir():
                for path in directory.glob(".*.tmp"):
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed

    # -- the writer's lock ----------------------------------------------------------
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the directory's lock while writing; a second writer is refused.

        The lock dies with its process (``flock``), so a killed sweep never blocks its
        resumption.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK, "a+", encoding="utf-8") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _json_or_none(self.root / LOCK) or {}
                raise StoreError(
                    f"{self.root}: another kasvu sweep is writing here "
                    f"(pid {holder.get('pid', '?')} on {holder.get('host', '?')})"
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(
                json.dumps(
                    {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
                )
            )
            handle.flush()
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def writer(self) -> dict[str, Any] | None:
        """The running writer's pid, host and start time, or None when no sweep writes."""
        path = self.root / LOCK
        if not path.is_file():
            return None
        with open(path, encoding="utf-8") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return _json_or_none(path) or {}
            fcntl.flock(handle, fcntl.LOCK_UN)
        return None

    # -- reading back ---------------------------------------------------------------
    def run_files(self) -> list[Path]:
        """Stored runs' files in run order (not yet verified)."""
        return sorted(self.runs_dir.glob("r*.parquet")) if self.runs_dir.is_dir() else []

class StoredRuns:
    """The runs stored in a sweep directory, verified against its manifest and read back."""

    def __init__(self, store: SweepStore, manifest: dict[str, Any]) -> None:
        """The runs of ``store`` as its (checked) ``manifest`` plans them."""
        self.store = store
        self.manifest = manifest

    def checks(self, *, deep: bool = True, writing: bool = False) -> Iterator[RunCheck]:
        """:func:`.integrity.check_run` of every name in ``runs/``, in run order.

        Args:
            deep: read every file whole (checksums); otherwise records and sizes only.
            writing: a sweep writes here now (a file without its record is being stored).
        """
        store, plan = self.store, planned(self.manifest)
        names = _stems(store.runs_dir, ".parquet") | _stems(store.runs_dir, ".json")
        for name in sorted(names):
            yield check_run(name, store.run_path(name), store.record_path(name), plan.get(name),
                            deep=deep, require_record=self.manifest["format"] >= 2,
                            writing=writing)

    def verify(self, *, deep: bool = True, writing: bool = False) -> Verification:
        """Which stored runs are finished and which are bad (and why); nothing is changed."""
        result = Verification()
        for check in self.checks(deep=deep, writing=writing):
            if check.state == BAD:
                result.bad[check.run_id] = check.problem or "bad"
            elif check.state in (FINISHED, UNRECORDED):
                result.finished.append(check.run_id)
                if check.state == UNRECORDED:
                    result.unrecorded.append(check.run_id)
        return result

    def verified(self) -> Iterator[RunCheck]:
        """Deep checks of the finished runs, in run order, for reading them back.

        Raises:
            StoreError: after the last run, when any stored file is bad: each file and
                its problem.
        """
        problems = []
        for check in self.checks(deep=True, writing=self.store.writer() is not None):
            if check.state == BAD:
                problems.append(f"{self.store.run_path(check.run_id)}: {check.problem}")
            elif check.state in (FINISHED, UNRECORDED) and not problems:
                yield check
        if problems:
            raise StoreError(self._bad_files_message(problems))

    def _bad_files_message(self, problems: list[str]) -> str:
        root = self.store.root
        fix = (f"rerun the sweep (`kasvu sweep SPEC --out {root}`) to move bad files to "
               f"{self.store.quarantine_dir}/ and run them again; no partial table is returned")
        if len(problems) == 1:
            return f"{problems[0]}; {fix}"
        shown = problems[:BAD_FILES_SHOWN]
        more = len(problems) - len(shown)
        lines = [f"{root}: {len(problems)} bad run files:", *(f"  {p}" for p in shown)]
        if more:
            lines.append(f"  ... and {more} more")
        return "\n".join([*lines, fix])

    def timeseries(self) -> pd.DataFrame:
        """Every finished run's time series in one table, in run order, each file verified."""
        tables = []
        for check in self.verified():
            try:
                tables.append(pq.read_table(pa.BufferReader(check.data)))
            except Exception as exc:  # noqa: BLE001 - only a file without checksum record
                raise StoreError(f"{self.store.run_path(check.run_id)}: not a readable Parquet "
                                 f"file ({exc})") from None
        if not tables:
            return pd.DataFrame()
        return pa.concat_tables(tables, promote_options="permissive").to_pandas()

    def outcomes(self) -> pd.DataFrame:
        """One row per finished run: ids, seed, parameters and scalar outcomes (verified)."""
        rows = [
            {**_ids(check.record), **check.record["parameters"], **check.record["outcomes"]}
            for check in self.verified()
        ]
        return _with_integer_ids(pd.DataFrame(rows))

    def failures(self) -> pd.DataFrame:
        """One row per failed run: ids and seed (the manifest's), parameters and error."""
        plan = {row["run_id"]: row for row in run_table(self.manifest)}
        rows = []
        for run_id in sorted(self.store.failures() & plan.keys()):
            record = self.store.failure_record(run_id) or {}
            rows.append(
                {
                    **_ids(plan[run_id]),
                    **record.get("parameters", {}),
                    "error_type": record.get("error_type"),
                    "error": record.get("error"),
                }
            )
        return _with_integer_ids(pd.DataFrame(rows))

    def design(self) -> pd.DataFrame:
        """The design matrix: one row per point, a column per swept parameter."""
        frame = pd.DataFrame(self.manifest["design"], columns=self.manifest["parameters"])
        frame.insert(0, "point", range(len(frame)))
        return frame


def _ids(record: dict[str, Any]) -> dict[str, Any]:
    return {k: record.get(k) for k in ("run_id", *ID_COLUMNS)}


def _with_integer_ids(frame: pd.DataFrame) -> pd.DataFrame:
    """The id columns as int64, never float64: a 63-bit seed is kept exactly."""
    if frame.empty:
        return frame
    return frame.astype({column: "int64" for column in ID_COLUMNS})


def _stems(directory: Path, suffix: str) -> set[str]:
    if not directory.is_dir():
        return set()
    return {p.name[: -len(suffix)] for p in directory.glob(f"r*{suffix}")}


def _json_or_none(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def load(directory: str | Path, table: str = "timeseries") -> pd.DataFrame:
    """Read a sweep directory back as one pandas table, every run file verified.

    A stored run file that is unreadable, of another run or changed since it was written
    (its SHA-256 differs from its checksum record) is never skipped: ``load`` refuses,
    naming each bad file and its problem, so that a table is whole and right or not
    returned at all. Rerunning the sweep moves bad files into ``DIR/quarantine/`` and runs
    them again. Runs not yet stored (a sweep in progress) are simply absent.

    Args:
        directory: the sweep's ``--out`` directory.
        table: ``timeseries`` (every run's months and areas, with run id, point,
            replication, seed and parameter columns), ``outcomes`` (one row of scalar
            outcomes per run), ``failed`` (failed runs and their errors) or ``design``
            (the design matrix).

    Raises:
        StoreError: not a sweep directory, a damaged manifest, a bad run file or an
            unknown table.
    """
    if table not in TABLES:
        raise StoreError(f"unknown table {table!r}; choose one of {', '.join(TABLES)}")
    store = SweepStore(directory)
    runs = StoredRuns(store, store.read_manifest())
    reader = {
        "timeseries": runs.timeseries,
        "outcomes": runs.outcomes,
        "failed": runs.failures,
        "design": runs.design,
    }[table]
    return reader()
