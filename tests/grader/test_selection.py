"""Selections that say what they did (``--exercise``, ``-k``), and usage errors that answer
before torch is imported (a typo costs no torch start)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import REPO, grade_json, run_grade

from grader.engine.selection import UsageProblem, exercise_names, topics_with_exercises

# Runs `grade ARGS` and reports, at exit, whether torch was imported and the CPU time the command
# took from the import of the CLI on (the interpreter's own start is not ours to speed up). CPU
# time, not wall: other tests beside this one (pytest-xdist) make it wait for a core.
PROBE = """
import atexit, json, sys, time
started = time.process_time()
atexit.register(lambda: sys.stderr.write("\\n" + json.dumps(
    {"torch": "torch" in sys.modules, "seconds": time.process_time() - started})))
from grader.cli import main
main(prog_name="grade")
"""
USAGE_ERROR_SECONDS = 0.5  # a usage error answers in less than this (CPU seconds)


def _probe(*args: str) -> tuple[subprocess.CompletedProcess, dict]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    return done, json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.e2e
def test_unknown_exercise_is_a_usage_error_naming_the_close_ones():
    done = run_grade(str(REPO / "exercises" / "losses.py"), "--exercise", "softmx", timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "no exercise 'softmx' in losses" in done.stderr and "did you mean 'softmax'" in done.stderr
    assert "kl_div" in done.stderr  # the topic's exercises are listed


@pytest.mark.unit
def test_topics_with_exercises_keeps_the_topics_that_hold_one():
    assert topics_with_exercises(["tensors", "losses", "mlp"], ("mse", "relu")) == ["losses", "mlp"]
    assert topics_with_exercises(["tensors", "losses"], ()) == ["tensors", "losses"]
    with pytest.raises(UsageProblem, match="no exercise 'relu' in losses"):
        topics_with_exercises(["losses"], ("mse", "relu"))
    assert exercise_names("losses")[:2] == ("mse", "l1")


@pytest.mark.unit
@pytest.mark.parametrize("text", ["", "\ufeff" + "def mse(:\n", "def mse(y_hat, y\n"])
def test_the_exercises_come_from_the_topic_not_from_the_learners_file(tmp_path, monkeypatch, text):
    """A checkout's exercises/ is the learner's own file, in whatever state their editor left it."""
    from grader.base import topics

    kept = exercise_names("losses")
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "losses.py").write_text(text, encoding="utf-8")
    monkeypatch.setattr(topics, "REPO_ROOT", tmp_path)
    assert exercise_names("losses") == kept and "mse" in kept
    assert topics_with_exercises(["losses"], ("mse",)) == ["losses"]


@pytest.mark.e2e
def test_a_restricted_report_says_so_and_leaves_out_the_other_topics():
    _, report = grade_json(str(REPO / "exercises"), "--exercise", "mse", "--exercise", "relu")
    assert [t["name"] for t in report["topics"]] == ["losses", "mlp"]
    assert report["selection"].startswith("only the checks chosen by --exercise mse --exercise relu")
    assert {e for t in report["topics"] for c in t["tests"] for e in c["exercises"]} == {"mse", "relu"}
    done = run_grade(str(REPO / "exercises" / "losses.py"), "--exercise", "mse")
    assert done.stdout.splitlines()[1].startswith("only the checks chosen by --exercise mse")


@pytest.mark.e2e
@pytest.mark.parametrize(
    "args, says",
    [
        (["nowhere"], "no such file or folder"),
        (["exercises/", "--topic", "calculus"], "unknown topic"),
        (["exercises/losses.py", "--exercise", "softmx"], "did you mean 'softmax'"),
        (["exercises/", "-k", "huber and"], "not a valid expression"),
        (["exercises/", "--bogus"], "No such option"),
    ],
)
def test_usage_errors_answer_before_torch_is_imported(args, says):
    done, probe = _probe(*args)
    assert done.returncode == 2 and says in done.stderr
    assert not probe["torch"], "torch was imported before the usage error"
    assert probe["seconds"] < USAGE_ERROR_SECONDS, probe
