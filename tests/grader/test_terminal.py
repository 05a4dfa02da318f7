"""The report on a real terminal (a pseudo-terminal): colour unless NO_COLOR; piped, plain."""

from __future__ import annotations

import os

import pytest
from helpers import GRADE, REPO
from pty_run import one_stream_on_a_pty

pytestmark = pytest.mark.e2e


def grade_on_a_terminal(*args: str, env: dict[str, str]) -> str:
    """Run ``grade`` with its stdout on a pseudo-terminal and return what it printed."""
    plain = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    _, printed = one_stream_on_a_pty(
        [*GRADE, *args], "stdout", str(REPO), {**plain, "PYTHONPATH": str(REPO), **env}
    )
    return printed


def test_a_terminal_gets_colour_and_no_color_turns_it_off():
    args = (str(REPO / "exercises" / "losses.py"), "-k", "huber")
    coloured = grade_on_a_terminal(*args, env={})
    assert "\x1b[" in coloured and "losses: " in coloured
    plain = grade_on_a_terminal(*args, env={"NO_COLOR": "1"})
    assert "\x1b[" not in plain and "losses: " in plain
