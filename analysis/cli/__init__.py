"""The ``kasvu`` command line, one module per subcommand over the library's functions.

Each subcommand parses its options, shows progress and prints; the work is done by the
library (:mod:`analysis.experiments`, :mod:`analysis.validation`, :mod:`analysis.report`,
:mod:`analysis.app`). Where to look:

- :mod:`.options`: the parser, exit statuses, argument types and shared options;
- :mod:`.run`: ``kasvu run``; :mod:`.compare`: ``kasvu compare``; :mod:`.scenarios`:
  ``kasvu scenarios``;
- :mod:`.sweep`: ``kasvu sweep`` (and ``--status``) and ``kasvu sensitivity``;
- :mod:`.report`: ``kasvu report``; :mod:`.validate`: ``kasvu validate``;
  :mod:`.app`: ``kasvu app``.

Bad input (a missing or malformed scenario, an unknown key, a value out of range, a
``--set`` path that does not exist) ends with a one-line-per-problem message naming the
file and key, exit status 2, no traceback and no output directory. So does an ``--out``
that may not or cannot be written (:class:`~analysis.experiments.outputs.OutputError`),
before anything runs; results that cannot be written (a disk that fills) end with a
message naming the file and exit status 1, the output directory as it was; Ctrl-C with
exit status 130 (see :class:`~analysis.experiments.outputs.Output`).
"""

from __future__ import annotations

import argparse
import sys

from sim import ScenarioError

from ..experiments.outputs import OutputError, ResultNotWritten, command_line
from . import app, compare, report, run, scenarios, sweep, validate
from .options import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERRUPTED, KasvuParser

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand; ``args.handler`` runs the chosen one."""
    parser = KasvuParser(prog="kasvu", description="Simulate a region's growth services.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=KasvuParser)
    run.add_subcommand(sub)
    compare.add_subcommand(sub)
    scenarios.add_subcommand(sub)
    sweep.add_subcommands(sub)
    report.add_subcommand(sub)
    app.add_subcommand(sub)
    validate.add_subcommand(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kasvu`` console script."""
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    try:
        with command_line(argv):
            return args.handler(args)
    except (ScenarioError, OutputError) as exc:
        print(f"kasvu: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ResultNotWritten as exc:
        print(f"kasvu: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt as exc:  # said otherwise when the results were all written
        print(f"kasvu: interrupted; {str(exc) or 'nothing was written'}", file=sys.stderr)
        return EXIT_INTERRUPTED
