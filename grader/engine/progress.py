"""Progress of a grading run: a live line per topic on a terminal (queued, grading with the
check in flight and its elapsed time, done with its score). How the check in flight crosses from
the forked grading processes: docs/architecture.md's Progress. Nothing from submitted code travels
here: topic and check names come from the suites."""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TextIO

from grader.base import grades
from grader.base.i18n import _
from grader.checks.verdict.scoring import TopicResult

REDRAW_SECONDS = 0.25  # how often a terminal's elapsed times move
_announce_fd: int | None = None  # the write end of this run's pipe, inherited by forked graders


@dataclass(frozen=True)
class Event:
    """One topic's new state: "queued", "grading" (``check`` in flight, if known) or "done"."""

    topic: str
    state: str
    check: str = ""
    result: TopicResult | None = None


Listener = Callable[[Event], None]


def announce(topic: str, check: str) -> None:
    """A grading process starts ``check`` of ``topic`` (a no-op without a listener)."""
    if _announce_fd is None:
        return
    with contextlib.suppress(OSError):  # a full pipe or a gone listener never stops grading
        os.write(_announce_fd, f"{topic}\t{check}\n".encode()[:512])


@contextlib.contextmanager
def listening(listener: Listener | None) -> Iterator[Listener]:
    """While open, checks announced by this process and its forks reach ``listener``; yields
    the function that passes the runner's own events on (a no-op without a listener)."""
    global _announce_fd
    if listener is None:
        yield lambda event: None
        return
    read_fd, write_fd = os.pipe()
    fcntl.fcntl(write_fd, fcntl.F_SETFL, os.O_NONBLOCK)
    _announce_fd = write_fd

    def pump() -> None:
        with os.fdopen(read_fd, "rb") as lines:
            for line in lines:
                topic, _, check = line.decode(errors="replace").rstrip("\n").partition("\t")
                listener(Event(topic, "grading", check))

    reader = threading.Thread(target=pump, name="torchgrade-progress", daemon=True)
    reader.start()
    try:
        yield listener
    finally:
        _announce_fd = None
        os.close(write_fd)  # forked graders hold copies until the pool ends them
        reader.join(timeout=1.0)


class LiveLines:
    """A :data:`Listener` that keeps one line per topic up to date on a terminal."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.lines: dict[str, str] = {}  # topic -> its line once queued or done
        self.queued: set[str] = set()  # topics waiting for their first check
        self.since: dict[str, tuple[str, float]] = {}  # topic -> (check in flight, since when)
        self.began: dict[str, float] = {}  # topic -> when its grading began
        self.opened: float | None = None  # when the first topic was queued
        self.drawn = 0
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.ticker = threading.Thread(target=self._tick, name="torchgrade-redraw", daemon=True)

    def __call__(self, event: Event) -> None:
        with self.lock:
            if event.state == "queued":
                self.lines[event.topic] = _("queued")
                self.queued.add(event.topic)
                self.opened = self.clock() if self.opened is None else self.opened
            elif event.state == "grading":
                self.since[event.topic] = (event.check, self.clock())
                self.queued.discard(event.topic)
                self.began.setdefault(event.topic, self.clock())
            elif event.result is not None:
                self.since.pop(event.topic, None)
                self.queued.discard(event.topic)
                score = grades.of(event.result.score, event.result.max_score, "/")
                now = self.clock()
                took = now - self.began.get(event.topic, now)  # 0.0 for a result read back
                self.lines[event.topic] = _("done %(score)s  (%(seconds).1f s)") % {
                    "score": score,
                    "seconds": took,
                }
            self._draw()
        if not self.ticker.is_alive() and not self.stopped.is_set():
            self.ticker.start()

    def text(self, topic: str) -> str:
        if topic in self.since:
            check, since = self.since[topic]
            doing = f" {check}" if check else ""
            return _("grading%(check)s  %(seconds).1f s") % {"check": doing, "seconds": self.clock() - since}
        if topic in self.queued and not self.since and self.opened is not None:
            # the engine starts: the time moves
            return _("queued  %(seconds).1f s") % {"seconds": self.clock() - self.opened}
        return self.lines[topic]

    def _draw(self) -> None:
        up = f"\x1b[{self.drawn}F" if self.drawn else ""
        rows = [f"\x1b[2K  {topic:<10} {self.text(topic)}"[:160] for topic in self.lines]
        self.stream.write(up + "\n".join(rows) + "\n")
        self.stream.flush()
        self.drawn = len(rows)

    def _tick(self) -> None:
        while not self.stopped.wait(REDRAW_SECONDS):
            with self.lock:
                if self.since or self.queued:
                    self._draw()

    def close(self) -> None:
        self.stopped.set()
        if self.ticker.is_alive():
            self.ticker.join(timeout=1.0)
