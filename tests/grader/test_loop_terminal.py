"""On a learner's terminal nothing is silent for more than a second (doctor, watch's first grade),
and a system that refuses what the engine needs gets a working grade or one line, never a
traceback (macOS: no SOCK_SEQPACKET socket pair; native Windows: no fcntl, resource or fork)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import pytest
from helpers import REPO
from pty_run import run_in_pty

pytestmark = pytest.mark.e2e

ENV = {**os.environ, "PYTHONPATH": str(REPO)}
SILENCE = 1.0  # seconds


def test_doctor_prints_each_finding_as_it_comes():
    done = run_in_pty([sys.executable, "-m", "grader", "doctor"], cwd=str(REPO), env=ENV, timeout=300)
    assert done.returncode in (0, 1), done.output[-2000:]
    assert "checking torch build" in done.output and "engine" in done.output
    assert done.longest_silence <= SILENCE, done.silences


def test_watch_shows_its_first_grade_live(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copy(REPO / "solutions" / "losses.py", folder / "losses.py")
    command = [sys.executable, "-m", "grader", "watch", str(folder / "losses.py")]
    done = run_in_pty(command, cwd=str(REPO), env=ENV, timeout=300, until="watching ")
    assert "losses" in done.output and "score" in done.output, done.output[-2000:]
    assert done.longest_silence <= SILENCE, done.silences


def _emulated(refusal: str, *args: str, env: dict[str, str] = ENV) -> subprocess.CompletedProcess:
    """``grade ARGS`` in a process where ``refusal`` (Python run first) takes something away."""
    code = (
        textwrap.dedent(refusal)
        + f"\nimport sys\nsys.argv = ['grade', *{list(args)!r}]\nfrom grader.cli import run\nrun()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )


NO_SEQPACKET = """
import socket
real = socket.socketpair
def refused(family=socket.AF_UNIX, type=socket.SOCK_STREAM, proto=0):
    if type == socket.SOCK_SEQPACKET:
        raise OSError(43, "Protocol not supported")  # what macOS answers
    return real(family, type, proto)
socket.socketpair = refused
"""


def test_without_seqpacket_sockets_grade_works_on_fresh_workers():
    done = _emulated(NO_SEQPACKET, str(REPO / "solutions" / "tensors.py"), "--exercise", "add_into")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "add_into" not in done.stderr
    assert "total" in done.stdout


def test_without_seqpacket_sockets_doctor_says_so_without_a_traceback():
    done = _emulated(NO_SEQPACKET, "doctor")
    assert "Traceback" not in done.stdout + done.stderr
    (engine,) = [line for line in done.stdout.splitlines() if " engine " in line]
    assert engine.startswith("ok") and "SOCK_SEQPACKET" in engine and "fresh Python" in engine


@pytest.mark.parametrize("args", [("doctor",), ("exercises/",)])
def test_without_fcntl_and_resource_grade_says_on_one_line_to_use_wsl(args):
    hidden = "import sys\nsys.modules['fcntl'] = None\nsys.modules['resource'] = None\n"
    learner = {k: v for k, v in ENV.items() if k != "TORCHGRADE_NO_DAEMON"}  # as a learner runs it
    done = _emulated(hidden, *args, env=learner)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and "WSL 2" in done.stderr and "wsl --install" in done.stderr
