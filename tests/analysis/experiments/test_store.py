"""Fault injection into a sweep's store: every damaged, foreign, missing or leftover file is
named, never read as data, moved aside rather than deleted and run again on resume; a
sweep killed at random points resumes to the results of one never interrupted."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from sweep_fixtures import (
    REPO,
    assert_same_results,
    copy_sweep,
    fail_run,
    file_hashes,
    sweep_serial,
    write_spec,
)

import analysis
from analysis.experiments.design import RUN_KEY, derive_seed
from analysis.experiments.store import StoreError, SweepStore
from analysis.experiments.sweep import status

RUN = "r000003"


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished sweep of six runs (spec, directory) and one of another entropy."""
    root = tmp_path_factory.mktemp("finished")
    spec = write_spec(root)
    sweep_serial(spec, root / "out")
    other = write_spec(root, name="other.toml", text=spec.read_text().replace(
        "entropy = 7", "entropy = 8"))
    sweep_serial(other, root / "other")
    return spec, root / "out", root / "other"


@pytest.fixture
def damaged(finished, tmp_path):
    """A copy of the finished sweep to damage: (spec, directory, the other sweep)."""
    spec, out, other = finished
    return spec, copy_sweep(out, tmp_path / "out"), other


def run_file(out: Path, run_id: str = RUN) -> Path:
    return out / "runs" / f"{run_id}.parquet"


def record_file(out: Path, run_id: str = RUN) -> Path:
    return out / "runs" / f"{run_id}.json"


def truncate(out: Path, other: Path) -> None:
    assert run_file(out).stat().st_size > 10000
    os.truncate(run_file(out), 10000)  # truncate -s 10000


def corrupt_middle(out: Path, other: Path) -> None:
    """Overwrite bytes in the middle of the column data; the footer stays readable."""
    path = run_file(out)
    size, footer = path.stat().st_size, pq.read_metadata(path).serialized_size
    middle = (4 + size - 8 - footer) // 2
    with open(path, "r+b") as handle:
        handle.seek(middle)
        original = handle.read(8)
        handle.seek(middle)
        handle.write(bytes(b ^ 0xFF for b in original))


def copy_of_another(out: Path, other: Path) -> None:
    shutil.copyfile(run_file(out, "r000005"), run_file(out))


def copy_with_its_record(out: Path, other: Path) -> None:
    copy_of_another(out, other)
    shutil.copyfile(record_file(out, "r000005"), record_file(out))


def delete_run_file(out: Path, other: Path) -> None:
    run_file(out).unlink()


def delete_record(out: Path, other: Path) -> None:
    record_file(out).unlink()


def foreign_run(out: Path, other: Path) -> None:
    """The same run id from a sweep of another entropy, with its own (valid) record."""
    shutil.copyfile(run_file(other), run_file(out))
    shutil.copyfile(record_file(other), record_file(out))


# (damage, what load says, what --status says (None: sizes cannot tell))
CASES = {
    "truncated": (truncate, "not a readable Parquet file (truncated?)",
                  "size 10000 bytes, recorded"),
    "corrupt-middle": (corrupt_middle, "checksum mismatch (file changed after it was written)",
                       None),
    "copy-of-another": (copy_of_another, "holds run r000005, not r000003", None),
    "copy-with-record": (copy_with_its_record, "holds run r000005, not r000003",
                         "its checksum record r000003.json is of run r000005"),
    "deleted-file": (delete_run_file,
                     "missing, though its checksum record r000003.json says it was stored",
                     "missing, though its checksum record r000003.json says it was stored"),
    "deleted-record": (delete_record, "no checksum record (r000003.json is missing",
                       "no checksum record (r000003.json is missing"),
    "foreign": (foreign_run, "from another sweep (entropy 8, spec hash",
                "from another sweep (entropy 8, spec hash"),
}


@pytest.mark.parametrize("case", CASES)
def test_load_and_status_name_the_bad_file_and_change_nothing(damaged, case):
    spec, out, other = damaged
    damage, problem, status_problem = CASES[case]
    damage(out, other)
    before = file_hashes(out)
    for table in ("timeseries", "outcomes"):
        with pytest.raises(StoreError) as err:
            analysis.load(out, table)
        message = str(err.value)
        assert message.startswith(f"{run_file(out)}: {problem}")
        assert "no partial table is returned" in message and "kasvu sweep" in message
    assert len(analysis.load(out, "design")) == 3  # the manifest alone is sound
    text = status(out)
    assert "not running" in text and "checked by size" in text
    if status_problem is not None:
        assert f"  bad {run_file(out)}: {status_problem}" in text
        assert "5 done, 0 failed, 1 bad, 0 pending of 6" in text
    assert file_hashes(out) == before  # looking changes nothing


@pytest.mark.parametrize("case", CASES)
def test_resume_sets_the_bad_file_aside_and_runs_it_again(damaged, finished, case):
    spec, out, other = damaged
    damage, problem, _ = CASES[case]
    damage(out, other)
    before = file_hashes(out)
    said = []
    report = sweep_serial(spec, out, notify=said.append)
    aside = out / "quarantine" / f"{RUN}.1"
    assert len(said) == 1 and said[0].startswith(f"{RUN}: {problem}")
    assert said[0].endswith(f"; moved to {aside}/, running it again")
    assert report.notes == said and (report.ran, report.done) == (1, 6)
    assert (aside / "problem.txt").read_text().startswith(problem)
    moved = {f"runs/{RUN}.parquet": f"quarantine/{RUN}.1/{RUN}.parquet",
             f"runs/{RUN}.json": f"quarantine/{RUN}.1/{RUN}.json"}
    after = file_hashes(out)
    for path, digest in before.items():  # nothing already written is lost
        assert after[moved.get(path, path)] == digest, path
    assert_same_results(out, finished[1])
    assert sweep_serial(spec, out, notify=said.append).ran == 0 and len(said) == 1


def test_a_run_file_the_manifest_does_not_plan_is_set_aside(damaged, finished):
    spec, out, _ = damaged
    shutil.copyfile(run_file(out), run_file(out, "r000099"))
    with pytest.raises(StoreError, match=r"r000099.parquet: not a run of this sweep"):
        analysis.load(out)
    said = []
    assert sweep_serial(spec, out, notify=said.append).ran == 0
    assert said == [f"r000099: not a run of this sweep (the manifest plans no such run); "
                    f"moved to {out / 'quarantine' / 'r000099.1'}/, kept there"]
    assert_same_results(out, finished[1])


def test_stray_temporary_file_is_removed_and_said(damaged, finished):
    spec, out, _ = damaged
    stray = out / "runs" / f".{RUN}.parquet.12345.tmp"
    stray.write_bytes(b"half a file")
    assert_same_results(out, finished[1])  # readers never see it
    said = []
    assert sweep_serial(spec, out, notify=said.append).ran == 0
    assert said == ["removed 1 temporary file(s) left by a killed sweep (never a stored run)"]
    assert not stray.exists()


def test_a_run_being_stored_by_a_running_sweep_is_pending_not_bad(damaged):
    _, out, _ = damaged
    record_file(out).unlink()  # as between the run file and its record
    with SweepStore(out).lock():
        assert RUN not in set(analysis.load(out, "outcomes")["run_id"])
        assert "5 done, 0 failed, 1 pending of 6; running" in status(out)
    with pytest.raises(StoreError, match="no checksum record"):
        analysis.load(out, "outcomes")


def test_runs_stored_before_checksum_records_are_verified_and_recorded(damaged, finished):
    spec, out, _ = damaged
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest_path.write_text(json.dumps({**manifest, "format": 1}))
    for path in (out / "runs").glob("r*.json"):
        path.unlink()
    assert_same_results(out, finished[1])  # read whole and of the right run: no checksum
    said = []
    assert sweep_serial(spec, out, notify=said.append).ran == 0
    assert said == ["recorded the checksums of 6 run(s) stored before kasvu kept them (each "
                    "read whole and found to be its planned run)"]
    assert json.loads(manifest_path.read_text())["format"] == 2
    assert file_hashes(out) == file_hashes(finished[1]) | {
        "manifest.json": file_hashes(out)["manifest.json"]}


def test_seeds_are_stored_as_exact_integers(tmp_path, monkeypatch):
    spec, out = write_spec(tmp_path), tmp_path / "out"
    fail_run(monkeypatch, 4)
    sweep_serial(spec, out)
    seeds = [derive_seed(7, RUN_KEY, i) for i in range(6)]
    assert all(isinstance(s, int) and 2**53 < s < 2**63 for s in seeds)  # beyond float64
    assert [row[3] for row in json.loads((out / "manifest.json").read_text())["runs"]] == seeds
    series, outcomes = analysis.load(out), analysis.load(out, "outcomes")
    failed = analysis.load(out, "failed")
    for table in (series, outcomes, failed):
        assert table["seed"].dtype == np.int64
    assert pq.read_schema(run_file(out, "r000000")).field("seed").type == "int64"
    assert sorted({*series["seed"].tolist()}) == sorted(seeds[:4] + seeds[5:])
    assert outcomes["seed"].tolist() == seeds[:4] + seeds[5:]
    assert failed["seed"].tolist() == [seeds[4]]
    assert json.loads(record_file(out, "r000000").read_text())["seed"] == seeds[0]


def test_sweep_killed_at_random_points_loses_nothing(tmp_path):
    """kill -9 at delays drawn from a seeded generator after each sweep process has begun
    storing runs, then resume: nothing stored whole is lost or changed, and the results
    equal an uninterrupted sweep's.

    Where each kill lands (in a run, between a run file and its record, ...) depends on the
    machine; what is checked does not.
    """
    spec, out = write_spec(tmp_path, months=3, samples=12), tmp_path / "out"
    command = [sys.executable, "-m", "analysis.cli", "sweep", str(spec), "--out", str(out),
               "--executor", "serial", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    stored: dict[str, str] = {}  # files of runs stored whole (file and record) after a kill
    aside: set[str] = set()  # quarantine entries (r000010.1, ...) seen so far

    def nothing_whole_set_aside(hashes: dict[str, str], whole_before: set[str]) -> None:
        # A run set aside by a process must not have been stored whole before it started
        # (one killed between its file and its record is set aside and run again, and may
        # then be stored whole by that same process).
        new = {path.split("/")[1] for path in hashes if path.startswith("quarantine/")} - aside
        assert not {name.split(".")[0] for name in new} & whole_before, new
        aside.update(new)

    for delay in np.random.default_rng(20260115).uniform(0.0, 0.3, size=3):
        whole_before = {Path(path).stem for path in stored}
        proc = subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for_a_new_record(out, proc, set(stored))
            time.sleep(delay)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        hashes = file_hashes(out)
        for path, digest in stored.items():
            assert hashes.get(path) == digest, f"{path} changed or lost after a kill"
        nothing_whole_set_aside(hashes, whole_before)
        stored.update({path: digest for path, digest in hashes.items()
                       if path.startswith("runs/") and path.replace(".parquet", ".json")
                       in hashes})
    whole_before = {Path(path).stem for path in stored}
    report = sweep_serial(spec, out, notify=lambda line: None)
    assert (report.done, report.failed, report.pending) == (24, 0, 0)
    final = file_hashes(out)
    assert all(final[path] == digest for path, digest in stored.items())
    assert not list(out.rglob("*.tmp"))
    nothing_whole_set_aside(final, whole_before)
    sweep_serial(spec, tmp_path / "whole")
    assert_same_results(out, tmp_path / "whole")


def _wait_for_a_new_record(out: Path, proc: subprocess.Popen, seen: set[str]) -> None:
    """Until the sweep process has stored a run not stored before (or has ended)."""
    deadline = time.monotonic() + 120
    while proc.poll() is None:
        records = {f"runs/{p.name}" for p in (out / "runs").glob("r*.json")}
        if records - seen:
            return
        assert time.monotonic() < deadline, "no run stored within two minutes"
        time.sleep(0.005)


def test_an_unreadable_failure_record_is_set_aside_and_its_run_runs_again(tmp_path,
                                                                          monkeypatch):
    spec, out = write_spec(tmp_path), tmp_path / "out"
    fail_run(monkeypatch, 4)
    assert sweep_serial(spec, out).failed == 1
    record = out / "failed" / "r000004.json"
    record.write_text('{"run_id": "r0000')  # cut short
    monkeypatch.undo()  # the run would succeed now
    lines = []
    report = sweep_serial(spec, out, notify=lines.append)
    assert any(line.startswith("r000004: failure record: its failure record is unreadable; "
                               "moved to") for line in lines), lines
    assert (report.done, report.failed, report.pending) == (6, 0, 0)
    assert not record.exists()
    assert list((out / "quarantine").glob("r000004.*"))
