"""The ``kasvu sweep`` and ``kasvu sensitivity`` subcommands, registered by :mod:`analysis.cli`.

Bad input (a spec that cannot be used, a directory started with another spec, a directory
that is not a sweep) ends with a message naming the file, key and problem, exit status 2
and nothing written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .executors import EXECUTORS, WorkerLost, make_executor
from .spec import SpecError, load_spec, print_warnings
from .store import StoreError, SweepStore

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _executor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="local",
        help="where runs execute: local processes (default), a Dask cluster, "
        "or serially in this process",
    )
    parser.add_argument(
        "--workers",
        type=_positive,
        help="local (or Dask LocalCluster) workers; default one per core",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address, e.g. tcp://head:8786 (default: start a LocalCluster)",
    )
    parser.add_argument(
        "--max-runs", type=_positive, metavar="N", help="run at most N runs now; rerun to continue"
    )
    parser.add_argument("--retry-failed", action="store_true", help="rerun runs recorded as failed")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def add_subcommands(sub: argparse._SubParsersAction) -> dict:
    """Add ``sweep`` and ``sensitivity`` to the kasvu parser; returns their handlers."""
    p_sweep = sub.add_parser(
        "sweep",
        help="run a parameter sweep into a resumable result directory",
        description="Run every run of a sweep spec, or resume an interrupted sweep: finished "
        "runs in --out are skipped. `kasvu sweep --status DIR` shows a sweep's progress.",
    )
    p_sweep.add_argument("spec", nargs="?", type=Path, help="sweep spec TOML file")
    p_sweep.add_argument("--out", type=Path, help="sweep directory (default out/sweeps/NAME)")
    p_sweep.add_argument(
        "--status",
        type=Path,
        metavar="DIR",
        help="print the progress of the sweep in DIR (running or not) and exit",
    )
    _executor_options(p_sweep)

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
        type=_positive,
        help="sobol: base sample N (power of 2); morris: trajectories "
        "(default: the spec's design.samples)",
    )
    p_sens.add_argument("--levels", type=_positive, help="morris grid levels (default 4)")
    p_sens.add_argument(
        "--out", type=Path, help="sweep directory (default out/sensitivity/NAME-METHOD)"
    )
    _executor_options(p_sens)
    return {"sweep": cmd_sweep, "sensitivity": cmd_sensitivity}


def _guarded(command):
    """Turn bad input into exit 2, a dead worker into exit 1, Ctrl-C into exit 130."""

    def wrapper(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except (SpecError, StoreError, ValueError) as exc:
            print(f"kasvu: error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except WorkerLost as exc:
            print(
                f"kasvu: error: {exc}; finished runs are stored, rerun the same command to resume",
                file=sys.stderr,
            )
            return EXIT_FAILED
        except KeyboardInterrupt:
            print(
                "kasvu: interrupted; finished runs are stored, rerun the same command to resume",
                file=sys.stderr,
            )
            return 130

    wrapper.__doc__ = command.__doc__
    return wrapper


def _run(sweep, out: Path, args: argparse.Namespace):
    from .sweep import describe, print_report, run_sweep

    if args.scheduler and args.executor != "dask":
        raise SpecError("--scheduler needs --executor dask")
    print_warnings(sweep)
    if not args.quiet:
        print(describe(sweep), file=sys.stderr)
    executor = make_executor(args.executor, args.workers, args.scheduler)
    report = run_sweep(
        sweep,
        out,
        executor,
        max_runs=args.max_runs,
        retry_failed=args.retry_failed,
        progress=not args.quiet,
    )
    for warning in report.warnings:
        print(f"kasvu: warning: {warning}", file=sys.stderr)
    print_report(report)
    return report


@_guarded
def cmd_sweep(args: argparse.Namespace) -> int:
    """``kasvu sweep``: run or resume a sweep, or print a sweep's status."""
    if args.status is not None:
        if args.spec is not None:
            raise SpecError("give either a spec or --status DIR, not both")
        from .sweep import status

        print(status(args.status))
        return 0
    if args.spec is None:
        raise SpecError("kasvu sweep: give a spec file (or --status DIR)")
    sweep = load_spec(args.spec)
    out = args.out or Path("out") / "sweeps" / sweep.spec.name
    report = _run(sweep, out, args)
    return EXIT_FAILED if report.failed_now else 0


@_guarded
def cmd_sensitivity(args: argparse.Namespace) -> int:
    """``kasvu sensitivity``: sample, run (or reuse), analyse, write table and figure."""
    from .design import ANALYSIS_KEY, derive_seed
    from .sensitivity import analyse, format_table, plot_indices

    given = load_spec(args.spec).spec.design
    same = given.kind == args.method
    sweep = load_spec(
        args.spec,
        design={
            "kind": args.method,
            "samples": args.samples or given.samples,
            "levels": args.levels or (given.levels if same else None),
            "second_order": given.second_order,
        },
    )
    out = args.out or Path("out") / "sensitivity" / f"{sweep.spec.name}-{args.method}"
    report = _run(sweep, out, args)
    if report.pending or report.failed:
        raise ValueError(
            f"{out}: {report.failed} failed and {report.pending} pending runs; "
            "the indices need every run (see kasvu sweep --status)"
        )
    store = SweepStore(out)
    manifest = store.read_manifest()
    table = analyse(
        args.method,
        manifest,
        store.read_outcomes(),
        seed=derive_seed(manifest["entropy"], ANALYSIS_KEY),
    )
    _write(out / "sensitivity.csv", lambda tmp: table.to_csv(tmp, index=False))
    _write(out / "sensitivity.parquet", lambda tmp: table.to_parquet(tmp, index=False))
    figure = _write(
        out / "sensitivity.png",
        lambda tmp: plot_indices(table, tmp, title=f"{sweep.spec.name}: {args.method}"),
    )
    print(format_table(table))
    print(f"wrote {out}/sensitivity.csv, sensitivity.parquet, {figure.name}")
    return 0


def _write(path: Path, writer) -> Path:
    """Call ``writer`` on a temporary name with ``path``'s suffix, then move it into place."""
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    try:
        writer(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
