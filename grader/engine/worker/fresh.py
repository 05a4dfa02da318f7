"""A worker handle (:class:`Worker`, what :class:`grader.engine.worker.client.TopicSession` talks to), and
a worker started fresh in its own Python, inside the sandbox where there is one (:class:`FreshWorker`)."""

from __future__ import annotations

import os
import signal
import subprocess
from typing import Protocol

from grader.engine.worker.sandbox import Launch, plan_launch


class Worker(Protocol):
    request_fd: int
    results_fd: int
    nonce: bytes  # every frame either way carries it

    def cpu_seconds(self) -> float | None:
        """CPU time the worker has used so far, or None where it cannot be read."""

    def kill(self, wait: bool = True) -> int | None:
        """Kill the worker and everything it started; return its exit status (without ``wait``,
        not waiting to hear it: None where it was not heard)."""

    def exit_status(self, wait: float) -> int | None:
        """The exit status if the worker ends within ``wait`` seconds, else None."""


def start(launch: Launch, stdin: int) -> subprocess.Popen[bytes]:
    """A sandboxed process in its own session; its output is discarded (the pipes carry answers)."""
    return subprocess.Popen(
        launch.argv,
        env=launch.env,
        pass_fds=launch.pass_fds,
        stdin=stdin,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


class FreshWorker:
    """``python -m grader.sandboxed.worker`` in its own sandbox (bwrap's process group)."""

    def __init__(self, staged_dir: str, worker_args: list[str], nonce: bytes, gpu: bool) -> None:
        self.nonce = nonce
        read_end, write_end = os.pipe()
        launch = plan_launch(staged_dir=staged_dir, worker_args=worker_args, results_fd=write_end, gpu=gpu)
        try:
            self.process = start(launch, stdin=subprocess.PIPE)
        finally:
            os.close(write_end)
            for fd in launch.close_after_start:
                os.close(fd)
        assert self.process.stdin is not None
        self.request_fd = self.process.stdin.fileno()
        self.results_fd = read_end

    def cpu_seconds(self) -> float | None:
        """None: a fresh worker has no zygote's warm-up, so its first probes pay torch's
        first-use costs (seconds of CPU); only the wall clock bounds it."""
        return None

    def kill(self, wait: bool = True) -> int | None:  # its Popen is waited for either way
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        code = self.process.wait()
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
        except OSError:
            pass
        os.close(self.results_fd)
        return code

    def exit_status(self, wait: float) -> int | None:
        try:
            return self.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            return None
