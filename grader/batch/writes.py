"""The one home of a batch's failed writes: the gradebook (SQLite), the exports, the feedback,
report.html and the summary all write under ``--out``, and a full disk, a read-only folder or a
missing permission must end in one line that names the path and the cause (exit 2), not in
tracebacks. What was recorded before stays: each submission's row is one SQLite transaction,
so a rerun with room resumes after the last one recorded.
"""

from __future__ import annotations

import contextlib
import errno
import sqlite3
from collections.abc import Iterator
from pathlib import Path

_CAUSES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}
# What SQLite says, in its own words, for the same causes (sqlite3.OperationalError's text).
_SQLITE_CAUSES = {
    "database or disk is full": "the disk is full",
    "attempt to write a readonly database": "the file system is read-only or the file is not writable",
    "unable to open database file": "the folder cannot be written (read-only, permission or missing)",
    "disk I/O error": "a disk I/O error",
}


class WriteFailed(RuntimeError):
    """A write under the batch's output folder failed; ``str()`` is the one line to print."""

    def __init__(self, path: Path | str, cause: str) -> None:
        self.path, self.cause = Path(path), cause
        super().__init__(
            f"cannot write {path}: {cause}. The submissions graded before are kept in the gradebook: "
            "make room (or fix the folder) and run the same command again to resume"
        )


def cause_of(exc: OSError | sqlite3.Error) -> str:
    """The cause of a failed write in a few words."""
    if isinstance(exc, OSError):
        return _CAUSES.get(exc.errno or 0, exc.strerror or str(exc))
    text = str(exc)
    return next(
        (cause for words, cause in _SQLITE_CAUSES.items() if words in text), text or type(exc).__name__
    )


@contextlib.contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn a failed write inside the block into :class:`WriteFailed`, naming the file the error
    names, else ``path``."""
    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        named = exc.filename if isinstance(exc, OSError) and exc.filename else path
        raise WriteFailed(named, cause_of(exc)) from None
