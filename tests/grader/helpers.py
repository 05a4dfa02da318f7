"""Helpers for the grader's own tests: run `grade` as a learner or CI would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GRADE = [sys.executable, "-m", "grader"]


def run_grade(
    *args: str, timeout: float = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run the ``grade`` command in a fresh process (as a learner or CI would)."""
    return subprocess.run(
        [*GRADE, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )


def grade_json(*args: str, timeout: float = 600) -> tuple[int, dict]:
    done = run_grade(*args, "--format", "json", timeout=timeout)
    assert done.returncode in (0, 1), f"exit {done.returncode}: {done.stderr[-2000:]}"
    return done.returncode, json.loads(done.stdout)
