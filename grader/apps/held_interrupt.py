"""Ctrl-C held while a command starts, for commands whose every stop must be clean (`grade watch`).

Before the command's own handler is in place (the interpreter's imports, Click's parsing, the
group's checks, the engine's start), a Ctrl-C would end the process with Click's "Aborted!" or a
traceback. :func:`hold` makes SIGINT only note that it came; :func:`release` puts Python's own
handler back and raises the KeyboardInterrupt that was held, inside the command's ``try``.
"""

from __future__ import annotations

import signal
from types import FrameType

_held: list[int] = []


def _note(signum: int, frame: FrameType | None) -> None:
    _held.append(signum)


def hold() -> None:
    """From now on, SIGINT is noted and held (the main thread only, as every signal handler)."""
    signal.signal(signal.SIGINT, _note)


def release() -> None:
    """Python's SIGINT handler again; the Ctrl-C held meanwhile, if any, raised now."""
    if signal.getsignal(signal.SIGINT) is _note:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if _held:
        _held.clear()
        raise KeyboardInterrupt
