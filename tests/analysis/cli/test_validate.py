"""``kasvu validate``: every fact and figure written, bad input refused with nothing written."""

import json
import math

import pandas as pd
import pytest

from analysis.cli import main


def test_kasvu_validate_quick_writes_every_fact_and_figure(tmp_path, capsys):
    out = tmp_path / "v"
    assert main(["validate", "tiny", "--quick", "--quiet", "--out", str(out)]) == 0
    report = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    keys = [f["key"] for f in report["facts"]]
    assert keys == ["stationarity", "beveridge", "matching", "flows", "transitions", "firm_sizes",
                    "growth_rates", "service_effects", "displacement"]
    for fact in report["facts"]:
        assert math.isfinite(fact["statistics"][0]["value"]), fact["key"]
        assert fact["verdict"] in ("pass", "warn", "fail")
        assert (out / f"{fact['key']}.png").stat().st_size > 10_000
    text = (out / "validation.md").read_text(encoding="utf-8")
    assert text.count("**Verdict:") == 9
    assert "Card, Kluve & Weber" in text and "Crépon" in text
    assert {"times", "rep", "area", "treated_share"} <= set(
        pd.read_parquet(out / "displacement.parquet").columns)
    steady = pd.read_parquet(out / "steady_timeseries.parquet")
    cycle = pd.read_parquet(out / "cycle_timeseries.parquet")
    assert steady.shape == cycle.shape and not steady.equals(cycle)
    printed = capsys.readouterr().out
    assert all(key in printed for key in keys)
    assert not list(tmp_path.glob(".*partial"))


@pytest.mark.parametrize(
    "args, message",
    [
        (["no-such-scenario"], "no-such-scenario"),
        (["tiny", "--months", "10"], "too short"),
        (["tiny", "--set", "economy.no_such_key=1"], "no_such_key"),
        (["tiny", "--set", "economy.cycle_amplitude=0.9"], "cycle_amplitude"),
        (["tiny", "--quick", "--set", "municipalities.Keskikylä.population=300",
          "--set", "municipalities.Rantala.population=200",
          "--set", "municipalities.Metsälä.population=100"], "too small"),
    ],
)
def test_kasvu_validate_bad_input_exits_2_and_writes_nothing(args, message, tmp_path, capsys):
    out = tmp_path / "v"
    assert main(["validate", *args, "--quiet", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists() and not list(tmp_path.iterdir())


def test_kasvu_validate_negative_seed_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["validate", "tiny", "--seed", "-1", "--quiet", "--out", str(tmp_path / "v")])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--seed: must be at least 0, got -1" in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())
