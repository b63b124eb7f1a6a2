"""``kasvu sweep`` and ``--status``: bad specs, failed runs, refusals, and kill -9."""

from __future__ import annotations

import json
import os

import pytest
from sweep_fixtures import (
    SPEC,
    assert_same_results,
    kill_when_stored,
    sweep_serial,
    write_spec,
)

import analysis
from analysis.cli import main
from analysis.experiments.sweep import status

BAD_SPECS = [
    ('key = "labour.no_such_rate"', "parameters[0].key: labour.no_such_rate: no such key"),
    ('key = "municipalities.Atlantis.population"', "parameters[0].key"),
    ("min = 0.02", "min must be below max"),
    ('key = "labour"', "parameters[0].key: labour is a table, not a value"),
]


@pytest.mark.parametrize(("replace", "expected"), BAD_SPECS)
def test_bad_parameter_is_named_and_nothing_written(tmp_path, capsys, replace, expected):
    text = SPEC.format(months=4, samples=3, extra="")
    old = 'key = "labour.monthly_separation_rate"' if "key" in replace else "min = 0.005"
    path = write_spec(tmp_path, text=text.replace(old, replace, 1))
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--executor", "serial"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and expected in err
    assert not out.exists()

def test_invalid_parameter_value_is_recorded_not_fatal(tmp_path, capsys):
    text = (
        SPEC.format(months=3, samples=3, extra="")
        .replace("min = 0.005\nmax = 0.015", "values = [0.01, 1.5]")
        .replace('kind = "lhs"\nsamples = 3', 'kind = "factorial"')
    )
    spec, out = write_spec(tmp_path, text=text), tmp_path / "out"
    assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial", "--quiet"]) == 1
    captured = capsys.readouterr()
    assert "warning: runs will fail" in captured.err
    assert "6 done, 6 failed, 0 pending of 12" in captured.out
    failed = analysis.load(out, "failed")
    assert (failed["labour.monthly_separation_rate"] == 1.5).all()
    assert set(failed["error_type"]) == {"ScenarioError"}
    assert "labour.monthly_separation_rate" in failed["error"].iloc[0]
    record = json.loads((out / "failed" / f"{failed['run_id'].iloc[0]}.json").read_text())
    assert "Traceback" in record["traceback"] and record["seed"] == failed["seed"].iloc[0]
    assert len(analysis.load(out, "outcomes")) == 6
    assert "6 failed" in status(out) and "ScenarioError" in status(out)

def test_changed_spec_is_refused(tmp_path, capsys):
    spec, out = write_spec(tmp_path), tmp_path / "out"
    sweep_serial(spec, out, max_runs=1)
    before = sorted(p.name for p in out.rglob("*"))
    spec.write_text(spec.read_text().replace("max = 0.015", "max = 0.02"))
    assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial"]) == 2
    err = capsys.readouterr().err
    assert "changed since" in err and str(out) in err and str(spec) in err
    assert sorted(p.name for p in out.rglob("*")) == before
    # Only result-shaping parts count: a new description is fine.
    spec.write_text(
        'description = "same sweep"\n' + spec.read_text().replace("max = 0.02", "max = 0.015")
    )
    assert sweep_serial(spec, out).ran == 5

def test_status_command(tmp_path, capsys):
    spec, out = write_spec(tmp_path), tmp_path / "out"
    sweep_serial(spec, out, max_runs=4)
    assert main(["sweep", "--status", str(out)]) == 0
    text = capsys.readouterr().out
    assert "4 done, 0 failed, 2 pending of 6; not running" in text
    assert "4/6" in text and "failed=0" in text
    assert main(["sweep", "--status", str(tmp_path)]) == 2

def test_sweep_killed_with_sigkill_resumes_to_identical_results(tmp_path):
    spec, out = write_spec(tmp_path, months=6, samples=10), tmp_path / "out"
    # The writer is the sweep's own process whatever the executor; serial starts fastest.
    argv = ["sweep", str(spec), "--out", str(out), "--executor", "serial", "--quiet"]
    # A run file without its checksum record is run again.
    stored = kill_when_stored(argv, out, "runs/r*.json", seconds=60)
    assert 2 <= stored < 20
    report = sweep_serial(spec, out)
    assert report.ran == 20 - stored and (report.done, report.failed) == (20, 0)
    assert not list(out.rglob("*.tmp"))
    sweep_serial(spec, tmp_path / "whole")
    assert_same_results(out, tmp_path / "whole")

def test_scheduler_needs_the_dask_executor(tmp_path, capsys):
    spec = write_spec(tmp_path)
    argv = ["sweep", str(spec), "--out", str(tmp_path / "o"), "--scheduler", "tcp://x:1"]
    assert main(argv) == 2
    assert "--scheduler needs --executor dask" in capsys.readouterr().err

def test_bad_run_file_is_said_set_aside_and_run_again(tmp_path, capsys):
    spec, out = write_spec(tmp_path), tmp_path / "out"
    sweep_serial(spec, out)
    os.truncate(out / "runs" / "r000002.parquet", 10000)
    assert main(["sweep", "--status", str(out)]) == 0
    text = capsys.readouterr().out
    assert "5 done, 0 failed, 1 bad, 0 pending of 6" in text
    assert f"bad {out}/runs/r000002.parquet: size 10000 bytes, recorded" in text
    argv = ["sweep", str(spec), "--out", str(out), "--executor", "serial", "--quiet"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        "kasvu: r000002: not a readable Parquet file (truncated?); moved to "
        f"{out}/quarantine/r000002.1/, running it again\n"
    )
    assert "6 done, 0 failed, 0 pending of 6 runs (1 run now" in captured.out
    assert (out / "quarantine" / "r000002.1" / "r000002.parquet").stat().st_size == 10000


def test_damaged_manifest_exits_2_and_repair_rebuilds_it(tmp_path, capsys):
    spec, out = write_spec(tmp_path), tmp_path / "out"
    sweep_serial(spec, out, max_runs=4)
    (out / "manifest.json").write_text('{"format": 2}')
    argv = ["sweep", str(spec), "--out", str(out), "--executor", "serial", "--quiet"]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        f"kasvu: error: {out}/manifest.json: key 'name' is missing; the manifest is damaged: "
        f"`kasvu sweep --repair {out}` moves it to quarantine/ and rebuilds it from spec.toml "
        "and the run files\n"
    )
    assert main(["sweep", "--repair", str(out)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"moved the damaged manifest (key 'name' is missing) to {out}/quarantine/manifest.1/",
        f"rebuilt {out}/manifest.json from {out}/spec.toml (entropy from the spec)",
        f"{out}: 4 done, 0 failed, 2 pending of 6; resume with "
        f"`kasvu sweep {out}/spec.toml --out {out}`",
    ]
    (out / "manifest.json").unlink()
    assert main(["sweep", str(spec), "--repair", "--out", str(out)]) == 0
    assert f"rebuilt {out}/manifest.json from {spec}" in capsys.readouterr().out
    assert main(argv) == 0
    sweep_serial(spec, tmp_path / "whole")
    assert_same_results(out, tmp_path / "whole")


def test_repair_of_what_is_not_a_sweep_exits_2(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["sweep", "--repair", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"kasvu: error: {tmp_path}: not a sweep directory (no manifest.json, spec.toml, runs/ "
        "or failed/); nothing to repair\n"
    )
    assert main(["sweep", "--repair"]) == 2
    assert "give the sweep directory (--repair DIR)" in capsys.readouterr().err
    assert main(["sweep", "--status", str(tmp_path), "--repair", str(tmp_path)]) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
