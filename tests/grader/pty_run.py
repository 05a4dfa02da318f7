"""Run a command on a pseudo-terminal, as a learner's terminal would, and time its silences."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import signal
import subprocess
import time
from dataclasses import dataclass


@dataclass
class PtyRun:
    returncode: int | None  # None: stopped once ``until`` was seen
    output: str
    longest_silence: float  # seconds without a byte, from the start to the last output
    silences: list[tuple[float, float]]  # (when, how long) of each gap over half a second


def run_in_pty(
    cmd: list[str],
    cwd: str,
    env: dict[str, str],
    timeout: float,
    until: str | None = None,
    interrupt: bool = False,
) -> PtyRun:
    """Run ``cmd`` with stdin, stdout and stderr on one pty; read until it exits, or until
    ``until`` appears in its output (then end its process group: the command's own; or, with
    ``interrupt``, press Ctrl-C once and read on until it exits)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdin=follower, stdout=follower, stderr=follower, start_new_session=True
    )
    os.close(follower)
    began = last = time.monotonic()
    chunks: list[bytes] = []
    silences: list[tuple[float, float]] = []
    try:
        while time.monotonic() - began < timeout:
            ready, _, _ = select.select([leader], [], [], 0.05)
            if ready:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # the pty closed: the command ended
                    break
                if not data:
                    break
                now = time.monotonic()
                if now - last > 0.5:
                    silences.append((round(last - began, 2), round(now - last, 2)))
                last = now
                chunks.append(data)
                if until is not None and until.encode() in b"".join(chunks):
                    if not interrupt:
                        break
                    process.send_signal(signal.SIGINT)
                    until = None
            elif process.poll() is not None:
                _drain(leader, chunks)
                break
    finally:
        if until is None:  # it was to end by itself: give it the time to
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
        stopped = process.poll() is None
        if stopped:
            os.killpg(process.pid, signal.SIGKILL)
        code = process.wait(timeout=30)
        os.close(leader)
    output = b"".join(chunks).decode(errors="replace")
    longest = max((gap for _, gap in silences), default=0.0)
    return PtyRun(None if stopped else code, output, longest, silences)


def _drain(leader: int, chunks: list[bytes], quiet: float = 1.0) -> None:
    """What the command wrote just before it ended: the pty hands a write to its reader a moment
    later (the kernel's flip buffer), which a loaded machine can stretch past one poll (CI lost
    a "stopped watching" that way). Read until the pty closes or stays quiet for ``quiet`` s."""
    while select.select([leader], [], [], quiet)[0]:
        try:
            data = os.read(leader, 65536)
        except OSError:
            return
        if not data:
            return
        chunks.append(data)


def one_stream_on_a_pty(cmd: list[str], on_pty: str, cwd: str, env: dict[str, str]) -> tuple[str, str]:
    """Run ``cmd`` with one of its streams (``on_pty``: "stdout" or "stderr") on a pty and the
    other piped, until it exits: (what the pipe read, what the pty read)."""
    leader, follower = pty.openpty()
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, on_pty: follower}
    process = subprocess.Popen(cmd, cwd=cwd, env=env, **streams)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    stdout, stderr = process.communicate(timeout=600)
    piped = stderr if on_pty == "stdout" else stdout
    return (piped or b"").decode(), b"".join(chunks).decode()
