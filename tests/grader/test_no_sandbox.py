"""Without bubblewrap: one plain sentence and the fix, never a crash-like header."""

from __future__ import annotations

import json
import os
import sys

import pytest
from helpers import REPO, run_grade

from grader.engine.worker.doctor import NO_SANDBOX

pytestmark = pytest.mark.e2e


def _grade_without_bwrap(*args: str, **env: str):
    # the interpreter's folder only: no bwrap (nor setpriv) on PATH, as on a machine without them
    return run_grade(*args, "--format", "json", env={"PATH": os.path.dirname(sys.executable), **env})


def test_without_bubblewrap_the_report_says_so_plainly_with_the_fix():
    done = _grade_without_bwrap(str(REPO / "solutions" / "losses.py"))
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["score"] == report["max_score"] > 0  # the no-sandbox path still grades
    assert report["sandbox"] == "none"
    (note,) = [n for n in report["notes"] if n.startswith(NO_SANDBOX)]
    assert "bubblewrap: not installed" in note and "apt-get install -y bubblewrap" in note
    assert "Error" not in note and "uid 65534" not in note


def test_sandbox_turned_off_names_the_switch():
    done = _grade_without_bwrap(
        str(REPO / "exercises" / "losses.py"), "-k", "huber", TORCHGRADE_NO_SANDBOX="1"
    )
    (note,) = [n for n in json.loads(done.stdout)["notes"] if n.startswith(NO_SANDBOX)]
    assert "Fix: unset TORCHGRADE_NO_SANDBOX" in note
