"""What a call costs that the docstrings' "vectorised" counts: the aten ops it dispatches and the
lines of the submission's own Python it runs (docs/checks.md, "vectorised"). The lines are counted
by the interpreter's trace hook, set around the call only, in this thread and any thread started
meanwhile, for frames of code compiled from a file that is neither the interpreter's, a library's,
the grader's nor a probe's (``__file__``, which the code could set, is not read); ``settrace`` is
refused by :mod:`grader.sandboxed.guarded`. Runs inside the worker.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from torch.utils._python_dispatch import TorchDispatchMode


class OpCount(TorchDispatchMode):
    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # torch leaves the mode's __init__ unannotated
        self.count = 0

    def __torch_dispatch__(
        self, func: Any, types: Any, args: Any = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        self.count += 1
        return func(*args, **(kwargs or {}))


_GRADER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the grader package's folder


def _installed() -> tuple[str, ...]:
    """The folders of code that is not the submission's: the interpreter's, its libraries', the grader's."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, _GRADER}
    return tuple(os.path.join(os.path.realpath(r), "") for r in roots)


class _Lines:
    """A trace hook counting the line events of the submission's frames."""

    def __init__(self) -> None:
        self.count = 0
        self._outside = _installed()
        self._mine: dict[str, bool] = {}

    def _ours(self, filename: str) -> bool:
        if filename not in self._mine:
            self._mine[filename] = not filename.startswith("<") and not os.path.realpath(filename).startswith(
                self._outside
            )
        return self._mine[filename]

    def calls(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        return self.lines if event == "call" and self._ours(frame.f_code.co_filename) else None

    def lines(self, frame: FrameType, event: str, arg: Any) -> Callable[..., Any]:
        if event == "line":
            self.count += 1
        return self.lines


def count_work(call: Callable[[], Any]) -> tuple[Any, int, int]:
    """Run ``call()``; return (its result, the aten ops it dispatched, the line events of the
    submission's Python)."""
    lines, before = _Lines(), sys.gettrace()
    threading.settrace(lines.calls)
    sys.settrace(lines.calls)
    try:
        with OpCount() as ops:
            result = call()
    finally:
        sys.settrace(before)
        threading.settrace(None)  # type: ignore[arg-type,unused-ignore]  # no hook for threads started later
    return result, ops.count, lines.count
