"""Output directories: the user's files are never lost, a failure leaves the target as it was.

Each case injects a fault (a foreign file, a sweep, a regular file in the path, a read-only
directory, a full disk, an interrupt, a second writer) and checks what is on disk afterwards
and the message.
The commands' own tests are in ``tests/analysis/cli/test_output_directory.py``.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
from output_faults import make_read_only, no_space, restore_mode, tree
from report_fixtures import A_NAME, make_run_dir

import analysis
from analysis.experiments import comparison, runs
from analysis.outputs import (
    MARKER,
    Output,
    OutputError,
    ResultNotWritten,
    read_marker,
    remove_stale_staging,
    text_writer,
)
from analysis.report import page
from analysis.validation import checks


def texts(files: dict[str, str]) -> dict:
    """Writers of small text files, by name."""
    return {name: text_writer(text) for name, text in files.items()}


def write(target: Path, kind: str = "run", files: dict | None = None, **options) -> None:
    with Output(target, kind, **options) as output:
        output.write(files if files is not None else texts({"a.txt": "A", "b.txt": "B"}))


def siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# --------------------------------------------------------------- new, empty and own dirs
def test_a_new_directory_gets_the_files_and_a_marker_written_last(tmp_path):
    out = tmp_path / "new" / "out"
    with Output(out, "compare") as output:
        assert output.staging.is_dir() and output.staging.parent == out.parent
        assert not out.exists(), "nothing appears at the target before the end"
        output.write(texts({"a.txt": "A", "sub/b.txt": "B"}))
    assert tree(out).keys() == {"a.txt", "sub/b.txt", MARKER}
    marker = read_marker(out)
    assert marker["kind"] == "compare" and marker["complete"] is True
    assert marker["files"] == ["a.txt", "sub/b.txt"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", marker["written"])
    assert siblings(out) == ["out"], "no temporary directory is left"


def test_an_empty_directory_is_written_into(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    write(out)
    assert tree(out).keys() == {"a.txt", "b.txt", MARKER}


def test_own_earlier_result_is_replaced_its_stale_files_removed_foreign_files_kept(tmp_path):
    out = tmp_path / "out"
    write(out, files=texts({"a.txt": "old", "gone.txt": "old", "sub/gone.txt": "old",
                            "mixed/gone.txt": "old"}))
    (out / "thesis.txt").write_text("mine")
    (out / "mixed" / "notes.txt").write_text("mine too")
    write(out, files=texts({"a.txt": "new", "b.txt": "new"}))
    assert tree(out) == {
        "a.txt": b"new", "b.txt": b"new", "thesis.txt": b"mine", "mixed/notes.txt": b"mine too",
        MARKER: (out / MARKER).read_bytes()}
    assert not (out / "sub").exists(), "a directory the stale files leave empty goes too"
    assert read_marker(out)["files"] == ["a.txt", "b.txt"]


def test_replaces_limits_what_of_the_earlier_result_is_replaced(tmp_path):
    out = tmp_path / "report"
    fi = lambda name: name.endswith("-fi.png")  # noqa: E731 - a report in Finnish
    write(out, "report", texts({"a-fi.png": "1", "b-fi.png": "1", "a-en.png": "1"}),
          replaces=fi)
    write(out, "report", texts({"a-fi.png": "2"}), replaces=fi)
    assert {k: v for k, v in tree(out).items() if k != MARKER} == {
        "a-fi.png": b"2", "a-en.png": b"1"}
    assert read_marker(out)["files"] == ["a-en.png", "a-fi.png"]


def test_a_link_to_a_directory_is_written_through_and_staged_beside_the_real_one(tmp_path):
    real = tmp_path / "elsewhere" / "results"
    real.mkdir(parents=True)
    link = tmp_path / "out"
    link.symlink_to(real)
    with Output(link, "run") as output:
        assert output.staging.parent == real.parent, "renames stay on one filesystem"
        output.write(texts({"a.txt": "A"}))
    assert link.is_symlink() and tree(real).keys() == {"a.txt", MARKER}
    assert sorted(p.name for p in real.parent.iterdir()) == ["results"]


# ------------------------------------------------------------------- refused directories
def test_a_foreign_directory_is_refused_before_any_work(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.txt").write_text("mine")
    (out / "data").mkdir()
    ran = []
    with pytest.raises(OutputError) as refused:
        with Output(out, "run"):
            ran.append(True)
    message = str(refused.value)
    assert message.startswith(f"{out}: not empty, and not a result of kasvu run")
    assert "data/, thesis.txt" in message
    assert "choose another --out, or pass --overwrite" in message
    assert ran == [] and tree(out) == {"thesis.txt": b"mine"} and siblings(out) == ["out"]


def test_overwrite_writes_beside_foreign_files_and_deletes_none(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.txt").write_text("mine")
    (out / "a.txt").write_text("mine, same name")
    write(out, overwrite=True)
    assert tree(out) == {"thesis.txt": b"mine", "a.txt": b"A", "b.txt": b"B",
                         MARKER: (out / MARKER).read_bytes()}


def test_another_commands_result_is_refused_and_with_overwrite_kept(tmp_path):
    out = tmp_path / "out"
    write(out, "validate", texts({"validation.md": "v"}))
    before = tree(out)
    with pytest.raises(OutputError, match="holds the result of kasvu validate; choose another"):
        write(out, "run")
    assert tree(out) == before
    write(out, "run", overwrite=True)
    assert (out / "validation.md").read_text() == "v", "nothing of it is deleted"
    assert read_marker(out)["kind"] == "run"


def test_a_sweep_is_never_overwritten_and_nothing_of_it_deleted(tmp_path):
    sweep = tmp_path / "sweep"
    (sweep / "runs").mkdir(parents=True)
    (sweep / "manifest.json").write_text("{}")
    (sweep / "runs" / "r000000.parquet").write_bytes(b"run")
    (sweep / MARKER).write_text(json.dumps({"kind": "run", "files": ["manifest.json"]}))
    before = tree(sweep)
    with pytest.raises(OutputError, match=r"sweep: holds a sweep \(manifest.json\)"):
        write(sweep, "run")
    assert tree(sweep) == before
    write(sweep, "run", overwrite=True)
    after = tree(sweep)
    assert {k: after[k] for k in before if k != MARKER} == {
        k: v for k, v in before.items() if k != MARKER}
    assert after["a.txt"] == b"A"


def test_a_marker_cannot_make_it_delete_files_outside_the_directory(tmp_path):
    out = tmp_path / "out"
    outside = tmp_path / "precious.txt"
    outside.write_text("keep")
    out.mkdir()
    (out / MARKER).write_text(json.dumps(
        {"kind": "run", "files": ["../precious.txt", str(outside), "a.txt"]}))
    assert read_marker(out)["files"] == ["a.txt"]
    write(out, files=texts({"b.txt": "B"}))
    assert outside.read_text() == "keep"


def test_an_unreadable_marker_makes_the_directory_foreign(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text("{not json")
    with pytest.raises(OutputError, match="not a result of kasvu run"):
        write(out)


# ------------------------------------------------------------------ unwritable locations
def test_a_target_that_is_a_file_is_refused(tmp_path):
    out = tmp_path / "out"
    out.write_text("mine")
    with pytest.raises(OutputError, match="out: is a file, not a directory"):
        write(out)
    assert out.read_text() == "mine" and siblings(out) == ["out"]


def test_a_target_under_a_regular_file_fails_at_once(tmp_path):
    (tmp_path / "file").write_text("mine")
    out = tmp_path / "file" / "deeper" / "out"
    with pytest.raises(OutputError) as failed:
        write(out)
    assert str(failed.value) == (f"{out}: cannot write: {tmp_path / 'file'} is a file, "
                                 "not a directory")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_read_only_location_fails_at_once(tmp_path, monkeypatch):
    parent = tmp_path / "ro"
    parent.mkdir()
    make_read_only(parent, monkeypatch)
    try:
        for out in (parent / "out", parent):  # a new directory in it, and the directory
            with pytest.raises(OutputError, match=f"^{out}: cannot write: Permission denied$"):
                write(out)
        assert list(parent.iterdir()) == []
    finally:
        restore_mode(parent)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ro"]


def test_a_full_disk_fails_at_once_with_nothing_left_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", no_space)  # the probe file cannot be flushed to disk
    out = tmp_path / "a" / "out"
    ran = []
    with pytest.raises(OutputError, match=f"^{out}: cannot write: No space left on device$"):
        with Output(out, "run"):
            ran.append(True)
    assert ran == [] and list(tmp_path.iterdir()) == [], "made parents are removed too"


def arrow_no_space(_path):
    """Fail as pyarrow does on a full disk: the errno only in the text."""
    raise OSError("Error writing bytes to file. Detail: [errno 28] No space left on device")


@pytest.mark.parametrize("fill", [no_space, arrow_no_space])
def test_a_disk_that_fills_while_writing_leaves_the_earlier_result(tmp_path, fill):
    out = tmp_path / "out"
    write(out)
    (out / "thesis.txt").write_text("mine")
    before = tree(out)
    files = {"a.txt": text_writer("new"), "b.txt": fill}
    with pytest.raises(ResultNotWritten) as failed:
        write(out, files=files)
    assert str(failed.value) == (f"{out / 'b.txt'}: cannot write: No space left on device; "
                                 "nothing was written")
    assert isinstance(failed.value, OSError)
    assert tree(out) == before and siblings(out) == ["out"]


def test_an_error_in_the_work_leaves_the_earlier_result(tmp_path):
    out = tmp_path / "out"
    write(out)
    before = tree(out)
    with pytest.raises(KeyboardInterrupt):
        with Output(out, "run") as output:
            output.write(texts({"a.txt": "new"}))
            raise KeyboardInterrupt
    assert tree(out) == before and siblings(out) == ["out"]


def test_a_file_in_the_way_of_a_directory_is_an_error_before_any_file_moves(tmp_path):
    out = tmp_path / "out"
    write(out, overwrite=True, files=texts({"top.txt": "old"}))
    (out / "sub").write_text("mine")
    before = tree(out)
    with pytest.raises(OutputError, match=f"{out / 'sub'}: in the way of {out / 'sub/b.txt'}"):
        write(out, files=texts({"top.txt": "new", "sub/b.txt": "B"}))
    assert tree(out) == before and siblings(out) == ["out"]


# ---------------------------------------------------------- temporary directories, Ctrl-C
def test_stale_temporary_directories_of_dead_processes_are_removed(tmp_path):
    out = tmp_path / "out"
    with Output(out, "run") as output:
        ours = output.staging.name
    host, pid = re.fullmatch(r"\.out\.(\w*)-(\d+)\.[0-9a-f]+\.partial", ours).groups()
    assert int(pid) == os.getpid()
    dead = dead_pid()
    names = {
        "dead": f".out.{host}-{dead}.00c0ffee.partial",
        "alive": f".out.{host}-{os.getppid()}.00c0ffee.partial",
        "other host": f".out.{host}x-{dead}.00c0ffee.partial",
        "other target": f".other.{host}-{dead}.00c0ffee.partial",
    }
    for name in names.values():
        (tmp_path / name).mkdir()
        (tmp_path / name / "timeseries.parquet").write_bytes(b"half")
    write(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["out", *(v for k, v in names.items() if k != "dead")])
    assert remove_stale_staging(out) == []


def test_ctrl_c_while_files_move_in_is_held_until_all_are_in(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write(out, files=texts({"a.txt": "old", "b.txt": "old", "c.txt": "old"}))
    replace = os.replace

    def interrupted_replace(src, dst):
        if Path(dst).name == "a.txt":
            os.kill(os.getpid(), signal.SIGINT)
        return replace(src, dst)

    monkeypatch.setattr(os, "replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt, match=f"^{out}/ was written in full$"):
        write(out, files=texts({"a.txt": "new", "b.txt": "new"}))
    assert {k: v for k, v in tree(out).items() if k != MARKER} == {"a.txt": b"new",
                                                                    "b.txt": b"new"}
    assert read_marker(out)["complete"] is True and siblings(out) == ["out"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# ----------------------------------------------------------------- the Python functions
FAST = {"simulation.burn_in_months": 1}
CALLS = {
    "run": lambda out, **kw: analysis.replicate("tiny", months=1, overrides=FAST, out=out,
                                                **kw),
    "compare": lambda out, **kw: analysis.compare("tiny", "tiny-alliance", reps=1, months=1,
                                                  overrides=FAST, workers=1, out=out, **kw),
    "validate": lambda out, **kw: analysis.validate("tiny", quick=True, out=out, **kw),
    "report": lambda out, **kw: analysis.write_report(
        make_run_dir(out.parent / "results", A_NAME, False, [1], 12), out=out, **kw),
}
WORK = {"run": (runs, "run"), "compare": (comparison, "run_jobs"),
        "validate": (checks, "run_cycle"), "report": (page, "make_figures")}


@pytest.mark.parametrize("kind", sorted(CALLS))
def test_the_functions_refuse_a_foreign_directory_before_any_work(kind, tmp_path, monkeypatch):
    out = tmp_path / "d"
    out.mkdir()
    (out / "thesis.txt").write_text("keep")
    module, work = WORK[kind]
    monkeypatch.setattr(module, work, lambda *a, **k: pytest.fail("worked before checking"))
    with pytest.raises(analysis.OutputError) as refused:
        CALLS[kind](out)
    assert isinstance(refused.value, ValueError)
    assert str(refused.value).startswith(f"{out}: not empty, and not a result of kasvu {kind}")
    assert tree(out) == {"thesis.txt": b"keep"} and not list(tmp_path.glob(".*partial"))


def test_overwrite_true_writes_beside_the_users_files(tmp_path):
    out = tmp_path / "d"
    out.mkdir()
    (out / "thesis.txt").write_text("keep")
    result = CALLS["run"](out, overwrite=True)
    assert (out / "thesis.txt").read_text() == "keep"
    pd.testing.assert_frame_equal(pd.read_parquet(out / "timeseries.parquet"), result.timeseries)
    copy = result.write(tmp_path / "copy")  # the same files, from the result itself
    assert tree(copy).keys() == tree(out).keys() - {"thesis.txt"}
    assert read_marker(copy)["files"] == read_marker(out)["files"]


def test_a_move_that_fails_midway_leaves_whole_files_and_a_marker_of_both(tmp_path,
                                                                         monkeypatch):
    out = tmp_path / "out"
    write(out, files=texts({"a.txt": "old", "b.txt": "old", "c.txt": "old"}))
    replace = os.replace

    def failing_replace(src, dst):
        if Path(dst).name == "b.txt":
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
        return replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(ResultNotWritten, match=f"^{out}: cannot move the results in: Invalid "
                       "cross-device link; each file there is whole, old or new; run again"):
        write(out, files=texts({"a.txt": "new", "b.txt": "new"}))
    assert {k: v for k, v in tree(out).items() if k != MARKER} == {
        "a.txt": b"new", "b.txt": b"old", "c.txt": b"old"}
    marker = read_marker(out)
    assert marker["complete"] is False and marker["files"] == ["a.txt", "b.txt", "c.txt"]
    assert siblings(out) == ["out"]
    monkeypatch.setattr(os, "replace", replace)
    write(out, files=texts({"a.txt": "new", "b.txt": "new"}))  # run again: c.txt was stale
    assert {k: v for k, v in tree(out).items() if k != MARKER} == {"a.txt": b"new",
                                                                    "b.txt": b"new"}


# ------------------------------------------------------------- two writers at once
def test_two_commands_writing_one_new_directory_leave_the_later_result_whole(tmp_path):
    """Both check the directory before it exists; the second to finish replaces the first's
    result as its own earlier one instead of failing, or mixing the two."""
    target = tmp_path / "out"
    first, second = Output(target, "run"), Output(target, "run")
    with first:
        with second:
            second.write(texts({"a.txt": "second", "b.txt": "second"}))
        first.write(texts({"a.txt": "first"}))
    assert (target / "a.txt").read_text() == "first"
    assert not (target / "b.txt").exists()  # the second's file, stale in the first's result
    assert read_marker(target)["files"] == ["a.txt"]
    assert siblings(target) == ["out"]


def test_results_move_in_one_command_at_a_time(tmp_path):
    """While another command holds the directory's lock, a result waits to move in."""
    target = tmp_path / "out"
    write(target, files=texts({"a.txt": "old"}))
    held = os.open(target, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(held, fcntl.LOCK_EX)
    output = Output(target, "run")
    output.__enter__()
    output.write(texts({"a.txt": "new"}))
    mover = threading.Thread(target=output.__exit__, args=(None, None, None))
    mover.start()
    mover.join(timeout=0.5)
    try:
        assert mover.is_alive() and (target / "a.txt").read_text() == "old"
    finally:
        os.close(held)  # releases the lock
    mover.join(timeout=30)
    assert not mover.is_alive() and (target / "a.txt").read_text() == "new"
