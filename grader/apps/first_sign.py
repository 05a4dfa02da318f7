"""A command's first second on a terminal: ``torchgrade… 0.6 s`` on stderr from the moment the
``grade`` process starts (:mod:`grader.launch`) until the command writes anything itself, so that
the imports and the set-up before a command's first line (a second or two on a loaded machine)
are never silent. It is erased by the command's first write to stdout or stderr (the streams
stand in for themselves until then), or before a warm engine is handed the terminal. Off a
terminal, or with ``--quiet``, it shows nothing. Standard library only: it runs before the grader is imported.
"""

from __future__ import annotations

import atexit
import sys
import threading
import time
from typing import Any, TextIO

FIRST_DRAW_SECONDS = 0.3  # a command that speaks sooner shows no sign
REDRAW_SECONDS = 0.25


class _Sign:
    def __init__(self, stream: TextIO) -> None:
        self.stream, self.began = stream, time.monotonic()
        self.stop_event, self.drawn, self.lock = threading.Event(), False, threading.Lock()
        self.thread = threading.Thread(target=self._run, name="torchgrade-first-sign", daemon=True)

    def _run(self) -> None:
        wait = FIRST_DRAW_SECONDS
        while not self.stop_event.wait(wait):
            with self.lock:
                if self.stop_event.is_set():
                    return
                self.stream.write(f"\r\x1b[2K  torchgrade… {time.monotonic() - self.began:.1f} s")
                self.stream.flush()
                self.drawn, wait = True, REDRAW_SECONDS

    def stop(self) -> None:
        with self.lock:
            if self.stop_event.is_set():
                return
            self.stop_event.set()
            if self.drawn:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()


class _Erasing:
    """A stream that ends the sign at its first write, then is the stream it stands for."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        stop()
        return self._stream.write(text)

    def writelines(self, lines: Any) -> None:
        stop()
        self._stream.writelines(lines)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


_SHOWN: list[tuple[_Sign, TextIO, TextIO]] = []
# alive for good: print() holds sys.stdout borrowed across the write that gives it back
_KEPT: list[_Erasing] = []


def show(argv: list[str]) -> None:
    """Start the sign where stderr is a terminal and ``argv`` does not ask for the report only
    (``--quiet``, as typed: Click is not imported yet); nothing otherwise."""
    if _SHOWN or not sys.stderr.isatty() or "--quiet" in argv:
        return
    sign = _Sign(sys.stderr)
    _SHOWN.append((sign, sys.stdout, sys.stderr))
    _KEPT.extend((_Erasing(sys.stdout), _Erasing(sys.stderr)))
    sys.stdout, sys.stderr = _KEPT[-2], _KEPT[-1]  # type: ignore[assignment]
    atexit.register(stop)  # a command that ends without a word leaves no sign behind
    sign.thread.start()


def stop() -> None:
    """Erase the sign (a drawn one) and give the streams back; nothing where none is shown."""
    if not _SHOWN:
        return
    sign, out, err = _SHOWN.pop()
    sign.stop()
    if isinstance(sys.stdout, _Erasing):
        sys.stdout = out
    if isinstance(sys.stderr, _Erasing):
        sys.stderr = err
