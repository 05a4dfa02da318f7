"""A step that may take seconds says so on a terminal: ``what… 2.3 s``, redrawn until it ends
(:func:`progress_line`), so a terminal never sits silent for more than a second. Off a terminal
(a pipe, a file, a test) it writes nothing: the commands' output stays what it was."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import TextIO

from grader.engine.progress import REDRAW_SECONDS


@contextlib.contextmanager
def progress_line(
    stream: TextIO, what: str, live: bool | None = None, at_once: bool = False
) -> Iterator[None]:
    """While the block runs, keep ``what… <seconds>`` on the current line of ``stream`` (a
    terminal, or ``live``) from its first redraw on (a step done sooner, such as importing what
    a warm engine holds already, draws nothing: no flash), or from its start where the step is
    known to take seconds (``at_once``); erase it when the block ends."""
    if not (stream.isatty() if live is None else live):
        yield
        return
    began = time.monotonic()
    drawn = threading.Event()

    def tick() -> None:
        stream.write(f"\r\x1b[2K  {what}… {time.monotonic() - began:.1f} s")
        stream.flush()
        drawn.set()

    if at_once:
        tick()
    try:
        with every(REDRAW_SECONDS, tick, "torchgrade-step"):
            yield
    finally:
        if drawn.is_set():
            stream.write("\r\x1b[2K")
            stream.flush()


@contextlib.contextmanager
def every(seconds: float, work: Callable[[], bool | None], name: str) -> Iterator[None]:
    """While the block runs, call ``work`` every ``seconds`` on a daemon thread named ``name``, until it
    returns true; the block's end stops the thread and waits for it (it wakes every ``seconds``)."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(seconds):
            if work():
                return

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


Step = Callable[[str], contextlib.AbstractContextManager[None]]


def quiet(what: str) -> contextlib.AbstractContextManager[None]:
    """A :data:`Step` that shows nothing."""
    return contextlib.nullcontext()
