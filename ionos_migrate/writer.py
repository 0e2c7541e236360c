"""Atomic, faithful writes: a temp file in the same folder, then a rename.

A reader never sees half a file, and a crash leaves the original in place.
The file keeps its mode (and owner, where we may set it). A read-only file
is a decision someone made: it is not overwritten. A file that changed on
disk since it was read is not overwritten either.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class WriteError(OSError):
    """The file was left as it was; the message says why."""


def atomic_write(path: Path, data: bytes, *, expected: bytes | None = None) -> None:
    """Replace ``path``'s content with ``data``; ``expected`` is what it must hold now."""
    # A symlink stays one: the rename goes over the file it points to, not over the link.
    path = Path(os.path.realpath(path))
    try:
        info = path.stat()
        # Root may write anything, so the mode bits say "read-only" too.
        if not os.access(path, os.W_OK) or not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise WriteError(f"{path}: read-only file, not changed (make it writable to migrate it)")
        if expected is not None and path.read_bytes() != expected:
            raise WriteError(f"{path}: changed on disk during the run, not changed; run again")
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".ionos-migrate")
    except WriteError:
        raise
    except OSError as exc:
        raise WriteError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, stat.S_IMODE(info.st_mode))
        _keep_owner(temp, info)
        os.replace(temp, path)
    except OSError as exc:
        _remove_quietly(temp)
        raise WriteError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _keep_owner(temp: str, info: os.stat_result) -> None:
    if hasattr(os, "chown"):
        try:
            os.chown(temp, info.st_uid, info.st_gid)
        except OSError:
            pass  # only root may give a file away; the mode is what matters


def _remove_quietly(temp: str) -> None:
    try:
        os.unlink(temp)
    except OSError:
        pass
