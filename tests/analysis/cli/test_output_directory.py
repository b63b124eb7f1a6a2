"""``--out`` belongs to the user: the commands never delete what they did not write.

Fault injection on ``kasvu run``, ``compare``, ``validate`` and ``report``: a foreign file,
an earlier result, a sweep, a regular file in the path, a read-only directory, a full disk
before and while writing, ``kill -9`` while simulating, writing and moving files in, and
Ctrl-C. Each case checks the exit status, the message and what is left on disk.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from output_faults import make_read_only, no_space, restore_mode, tree
from report_fixtures import A_NAME, make_run_dir
from sweep_fixtures import sweep_serial, write_spec

import analysis
from analysis.cli import main
from analysis.cli.options import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERRUPTED
from analysis.experiments import runs
from analysis.outputs import MARKER, read_marker

QUICK = ["--quiet", "--months", "2", "--set", "simulation.burn_in_months=1"]
PAUSED_KASVU = Path(__file__).with_name("paused_kasvu.py")


def kasvu_run(out: Path, seed: int = 3, *extra: str) -> int:
    return main(["run", "tiny", "--seed", str(seed), "--out", str(out), *QUICK, *extra])


def seeds(out: Path) -> set[int]:
    return set(pd.read_parquet(out / "timeseries.parquet")["seed"])


def partials(out: Path) -> list[str]:
    """The temporary directories next to ``out``."""
    return sorted(p.name for p in out.parent.glob(f".{out.name}.*.partial"))


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if a model run starts (a refusal must come before any work)."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("the model ran before the output directory was checked")

    monkeypatch.setattr(runs, "run", refuse)


@pytest.fixture
def earlier(tmp_path, capsys):
    """An earlier ``kasvu run`` (seed 3) with the user's thesis.txt beside its files."""
    out = tmp_path / "out"
    assert kasvu_run(out) == 0
    (out / "thesis.txt").write_text("mine")
    capsys.readouterr()
    return out


def assert_refused(code, capsys, out: Path, *fragments: str) -> None:
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT, err
    assert err.startswith(f"kasvu: error: {out}: "), err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert "Traceback" not in err and not partials(out)


# ------------------------------------------------------------ foreign and own directories
def test_run_refuses_a_directory_with_the_users_file(tmp_path, capsys, no_simulation):
    out = tmp_path / "d"
    out.mkdir()
    (out / "thesis.txt").write_text("keep")
    assert_refused(kasvu_run(out), capsys, out, "not a result of kasvu run",
                   "thesis.txt", "choose another --out, or pass --overwrite")
    assert tree(out) == {"thesis.txt": b"keep"}


def test_overwrite_writes_the_run_and_keeps_the_users_file(tmp_path, capsys):
    out = tmp_path / "d"
    out.mkdir()
    (out / "thesis.txt").write_text("keep")
    assert kasvu_run(out, 3, "--overwrite") == 0
    assert (out / "thesis.txt").read_text() == "keep" and seeds(out) == {3}
    marker = read_marker(out)
    assert marker["kind"] == "run" and "thesis.txt" not in marker["files"]
    assert marker["command"] == f"kasvu run tiny --seed 3 --out {out} {' '.join(QUICK)} --overwrite"
    assert f"wrote {out}/" in capsys.readouterr().out


def test_a_rerun_replaces_its_own_result_and_keeps_the_users_files(earlier):
    assert kasvu_run(earlier, 4) == 0
    assert seeds(earlier) == {4} and (earlier / "thesis.txt").read_text() == "mine"
    assert not partials(earlier)


def test_compare_rerun_removes_its_stale_files_and_keeps_the_users(tmp_path):
    out = tmp_path / "cmp"
    args = ["--reps", "1", "--months", "2", "--workers", "1", "--out", str(out), *QUICK[3:],
            "--quiet"]
    assert main(["compare", "tiny", "tiny-alliance", *args]) == 0
    (out / "tiny-alliance" / "notes.txt").write_text("mine")
    assert main(["compare", "tiny", "tiny", *args]) == 0  # named tiny-a and tiny-b now
    assert sorted(p.name for p in out.iterdir()) == [
        MARKER, "compare.csv", "compare.json", "payers.csv", "tiny-a", "tiny-alliance",
        "tiny-b"]
    assert [p.name for p in (out / "tiny-alliance").iterdir()] == ["notes.txt"]
    assert json.loads((out / "compare.json").read_text())["b"] == "tiny-b"


def test_a_result_of_another_command_is_refused(earlier, capsys, no_simulation):
    before = tree(earlier)
    code = main(["compare", "tiny", "tiny", "--reps", "1", "--out", str(earlier), "--quiet"])
    assert_refused(code, capsys, earlier, "holds the result of kasvu run")
    code = main(["validate", "tiny", "--quick", "--out", str(earlier), "--quiet"])
    assert_refused(code, capsys, earlier, "holds the result of kasvu run")
    assert tree(earlier) == before


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """A finished sweep of the tiny region."""
    root = tmp_path_factory.mktemp("sweep")
    sweep_serial(write_spec(root, months=2, samples=2), root / "sweep")
    return root / "sweep"


def test_a_sweep_is_refused_and_with_overwrite_nothing_of_it_is_deleted(sweep, capsys):
    before, table = tree(sweep), analysis.load(sweep)
    assert_refused(kasvu_run(sweep), capsys, sweep, "holds a sweep (manifest.json)")
    assert tree(sweep) == before
    assert kasvu_run(sweep, 3, "--overwrite") == 0
    after = tree(sweep)
    assert {name: after[name] for name in before} == before
    pd.testing.assert_frame_equal(analysis.load(sweep), table)
    assert kasvu_run(sweep, 4) == EXIT_BAD_INPUT, "a sweep stays foreign to kasvu run"


def test_validate_and_report_refuse_a_foreign_directory(tmp_path, capsys, no_simulation):
    out = tmp_path / "d"
    out.mkdir()
    (out / "thesis.txt").write_text("keep")
    code = main(["validate", "tiny", "--quick", "--quiet", "--out", str(out)])
    assert_refused(code, capsys, out, "not a result of kasvu validate", "thesis.txt")
    results = make_run_dir(tmp_path / "run", A_NAME, False, [1], 12)
    assert_refused(main(["report", str(results), "--out", str(out)]), capsys, out,
                   "not a result of kasvu report", "thesis.txt")
    assert tree(out) == {"thesis.txt": b"keep"}


def test_report_in_another_language_keeps_the_first_and_drops_its_stale_formats(tmp_path):
    results = make_run_dir(tmp_path / "run", A_NAME, False, [1], 12)
    report = results / "report"
    assert main(["report", str(results), "--format", "png,svg"]) == 0
    assert main(["report", str(results), "--lang", "en"]) == 0
    names = {p.name for p in report.iterdir()}
    assert {"report-fi.html", "labour-fi.svg", "report-en.html", "labour-en.png"} <= names
    assert main(["report", str(results)]) == 0  # Finnish again, PNG only
    names = {p.name for p in report.iterdir()}
    assert "labour-fi.png" in names and "report-en.html" in names
    assert not any(name.endswith(".svg") for name in names)
    assert set(read_marker(report)["files"]) == names - {MARKER}


# ---------------------------------------------------------------- unwritable locations
def test_out_under_a_regular_file_fails_before_simulating(tmp_path, capsys, no_simulation):
    (tmp_path / "notes").write_text("mine")
    out = tmp_path / "notes" / "x"
    assert_refused(kasvu_run(out), capsys, out,
                   f"cannot write: {tmp_path / 'notes'} is a file, not a directory")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes"]


def test_a_read_only_directory_fails_before_simulating(tmp_path, capsys, monkeypatch,
                                                       no_simulation):
    parent = tmp_path / "ro"
    parent.mkdir()
    make_read_only(parent, monkeypatch)
    try:
        out = parent / "x"
        assert_refused(kasvu_run(out), capsys, out, "cannot write: Permission denied")
        assert list(parent.iterdir()) == []
    finally:
        restore_mode(parent)


def test_a_full_disk_fails_before_simulating(tmp_path, capsys, monkeypatch, no_simulation):
    monkeypatch.setattr(os, "fsync", no_space)
    out = tmp_path / "out" / "x"
    assert_refused(kasvu_run(out), capsys, out, "cannot write: No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_a_disk_that_fills_while_writing_keeps_the_earlier_result(earlier, capsys,
                                                                  monkeypatch):
    before = tree(earlier)
    write_text = Path.write_text

    def filling(path, *args, **kwargs):  # the tables are written, then summary.json fails
        if path.name == "summary.json":
            no_space()
        return write_text(path, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", filling)
    assert kasvu_run(earlier, 4) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err == (f"kasvu: error: {earlier / 'summary.json'}: cannot write: No space left "
                   "on device; nothing was written\n")
    assert tree(earlier) == before and not partials(earlier)


# ------------------------------------------------------------- kill -9 and Ctrl-C
def paused_kasvu(point: str, out: Path, seed: int) -> subprocess.Popen:
    """``kasvu run`` in a subprocess, stopped at ``point`` (see paused_kasvu.py)."""
    proc = subprocess.Popen(
        [sys.executable, str(PAUSED_KASVU), point, "run", "tiny", "--seed", str(seed),
         "--out", str(out), *QUICK],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if line != f"paused at {point}\n":
        proc.kill()
        pytest.fail(f"kasvu did not pause at {point}: {line!r} {proc.communicate()}")
    return proc


@pytest.mark.parametrize("point", ["simulating", "writing", "moving"])
def test_kill_9_loses_nothing_and_the_next_run_cleans_up(earlier, point):
    before = tree(earlier)
    proc = paused_kasvu(point, earlier, 4)
    proc.kill()
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert len(partials(earlier)) == 1, "the killed run's temporary directory is left"
    after = tree(earlier)
    assert after["thesis.txt"] == b"mine"
    if point != "moving":
        assert after == before
    else:  # one file is new, the others old; each whole, all listed in the marker
        files = set(before) - {MARKER, "thesis.txt"}
        assert set(read_marker(earlier)["files"]) == files
        assert read_marker(earlier)["complete"] is False
        staged = {p.name for p in (earlier.parent / partials(earlier)[0]).iterdir()}
        assert len(files - staged) == 1, "one file was moved in when it was killed"
        for name in files:
            if name.endswith(".parquet"):
                pd.read_parquet(earlier / name)
    assert kasvu_run(earlier, 4) == 0
    assert not partials(earlier)
    assert seeds(earlier) == {4} and (earlier / "thesis.txt").read_text() == "mine"
    assert read_marker(earlier)["complete"] is True


def test_ctrl_c_while_simulating_exits_130_with_nothing_written(earlier):
    before = tree(earlier)
    proc = paused_kasvu("simulating", earlier, 4)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate()
    assert proc.returncode == EXIT_INTERRUPTED
    assert err.strip() == "kasvu: interrupted; nothing was written" and out == ""
    assert tree(earlier) == before and not partials(earlier)
