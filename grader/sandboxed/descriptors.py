"""The path rule of the worker's descriptors for every opener, not graded code's ``open`` alone: the
audit hook's (grader/sandboxed/no_eval.py) for any open or listing made while graded code runs,
and the ``os`` functions the seal installs (grader/sandboxed/worker.py) that raise no audit event."""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

from grader.sandboxed import callers, guarded


def refuse_descriptor(event: str, path: Any, frame: Any) -> None:
    """Raise where graded code (a frame of it on ``frame``'s stack) has any opener or lister of the
    interpreter (the audit hook's ``event``: io.open's, os.open's, os.listdir's, os.scandir's) take
    one of the worker's descriptors (:func:`guarded.descriptor`): a library that opens a path itself
    (pathlib's read_text and iterdir, numpy.loadtxt, logging's file handler) is refused as
    :func:`guarded._open` and :func:`listdir` refuse graded code's own call."""
    if callers.graded_frame(frame) is not None and guarded.descriptor(path):
        raise PermissionError(
            errno.EACCES, f"{event} of {path!r} is off limits in graded code: open a file by its path"
        )


_LISTDIR = os.listdir


def listdir(path: Any = ".") -> list[Any]:
    """``os.listdir``, installed at the seal: called from graded code, no directory of the worker's
    descriptors (:func:`guarded.descriptor`: ``/proc/self/fd``), the path read once; anywhere else os' own."""
    path = guarded.plain_path(path)
    if guarded.graded(sys._getframe(1).f_builtins) and guarded.descriptor(path):
        raise PermissionError(
            errno.EACCES, f"listing {path!r} is off limits in graded code: list a folder by its path"
        )
    return _LISTDIR(path)


_READLINK = os.readlink


def readlink(path: Any, *, dir_fd: int | None = None) -> Any:
    """``os.readlink``, installed at the seal: while graded code runs (a frame of it on the stack:
    pathlib's ``readlink`` and ``resolve`` call it), no link among the worker's descriptors
    (``/proc/self/fd/N``: where each leads), read by its path as written (os.path.realpath, which
    :func:`guarded.descriptor` takes, calls this); anywhere else os' own."""
    path = guarded.plain_path(path)
    if dir_fd is None and isinstance(path, (str, bytes)):
        if guarded.names_descriptor(os.path.abspath(os.fsdecode(path))):
            refuse_descriptor("os.readlink", 0, sys._getframe(1))  # 0: a descriptor, whatever its path
    elif dir_fd is not None:
        refuse_descriptor("os.readlink", dir_fd, sys._getframe(1))
    return _READLINK(path) if dir_fd is None else _READLINK(path, dir_fd=dir_fd)
