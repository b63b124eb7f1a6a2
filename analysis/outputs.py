"""Output directories (tulosten hakemistot) that stay the user's: claimed first, filled atomically.

``kasvu run``, ``compare``, ``validate`` and ``report`` (and :func:`~analysis.replicate`,
:func:`~analysis.compare`, :func:`~analysis.validate`, :func:`~analysis.write_report`) write
their results through an :class:`Output`, used as a context manager around the work:

- **on entry, before anything runs**, the target is checked. A new or empty directory, or
  the command's own earlier result of the same kind (recognised by its marker
  :data:`MARKER`), may be written; any other non-empty directory (a sweep with
  ``manifest.json``, another command's result, files kasvu did not write) is refused with
  :class:`OutputError` unless ``overwrite``. A temporary directory
  ``.NAME.HOST-PID.RANDOM.partial`` is made next to the target (inside it when it is a
  mount point, since renames do not cross filesystems) and a probe file written in it, so
  that an unwritable location (under a regular file, read-only, a full disk) fails
  at once; temporary directories of processes of this host that are no longer alive
  (killed runs) are removed.
- the results are written into the temporary directory (:meth:`Output.write`); a file that
  cannot be written raises :class:`ResultNotWritten`, naming it.
- **on success** a new target is the temporary directory renamed; into an existing one the
  files are moved one by one with :func:`os.replace` (a reader sees the old file or the
  whole new one), the earlier result's files that the new one does not write are removed,
  and the marker, listing every file written, is moved in last. Files the command did not
  write are never deleted. Ctrl-C during these few renames is held until they are done.
- **on failure or Ctrl-C** the temporary directory is removed and the target is as it was.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

MARKER = ".kasvu-output.json"
"""The marker a command writes last into its output directory: kind, command, time, files."""
KINDS = ("run", "compare", "validate", "report")
"""The kinds of result, by the command that writes them."""
PROBE_BYTES = 4096
"""Bytes of the probe file written before any work (one block: a full disk refuses it)."""

Writer = Callable[[Path], object]
"""Writes one result file at the path it is given."""

_COMMAND: ContextVar[str | None] = ContextVar("kasvu_command_line", default=None)
_HOST = re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:32]
_INTERIM = MARKER + ".interim"


class OutputError(ValueError):
    """An output directory that may not or cannot be written; nothing has been written.

    Raised before any work: a non-empty directory that is not the command's own earlier
    result (without ``overwrite``), a path under a regular file, a read-only location, a
    full disk. ``kasvu`` turns it into exit status 2.
    """


class ResultNotWritten(OSError):
    """Writing the results failed (e.g. the disk filled); the target is as it was.

    ``kasvu`` turns it into exit status 1.
    """


@contextmanager
def command_line(argv: Sequence[str]) -> Iterator[None]:
    """Record ``kasvu ARGV...`` as the command line of the markers written inside the block."""
    token = _COMMAND.set(shlex.join(["kasvu", *argv]))
    try:
        yield
    finally:
        _COMMAND.reset(token)


def text_writer(text: str) -> Writer:
    """A :data:`Writer` of ``text`` in UTF-8."""
    return lambda path: path.write_text(text, encoding="utf-8")


def json_writer(obj: Any) -> Writer:
    """A :data:`Writer` of ``obj`` as indented UTF-8 JSON."""
    return text_writer(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def read_marker(directory: Path) -> dict[str, Any] | None:
    """The marker of ``directory`` (kind and files checked), or None if absent or unreadable."""
    try:
        marker = json.loads((Path(directory) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict) or marker.get("kind") not in KINDS:
        return None
    files = marker.get("files")
    if not isinstance(files, list):
        return None
    marker["files"] = [f for f in files if isinstance(f, str) and _is_inside(f)]
    return marker


def _is_inside(name: str) -> bool:
    """Whether a marker's file name stays inside its directory (never ``..`` or absolute)."""
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts and name != MARKER


class Output:
    """One output directory being written; use it as a context manager around the work.

    Args:
        target: the output directory.
        kind: the kind of result (:data:`KINDS`), recorded in the marker; an earlier
            result of the same kind may be replaced without ``overwrite``.
        overwrite: write into a non-empty directory that is not such a result; files
            already there are replaced only by new files of the same names.
        replaces: which files of the earlier result this one replaces (default all);
            the others are kept and listed in the new marker (a report in another
            language keeps the first one's files).

    Raises:
        OutputError: on entry, the directory may not or cannot be written.
        ResultNotWritten: a result file cannot be written, or moved into place.
    """

    def __init__(self, target: str | Path, kind: str, *, overwrite: bool = False,
                 replaces: Callable[[str], bool] | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown kind of result {kind!r}; one of {', '.join(KINDS)}")
        self.target = Path(target)
        self.kind = kind
        self.overwrite = overwrite
        self.replaces = replaces or (lambda _name: True)
        self.staging: Path | None = None
        self._path = Path(os.path.realpath(self.target))  # staged next to the real one
        self._created: list[Path] = []
        self._earlier: list[str] = []
        self._written: list[str] = []

    def __enter__(self) -> Output:
        try:
            self._claim()
        except BaseException:
            self._abort()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is not None:
            self._abort()
            return
        try:
            self._commit()
        except BaseException:
            self._abort()
            raise

    # -- writing ----------------------------------------------------------------------
    def write(self, files: Mapping[str, Writer]) -> None:
        """Write each file (a path relative to the target, its writer) into the staging.

        Raises:
            ResultNotWritten: a file cannot be written (its final path is named).
        """
        if self.staging is None:
            raise RuntimeError("Output.write outside its with-block")
        for name, writer in files.items():
            self._stage(name, writer)
            self._written.append(name)

    def _stage(self, name: str, writer: Writer) -> None:
        """Write one file into the staging; ResultNotWritten names it if that fails."""
        assert self.staging is not None
        path = self.staging / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            writer(path)
        except OSError as exc:
            raise ResultNotWritten(f"{self.target / name}: cannot write: {_reason(exc)}; "
                                   "nothing was written") from exc

    # -- on entry ---------------------------------------------------------------------
    def _claim(self) -> None:
        """Check the target, remove dead processes' staging, make and probe our own."""
        if self._path.exists() and not self._path.is_dir():
            raise OutputError(f"{self.target}: is a file, not a directory; choose another "
                              "--out")
        remove_stale_staging(self._path)
        self._earlier = self._earlier_result()
        try:
            self._make_parents()
            # Renames do not cross filesystems: a mount point is staged inside itself.
            beside = self._path if os.path.ismount(self._path) else self._path.parent
            self.staging = beside / (
                f".{self._path.name}.{_HOST}-{os.getpid()}.{secrets.token_hex(4)}.partial")
            self.staging.mkdir()
            _probe(self.staging / ".probe")
            if self._path.is_dir() and not os.access(self._path, os.W_OK | os.X_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        except OSError as exc:
            raise OutputError(f"{self.target}: cannot write: {_reason(exc)}") from exc

    def _earlier_result(self) -> list[str]:
        """The files of the earlier result this one replaces; OutputError when refused."""
        from .experiments.store import MANIFEST  # here: experiments imports this module

        if not self._path.is_dir():
            return []
        entries = sorted(self._path.iterdir())
        if not entries:
            return []
        names = {p.name for p in entries}
        marker = read_marker(self._path)
        if MANIFEST in names:
            why = "holds a sweep (manifest.json)"
        elif marker is not None and marker["kind"] == self.kind:
            return marker["files"]
        elif marker is not None:
            why = f"holds the result of kasvu {marker['kind']}"
        else:
            shown = [p.name + ("/" if p.is_dir() else "") for p in entries]
            more = f" and {len(shown) - 3} more" if len(shown) > 3 else ""
            why = (f"not empty, and not a result of kasvu {self.kind} "
                   f"(it holds {', '.join(shown[:3])}{more})")
        if self.overwrite:
            return []
        raise OutputError(f"{self.target}: {why}; choose another --out, or pass --overwrite "
                          "to write into it (overwrite=True in Python; files of other names "
                          "are kept)")

    def _make_parents(self) -> None:
        """Create the missing parent directories, recording them for :meth:`_abort`."""
        missing, existing = [], self._path.parent
        while not existing.exists():
            missing.append(existing)
            existing = existing.parent
        if not existing.is_dir():
            shown = existing if self.target.is_absolute() else os.path.relpath(existing)
            raise NotADirectoryError(errno.ENOTDIR, f"{shown} is a file, not a directory")
        for directory in reversed(missing):
            directory.mkdir()
            self._created.append(directory)

    # -- on exit ----------------------------------------------------------------------
    def _abort(self) -> None:
        """Remove the staging and the parent directories made for it (if still empty)."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
        for directory in reversed(self._created):
            try:
                directory.rmdir()
            except OSError:
                break

    def _commit(self) -> None:
        """Move the written files into the target, remove the earlier result's others."""
        assert self.staging is not None
        files = sorted(set(self._written))
        if not self._path.exists():
            self._stage(MARKER, json_writer(self._marker(files, complete=True)))
            try:
                self.staging.rename(self._path)  # a new directory appears whole
                return
            except OSError as exc:
                if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise ResultNotWritten(f"{self.target}: cannot write: {_reason(exc)}; "
                                           "nothing was written") from exc
                # Another command made the directory meanwhile: write into it as below.
        with _directory_lock(self._path):
            # Another command may have written here since the check on entry.
            self._earlier = self._earlier_result()
            self._move_in(files)
        shutil.rmtree(self.staging, ignore_errors=True)

    def _move_in(self, files: list[str]) -> None:
        """Move the files into the existing target, the marker last (under its lock)."""
        assert self.staging is not None
        kept = [f for f in self._earlier
                if not self.replaces(f) and f not in files and (self._path / f).is_file()]
        stale = [f for f in self._earlier if self.replaces(f) and f not in files]
        self._stage(MARKER, json_writer(self._marker([*files, *kept], complete=True)))
        self._check_conflicts(files)
        # Until the final marker is in, the interim one lists the old files and the new.
        self._stage(_INTERIM, json_writer(self._marker([*files, *kept, *stale],
                                                       complete=False)))
        try:
            with interrupts_held(f"{self.target}/ was written in full"):
                os.replace(self.staging / _INTERIM, self._path / MARKER)
                for name in files:
                    (self._path / name).parent.mkdir(parents=True, exist_ok=True)
                    os.replace(self.staging / name, self._path / name)
                for name in stale:
                    _remove_file(self._path, name)
                os.replace(self.staging / MARKER, self._path / MARKER)
        except OSError as exc:
            raise ResultNotWritten(f"{self.target}: cannot move the results in: "
                                   f"{_reason(exc)}; each file there is whole, old or new; "
                                   "run again to finish") from exc

    def _check_conflicts(self, files: list[str]) -> None:
        """OutputError if a file would replace a directory, or need a directory in a file."""
        for name in files:
            path = self._path / name
            below = [p for p in reversed(path.parents) if self._path in p.parents]
            blocked = next((p for p in below if p.exists() and not p.is_dir()),
                           path if path.is_dir() else None)
            if blocked is not None:
                raise OutputError(f"{self.target / blocked.relative_to(self._path)}: in the "
                                  f"way of {self.target / name}; nothing was written")

    def _marker(self, files: list[str], complete: bool) -> dict[str, Any]:
        command = _COMMAND.get() or shlex.join(sys.argv)
        return {"kind": self.kind, "command": command,
                "written": datetime.now(UTC).isoformat(timespec="seconds"),
                "complete": complete, "files": sorted(set(files))}


def write_files(out: str | Path, kind: str, files: Mapping[str, Writer], *,
                 overwrite: bool = False) -> Path:
    """Write ``files`` as the result directory ``out`` of ``kind``: all of them or none.

    Raises:
        OutputError: ``out`` is not empty and not an earlier result of ``kind`` (without
            ``overwrite``), or cannot be written.
        ResultNotWritten: a file cannot be written; ``out`` is as it was.
    """
    with Output(out, kind, overwrite=overwrite) as output:
        output.write(files)
    return Path(out)


def optional_output(out: str | Path | None, kind: str, *,
                    overwrite: bool = False) -> AbstractContextManager[Output | None]:
    """An :class:`Output` for ``out``, or a context giving None when nothing is to be written."""
    return nullcontext() if out is None else Output(out, kind, overwrite=overwrite)


def _reason(exc: OSError) -> str:
    """An OS error's reason without its errno and path (``No space left on device``).

    Arrow's errors carry the errno only in their text (``... [errno 28] ...``).
    """
    found = re.search(r"\[errno (\d+)\]", str(exc))
    if found:
        return os.strerror(int(found[1]))
    return exc.strerror or str(exc)


def check_writable(directory: str | Path) -> None:
    """Make ``directory`` if needed and write a probe file in it, before long work.

    For outputs that are not result directories of kasvu (the calibration's files beside
    its targets), so that a read-only or full location fails at once, not after the work.

    Raises:
        OutputError: the directory cannot be made or written, with the reason.
    """
    path = Path(directory)
    try:
        if path.exists() and not path.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "is a file, not a directory")
        path.mkdir(parents=True, exist_ok=True)
        _probe(path / f".kasvu-probe-{os.getpid()}")
    except OSError as exc:
        raise OutputError(f"{directory}: cannot write: {_reason(exc)}") from exc


def _probe(path: Path) -> None:
    """Write, flush to disk and remove a small file: a full disk fails here, not later."""
    with open(path, "wb") as handle:
        handle.write(bytes(PROBE_BYTES))
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()


def _remove_file(root: Path, name: str) -> None:
    """Remove the file ``root/name`` and the directories it leaves empty below ``root``."""
    path = root / name
    if path.is_symlink() or path.is_file():
        path.unlink()
    for directory in path.parents:
        if directory == root or root not in directory.parents:
            break
        try:
            directory.rmdir()
        except OSError:
            break


def remove_stale_staging(target: Path) -> list[Path]:
    """Remove the temporary directories of ``target`` of this host's dead processes.

    They are next to it (or in it, for a mount point). A temporary directory of a live
    process (another kasvu writing there) is kept, as is one of another host (its process
    cannot be checked from here).

    Returns:
        The directories removed.
    """
    target = Path(os.path.realpath(target))
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?P<host>[A-Za-z0-9]*)-(?P<pid>\d+)"
                         r"\.[0-9a-f]+\.partial")
    entries = []
    for directory in (target.parent, target):
        with suppress(OSError):
            entries += directory.iterdir()
    removed = []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match and match["host"] == _HOST and not _alive(int(match["pid"])):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


@contextmanager
def _directory_lock(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``directory`` while results move in; wait for another's.

    Two commands writing to one ``--out`` at once would otherwise interleave their files
    under one marker. The lock is ``flock`` on the directory itself, so it leaves no file
    behind and dies with its process.
    """
    handle = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


def _alive(pid: int) -> bool:
    """Whether process ``pid`` of this host exists (one of another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def interrupts_held(done: str = "") -> Iterator[None]:
    """Hold Ctrl-C until the block ends, then raise KeyboardInterrupt(``done``).

    For work that must not stop half-way: the last renames of a result, a worker being
    registered with its pool. Only the main thread receives signals; elsewhere the block
    runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT,
                      signal.default_int_handler if previous is None else previous)
    if caught:
        raise KeyboardInterrupt(done)
