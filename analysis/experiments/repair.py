"""Rebuilding a sweep's lost or damaged manifest (korjaus) from its spec and its run files.

``kasvu sweep --repair DIR`` is :func:`repair_sweep`. A manifest is a function of the spec
and the root entropy (design matrix, every run's seed), so a spec that names its entropy
is enough to rebuild it. A generated entropy is read back from the stored files: since
manifest format 2 every run file and its checksum record, and every failure record, hold
the sweep's entropy, spec hash, name and code fingerprint (:data:`.integrity.SWEEP_IDENTITY`).
Then every run file is verified against the rebuilt plan (checksum, run id, seed, point,
replication, parameters) and those that disagree are moved into ``DIR/quarantine/``, as are
failure records of runs the plan does not hold. Nothing is deleted, and a directory whose
files do not fit the spec is refused before anything changes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from .design import new_entropy
from .integrity import RUN_METADATA, SWEEP_IDENTITY
from .spec import SpecError, Sweep, load_spec
from .store import (
    FAILED,
    MANIFEST,
    RUNS,
    SPEC_COPY,
    StoredRuns,
    StoreError,
    SweepStore,
    atomic_write,
)
from .sweep import check_same_spec, new_manifest, set_aside_bad_failures, set_aside_bad_runs

AGAIN = "it runs again when the sweep resumes"


def repair_sweep(directory: str | Path, sweep: Sweep | str | Path | None = None) -> list[str]:
    """Rebuild the manifest of ``directory`` if it is lost or damaged; verify every run.

    A sound manifest is kept (and must be of this spec); a damaged one is moved into
    ``DIR/quarantine/manifest.N/`` first. Bad run files are moved into quarantine as a
    resumed sweep would, so rerunning the sweep runs them again.

    Args:
        directory: the sweep directory.
        sweep: the spec the sweep was started with (a checked spec or its path); default
            the copy ``DIR/spec.toml``.

    Returns:
        What was done, one line each, ending with the directory's counts.

    Raises:
        StoreError: not a sweep directory, no spec, a busy directory, or stored files that
            do not fit the spec (nothing changed).
        SpecError: a bad spec, or one that differs from a sound manifest's.
    """
    store = SweepStore(directory)
    if not any(path.exists() for path in
               (store.manifest_path, store.spec_path, store.runs_dir, store.failed_dir)):
        raise StoreError(
            f"{store.root}: not a sweep directory (no {MANIFEST}, {SPEC_COPY}, {RUNS}/ or "
            f"{FAILED}/); nothing to repair"
        )
    sweep = _spec_for(store, sweep)
    lines: list[str] = []
    with store.lock():
        manifest, problem = store.manifest_or_problem()
        if manifest is not None:
            check_same_spec(sweep, store, manifest)
            lines.append(f"{store.manifest_path}: sound; verified the run files against it")
        else:
            manifest, origin = rebuilt_manifest(store, sweep)
            if problem is not None:
                where = store.quarantine("manifest", problem, [store.manifest_path])
                lines.append(f"moved the damaged manifest ({problem}) to {where}/")
            if not store.base_path.is_file():
                atomic_write(store.base_path, sweep.base_text.encode("utf-8"))
            if not store.spec_path.is_file():
                atomic_write(store.spec_path, sweep.path.read_bytes())
            store.write_manifest(manifest)
            lines.append(f"rebuilt {store.manifest_path} from {sweep.path} ({origin})")
        finished = set_aside_bad_runs(store, manifest, lines.append, AGAIN)
        set_aside_bad_failures(store, manifest, lines.append, AGAIN)
        failed = len(store.failures())
        total = len(manifest["runs"])
        pending = total - len(finished) - failed
        resume = f"; resume with `kasvu sweep {sweep.path} --out {store.root}`" if pending else ""
        lines.append(f"{store.root}: {len(finished)} done, {failed} failed, {pending} pending "
                     f"of {total}{resume}")
    return lines


def _spec_for(store: SweepStore, sweep: Sweep | str | Path | None) -> Sweep:
    """The given spec, or the directory's copy of it."""
    if isinstance(sweep, Sweep):
        return sweep
    if sweep is not None:
        return load_spec(sweep)
    if not store.spec_path.is_file():
        raise StoreError(
            f"{store.root}: cannot repair without the spec: {SPEC_COPY} is missing; give it: "
            f"`kasvu sweep SPEC --repair --out {store.root}`"
        )
    try:
        return load_spec(store.spec_path)
    except SpecError as exc:
        if store.base_path.is_file():  # the base as the sweep read it, kept beside the copy
            return load_spec(store.spec_path, base=store.base_path)
        raise SpecError(
            f"{exc}\nthe spec's copy in {store.root} cannot be used on its own (a base "
            f"scenario beside the original spec?); give the original: "
            f"`kasvu sweep SPEC --repair --out {store.root}`"
        ) from None


def rebuilt_manifest(store: SweepStore, sweep: Sweep) -> tuple[dict[str, Any], str]:
    """The manifest rebuilt from the spec and the entropy its stored files record.

    Returns:
        The manifest and where its entropy came from, in words.

    Raises:
        StoreError: the entropy cannot be recovered, or no stored run fits the rebuilt
            plan (another spec's files?); nothing has been changed.
    """
    identities = [i for i in sweep_identities(store) if i["spec_hash"] == sweep.hash]
    if sweep.spec.entropy is not None:
        entropy, origin = sweep.spec.entropy, "entropy from the spec"
    elif known := Counter(i["entropy"] for i in identities if isinstance(i["entropy"], int)):
        entropy, count = known.most_common(1)[0]
        origin = f"entropy recovered from {count} stored file(s)"
    elif store.stored() or store.failures():
        raise StoreError(
            f"{store.root}: cannot rebuild the manifest: {sweep.path} names no entropy and "
            f"no stored file records one for this spec (hash {sweep.hash[:12]}); its files "
            "were written by another spec or by a kasvu older than checksum records. Give "
            "the spec the sweep was started with. Nothing was changed"
        )
    else:
        entropy, origin = new_entropy(), "no stored runs: a new entropy, the sweep starts afresh"
    manifest = new_manifest(sweep, entropy)
    ours = [i for i in identities if i["entropy"] == entropy]
    for key in ("sweep", "code_fingerprint"):  # as started, else this spec's name and code
        found = Counter(i[key] for i in ours if isinstance(i[key], str))
        if found:
            manifest["name" if key == "sweep" else key] = found.most_common(1)[0][0]
    manifest["repaired"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    _check_fits(store, manifest, sweep)
    return manifest, origin


def sweep_identities(store: SweepStore) -> list[dict[str, Any]]:
    """The sweep identity (name, entropy, spec hash, code) each stored file records.

    Read from the metadata of every run file that can be read, and every failure record.
    """
    found = []
    for path in store.run_files():
        with contextlib.suppress(Exception):  # an unreadable file tells nothing
            found.append(json.loads(pq.read_metadata(path).metadata[RUN_METADATA]))
    found.extend(store.failure_record(run_id) for run_id in sorted(store.failures()))
    return [{key: record.get(key) for key in SWEEP_IDENTITY}
            for record in found if isinstance(record, dict)]


def _check_fits(store: SweepStore, manifest: dict[str, Any], sweep: Sweep) -> None:
    """Refuse a plan that none of the stored run files fits (a wrong spec?)."""
    if not store.stored():
        return
    verification = StoredRuns(store, manifest).verify()
    if verification.finished or not verification.bad:
        return
    run_id, problem = next(iter(verification.bad.items()))
    raise StoreError(
        f"{store.root}: none of the {len(verification.bad)} stored run files fits the plan of "
        f"{sweep.path} (e.g. {run_id}: {problem}); is it the spec this sweep was started "
        "with? Nothing was changed"
    )
