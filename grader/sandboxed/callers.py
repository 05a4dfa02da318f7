"""The caller a warning or a log record names, never above graded code: ``warnings.warn``'s and
logging's ``stacklevel`` (and ``stack_info``) name frames further up, and above graded code stand
the grader's, which differ between a recorded call and a plain one (``<probe call_recorded>``,
``probe_kit.py``). Installed in the worker at the seal."""

from __future__ import annotations

import logging
import os
import sys
import traceback
import warnings
from types import FrameType
from typing import Any, TextIO

from grader.sandboxed import guarded

_GRADER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the grader package's folder
_WARN = warnings.warn


def graded_frame(frame: FrameType | None) -> FrameType | None:
    """The first frame of graded code (:func:`guarded.graded` builtins) at ``frame`` or above it; None where none is."""
    while frame is not None and not guarded.graded(frame.f_builtins):
        frame = frame.f_back
    return frame


def _grader(frame: FrameType | None) -> bool:
    return frame is None or frame.f_code.co_filename.startswith((_GRADER, "<probe"))


def _up(frame: FrameType, levels: Any, skipped: Any = lambda frame: False) -> tuple[FrameType, int]:
    """The frame ``levels`` above ``frame`` (not counting the ``skipped``), or the last one below
    the grader's; and how many frames up it is."""
    taken = 0
    while levels > 0 and not _grader(frame.f_back):
        frame, taken = frame.f_back, taken + 1  # type: ignore[assignment]  # not None: _grader
        levels -= 0 if skipped(frame) else 1
    return frame, taken


def warn(message: Any, category: Any = None, stacklevel: Any = 1, source: Any = None) -> None:
    """``warnings.warn``, its ``stacklevel`` counted only as far as graded code's frames reach."""
    _, taken = _up(sys._getframe(1), stacklevel - 1)
    _WARN(message, category, 2 + taken, source)


def find_caller(
    self: logging.Logger, stack_info: bool = False, stacklevel: Any = 1
) -> tuple[str, int, str, str | None]:
    """``logging.Logger.findCaller`` with the frames above graded code out of its sight."""
    frame, _ = _up(sys._getframe(1), stacklevel, logging._is_internal_frame)  # type: ignore[attr-defined]
    _, depth = _up(frame, sys.maxsize)
    stack = traceback.format_stack(frame, limit=depth + 1) if stack_info else None
    sinfo = "".join(["Stack (most recent call last):\n", *stack]).rstrip("\n") if stack else None
    return frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name, sinfo


_SHOW = warnings.showwarning


def showwarning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """``warnings.showwarning``, silent for a warning placed at a line of the grader's own (torch's
    C++ warnings name the Python frame that called in: a probe's): it is not the learner's output."""
    if not filename.startswith((_GRADER, "<probe")):
        _SHOW(message, category, filename, lineno, file, line)


def install() -> None:
    """From here, in this worker, warnings and log records name no frame above graded code, and a
    warning placed in the grader's code is not shown as graded code's output."""
    warnings.warn = warn
    warnings.showwarning = showwarning
    logging.Logger.findCaller = find_caller  # type: ignore[method-assign]
