"""``kasvu scenarios``: the built-in scenarios and the schema."""

from __future__ import annotations

import json

import scenarios as builtin
from analysis.cli import main
from sim import load_scenario


def test_scenarios_lists_every_builtin_with_its_description(capsys):
    assert main(["scenarios"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(builtin.names()) >= 3
    for name, line in zip(builtin.names(), lines, strict=True):
        description = load_scenario(name).description
        assert description
        assert line.split()[0] == name
        assert line.rstrip().endswith(description)


def test_scenarios_schema_is_json(capsys):
    assert main(["scenarios", "--schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "municipalities" in schema["properties"]
