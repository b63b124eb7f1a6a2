"""Is what a sweep stored whole and the right thing? (eheys) Checks of run files and manifests.

Every finished run of a sweep is two files in ``DIR/runs/``: its Parquet file
``r000123.parquet``, whose metadata (key ``kasvu.run``) holds the run's identity (run id,
index, point, replication, seed, parameters), its scalar outcomes and its sweep's identity
(name, root entropy, spec hash, the model's code fingerprint); and, written after it, its
**checksum record** ``r000123.json`` with the file's SHA-256, byte size and row count and the
same identities. A run counts as finished only when :func:`check_run` finds both, the file
readable, of the right run (the id inside equals the name; seed, point, replication and
parameters are the manifest's) and matching its checksum.

:func:`check_run` reads the whole file (deep: on resume, repair and load) or only the
record and the file's size (shallow: ``kasvu sweep --status`` over thousands of runs).
:func:`manifest_problem` checks a manifest's keys and types, so that a damaged manifest is
a clear message instead of a ``KeyError`` deep inside a sweep.

Problems are short phrases without the file's path; the caller names the file or the run.
Nothing here raises on bad files or writes anything.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

RUN_METADATA = b"kasvu.run"
"""Key of a run's record in its Parquet file's metadata."""
RECORD_FORMAT = 1
"""Format of a checksum record."""
MANIFEST_FORMATS = (1, 2)
"""Manifest formats this code reads: 1 has no checksum records, 2 has one per run."""
RUN_COLUMNS = ("run_id", "point", "replication", "seed")
"""The columns of a manifest's ``runs`` rows."""
SWEEP_IDENTITY = ("sweep", "entropy", "spec_hash", "code_fingerprint")
"""What every run records of its sweep: enough to rebuild a lost manifest."""

FINISHED, UNRECORDED, PENDING, BAD = "finished", "unrecorded", "pending", "bad"
"""States of a run: verified; whole but older than checksum records; not stored; bad."""


@dataclass(frozen=True)
class RunCheck:
    """The verdict on one run's files and, after a deep check, what was read."""

    run_id: str
    state: str
    problem: str | None = None
    record: dict[str, Any] | None = None
    data: bytes | None = None


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def checksum_record(data: bytes, rows: int, record: dict[str, Any]) -> dict[str, Any]:
    """The checksum record of a run file's bytes ``data`` holding ``rows`` rows of ``record``."""
    ids = {key: record[key] for key in ("run_id", "run", "point", "replication", "seed")}
    sweep = {key: record.get(key) for key in SWEEP_IDENTITY}
    return {"format": RECORD_FORMAT, **ids, **sweep, "bytes": len(data), "rows": rows,
            "sha256": sha256(data)}


def read_run_record(data: bytes) -> tuple[dict[str, Any] | None, int, str | None]:
    """The run record and row count in a Parquet file's bytes, or the problem reading them."""
    try:
        meta = pq.read_metadata(pa.BufferReader(data))
    except Exception:  # noqa: BLE001 - whatever pyarrow raises, the file cannot be read
        return None, 0, "not a readable Parquet file (truncated?)"
    raw = (meta.metadata or {}).get(RUN_METADATA)
    if raw is None:
        return None, 0, "not a kasvu run file (no kasvu.run metadata)"
    try:
        record = json.loads(raw)
    except ValueError:
        record = None
    if not isinstance(record, dict) or not isinstance(record.get("run_id"), str):
        return None, 0, "its kasvu.run metadata is unreadable"
    return record, meta.num_rows, None


def check_run(
    run_id: str,
    parquet: Path,
    sidecar: Path,
    expected: dict[str, Any] | None,
    *,
    deep: bool = True,
    require_record: bool = True,
    writing: bool = False,
) -> RunCheck:
    """Whether run ``run_id`` is stored whole, as the right run: its state and problem.

    Args:
        run_id: the run's id, as its files are named.
        parquet: the run's Parquet file.
        sidecar: its checksum record.
        expected: what the manifest plans for the run (``run_id``, ``point``,
            ``replication``, ``seed``, ``parameters``, ``entropy``, ``spec_hash``), or None
            for a name the manifest does not plan.
        deep: read the whole file (parse it, compare its record and its SHA-256);
            otherwise the checksum record and the file's size only.
        require_record: a file without a checksum record is bad (manifest format 2);
            otherwise it is ``unrecorded`` when it is whole and of the right run.
        writing: a sweep is writing here now, so a file without its record yet is being
            stored (pending), not bad.
    """
    if not parquet.is_file():
        if sidecar.is_file():
            return _bad(run_id, f"missing, though its checksum record {sidecar.name} says "
                                "it was stored")
        return RunCheck(run_id, PENDING)
    if expected is None:
        return _bad(run_id, "not a run of this sweep (the manifest plans no such run)")
    if not sidecar.is_file() and writing:
        return RunCheck(run_id, PENDING)  # its record follows in a moment
    if not sidecar.is_file() and not (deep or require_record):
        return RunCheck(run_id, UNRECORDED)
    checksum, problem = None, None
    if sidecar.is_file():
        checksum, problem = _read_checksum_record(sidecar, run_id, expected)
    elif require_record:
        problem = (f"no checksum record ({sidecar.name} is missing: the sweep was killed "
                   "while storing the run, or the record was deleted)")
    data = record = None
    if deep:
        data = _read_bytes(parquet)
        record, inner = _inner_problem(data, run_id, expected)
        problem = inner or problem  # what the file itself holds explains best
    if problem is None and checksum is not None:
        problem = _checksum_problem(checksum, parquet, data)
    if problem is not None:
        return _bad(run_id, problem)
    return RunCheck(run_id, FINISHED if checksum else UNRECORDED, record=record, data=data)


def _bad(run_id: str, problem: str) -> RunCheck:
    return RunCheck(run_id, BAD, problem)


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _inner_problem(
    data: bytes | None, run_id: str, expected: dict[str, Any]
) -> tuple[dict[str, Any] | None, str | None]:
    """The file's own record, or what is wrong with it (unreadable, another run's)."""
    if data is None:
        return None, "cannot be read (permission or I/O error)"
    record, _, problem = read_run_record(data)
    if problem is not None:
        return None, problem
    if record["run_id"] != run_id:
        return None, f"holds run {record['run_id']}, not {run_id}"
    keys = ("point", "replication", "seed", "parameters", "entropy", "spec_hash")
    return record, identity_problem(record, expected, keys)


def _read_checksum_record(
    path: Path, run_id: str, expected: dict[str, Any]
) -> tuple[dict[str, Any] | None, str | None]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, f"its checksum record {path.name} is unreadable"
    if not isinstance(record, dict):
        return None, f"its checksum record {path.name} is not a JSON object"
    for key, kind in (("run_id", str), ("bytes", int), ("rows", int), ("sha256", str)):
        if not isinstance(record.get(key), kind):
            return None, f"its checksum record {path.name} lacks {key!r}"
    if record["run_id"] != run_id:
        return None, f"its checksum record {path.name} is of run {record['run_id']}"
    keys = ("point", "replication", "seed", "entropy", "spec_hash")
    return record, identity_problem(record, expected, keys)


def identity_problem(found: dict[str, Any], expected: dict[str, Any], keys: tuple[str, ...]
                     ) -> str | None:
    """Which of ``keys`` differ between a stored record and the plan (those both hold).

    A different entropy or spec hash means another sweep's run; otherwise the run's own
    ids or parameters differ.
    """
    wrong = [
        key for key in keys
        if found.get(key) is not None and expected.get(key) is not None
        and found[key] != expected[key]
    ]
    if not wrong:
        return None
    other_sweep = [key for key in wrong if key in SWEEP_IDENTITY]
    shown = other_sweep or wrong

    def listing(values: dict[str, Any]) -> str:
        return ", ".join(f"{key.replace('_', ' ')} {_short(values[key])}" for key in shown)

    if other_sweep:
        return f"from another sweep ({listing(found)}; this sweep's: {listing(expected)})"
    return f"records {listing(found)}; the manifest plans {listing(expected)}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:12] + "…"


def _checksum_problem(checksum: dict[str, Any], parquet: Path, data: bytes | None) -> str | None:
    size = len(data) if data is not None else parquet.stat().st_size
    if size != checksum["bytes"]:
        return (f"size {size} bytes, recorded {checksum['bytes']} (truncated or changed "
                "after it was written)")
    if data is not None and sha256(data) != checksum["sha256"]:
        return "checksum mismatch (file changed after it was written)"
    return None


# -- the manifest's shape ----------------------------------------------------------------
_MANIFEST_FIELDS: dict[str, tuple[type, str]] = {
    "format": (int, "a whole number"),
    "name": (str, "a string"),
    "spec_hash": (str, "a string"),
    "spec": (dict, "a table"),
    "base_file": (str, "a string"),
    "base": (dict, "a table"),
    "months": (int, "a whole number"),
    "replications": (int, "a whole number"),
    "entropy": (int, "a whole number"),
    "outcomes": (list, "a list of outcome names"),
    "parameters": (list, "a list of key paths"),
    "design_kind": (str, "a string"),
    "design": (list, "a list of design points"),
    "unit_design": (list, "a list"),
    "run_columns": (list, "a list"),
    "runs": (list, "a list of runs"),
}


def manifest_problem(manifest: Any) -> str | None:
    """What is wrong with a manifest's shape (a key missing or of the wrong type), or None."""
    if not isinstance(manifest, dict):
        return f"expected a JSON object, got {_type_name(manifest)}"
    for key, (kind, what) in _MANIFEST_FIELDS.items():
        if key not in manifest:
            return f"key {key!r} is missing"
        if not _is(manifest[key], kind):
            return f"key {key!r}: expected {what}, got {_type_name(manifest[key])}"
    if manifest["format"] not in MANIFEST_FORMATS:
        return (f"key 'format': {manifest['format']} is not a format this kasvu reads "
                f"({', '.join(map(str, MANIFEST_FORMATS))}); was it written by a newer kasvu?")
    for key in ("parameters", "outcomes"):
        if not all(isinstance(item, str) for item in manifest[key]):
            return f"key {key!r}: expected strings only"
    if manifest["run_columns"] != list(RUN_COLUMNS):
        return f"key 'run_columns': expected {list(RUN_COLUMNS)}"
    width = len(manifest["parameters"])
    for index, row in enumerate(manifest["design"]):
        if not isinstance(row, list) or len(row) != width:
            return f"key 'design[{index}]': expected a list of {width} parameter values"
    return _runs_problem(manifest["runs"], len(manifest["design"]))


def _runs_problem(runs: list[Any], points: int) -> str | None:
    seen: set[str] = set()
    for index, row in enumerate(runs):
        if not (isinstance(row, list) and len(row) == len(RUN_COLUMNS)
                and isinstance(row[0], str) and all(_is(v, int) for v in row[1:])):
            return (f"key 'runs[{index}]': expected [run_id, point, replication, seed] "
                    f"with whole numbers, got {json.dumps(row)[:80]}")
        if not 0 <= row[1] < points:
            return f"key 'runs[{index}]': point {row[1]} is not one of the {points} design points"
        if not 0 <= row[3] < 2**63:
            return f"key 'runs[{index}]': seed {row[3]} is not a whole number in 0..2**63-1"
        if row[0] in seen:
            return f"key 'runs[{index}]': run id {row[0]} appears twice"
        seen.add(row[0])
    return None


def _is(value: Any, kind: type) -> bool:
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def _type_name(value: Any) -> str:
    names = {dict: "a table", list: "a list", str: "a string", bool: "a boolean",
             int: "a whole number", float: "a decimal number", type(None): "null"}
    return names.get(type(value), type(value).__name__)
