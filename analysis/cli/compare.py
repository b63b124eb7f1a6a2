"""``kasvu compare A B``: paired replications, differences with CIs, the levers' shares.

The work is :func:`analysis.experiments.compare`; this module parses, shows progress and
prints.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .options import (
    EXIT_BAD_INPUT,
    add_overwrite_option,
    add_quiet_option,
    add_set_option,
    months_positive,
    positive,
    progress_bar,
    seed_value,
)


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    """Register ``kasvu compare`` on ``sub``."""
    parser = sub.add_parser("compare", help="compare two scenarios with common random numbers")
    parser.add_argument("a", help="baseline scenario (file or built-in name)")
    parser.add_argument("b", help="scenario compared with it")
    parser.add_argument("--seed", type=seed_value, help="first seed (default: A's)")
    parser.add_argument("--months", type=months_positive,
                        help="months after month 0, at least 1 (default: A's)")
    parser.add_argument("--reps", type=positive, default=10, help="replications (default 10)")
    parser.add_argument("--out", type=Path, help="output directory (default out/compare-A-B)")
    add_overwrite_option(parser, "compare")
    add_set_option(parser, "override a value in both scenarios")
    parser.add_argument("--decompose", action="store_true",
                        help="attribute B's alliance effect to its levers")
    parser.add_argument("--method", choices=("oat", "shapley"), default="oat",
                        help="decomposition: oat (2n+2 runs per replication, default) or exact "
                        "shapley (2^n runs)")
    parser.add_argument("--workers", type=positive, default=None,
                        help="local worker processes (default: one per core)")
    add_quiet_option(parser)
    parser.set_defaults(handler=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    """``kasvu compare A B``: run, print the region's differences, write the directory."""
    # Imported on use (scipy.stats among them): the parser of every command is built at
    # each start.
    from sim import load_scenario

    from ..experiments.comparison import compare
    from ..experiments.decomposition import decomposition_text, runs_needed

    a = load_scenario(args.a, args.overrides)  # names the output and sizes the bar
    b = load_scenario(args.b, args.overrides)
    out = args.out or Path("out") / f"compare-{a.name}-{b.name}"
    total = 2 * args.reps
    if args.decompose:
        try:
            total += runs_needed(b, args.method) * args.reps
        except ValueError as exc:  # nothing to decompose
            print(f"kasvu: error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
    with progress_bar(args, total, "compare", "run") as bar:
        result = compare(args.a, args.b, reps=args.reps, seed=args.seed, months=args.months,
                         overrides=args.overrides, decompose=args.decompose,
                         method=args.method, workers=args.workers, out=out,
                         overwrite=args.overwrite, on_run=bar.update)
    print(result.headline())
    if result.decomposition is not None:
        print()
        print(decomposition_text(result.decomposition))
    print(f"wrote {out}/")
    return 0
