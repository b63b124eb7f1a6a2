"""Bad numbers, seeds and month counts on the command line: a message naming the key,
exit 2, nothing written, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from sweep_fixtures import SPEC

from analysis.cli import main
from analysis.cli.options import EXIT_BAD_INPUT
from analysis.experiments.comparison import compare
from sim import MAX_SEED, GrowthServicesModel, InputError

QUICK = ["--quiet", "--months", "1", "--set", "simulation.burn_in_months=1"]


@pytest.mark.parametrize("item, words", [
    ("organisers.benefit_eur_per_month=inf", "finite number"),
    ("municipalities.Tampere.land_area_km2=inf", "finite number"),
    ("firms.firms_per_1000_residents=inf", "finite number"),
    ("organisers.region_budget_eur_per_resident=1e308", "1e+12"),
    ("municipalities.Tampere.population=1000000000000", "GiB of memory"),
])
def test_bad_numbers_end_in_a_message_and_exit_2(tmp_path, capsys, item, words):
    out = tmp_path / "out"
    code = main(["run", "pirkanmaa-separate", *QUICK, "--set", item, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert words in err and "Traceback" not in err
    assert item.split("=")[0].split(".")[0] in err or "persons" in err
    assert not out.exists()


@pytest.mark.parametrize("command", [["run", "tiny"], ["compare", "tiny", "tiny-alliance"]])
def test_seeds_past_the_largest_are_refused_before_running(tmp_path, capsys, command):
    out = tmp_path / "out"
    code = main([*command, *QUICK, "--seed", str(MAX_SEED), "--reps", "2",
                 "--out", str(out)])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert f"0..{MAX_SEED}" in err and "Traceback" not in err
    assert not out.exists()


def test_a_seed_beyond_64_bits_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["run", "tiny", *QUICK, "--seed", str(MAX_SEED + 1)])
    assert stop.value.code == EXIT_BAD_INPUT
    assert f"seeds lie in 0..{MAX_SEED}" in capsys.readouterr().err


@pytest.mark.parametrize("command, months", [
    (["compare", "tiny", "tiny-alliance"], "0"),
    (["compare", "tiny", "tiny-alliance"], "-1"),
    (["run", "tiny"], "-1"),
])
def test_months_below_the_minimum_are_a_usage_error(tmp_path, capsys, command, months):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as stop:
        main([*command, "--quiet", "--months", months, "--out", str(out)])
    assert stop.value.code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert f"argument --months: must be at least {1 if command[0] == 'compare' else 0}" in err
    assert f"got {months}" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("command", [["compare", "tiny", "tiny-alliance"], ["run", "tiny"],
                                     ["validate", "tiny"]])
def test_months_beyond_a_century_are_a_usage_error(tmp_path, capsys, command):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as stop:
        main([*command, "--quiet", "--months", "1201", "--out", str(out)])
    assert stop.value.code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "argument --months: must be at most 1200 (a century), got 1201" in err
    assert "Traceback" not in err and not out.exists()


def test_the_model_refuses_months_beyond_a_century():
    with pytest.raises(InputError, match="months 1201: a run lasts 0..1200 months"):
        GrowthServicesModel("tiny", 1, months=1201)


def test_a_comparison_without_months_is_refused_before_running(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(InputError, match="months 0: a comparison needs at least 1 month"):
        compare("tiny", "tiny-alliance", reps=1, months=0, out=out)
    assert not out.exists()


@pytest.mark.parametrize("command", ["sweep", "decide"])
@pytest.mark.parametrize("months", [0, -3])
def test_a_spec_with_months_below_1_exits_2_and_writes_nothing(tmp_path, capsys, command,
                                                                months):
    root = Path(__file__).resolve().parents[3]
    if command == "sweep":
        text = SPEC.format(months=months, samples=3, extra="")
    else:
        text = (root / "scenarios" / "decisions" / "tiny.toml").read_text(encoding="utf-8")
        text = text.replace("months = 6", f"months = {months}")
    path = tmp_path / "spec.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main([command, str(path), "--out", str(out), "--executor", "serial"]) == 2
    err = capsys.readouterr().err
    assert f"{path}: months: Input should be greater than or equal to 1 (got {months})" in err
    assert not out.exists()
