"""pytest-timeout's per-check timer for the engine's runs, with its handler installed once a task
(docs/engine.md, "A check without pytest's reports"). :class:`Backstop` answers its two timer
hooks while a task runs; on expiry pytest-timeout's own ``timeout_sigalrm`` fails the check, as
in a hand run. Outside a task, off the main thread, or for another timeout method, the hooks
answer nothing and pytest-timeout does its own work.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import pytest

from grader.engine import pytest_compat


class Backstop:
    """pytest-timeout's timer hooks, answered while :meth:`installed` holds the handler."""

    def __init__(self) -> None:
        self.ready = False  # the handler is ours, for this task
        self.timing: tuple[pytest.Item, Any] | None = None  # the check timed now, its settings

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Hold the SIGALRM handler for a task's checks (signals are the main thread's)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = signal.signal(signal.SIGALRM, self._expired)
        self.ready = True
        try:
            yield
        finally:
            self.ready, self.timing = False, None
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def _expired(self, signum: int, frame: FrameType | None) -> None:
        if self.timing is not None:
            pytest_compat.timeout_sigalrm(*self.timing)

    @pytest.hookimpl(tryfirst=True)
    def pytest_timeout_set_timer(self, item: pytest.Item, settings: Any) -> bool | None:
        if not self.ready or settings.method != "signal":
            return None
        self.timing = (item, settings)
        signal.setitimer(signal.ITIMER_REAL, settings.timeout)
        return True

    @pytest.hookimpl(tryfirst=True)
    def pytest_timeout_cancel_timer(self, item: pytest.Item) -> bool | None:
        if self.timing is None:
            return None
        signal.setitimer(signal.ITIMER_REAL, 0)
        self.timing = None
        return True
