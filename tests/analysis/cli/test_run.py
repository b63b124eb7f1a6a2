"""``kasvu run``: run outputs, replications, bad input and a safe output directory."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import scenarios as builtin
from analysis.cli import main
from analysis.cli.options import EXIT_BAD_INPUT
from sim import load_scenario, run
from sim.collect import METRICS, REGION_AREA

QUICK = ["--quiet", "--months", "2", "--set", "simulation.burn_in_months=1"]

GOOD = """\
name = "mini"
description = "Two made-up municipalities."

[simulation]
burn_in_months = 1
months = 2

[[municipalities]]
name = "Alpha"
population = 3000
lat = 61.5
lon = 23.8

[[municipalities]]
name = "Beta"
population = 1500
lat = 61.6
lon = 23.9
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def tree(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` with its bytes."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


# --------------------------------------------------------------------------- kasvu run
@pytest.fixture(scope="module")
def one_run(tmp_path_factory):
    """``kasvu run tiny`` with seed 9 and 2 months, and its output directory."""
    out = tmp_path_factory.mktemp("run") / "tiny-out"
    assert main(["run", "tiny", "--seed", "9", "--out", str(out), *QUICK]) == 0
    return out


def test_run_writes_the_time_series(one_run):
    written = {p.name for p in one_run.iterdir()}
    assert {"scenario.toml", "summary.json", "timeseries.parquet"} <= written
    frame = pd.read_parquet(one_run / "timeseries.parquet")
    assert list(frame.columns) == ["scenario", "rep", "seed", "month", "area", *METRICS]
    assert set(frame["scenario"]) == {"tiny"}
    assert set(frame["rep"]) == {0}
    assert set(frame["seed"]) == {9}
    assert sorted(frame["month"].unique()) == [0, 1, 2]
    names = [m.name for m in load_scenario("tiny").municipalities]
    assert frame["area"].unique().tolist() == [*names, REGION_AREA]
    # The file holds exactly what run() returns for the same scenario and seed.
    scenario = load_scenario("tiny", ["simulation.burn_in_months=1"])
    expected = run(scenario, seed=9, months=2).timeseries
    pd.testing.assert_frame_equal(
        frame.drop(columns=["scenario", "rep", "seed"]), expected, check_dtype=False
    )


def test_run_writes_a_summary(one_run):
    summary = json.loads((one_run / "summary.json").read_text(encoding="utf-8"))
    frame = pd.read_parquet(one_run / "timeseries.parquet")
    region = frame[frame["area"] == REGION_AREA].set_index("month")
    assert summary["scenario"] == "tiny"
    assert summary["seeds"] == [9]
    assert summary["months"] == 2
    assert set(summary["region"]) == set(METRICS)
    employed = summary["region"]["employed"]
    assert employed["month_0_mean"] == region.loc[0, "employed"]
    assert employed["final_mean"] == employed["final_min"] == region.loc[2, "employed"]
    assert set(summary["areas_final_mean"]) == set(frame["area"])


def test_written_scenario_reloads_and_reruns_identically(one_run, tmp_path):
    written = one_run / "scenario.toml"
    scenario = load_scenario(written)
    assert scenario == load_scenario("tiny", ["simulation.burn_in_months=1"])
    out = tmp_path / "rerun"
    args = ["run", str(written), "--seed", "9", "--months", "2", "--quiet", "--out", str(out)]
    assert main(args) == 0
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "timeseries.parquet"),
        pd.read_parquet(one_run / "timeseries.parquet"),
    )
    assert (out / "scenario.toml").read_text() == written.read_text()


def test_run_prints_a_summary_table(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["run", "tiny", "--out", str(out), *QUICK]) == 0
    printed = capsys.readouterr().out
    assert "tiny: 1 replication(s)" in printed
    assert "unemployment_rate" in printed
    assert str(out) in printed


def test_reps_use_consecutive_seeds(tmp_path):
    out = tmp_path / "reps"
    assert main(["run", "tiny", "--seed", "4", "--reps", "3", "--out", str(out), *QUICK]) == 0
    frame = pd.read_parquet(out / "timeseries.parquet")
    pairs = frame[["rep", "seed"]].drop_duplicates().values.tolist()
    assert pairs == [[0, 4], [1, 5], [2, 6]]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["seeds"] == [4, 5, 6]
    # Replication r is exactly a single run with seed SEED + r.
    single = tmp_path / "single"
    assert main(["run", "tiny", "--seed", "5", "--out", str(single), *QUICK]) == 0
    rep1 = frame[frame["rep"] == 1].drop(columns="rep").reset_index(drop=True)
    alone = pd.read_parquet(single / "timeseries.parquet").drop(columns="rep")
    pd.testing.assert_frame_equal(rep1, alone)
    region = frame[(frame["area"] == REGION_AREA) & (frame["month"] == 2)]
    assert region["hires"].nunique() > 1 or region["separations"].nunique() > 1


def test_default_seed_comes_from_the_scenario(tmp_path):
    path = write(tmp_path, "s.toml", GOOD.replace("months = 2", "months = 2\nseed = 17"))
    out = tmp_path / "o"
    assert main(["run", str(path), "--quiet", "--out", str(out)]) == 0
    frame = pd.read_parquet(out / "timeseries.parquet")
    assert set(frame["seed"]) == {17}
    assert sorted(frame["month"].unique()) == [0, 1, 2]
    assert set(frame["area"]) == {"Alpha", "Beta", REGION_AREA}


def test_set_overrides_a_municipality_by_name(tmp_path):
    path = write(tmp_path, "s.toml", GOOD)
    out = tmp_path / "o"
    args = ["run", str(path), "--quiet", "--out", str(out), "--months", "0"]
    assert main([*args, "--set", "municipalities.Beta.population=6000"]) == 0
    frame = pd.read_parquet(out / "timeseries.parquet").set_index("area")
    assert frame.loc["Beta", "labour_force"] > frame.loc["Alpha", "labour_force"]
    resolved = load_scenario(out / "scenario.toml")
    assert [m.population for m in resolved.municipalities] == [3000, 6000]


def test_default_output_directory_is_out_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "tiny", *QUICK]) == 0
    assert (tmp_path / "out" / "tiny" / "timeseries.parquet").is_file()


# --------------------------------------------------------------------------- bad input
def municipality(name="A", **fields):
    lines = [f'name = "{name}"'] + [f"{k} = {v}" for k, v in fields.items()]
    return "\n[[municipalities]]\n" + "\n".join(lines) + "\n"


OK_MUNI = municipality(population=1000, lat=61.0, lon=23.0)

BAD_FILES = {
    # case: (file text, expected fragments of the message after the file name)
    "malformed-toml": ('name = "x\n[labour\n', ["malformed TOML"]),
    "unknown-top-level-key": (
        'name = "x"\ncolour = "red"\n' + OK_MUNI,
        ["colour", "unknown key"],
    ),
    "unknown-nested-key": (
        'name = "x"\n[labour]\nskil_shares = [1.0]\n' + OK_MUNI,
        ["labour.skil_shares", "unknown key"],
    ),
    "wrong-type": (
        'name = "x"\n[matching]\napplications_per_month = "four"\n' + OK_MUNI,
        ["matching.applications_per_month", "integer", "'four'"],
    ),
    "negative-count": (
        'name = "x"\n' + municipality(population=-5, lat=61.0, lon=23.0),
        ["municipalities[0] (A).population", "greater than 0", "-5"],
    ),
    "share-above-one": (
        'name = "x"\n[labour]\ninitial_unemployment_rate = 1.5\n' + OK_MUNI,
        ["labour.initial_unemployment_rate", "1.5"],
    ),
    "share-below-zero": (
        'name = "x"\n[labour]\nmonthly_separation_rate = -0.1\n' + OK_MUNI,
        ["labour.monthly_separation_rate", "-0.1"],
    ),
    "municipality-without-lat": (
        'name = "x"\n' + OK_MUNI + municipality("B", population=10, lon=23.0),
        ["municipalities[1] (B).lat", "required"],
    ),
    "municipality-without-lon": (
        'name = "x"\n' + municipality("C", population=10, lat=61.0),
        ["municipalities[0] (C).lon", "required"],
    ),
    "skill-shares-not-summing-to-one": (
        'name = "x"\n[labour]\nskill_shares = [0.5, 0.4]\n' + OK_MUNI,
        ["labour", "skill_shares must sum to 1", "0.9"],
    ),
}


def assert_bad_input(code, capsys, fragments, out: Path):
    """Exit status 2, one clean message with every fragment, no traceback, nothing written."""
    captured = capsys.readouterr()
    assert code == EXIT_BAD_INPUT
    assert captured.err.startswith("kasvu: error: ")
    for fragment in fragments:
        assert fragment in captured.err, (fragment, captured.err)
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert not out.exists()
    assert not list(out.parent.glob(f".{out.name}*")), "a partial directory was left"


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_scenario_file(case, tmp_path, capsys):
    text, fragments = BAD_FILES[case]
    path = write(tmp_path, f"{case}.toml", text)
    out = tmp_path / "out"
    code = main(["run", str(path), "--quiet", "--out", str(out)])
    assert_bad_input(code, capsys, [str(path), *fragments], out)


@pytest.mark.parametrize(
    ("source", "fragments"),
    [
        ("missing.toml", ["missing.toml", "no such scenario file"]),
        ("nowhere/at/all", ["nowhere/at/all", "no such scenario file"]),
        ("no-such-builtin", ["no-such-builtin", "built-ins are", "tiny"]),
    ],
)
def test_missing_scenario(source, fragments, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    code = main(["run", source, "--quiet", "--out", str(out)])
    assert_bad_input(code, capsys, fragments, out)


@pytest.mark.parametrize(
    ("override", "fragments"),
    [
        ("matching.no_such_key=3", ["matching.no_such_key", "no such key"]),
        ("no_such_table.x=3", ["no_such_table", "no such key"]),
        ("matching.rounds_per_month.x=3", ["matching.rounds_per_month", "not a table"]),
        ("municipalities.Nowhere.population=3", ["municipalities.Nowhere", "no such element"]),
        ("municipalities.7.population=3", ["municipalities.7", "no such element"]),
        ("municipalities.Rantala.lat=91", ["municipalities[1] (Rantala).lat", "91"]),
        ("labour.initial_unemployment_rate=2", ["labour.initial_unemployment_rate"]),
        ("matching.applications_per_month=many", ["matching.applications_per_month"]),
        ("matching.ranking_noise", ["matching.ranking_noise", "key.path=value"]),
    ],
)
def test_bad_override(override, fragments, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["run", "tiny", "--quiet", "--out", str(out), "--set", override])
    tiny_file = str(builtin.path("tiny"))
    assert_bad_input(code, capsys, [tiny_file, *fragments], out)


@pytest.mark.parametrize(
    "args",
    [
        ["run", "tiny", "--reps", "0"],
        ["run", "tiny", "--seed", "-1"],
        ["run", "tiny", "--months", "x"],
        ["run"],
        ["frobnicate"],
    ],
)
def test_bad_arguments_exit_2(args, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "usage: kasvu" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_installed_script_exits_2_without_traceback(tmp_path):
    kasvu = Path(sys.executable).parent / "kasvu"
    assert kasvu.is_file(), "the console script is installed with the package"
    path = write(tmp_path, "bad.toml", 'name = "x"\n' + municipality(population=-5, lat=1, lon=2))
    out = tmp_path / "out"
    proc = subprocess.run(
        [str(kasvu), "run", str(path), "--quiet", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == EXIT_BAD_INPUT
    assert "Traceback" not in proc.stderr
    assert str(path) in proc.stderr and "population" in proc.stderr
    assert proc.stdout == ""
    assert not out.exists()


def test_installed_script_ends_a_success_with_everything_written(tmp_path):
    """After a success the script skips the interpreter's teardown (analysis.cli.console):
    the piped summary is complete and every result file is whole."""
    kasvu = Path(sys.executable).parent / "kasvu"
    out = tmp_path / "out"
    proc = subprocess.run([str(kasvu), "run", "tiny", "--months", "2", "--out", str(out)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "leaked" not in proc.stderr and "Warning" not in proc.stderr, proc.stderr
    assert proc.stdout.rstrip().splitlines()[-1].startswith(f"wrote {out}/: timeseries.parquet")
    assert "month 2" in proc.stdout
    table = pd.read_parquet(out / "timeseries.parquet")
    assert sorted(table["month"].unique()) == [0, 1, 2]
    assert (out / "summary.json").stat().st_size > 0


def test_installed_script_ends_a_command_with_worker_pools_without_warnings(tmp_path):
    """Runs in worker processes, then the quick exit: no semaphore is left registered
    (no resource-tracker warning)."""
    kasvu = Path(sys.executable).parent / "kasvu"
    out = tmp_path / "out"
    proc = subprocess.run([str(kasvu), "compare", "tiny", "tiny-alliance", "--reps", "2",
                           "--months", "1", "--workers", "2", "--quiet", "--out", str(out)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "leaked" not in proc.stderr and "Warning" not in proc.stderr, proc.stderr
    assert any(out.iterdir())


# -------------------------------------- output directory safety (more in test_output_directory)
def test_failed_run_leaves_an_existing_output_intact(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert main(["run", "tiny", "--seed", "3", "--out", str(out), *QUICK]) == 0
    before = tree(out)
    capsys.readouterr()

    # Bad input: nothing is run, nothing is touched.
    bad = write(tmp_path, "bad.toml", 'name = "x"\ncolour = 1\n' + OK_MUNI)
    assert main(["run", str(bad), "--quiet", "--out", str(out)]) == EXIT_BAD_INPUT
    assert tree(out) == before

    # Interrupted while running: nothing written.
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("analysis.experiments.runs.replicate", interrupted)
    assert main(["run", "tiny", "--seed", "4", "--out", str(out), *QUICK]) == 130
    assert "nothing was written" in capsys.readouterr().err
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml", "out"]
