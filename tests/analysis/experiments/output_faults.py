"""Faults for the output-directory tests: a full disk, a read-only directory, and a tree.

Shared by the tests of the library (``tests/analysis/experiments/test_outputs.py``) and of
the commands (``tests/analysis/cli/test_output_directory.py``).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest


def tree(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` (hidden ones too) with its bytes."""
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def no_space(*_args, **_kwargs):
    """Fail as a full disk does."""
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def make_read_only(directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``directory`` read-only for this process.

    chmod does it, except for root, whom it does not stop: then directories cannot be made
    in it and :func:`os.access` says it is not writable (monkeypatched), which is what
    chmod does for everyone else. The caller restores the mode (:func:`restore_mode`).
    """
    directory.chmod(0o555)
    if not os.access(directory, os.W_OK):
        return
    mkdir, access = os.mkdir, os.access

    def refused_mkdir(path, *args, **kwargs):
        if Path(path).parent == directory:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return mkdir(path, *args, **kwargs)

    def refused_access(path, mode, **kwargs):
        return Path(path) != directory and access(path, mode, **kwargs)

    monkeypatch.setattr(os, "mkdir", refused_mkdir)
    monkeypatch.setattr(os, "access", refused_access)


def restore_mode(directory: Path) -> None:
    """Make ``directory`` writable again (so that pytest can remove it)."""
    directory.chmod(0o755)
