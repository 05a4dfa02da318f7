"""``grade next`` and ``grade reset EXERCISE``, on a copy of exercises/."""

from __future__ import annotations

import shutil

import pytest
from helpers import REPO, run_grade

from grader.apps.learner import find_next, original_stub, points_line, start_line
from grader.checks import scoring
from grader.checks.scoring import Report, TopicResult


def _copy(tmp_path, solved: tuple[str, ...]):
    folder = tmp_path / "work"
    shutil.copytree(REPO / "exercises", folder)
    for topic in solved:
        shutil.copy(REPO / "solutions" / f"{topic}.py", folder / f"{topic}.py")
    return folder


@pytest.mark.e2e
def test_next_names_the_first_exercise_not_full_with_its_docstring_and_command(tmp_path):
    folder = _copy(tmp_path, ("tensors", "autograd"))
    done = run_grade("next", str(folder), "--run", timeout=300)
    assert done.returncode == 0, done.stderr
    first, second, fastest, more, *graded = done.stdout.strip().splitlines()
    assert first.startswith("next: mse (losses): Mean squared error")
    assert second == f"check it with: grade {folder / 'losses.py'} --exercise mse"
    assert fastest.startswith(f"fastest: leave `grade watch {folder}` open")
    assert "grade next --run" in more and "grade hint mse" in more
    table = "\n".join(graded)  # --run: that exercise graded at once
    assert "losses" in table and "mse" in table and "tensors " not in table, table


@pytest.mark.unit
def test_next_skips_full_exercises_within_a_topic_and_says_when_all_are_full(tmp_path):
    def passed(*exercises):
        return [{"status": "passed", "exercises": [e]} for e in exercises]

    folder = _copy(tmp_path, ())
    graded = {"tensors": passed("add_into"), "autograd": passed("linear_grad")}
    graded["losses"] = passed("mse", "l1") + [{"status": "failed", "exercises": ["huber"]}]
    found = find_next(folder, lambda topic: graded.get(topic, []))
    assert found is not None and (found.topic, found.exercise) == ("losses", "huber")
    assert find_next(folder, lambda topic: passed("everything")) is None


@pytest.mark.e2e
def test_reset_restores_one_stub_and_saves_the_file_beside_it(tmp_path):
    folder = _copy(tmp_path, ("losses",))
    solved = (folder / "losses.py").read_text()
    done = run_grade("reset", "softmax", str(folder), timeout=60)
    assert done.returncode == 0, done.stderr
    now = (folder / "losses.py").read_text()
    assert 'raise NotImplementedError("softmax' in now
    assert "def mse(" in now and now.count("NotImplementedError") == 1  # the others stay solved
    (saved,) = folder.glob("losses.py.*.bak")
    assert saved.read_text() == solved and str(saved) in done.stdout


@pytest.mark.e2e
def test_reset_of_an_unknown_exercise_is_a_usage_error(tmp_path):
    folder = _copy(tmp_path, ())
    done = run_grade("reset", "softmx", str(folder), timeout=60)
    assert done.returncode == 2 and "did you mean 'softmax'" in done.stderr
    assert not list(folder.glob("*.bak"))


@pytest.mark.unit
@pytest.mark.skipif(shutil.which("git") is None or not (REPO / ".git").exists(), reason="not a git checkout")
def test_the_checkouts_own_stubs_reset_from_git():
    stub = REPO / "exercises" / "losses.py"
    assert original_stub("losses", stub) == stub.read_text()


def _report(*tests: tuple[str, str, str, float]) -> Report:
    """A report of (topic, exercise, status, points) checks."""
    topics: dict[str, TopicResult] = {}
    for topic, exercise, status, points in tests:
        kind = "convergence" if points > 1 else "shape"
        check = scoring.TestResult(f"test_{exercise}", kind, status, 0.0, points, exercises=(exercise,))
        topics.setdefault(topic, TopicResult(topic)).tests.append(check)
    return Report(topics=list(topics.values()), sandbox="none", device="cpu")


@pytest.mark.unit
def test_the_first_report_of_untouched_stubs_says_where_to_start(tmp_path):
    untouched = _report(("tensors", "one_hot", "not_started", 1), ("tensors", "add_into", "not_started", 1))
    line = start_line(untouched, tmp_path)
    assert line.startswith("start here: add_into in tensors") and f"grade next {tmp_path}" in line
    started = _report(("tensors", "add_into", "failed", 1), ("tensors", "one_hot", "not_started", 1))
    assert start_line(started, tmp_path) == ""


@pytest.mark.unit
def test_the_report_explains_why_points_and_checks_differ():
    assert points_line(_report(("mlp", "relu", "passed", 1))) == ""
    line = points_line(
        _report(("mlp", "relu", "passed", 1), ("mlp", "MLP", "failed", 2), ("cnn", "SimpleCNN", "failed", 2))
    )
    assert "2 training checks count 2" in line
