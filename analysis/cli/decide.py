"""``kasvu decide``: alternatives over the space of uncertainties, and their verdicts.

The work is :func:`analysis.decision.run_decision` (every alternative at every design
point and seed, on the sweep engine: resumable, verified, failures recorded) and
:func:`analysis.decision.write_results` (decision.json, decision.parquet); this module
parses and prints. Bad input (a spec that cannot be used, a directory started with another
spec or holding something else) ends with a message naming the file, key and problem,
exit status 2 and nothing written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .options import EXIT_FAILED, add_executor_options
from .sweep import _guarded


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    """Register ``kasvu decide`` on ``sub``."""
    parser = sub.add_parser(
        "decide",
        help="alternatives across the space of uncertainties: robustness, regret, PRIM boxes",
        description="Run every alternative of a decision spec at every design point of the "
        "space of uncertainties and every seed (common random numbers), or resume an "
        "interrupted study; then write DIR/decision.json and DIR/decision.parquet and print "
        "the verdicts: how often each alternative beats the reference, its regret, the "
        "PRIM boxes where it wins or loses, and the uncertainties that matter most.",
    )
    parser.add_argument("spec", type=Path, help="decision spec TOML file")
    parser.add_argument("--out", type=Path, help="study directory (default out/decisions/NAME)")
    add_executor_options(parser)
    parser.set_defaults(handler=cmd_decide)


@_guarded
def cmd_decide(args: argparse.Namespace) -> int:
    """``kasvu decide``: run or resume the study, then analyse and print it."""
    # Imported on use, as the sweep engine (see .sweep).
    from ..decision import describe, load_decision, run_decision, summary_text, write_results
    from ..experiments.spec import SpecError

    if args.scheduler and args.executor != "dask":
        raise SpecError("--scheduler needs --executor dask")
    decision = load_decision(args.spec)
    out = args.out or Path("out") / "decisions" / decision.spec.name
    for warning in decision.warnings:
        print(f"kasvu: warning: {warning}", file=sys.stderr)
    if not args.quiet:
        print(describe(decision), file=sys.stderr)
    report = run_decision(decision, out, args.executor, workers=args.workers,
                          scheduler=args.scheduler, max_runs=args.max_runs,
                          retry_failed=args.retry_failed, progress=not args.quiet)
    print(f"{out}: {report.done} done, {report.failed} failed, {report.pending} pending of "
          f"{report.total} runs ({report.seconds:.1f} s running now)")
    if report.pending:
        print("rerun the same command to continue")
        return 0
    doc = write_results(out)
    print(summary_text(doc))
    print(f"wrote {out}/decision.json, {out}/decision.parquet")
    return EXIT_FAILED if report.failed_now else 0
