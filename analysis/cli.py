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
from sim.scenario import Scenario

from .app_cli import add_subcommand as app_subcommand
from .report_cli import add_subcommand as report_subcommand
from .runs import (
    atomic_directory,
    replicate,
    run_jobs,
    summarise,
    summary_table,
    write_run,
    write_tables,
)
from .sweep_cli import add_subcommands as sweep_subcommands
from .validate_cli import add_subcommand as validate_subcommand

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

    p_cmp = sub.add_parser("compare", help="compare two scenarios with common random numbers")
    p_cmp.add_argument("a", help="baseline scenario (file or built-in name)")
    p_cmp.add_argument("b", help="scenario compared with it")
    p_cmp.add_argument("--seed", type=_non_negative, help="first seed (default: A's)")
    p_cmp.add_argument("--months", type=_non_negative, help="months after month 0")
    p_cmp.add_argument("--reps", type=_positive, default=10, help="replications (default 10)")
    p_cmp.add_argument("--out", type=Path, help="output directory (default out/compare-A-B)")
    p_cmp.add_argument("--set", dest="overrides", action="append", default=[],
                       metavar="KEY.PATH=VALUE", help="override a value in both scenarios")
    p_cmp.add_argument("--decompose", action="store_true",
                       help="attribute B's alliance effect to its levers")
    p_cmp.add_argument("--method", choices=("oat", "shapley"), default="oat",
                       help="decomposition: oat (2n+2 runs per replication, default) or exact "
                       "shapley (2^n runs)")
    p_cmp.add_argument("--workers", type=_positive, default=None,
                       help="local worker processes (default: one per core)")
    p_cmp.add_argument("--quiet", action="store_true", help="no progress bar")

    p_list = sub.add_parser("scenarios", help="list the built-in scenarios")
    p_list.add_argument(
        "--schema", action="store_true", help="print the JSON schema of scenario files instead"
    )

    # -- sweeps and sensitivity analysis (analysis/sweep_cli.py) --
    COMMANDS.update(sweep_subcommands(sub))

    # -- slide figures and the HTML report (analysis/report_cli.py) --
    COMMANDS.update(report_subcommand(sub))

    # -- the what-if dashboard (analysis/app_cli.py) --
    COMMANDS.update(app_subcommand(sub))

    # -- stylised-fact checks (analysis/validate_cli.py) --
    COMMANDS.update(validate_subcommand(sub))
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
        tables = replicate(scenario, seed, args.reps, months, on_month=lambda _m: bar.update())
    summary = summarise(tables["timeseries"])
    write_run(out, scenario, tables, summary)
    print(summary_table(summary))
    names = ", ".join(f"{name}.parquet" for name in tables)
    print(f"wrote {out}/: {names}, summary.json, scenario.toml")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """``kasvu compare A B``: paired replications, differences with CIs, decomposition."""
    from .compare import compare_tables, decompose, headline_table, runs_needed
    from .executors import default_workers

    a = load_scenario(args.a, args.overrides)
    b = load_scenario(args.b, args.overrides)
    seed = a.simulation.seed if args.seed is None else args.seed
    months = a.simulation.months if args.months is None else args.months
    out = args.out or Path("out") / f"compare-{a.name}-{b.name}"
    names = (a.name, b.name) if a.name != b.name else (f"{a.name}-a", f"{b.name}-b")
    workers = args.workers or default_workers()
    total = 2 * args.reps
    if args.decompose:
        total += runs_needed(b, args.method) * args.reps
    with tqdm(total=total, desc="compare", unit="run", disable=args.quiet or None,
              leave=False) as bar:
        jobs = [(label, sc, rep, seed + rep, months)
                for label, sc in (("a", a), ("b", b)) for rep in range(args.reps)]
        done = run_jobs(jobs, workers, on_run=bar.update)
        ta, tb = done["a"], done["b"]
        table = compare_tables(ta["timeseries"], tb["timeseries"])
        parts = None
        if args.decompose:
            parts = decompose(b, seed, args.reps, months, args.method,
                              on_run=bar.update, workers=workers)
    with atomic_directory(out) as tmp:
        for name, scenario, tables in ((names[0], a, ta), (names[1], b, tb)):
            (tmp / name).mkdir()
            write_tables(tmp / name, scenario, tables, summarise(tables["timeseries"]))
        table.to_csv(tmp / "compare.csv", index=False)
        meta = {"a": names[0], "b": names[1], "reps": args.reps, "months": months,
                "seeds": list(range(seed, seed + args.reps)), "overrides": args.overrides}
        (tmp / "compare.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
        if parts is not None:
            parts.to_csv(tmp / "decomposition.csv", index=False)
    print(headline_table(table, names[0], names[1]))
    if parts is not None:
        print()
        print(decomposition_text(parts))
    print(f"wrote {out}/")
    return 0


def decomposition_text(parts) -> str:
    """The decomposition of the employment effect as a short text table."""
    sel = parts[parts["metric"] == "employed"]
    lines = [f"alliance effect on employed persons by lever ({sel['method'].iloc[0]}):",
             f"{'lever':<22}{'contribution':>14}{'95% CI':>26}"]
    for _, row in sel.iterrows():
        ci = ("n/a" if row["ci_low"] != row["ci_low"]
              else f"[{row['ci_low']:,.0f}, {row['ci_high']:,.0f}]")
        lines.append(f"{row['lever']:<22}{row['contribution_mean']:>14,.0f}{ci:>26}")
    return "\n".join(lines)


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


COMMANDS = {"run": cmd_run, "scenarios": cmd_scenarios, "compare": cmd_compare}


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
