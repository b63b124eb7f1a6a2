"""``kasvu sweep`` (and ``--status``, ``--repair``) and ``kasvu sensitivity``.

The work is :func:`analysis.experiments.run_sweep` and, for sensitivity, the spec's sweep
with SALib's sampler (:func:`~analysis.experiments.indices.sensitivity_sweep`) and its
indices (:func:`~analysis.experiments.indices.write_indices`); this module parses and
prints; ``--repair`` is :func:`analysis.experiments.repair.repair_sweep`. Bad input (a
spec that cannot be used, a directory started with another spec, a directory that is not
a sweep, a damaged manifest) ends with a message naming the file, key and problem, exit
status 2 and nothing written.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .options import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERRUPTED, add_executor_options, positive

if TYPE_CHECKING:
    from ..experiments.spec import Sweep
    from ..experiments.sweep import SweepReport

# The sweep engine is imported in the handlers, on use: the parser of every kasvu command
# is built at each start, and `kasvu run` must not wait for what sweeps need.

RESUME_HINT = "finished runs are stored, rerun the same command to resume"


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    """Register ``kasvu sweep`` and ``kasvu sensitivity`` on ``sub``."""
    p_sweep = sub.add_parser(
        "sweep",
        help="run a parameter sweep into a resumable result directory",
        description="Run every run of a sweep spec, or resume an interrupted sweep: finished "
        "runs in --out are verified and skipped, bad ones moved to DIR/quarantine/ and run "
        "again. `kasvu sweep --status DIR` shows a sweep's progress; `kasvu sweep --repair "
        "DIR` rebuilds a lost manifest.",
    )
    p_sweep.add_argument("spec", nargs="?", type=Path, help="sweep spec TOML file")
    p_sweep.add_argument("--out", type=Path, help="sweep directory (default out/sweeps/NAME)")
    p_sweep.add_argument(
        "--status",
        type=Path,
        metavar="DIR",
        help="print the progress of the sweep in DIR (running or not) and exit",
    )
    p_sweep.add_argument(
        "--repair",
        nargs="?",
        const=True,
        type=Path,
        metavar="DIR",
        help="rebuild the lost or damaged manifest of the sweep in DIR (or --out) from its "
        "spec (DIR/spec.toml, or SPEC if given) and its run files, move bad files to "
        "DIR/quarantine/, and exit",
    )
    add_executor_options(p_sweep)
    p_sweep.set_defaults(handler=cmd_sweep)

    p_sens = sub.add_parser(
        "sensitivity",
        help="Sobol or Morris sensitivity indices of a sweep's outcomes",
        description="Run (or reuse) the spec's sweep with the method's SALib sampler, then "
        "write sensitivity.csv/.parquet and sensitivity.png into the sweep directory.",
    )
    p_sens.add_argument(
        "spec",
        type=Path,
        help="sweep spec TOML file (its parameters, replications, months and outcomes are used)",
    )
    p_sens.add_argument("--method", choices=("sobol", "morris"), required=True)
    p_sens.add_argument(
        "--samples",
        type=positive,
        help="sobol: base sample N (power of 2); morris: trajectories "
        "(default: the spec's design.samples)",
    )
    p_sens.add_argument("--levels", type=positive, help="morris grid levels (default 4)")
    p_sens.add_argument(
        "--out", type=Path, help="sweep directory (default out/sensitivity/NAME-METHOD)"
    )
    add_executor_options(p_sens)
    p_sens.set_defaults(handler=cmd_sensitivity)


def _guarded(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn bad input into exit 2, a dead worker into exit 1, Ctrl-C into exit 130."""

    @functools.wraps(command)
    def wrapper(args: argparse.Namespace) -> int:
        from ..experiments.executors import WorkerLost
        from ..experiments.spec import SpecError
        from ..experiments.store import StoreError

        try:
            return command(args)
        except (SpecError, StoreError, ValueError) as exc:
            print(f"kasvu: error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except WorkerLost as exc:
            print(f"kasvu: error: {exc}; {RESUME_HINT}", file=sys.stderr)
            return EXIT_FAILED
        except KeyboardInterrupt:
            print(f"kasvu: interrupted; {RESUME_HINT}", file=sys.stderr)
            return EXIT_INTERRUPTED

    return wrapper


def _run(sweep: Sweep, out: Path, args: argparse.Namespace) -> SweepReport:
    """Run or resume ``sweep`` in ``out`` with the executor options, printing as it goes."""
    from ..experiments.spec import SpecError, print_warnings
    from ..experiments.sweep import describe, print_report, run_sweep

    if args.scheduler and args.executor != "dask":
        raise SpecError("--scheduler needs --executor dask")
    print_warnings(sweep)
    if not args.quiet:
        print(describe(sweep), file=sys.stderr)
    report = run_sweep(sweep, out, args.executor, workers=args.workers,
                       scheduler=args.scheduler, max_runs=args.max_runs,
                       retry_failed=args.retry_failed, progress=not args.quiet)
    print_report(report)
    return report


@_guarded
def cmd_sweep(args: argparse.Namespace) -> int:
    """``kasvu sweep``: run or resume a sweep, or print a sweep's status."""
    from ..experiments.spec import SpecError, load_spec
    from ..experiments.sweep import status

    if args.status is not None:
        if args.spec is not None or args.repair is not None:
            raise SpecError("--status DIR stands alone: give no spec or --repair with it")
        print(status(args.status))
        return 0
    if args.repair is not None:
        return _repair(args)
    if args.spec is None:
        raise SpecError("kasvu sweep: give a spec file (or --status DIR, or --repair DIR)")
    sweep = load_spec(args.spec)
    out = args.out or Path("out") / "sweeps" / sweep.spec.name
    report = _run(sweep, out, args)
    return EXIT_FAILED if report.failed_now else 0


def _repair(args: argparse.Namespace) -> int:
    """``kasvu sweep --repair DIR`` or ``kasvu sweep SPEC --repair --out DIR``."""
    from ..experiments.repair import repair_sweep
    from ..experiments.spec import SpecError, load_spec

    directory = args.repair if isinstance(args.repair, Path) else args.out
    if isinstance(args.repair, Path) and args.out is not None and args.out != args.repair:
        raise SpecError("give the directory once: --repair DIR or --repair --out DIR")
    sweep = load_spec(args.spec) if args.spec is not None else None
    if directory is None and sweep is not None:
        directory = Path("out") / "sweeps" / sweep.spec.name  # as kasvu sweep SPEC
    if directory is None:
        raise SpecError("kasvu sweep --repair: give the sweep directory (--repair DIR)")
    for line in repair_sweep(directory, sweep):
        print(line)
    return 0


@_guarded
def cmd_sensitivity(args: argparse.Namespace) -> int:
    """``kasvu sensitivity``: sample, run (or reuse), analyse, write table and figure."""
    from ..experiments.indices import format_table, sensitivity_sweep, write_indices

    sweep = sensitivity_sweep(args.spec, args.method, samples=args.samples, levels=args.levels)
    out = args.out or Path("out") / "sensitivity" / f"{sweep.spec.name}-{args.method}"
    _run(sweep, out, args)
    table = write_indices(out, args.method)
    print(format_table(table))
    print(f"wrote {out}/sensitivity.csv, sensitivity.parquet, sensitivity.png")
    return 0
