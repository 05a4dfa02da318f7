"""A command's first second on a terminal is never silent: ``torchgrade… 0.3 s`` from the process's
start until the command writes, erased by that first write."""

from __future__ import annotations

import io
import sys
import time

import pytest
from helpers import REPO
from pty_run import run_in_pty

from grader.apps import first_sign


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.unit
def test_the_sign_is_drawn_until_the_first_write_which_erases_it(monkeypatch):
    err, out = _Terminal(), _Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(first_sign, "FIRST_DRAW_SECONDS", 0.01)
    first_sign.show([])
    deadline = time.monotonic() + 5
    while "torchgrade…" not in err.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    print("graded")  # the command's first word, on stdout (print holds the stream borrowed)
    assert sys.stdout is out and sys.stderr is err, "the streams are given back"
    assert err.getvalue().startswith("\r\x1b[2K  torchgrade… ") and err.getvalue().endswith("\r\x1b[2K")
    assert out.getvalue() == "graded\n"
    drawn = err.getvalue()
    time.sleep(0.05)
    assert err.getvalue() == drawn, "nothing drawn after the first write"


@pytest.mark.unit
@pytest.mark.parametrize("stream, argv", [(io.StringIO, []), (_Terminal, ["--quiet"])])
def test_off_a_terminal_or_quiet_nothing_is_shown(monkeypatch, stream, argv):
    err = stream()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(first_sign, "FIRST_DRAW_SECONDS", 0.0)
    first_sign.show(argv)
    time.sleep(0.05)
    first_sign.stop()
    assert err.getvalue() == "" and sys.stderr is err


@pytest.mark.e2e
def test_the_grade_process_shows_it_before_its_imports():
    """The launch shows the sign first: with no delay set, it is drawn before the command's word
    (``grade --version`` prints after the launch's imports)."""
    code = (
        "import sys; sys.argv = ['grade', '--version']\n"
        "from grader.apps import first_sign; first_sign.FIRST_DRAW_SECONDS = 0.0\n"
        "from grader.launch import main; main()\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "TORCHGRADE_NO_DAEMON": "1"}
    run = run_in_pty([sys.executable, "-c", code], str(REPO), env, timeout=60)
    assert run.returncode == 0, run.output
    assert run.output.index("torchgrade…") < run.output.index("version"), run.output
