"""The report on a real terminal (a pseudo-terminal): colour unless NO_COLOR; piped, plain."""

from __future__ import annotations

import os
import pty
import subprocess

import pytest
from helpers import GRADE, REPO

pytestmark = pytest.mark.e2e


def grade_on_a_terminal(*args: str, env: dict[str, str]) -> str:
    """Run ``grade`` with its stdout on a pseudo-terminal and return what it printed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [*GRADE, *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env={**{k: v for k, v in os.environ.items() if k != "NO_COLOR"}, "PYTHONPATH": str(REPO), **env},
    )
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
    process.wait(timeout=600)
    return b"".join(chunks).decode()


def test_a_terminal_gets_colour_and_no_color_turns_it_off():
    args = (str(REPO / "exercises" / "losses.py"), "-k", "huber")
    coloured = grade_on_a_terminal(*args, env={})
    assert "\x1b[" in coloured and "losses: " in coloured
    plain = grade_on_a_terminal(*args, env={"NO_COLOR": "1"})
    assert "\x1b[" not in plain and "losses: " in plain
