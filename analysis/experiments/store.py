"""A sweep's result store (tulosvarasto) that loses nothing: one file per run, written atomically.

Layout of a sweep directory::

    DIR/manifest.json       spec copy and hash, entropy, design matrix, every run's seed
    DIR/spec.toml           the spec file as given
    DIR/runs/r000123.parquet   one run: time series of the region and every area, with
                               run id, parameter and seed columns; its scalar outcomes in
                               the file's metadata (key ``kasvu.run``)
    DIR/failed/r000124.json    a run that raised: its error and traceback
    DIR/.lock               held while a sweep writes here (pid, start time)

Every file is written under a temporary name, flushed to disk and :func:`os.replace`-d
into place, so a killed sweep (even ``kill -9``) leaves only whole files; rerunning it skips
the finished runs. :func:`load` reads a directory back as one table.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

MANIFEST = "manifest.json"
SPEC_COPY = "spec.toml"
RUNS = "runs"
FAILED = "failed"
LOCK = ".lock"
RUN_METADATA = b"kasvu.run"
TABLES = ("timeseries", "outcomes", "failed", "design")


class StoreError(ValueError):
    """A directory that is not (or not this) sweep, or is busy: the message says which."""


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


class SweepStore:
    """The files of one sweep directory."""

    def __init__(self, root: str | Path) -> None:
        """Address the sweep directory ``root`` (nothing is created yet)."""
        self.root = Path(root)
        self.runs_dir = self.root / RUNS
        self.failed_dir = self.root / FAILED

    # -- the manifest ---------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        """Path of ``manifest.json``."""
        return self.root / MANIFEST

    def exists(self) -> bool:
        """Whether ``root`` holds a started sweep (its manifest)."""
        return self.manifest_path.is_file()

    def check_fresh(self) -> None:
        """Refuse a directory that holds something other than a sweep.

        An empty directory, or one holding only hidden leftovers of a sweep killed before
        its manifest was written, may be used.
        """
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"{self.root}: exists and is not a directory")
        if self.root.is_dir() and any(not p.name.startswith(".") for p in self.root.iterdir()):
            raise StoreError(
                f"{self.root}: directory exists and is not a sweep (no {MANIFEST}); "
                "choose another --out"
            )

    def create(self, manifest: dict[str, Any], spec_text: str) -> None:
        """Start a sweep here: the spec copy, then the manifest (last, atomically)."""
        self.check_fresh()
        self.root.mkdir(parents=True, exist_ok=True)
        atomic_write(self.root / SPEC_COPY, spec_text.encode("utf-8"))
        atomic_write(self.manifest_path, _json_bytes(manifest))

    def read_manifest(self) -> dict[str, Any]:
        """The manifest, or a :class:`StoreError` naming the directory."""
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise StoreError(f"{self.root}: not a sweep directory (no {MANIFEST})") from None
        except (OSError, json.JSONDecodeError) as exc:
            raise StoreError(f"{self.manifest_path}: unreadable: {exc}") from None

    # -- runs -----------------------------------------------------------------------
    def run_path(self, run_id: str) -> Path:
        """Path of a finished run's Parquet file."""
        return self.runs_dir / f"{run_id}.parquet"

    def failure_path(self, run_id: str) -> Path:
        """Path of a failed run's error record."""
        return self.failed_dir / f"{run_id}.json"

    def finished(self) -> set[str]:
        """Ids of the runs stored whole."""
        return _stems(self.runs_dir, ".parquet")

    def failures(self) -> set[str]:
        """Ids of the runs recorded as failed (and not finished since)."""
        return _stems(self.failed_dir, ".json") - self.finished()

    def write_run(self, run_id: str, frame: pd.DataFrame, record: dict[str, Any]) -> None:
        """Store one run: its table with ``record`` (ids, parameters, outcomes) as metadata."""
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        metadata = dict(table.schema.metadata or {})
        metadata[RUN_METADATA] = json.dumps(record, ensure_ascii=False).encode("utf-8")
        buffer = io.BytesIO()
        pq.write_table(table.replace_schema_metadata(metadata), buffer)
        atomic_write(self.run_path(run_id), buffer.getvalue())
        with contextlib.suppress(FileNotFoundError):
            self.failure_path(run_id).unlink()

    def write_failure(self, run_id: str, record: dict[str, Any]) -> None:
        """Record a failed run (its ids, parameters and error)."""
        self.failed_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(self.failure_path(run_id), _json_bytes(record))

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
        """Finished runs' files in run order."""
        return sorted(self.runs_dir.glob("r*.parquet")) if self.runs_dir.is_dir() else []

    def read_timeseries(self) -> pd.DataFrame:
        """Every finished run's time series in one table, in run order."""
        files = self.run_files()
        if not files:
            return pd.DataFrame()
        tables = [pq.read_table(path) for path in files]
        return pa.concat_tables(tables, promote_options="permissive").to_pandas()

    def read_outcomes(self) -> pd.DataFrame:
        """One row per finished run: ids, seed, parameters and scalar outcomes."""
        rows = []
        for path in self.run_files():
            record = json.loads(pq.read_schema(path).metadata[RUN_METADATA])
            rows.append({**_ids(record), **record["parameters"], **record["outcomes"]})
        return pd.DataFrame(rows)

    def read_failures(self) -> pd.DataFrame:
        """One row per failed run: ids, seed, parameters, error type and message."""
        rows = []
        for run_id in sorted(self.failures()):
            record = _json_or_none(self.failure_path(run_id)) or {"run_id": run_id}
            rows.append(
                {
                    **_ids(record),
                    **record.get("parameters", {}),
                    "error_type": record.get("error_type"),
                    "error": record.get("error"),
                }
            )
        return pd.DataFrame(rows)

    def read_design(self) -> pd.DataFrame:
        """The design matrix: one row per point, a column per swept parameter."""
        manifest = self.read_manifest()
        frame = pd.DataFrame(manifest["design"], columns=manifest["parameters"])
        frame.insert(0, "point", range(len(frame)))
        return frame


def _ids(record: dict[str, Any]) -> dict[str, Any]:
    return {k: record.get(k) for k in ("run_id", "run", "point", "replication", "seed")}


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
    """Read a sweep directory back as one pandas table.

    Args:
        directory: the sweep's ``--out`` directory.
        table: ``timeseries`` (every run's months and areas, with run id, point,
            replication, seed and parameter columns), ``outcomes`` (one row of scalar
            outcomes per run), ``failed`` (failed runs and their errors) or ``design``
            (the design matrix).

    Raises:
        StoreError: not a sweep directory, or an unknown table.
    """
    if table not in TABLES:
        raise StoreError(f"unknown table {table!r}; choose one of {', '.join(TABLES)}")
    store = SweepStore(directory)
    store.read_manifest()
    reader = {
        "timeseries": store.read_timeseries,
        "outcomes": store.read_outcomes,
        "failed": store.read_failures,
        "design": store.read_design,
    }[table]
    return reader()
