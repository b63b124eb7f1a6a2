"""The ``kasvu validate`` subcommand's arguments.

The work is done by :mod:`analysis.validate`, imported only when the command runs, so that
other ``kasvu`` commands do not load scipy and matplotlib.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

EXIT_BAD_INPUT = 2
DEFAULT_SCENARIO = "pirkanmaa-separate"


def add_subcommand(sub: argparse._SubParsersAction) -> dict[str, Callable[..., int]]:
    """Register ``kasvu validate`` on ``sub``; return its entry for the command table."""
    parser = sub.add_parser(
        "validate",
        help="check a scenario against stylised facts; write a report with figures",
        description="Run a scenario over a demand cycle and one randomised trial per "
        "service, check the Beveridge curve, the matching function, the inflow/outflow "
        "decomposition, firm sizes, firm growth rates and service effects against the "
        "literature, and write validation.md, validation.json and one figure per fact.",
    )
    parser.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO,
                        help=f"scenario file or built-in name (default {DEFAULT_SCENARIO})")
    parser.add_argument("--seed", type=int, help="seed (default: the scenario's)")
    parser.add_argument("--months", type=int,
                        help="months of the cycle run (default 120; --quick: two cycles)")
    parser.add_argument("--out", type=Path, help="output directory (default out/validate-NAME)")
    parser.add_argument("--quick", action="store_true",
                        help="12-month burn-in, shorter runs, two trials (for CI)")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY.PATH=VALUE", help="override a scenario value (repeatable)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return {"validate": cmd_validate}


def cmd_validate(args: argparse.Namespace) -> int:
    """``kasvu validate``: plan (all input checked), run, check, write, print the table."""
    if args.seed is not None and args.seed < 0:
        print(f"kasvu: error: --seed must be at least 0, got {args.seed}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from .validate import make_plan, terminal_table, validate

    plan = make_plan(args.scenario, args.seed, args.months, args.quick, args.overrides)
    out = args.out or Path("out") / f"validate-{plan.name}"
    found = validate(plan, out, quiet=args.quiet)
    print(terminal_table(found))
    print(f"wrote {out}/: validation.md, validation.json, "
          + ", ".join(f"{f.key}.png" for f in found))
    return 0
