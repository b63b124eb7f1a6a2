"""Bad numbers and seeds on the command line: a message naming the key, exit 2, nothing
written, no traceback."""

from __future__ import annotations

import pytest

from analysis.cli import main
from analysis.cli.options import EXIT_BAD_INPUT
from sim import MAX_SEED

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
