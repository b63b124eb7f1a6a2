"""The ``kasvu`` command line, one module per subcommand over the library's functions.

Each subcommand parses its options, shows progress and prints; the work is done by the
library (:mod:`analysis.experiments`, :mod:`analysis.validation`, :mod:`analysis.report`,
:mod:`analysis.app`). Where to look:

- :mod:`.options`: the parser, exit statuses, argument types and shared options;
- :mod:`.run`: ``kasvu run``; :mod:`.compare`: ``kasvu compare``; :mod:`.scenarios`:
  ``kasvu scenarios``;
- :mod:`.sweep`: ``kasvu sweep`` (and ``--status``) and ``kasvu sensitivity``;
  :mod:`.decide`: ``kasvu decide``;
- :mod:`.report`: ``kasvu report``; :mod:`.validate`: ``kasvu validate``;
  :mod:`.app`: ``kasvu app``.

Bad input (a missing or malformed scenario, an unknown key, a value out of range, a
``--set`` path that does not exist) ends with a one-line-per-problem message naming the
file and key, exit status 2, no traceback and no output directory. So does an ``--out``
that may not or cannot be written (:class:`~analysis.outputs.OutputError`),
before anything runs; results that cannot be written (a disk that fills) end with a
message naming the file and exit status 1, the output directory as it was; Ctrl-C with
exit status 130 (see :class:`~analysis.outputs.Output`).
"""

from __future__ import annotations

import argparse
import os
import select
import sys
import threading

from tqdm import tqdm

from .options import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_PIPE_CLOSED,
    KasvuParser,
)

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand; ``args.handler`` runs the chosen one."""
    from . import app, compare, decide, report, run, scenarios, sweep, validate

    parser = KasvuParser(prog="kasvu", description="Simulate a region's growth services.")
    parser.add_argument("--debug", action="store_true",
                        help="show the Python traceback of an error (for reporting a bug)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=KasvuParser)
    run.add_subcommand(sub)
    compare.add_subcommand(sub)
    scenarios.add_subcommand(sub)
    sweep.add_subcommands(sub)
    decide.add_subcommand(sub)
    report.add_subcommand(sub)
    app.add_subcommand(sub)
    validate.add_subcommand(sub)
    for command in sub.choices.values():  # also after the subcommand: kasvu run --debug ...
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                             help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kasvu`` console script: every failure is a message.

    Bad input (scenarios, overrides, seeds, specs, an output directory that is not ours)
    exits 2; a failure of the machine (a worker process that died, a file that cannot be
    written) exits 1 with its cause; Ctrl-C exits 130, also while the program is still
    starting. ``--debug`` shows the traceback instead.
    """
    argv = sys.argv[1:] if argv is None else argv
    debug = "--debug" in argv
    try:
        from ..outputs import command_line

        args = build_parser().parse_args(argv)
        with command_line(argv):
            return args.handler(args)
    except KeyboardInterrupt as exc:  # said otherwise when the results were all written
        print(f"kasvu: interrupted; {str(exc) or 'nothing was written'}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError as exc:
        if _stdout_closed():  # `kasvu scenarios | head`: the reader has all it wants
            return EXIT_PIPE_CLOSED
        if debug:
            raise
        return _report(exc)
    except Exception as exc:  # noqa: BLE001 - turned into a message unless --debug
        if debug:
            raise
        return _report(exc)


def console() -> None:
    """The ``kasvu`` script: :func:`main`, then, after a success, a quick exit.

    Performance: tearing the interpreter down after a command (every module, and the
    compiled kernels' LLVM state) takes about 0.3 s, a sixth of a short command such as
    ``kasvu run tiny --months 1``. When :func:`main` returns 0 every result file is closed
    and every worker pool shut down, so the standard streams are flushed and the process
    ends at once (``os._exit``). A failure or an interrupt exits the usual way. Progress
    bars lock with a thread lock here: tqdm's default is a multiprocessing lock, a named
    semaphore that only a normal exit unregisters (else multiprocessing's resource
    tracker warns of a leaked semaphore), and only this process draws bars.
    """
    tqdm.set_lock(threading.RLock())
    code = main()
    if code != 0:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # a reader that left, or a stream closed
        sys.exit(code)
    os._exit(0)


def _stdout_closed() -> bool:
    """Whether standard output's reader is gone; if so, silence it for the exit."""
    try:
        fd = sys.stdout.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        # The write end of a pipe whose reader has closed reports POLLERR.
        closed = any(event & select.POLLERR for _, event in poller.poll(0))
    except (OSError, ValueError, AttributeError):  # not a real file (tests capture stdout)
        return False
    if closed:
        # Python flushes stdout again at exit and would print a second error there.
        os.dup2(os.open(os.devnull, os.O_WRONLY), fd)
    return closed


def _report(exc: Exception) -> int:
    """Print what went wrong and what to do; return the exit status."""
    from sim import InputError

    from ..experiments.executors import WorkerLost
    from ..outputs import OutputError, ResultNotWritten

    if isinstance(exc, InputError | OutputError):  # bad input, or an --out that is not ours
        print(f"kasvu: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if isinstance(exc, ResultNotWritten):  # says which file and why
        print(f"kasvu: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if isinstance(exc, WorkerLost):
        print(f"kasvu: error: {exc}. A worker process ends like this when the system "
              "stops it, most often for lack of memory (fewer --workers use less); rerun "
              "the command to try again", file=sys.stderr)
        return EXIT_FAILED
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"kasvu: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"kasvu: internal error: {type(exc).__name__}: {exc} (rerun with --debug for the "
          "traceback, and report it)", file=sys.stderr)
    return EXIT_FAILED
