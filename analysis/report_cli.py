"""The ``kasvu report`` subcommand's arguments.

The work is done by :mod:`analysis.report`, imported only when the command runs, so that
other ``kasvu`` commands do not load matplotlib.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def add_subcommand(sub: argparse._SubParsersAction) -> dict[str, Callable[..., int]]:
    """Register ``kasvu report`` on ``sub``; return its entry for the command table."""
    parser = sub.add_parser(
        "report",
        help="slide figures and a one-page HTML report of a result directory",
        description="Make every figure DIR's results support and one self-contained HTML "
        "report with a plain-language summary; print the HTML's path.",
    )
    parser.add_argument("dir", type=Path, help="a run, comparison or sweep directory")
    parser.add_argument(
        "--lang", choices=("fi", "en"), default="fi", help="language of labels (default fi)"
    )
    parser.add_argument(
        "--format",
        default="png",
        metavar="FORMATS",
        help="comma-separated figure formats among png,svg,pdf (default png)",
    )
    parser.add_argument("--out", type=Path, help="output directory (default DIR/report)")
    return {"report": cmd_report}


def cmd_report(args: argparse.Namespace) -> int:
    """``kasvu report``: see :func:`analysis.report.main_report`."""
    from .report import main_report

    return main_report(args)
