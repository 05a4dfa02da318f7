"""``grade next`` and ``grade reset EXERCISE``, on a copy of exercises/ (issue 27 item 6)."""

from __future__ import annotations

import shutil

import pytest
from helpers import REPO, run_grade

from grader.apps.learner import find_next, original_stub


def _copy(tmp_path, solved: tuple[str, ...]):
    folder = tmp_path / "work"
    shutil.copytree(REPO / "exercises", folder)
    for topic in solved:
        shutil.copy(REPO / "solutions" / f"{topic}.py", folder / f"{topic}.py")
    return folder


@pytest.mark.e2e
def test_next_names_the_first_exercise_not_full_with_its_docstring_and_command(tmp_path):
    folder = _copy(tmp_path, ("tensors", "autograd"))
    done = run_grade("next", str(folder), timeout=300)
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.strip().splitlines()
    assert first.startswith("next: mse (losses): Mean squared error")
    assert second == f"check it with: grade {folder / 'losses.py'} --exercise mse"


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
