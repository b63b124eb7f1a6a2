"""``kasvu report DIR``: every figure a result directory supports, and one HTML report.

The work is :func:`analysis.report.write_report`, imported only when the command runs, so
that other ``kasvu`` commands do not load matplotlib; this module parses and prints.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .options import EXIT_BAD_INPUT, add_overwrite_option


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    """Register ``kasvu report`` on ``sub``."""
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
    add_overwrite_option(parser, "report")
    parser.set_defaults(handler=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    """``kasvu report``: print the HTML's path; notes on stderr; exit 2 on bad input."""
    from ..report import ReportError, parse_formats, write_report

    try:
        path, notes = write_report(args.dir, args.lang, parse_formats(args.format), args.out,
                                   overwrite=args.overwrite)
    except ReportError as exc:
        print(f"kasvu: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for note in notes:
        print(f"kasvu: {note}", file=sys.stderr)
    print(path)
    return 0
