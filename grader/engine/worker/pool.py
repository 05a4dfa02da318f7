"""Trusted grading processes forked from one preloaded parent, one task at a time each.

``grade PATH`` and ``grade batch`` both hand their (submission, topic) tasks to a
:class:`GraderPool`: ``jobs`` processes forked after torch and pytest are imported and before any
torch op ran (docs/engine.md, "The engine"). Tasks and results cross between trusted processes
only (pickle over pipes); submitted code runs in the sandboxed workers the suites' sessions start.
"""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any


@dataclass
class _Grader:
    pid: int
    tasks: Connection
    results: Connection
    busy: Any = None  # the task in flight


class GraderCrashed(RuntimeError):
    """A grading process died mid-task (a torchgrade bug, or it was killed)."""


def _serve(
    tasks: Connection, results: Connection, work: Callable[[Any], Any], initializer: Callable[[], None]
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    pr_set_pdeathsig = 1  # and a parent killed with -9 takes its grading processes along
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, ctypes.c_ulong(signal.SIGKILL))
    initializer()
    while True:
        try:
            task = tasks.recv()
        except EOFError:
            return
        try:
            results.send(("ok", work(task)))
        except BaseException:  # report, and keep serving
            results.send(("crash", traceback.format_exc()[-3000:]))


class GraderPool:
    """``jobs`` forked processes that each call ``initializer()`` once, then ``work(task)`` for
    one task at a time."""

    def __init__(
        self, jobs: int, work: Callable[[Any], Any], initializer: Callable[[], None] = lambda: None
    ) -> None:
        self.work = work
        self.initializer = initializer
        gc.freeze()  # torch's and pytest's objects: shared with the forks, never scanned by their gc
        self.graders = [self._fork() for _ in range(max(1, jobs))]

    def _fork(self) -> _Grader:
        task_read, task_write = os.pipe()
        result_read, result_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                os.close(task_write)
                os.close(result_read)
                _serve(Connection(task_read), Connection(result_write), self.work, self.initializer)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(task_read)
        os.close(result_write)
        return _Grader(pid, Connection(task_write), Connection(result_read))

    def run(
        self,
        tasks: Iterable[Any],
        on_result: Callable[[Any, Any], None],
        on_start: Callable[[Any], Any] = lambda task: task,
    ) -> None:
        """Run every task; ``on_start(task)`` may complete it just before it is sent (a
        deadline, say); ``on_result(task, result)`` gets a result or a :class:`GraderCrashed`."""
        queue = list(tasks)
        queue.reverse()
        while queue or any(g.busy is not None for g in self.graders):
            for grader in self.graders:
                self._next(grader, queue, on_start)
            ready = wait([g.results for g in self.graders if g.busy is not None])
            finished = []
            for grader in [g for g in self.graders if g.results in ready]:
                task, grader.busy = grader.busy, None
                try:
                    kind, value = grader.results.recv()
                except EOFError:
                    kind, value = "crash", "the grading process died"
                    grader = self._replace(grader)
                self._next(grader, queue, on_start)  # before on_result: the process would idle meanwhile
                finished.append((task, value if kind == "ok" else GraderCrashed(value)))
            for task, result in finished:
                on_result(task, result)

    @staticmethod
    def _next(grader: _Grader, queue: list[Any], on_start: Callable[[Any], Any]) -> None:
        if grader.busy is None and queue:
            grader.busy = on_start(queue.pop())
            grader.tasks.send(grader.busy)

    def _replace(self, grader: _Grader) -> _Grader:
        self._end(grader)
        fresh = self._fork()
        self.graders[self.graders.index(grader)] = fresh
        return fresh

    @staticmethod
    def _end(grader: _Grader) -> None:
        for connection in (grader.tasks, grader.results):
            connection.close()
        try:
            os.kill(grader.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(grader.pid, 0)

    def close(self) -> None:
        for grader in self.graders:
            self._end(grader)
        self.graders = []

    def __enter__(self) -> GraderPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
