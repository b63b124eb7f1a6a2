"""``kasvu validate [SCENARIO]``: check a scenario against stylised facts, write a report.

The work is :func:`analysis.validation.validate`; this module parses, shows progress and
prints.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..validation import DEFAULT_SCENARIO
from .options import (
    add_overwrite_option,
    add_quiet_option,
    add_set_option,
    months_positive,
    progress_bar,
    seed_value,
)


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    """Register ``kasvu validate`` on ``sub``."""
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
    parser.add_argument("--seed", type=seed_value, help="seed (default: the scenario's)")
    parser.add_argument("--months", type=months_positive,
                        help="months of the cycle run (default 120; --quick: two cycles)")
    parser.add_argument("--out", type=Path, help="output directory (default out/validate-NAME)")
    add_overwrite_option(parser, "validate")
    parser.add_argument("--quick", action="store_true",
                        help="12-month burn-in, shorter runs, two trials (for CI)")
    add_set_option(parser, "override a scenario value (repeatable)")
    add_quiet_option(parser)
    parser.set_defaults(handler=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> int:
    """``kasvu validate``: plan (all input checked), run, check, write, print the table."""
    from ..validation.checks import make_plan, terminal_table, validate  # on use, as .sweep

    plan = make_plan(args.scenario, args.seed, args.months, args.quick, args.overrides)
    out = args.out or Path("out") / f"validate-{plan.name}"
    with progress_bar(args, plan.total_months, f"validate {plan.name}", "month") as bar:
        found = validate(plan, out=out, overwrite=args.overwrite, on_month=bar.update)
    print(terminal_table(found))
    print(f"wrote {out}/: validation.md, validation.json, "
          + ", ".join(f"{f.key}.png" for f in found))
    return 0
