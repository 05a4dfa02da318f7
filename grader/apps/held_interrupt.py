"""Ctrl-C held while ``grade`` parses its arguments, raised where the command can handle it.

Before a command's own handler is in place (Click's parsing, the group's checks, the warm
engine's question, the engine's start), a Ctrl-C would end `grade watch` with Click's "Aborted!"
instead of "stopped watching". :func:`hold` makes SIGINT only note that it came; :func:`release`
puts Python's own handler back and raises the KeyboardInterrupt that was held: in the group's
callback for every command but watch (as before), inside watch's ``try`` for watch.
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


def pending() -> bool:
    """Whether a Ctrl-C came since :func:`hold` and waits to be raised."""
    return bool(_held)


def release() -> None:
    """Python's SIGINT handler again; the Ctrl-C held meanwhile, if any, raised now."""
    if signal.getsignal(signal.SIGINT) is _note:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if _held:
        _held.clear()
        raise KeyboardInterrupt
