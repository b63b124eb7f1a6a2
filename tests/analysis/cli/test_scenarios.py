"""``kasvu scenarios``: the built-in scenarios and the schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import scenarios as builtin
from analysis.cli import main
from analysis.cli.options import EXIT_PIPE_CLOSED
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


def test_a_reader_that_stops_early_ends_kasvu_quietly():
    """``kasvu scenarios | head -1``: no traceback, no message, the shell's status for SIGPIPE."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before kasvu writes its first line
    try:
        proc = subprocess.run([sys.executable, "-m", "analysis.cli", "scenarios"],
                              stdout=write_end, stderr=subprocess.PIPE, text=True,
                              check=False, timeout=120)
    finally:
        os.close(write_end)
    assert proc.returncode == EXIT_PIPE_CLOSED
    assert proc.stderr == ""
