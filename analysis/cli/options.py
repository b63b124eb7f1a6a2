"""What the ``kasvu`` subcommands share: the parser, exit statuses, argument types, options.

Usage errors (an unknown option, a count below its minimum) end with the usage line, a
one-line message and exit status :data:`EXIT_BAD_INPUT`, as bad scenario input does.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import AbstractContextManager

from tqdm import tqdm

EXIT_FAILED = 1
"""Some runs failed (a sweep with failed runs), or the results could not be written."""
EXIT_BAD_INPUT = 2
"""Bad input: usage errors, scenarios, overrides or specs that cannot be used."""
EXIT_INTERRUPTED = 130
"""Interrupted with Ctrl-C."""
EXIT_PIPE_CLOSED = 141
"""Standard output's reader closed the pipe (``| head``); 128 + SIGPIPE, as the shell says."""


class KasvuParser(argparse.ArgumentParser):
    """argparse with kasvu's exit status for usage errors."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse's contract
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"kasvu: error: {message}\n")


def positive(text: str) -> int:
    """An argument type: a whole number of at least 1."""
    return _at_least(text, 1)


def non_negative(text: str) -> int:
    """An argument type: a whole number of at least 0."""
    return _at_least(text, 0)


def months_value(text: str) -> int:
    """An argument type: months after month 0, 0 .. the longest run a scenario may ask."""
    return _months(text, 0)


def months_positive(text: str) -> int:
    """An argument type: months after month 0, at least 1."""
    return _months(text, 1)


def _months(text: str, low: int) -> int:
    from sim.scenario.region import MAX_MONTHS  # here: the parser module stays light

    value = _at_least(text, low)
    if value > MAX_MONTHS:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_MONTHS} (a century), "
                                         f"got {value}")
    return value


def seed_value(text: str) -> int:
    """An argument type: a seed, a whole number in 0 .. :data:`sim.MAX_SEED`."""
    from sim import MAX_SEED  # here: the parser module stays light to import

    value = _at_least(text, 0)
    if value > MAX_SEED:
        raise argparse.ArgumentTypeError(f"seeds lie in 0..{MAX_SEED}, got {value}")
    return value


def _at_least(text: str, low: int) -> int:
    value = int(text)
    if value < low:
        raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
    return value


def add_set_option(parser: argparse.ArgumentParser, help: str) -> None:
    """``--set KEY.PATH=VALUE`` (repeatable), collected in ``args.overrides``."""
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY.PATH=VALUE", help=help)


def add_overwrite_option(parser: argparse.ArgumentParser, kind: str) -> None:
    """``--overwrite``: write into a non-empty ``--out`` that is not this command's result."""
    parser.add_argument(
        "--overwrite", action="store_true",
        help=f"write into a non-empty --out that is not an earlier kasvu {kind} result; "
        "its files of the same names are replaced, no other file is deleted",
    )


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    """``--quiet``: no progress bar."""
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def add_executor_options(parser: argparse.ArgumentParser) -> None:
    """Where a sweep's runs execute, how many at most now, and ``--quiet``."""
    from analysis.experiments.executors import EXECUTORS
    parser.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="local",
        help="where runs execute: local processes (default), a Dask cluster, "
        "or serially in this process",
    )
    parser.add_argument(
        "--workers",
        type=positive,
        help="local (or Dask LocalCluster) workers; default one per core",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address, e.g. tcp://head:8786 (default: start a LocalCluster)",
    )
    parser.add_argument(
        "--max-runs", type=positive, metavar="N", help="run at most N runs now; rerun to continue"
    )
    parser.add_argument("--retry-failed", action="store_true", help="rerun runs recorded as failed")
    add_quiet_option(parser)


def progress_bar(args: argparse.Namespace, total: int, desc: str,
                 unit: str) -> AbstractContextManager[tqdm]:
    """A transient progress bar on stderr, off with ``--quiet``."""
    return tqdm(total=total, desc=desc, unit=unit, disable=args.quiet or None, leave=False)
