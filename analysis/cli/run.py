"""``kasvu run``: replicate a scenario, print a summary, write the run directory.

The work is :func:`analysis.experiments.replicate`; this module parses, shows progress and
prints.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .options import (
    add_overwrite_option,
    add_quiet_option,
    add_set_option,
    months_value,
    positive,
    progress_bar,
    seed_value,
)


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    """Register ``kasvu run`` on ``sub``."""
    parser = sub.add_parser("run", help="run a scenario and write its results")
    parser.add_argument("scenario", help="a scenario file or a built-in name (kasvu scenarios)")
    parser.add_argument("--seed", type=seed_value, help="seed (default: the scenario's)")
    parser.add_argument("--months", type=months_value, help="months after month 0")
    parser.add_argument(
        "--reps",
        type=positive,
        default=1,
        help="replications, with seeds SEED, SEED+1, ... (default 1)",
    )
    parser.add_argument("--out", type=Path, help="output directory (default out/NAME)")
    add_overwrite_option(parser, "run")
    add_set_option(parser, "override a scenario value (repeatable)")
    add_quiet_option(parser)
    parser.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    """``kasvu run``: replicate a scenario, print a summary, write the run directory."""
    from sim import load_scenario  # on use, as .sweep

    from ..experiments.runs import replicate, summary_table

    scenario = load_scenario(args.scenario, args.overrides)
    months = scenario.simulation.months if args.months is None else args.months
    out = args.out or Path("out") / scenario.name
    with progress_bar(args, months * args.reps, scenario.name, "month") as bar:
        runs = replicate(scenario, args.reps, seed=args.seed, months=months,
                         on_month=lambda _m: bar.update(), out=out,
                         overwrite=args.overwrite)
    print(summary_table(runs.summary))
    names = ", ".join(f"{name}.parquet" for name in runs.tables)
    print(f"wrote {out}/: {names}, summary.json, scenario.toml")
    return 0
