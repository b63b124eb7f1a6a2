"""``kasvu`` that stops at a chosen point and says so, to be killed or interrupted there.

Usage: ``python paused_kasvu.py POINT KASVU-ARGUMENTS...``. It prints ``paused at POINT`` on
stdout and waits until a signal ends it. POINT is one of:

- ``simulating``: after the first simulated month;
- ``writing``: after the first result table is written into the temporary directory;
- ``moving``: after the first result file is moved into the output directory.

The tests (``test_output_directory.py``) send SIGKILL or SIGINT when the line arrives, so the
point where the command is stopped is known, not a matter of timing.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pandas as pd

from analysis import outputs
from analysis.cli import main
from analysis.experiments import runs


def pause(point: str) -> None:
    """Say where the command is, then wait for a signal."""
    print(f"paused at {point}", flush=True)
    while True:
        time.sleep(0.05)


def pause_while_simulating() -> None:
    simulate = runs.run

    def paused(scenario, seed, *, months=None, on_month=None):
        def month(number):
            if on_month is not None:
                on_month(number)
            pause("simulating")
        return simulate(scenario, seed, months=months, on_month=month)

    runs.run = paused


def pause_while_writing() -> None:
    to_parquet = pd.DataFrame.to_parquet

    def paused(frame, path, *args, **kwargs):
        to_parquet(frame, path, *args, **kwargs)
        pause("writing")

    pd.DataFrame.to_parquet = paused


def pause_while_moving() -> None:
    replace = os.replace

    def paused(src, dst):
        replace(src, dst)
        if Path(dst).name != outputs.MARKER:
            pause("moving")

    os.replace = paused


POINTS = {"simulating": pause_while_simulating, "writing": pause_while_writing,
          "moving": pause_while_moving}

if __name__ == "__main__":
    POINTS[sys.argv[1]]()
    sys.exit(main(sys.argv[2:]))
