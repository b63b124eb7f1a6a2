"""The ``kasvu`` command line: run scenarios and list the built-in ones.

Bad input (a missing or malformed scenario, an unknown key, a value out of range, a
``--set`` path that does not exist) ends with a one-line-per-problem message naming the
file and key, exit status 2, no traceback and no output directory.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tqdm import tqdm

import scenarios as builtin
from sim import ScenarioError, load_scenario
from sim.params import Scenario

from .runs import replicate, summarise, summary_table, write_run

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse with kasvu's exit status for usage errors."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse's contract
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"kasvu: error: {message}\n")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = _Parser(prog="kasvu", description="Simulate a region's growth services.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p_run = sub.add_parser("run", help="run a scenario and write its results")
    p_run.add_argument("scenario", help="a scenario file or a built-in name (kasvu scenarios)")
    p_run.add_argument("--seed", type=_non_negative, help="seed (default: the scenario's)")
    p_run.add_argument("--months", type=_non_negative, help="months after month 0")
    p_run.add_argument(
        "--reps",
        type=_positive,
        default=1,
        help="replications, with seeds SEED, SEED+1, ... (default 1)",
    )
    p_run.add_argument("--out", type=Path, help="output directory (default out/NAME)")
    p_run.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY.PATH=VALUE",
        help="override a scenario value (repeatable)",
    )
    p_run.add_argument("--quiet", action="store_true", help="no progress bar")

    p_list = sub.add_parser("scenarios", help="list the built-in scenarios")
    p_list.add_argument(
        "--schema", action="store_true", help="print the JSON schema of scenario files instead"
    )
    return parser


def cmd_run(args: argparse.Namespace) -> int:
    """``kasvu run``: replicate a scenario, print a summary, write the run directory."""
    scenario = load_scenario(args.scenario, args.overrides)
    seed = scenario.simulation.seed if args.seed is None else args.seed
    months = scenario.simulation.months if args.months is None else args.months
    out = args.out or Path("out") / scenario.name
    with tqdm(
        total=months * args.reps,
        desc=scenario.name,
        unit="month",
        disable=args.quiet or None,
        leave=False,
    ) as bar:
        frame = replicate(scenario, seed, args.reps, months, on_month=lambda _m: bar.update())
    summary = summarise(frame)
    write_run(out, scenario, frame, summary)
    print(summary_table(summary))
    print(f"wrote {out}/timeseries.parquet, summary.json, scenario.toml")
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    """``kasvu scenarios``: one line per built-in scenario, or the schema."""
    if args.schema:
        print(json.dumps(Scenario.model_json_schema(), indent=2, ensure_ascii=False))
        return 0
    for name in builtin.names():
        try:
            description = load_scenario(name).description
        except ScenarioError as exc:
            description = f"(invalid: {exc})"
        print(f"{name:<28}{description}")
    return 0


COMMANDS = {"run": cmd_run, "scenarios": cmd_scenarios}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kasvu`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ScenarioError as exc:
        print(f"kasvu: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("kasvu: interrupted; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
