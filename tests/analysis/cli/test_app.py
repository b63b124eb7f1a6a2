"""``kasvu app``: its options are checked before the server starts."""

from __future__ import annotations

import pytest

from analysis.cli import build_parser, main
from analysis.cli.app import app_environment


def test_app_subcommand_checks_its_options_before_starting(capsys):
    assert main(["app", "--scenario", "atlantis"]) == 2
    assert "atlantis" in capsys.readouterr().err
    assert main(["app", "--scenario", "finland-synthetic"]) == 2  # 2.8 million persons
    assert "listed municipalities" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["app", "--port", "70000"])
    assert exc.value.code == 2


def test_app_environment():

    args = build_parser().parse_args(["app", "--scenario", "tiny", "--months", "6",
                                      "--language", "en"])
    env = app_environment(args)
    assert env["KASVU_APP_SCENARIO"] == "tiny" and env["KASVU_APP_MONTHS"] == "6"
    assert env["KASVU_APP_LANGUAGE"] == "en"
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["KASVU_APP_DECISION"] == ""


def test_app_decision_needs_a_decision_directory(tmp_path, capsys):
    assert main(["app", "--decision", str(tmp_path)]) == 2
    assert "kasvu decide" in capsys.readouterr().err
