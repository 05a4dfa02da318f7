"""Marking a class of 200 in ``grade batch review --serve`` as fast as a class of 20: the server
reads the class once, so a save and the next student's page cost the same whatever its size.

The class is generated (tests/grader/marking_class.py: a Moodle download, its worksheet and a
gradebook of reports of a real grading's size), the server runs as an instructor starts it, and
the requests are the ones the marking page makes, redirects followed, then the same in headless
Chromium as a marker makes them (the "Save, next not marked" button clicked, ``j`` pressed; each
timed by the browser from the navigation's start to the next page's load event). The goal, on
the loaded 2-core machine: save+next and next/previous at most 0.5 s median both ways (they took
4 to 14 s when every request read the whole class). The figures at 2,000: docs/benchmark.md.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import urllib.request

import pytest
from browser import CHROMIUM
from helpers import REPO
from marking_class import save_and_next, time_in_browser, time_marking, write_marking_class

pytestmark = pytest.mark.e2e

SIZE = 200
GOAL = 0.5  # seconds, median


def test_save_next_and_previous_take_under_half_a_second_at_200_students(tmp_path):
    out = write_marking_class(tmp_path, SIZE)
    server = subprocess.Popen(
        [sys.executable, "-m", "grader", "batch", "review", "--serve", "--out", str(out), "--by", "ta1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    try:
        line = server.stdout.readline() if server.stdout else ""
        assert " at http://127.0.0.1:" in line, line
        url = line.split(" at ", 1)[1].split()[0]
        with urllib.request.urlopen(url) as answer:
            assert answer.read().decode().count("<tr>") == SIZE + 1
        save_and_next(url, 0, "plot", 5)  # the first request warms the server's imports
        saving, moving = time_marking(url, 15)
        assert max(saving, moving) <= GOAL, f"save+next {saving:.2f} s, next {moving:.2f} s (median)"
        if CHROMIUM:  # the same, as the browser sees it
            saving, moving = time_in_browser(url, 9)
            assert max(saving, moving) <= GOAL, f"in Chromium: save+next {saving:.2f} s, next {moving:.2f} s"
    finally:
        server.send_signal(signal.SIGINT)
        said = server.communicate(timeout=60)
    saved = 25 if CHROMIUM else 16
    assert server.returncode == 0 and f"{saved} mark(s) saved" in said[0] + said[1], said
