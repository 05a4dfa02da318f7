"""An assignment's own ``language`` (else the course's) is what its students read: the feedback
of ``grade batch`` (unless ``--lang`` or ``TORCHGRADE_LANG`` chose another; the instructor's
locale does not), ``grade release`` and ``grade gradescope``."""

from __future__ import annotations

import os

import pytest
from helpers import run_grade

from grader.course.keys import CourseError
from grader.course.toml import load_course

COURSE = """
[course]
language = "en"

[assignments.hw1]
exercises = ["losses.mse"]
points = 10
language = "zh_CN"

[assignments.hw2]
exercises = ["losses.mse"]
points = 10
"""


@pytest.mark.unit
def test_an_assignment_has_its_own_language_else_the_courses(tmp_path):
    (tmp_path / "course.toml").write_text(COURSE)
    course = load_course(tmp_path / "course.toml")
    assert course.language_of(course.assignment("hw1")) == "zh_CN"
    assert course.language_of(course.assignment("hw2")) == "en" == course.language_of(None)
    (tmp_path / "bad.toml").write_text(COURSE.replace('language = "zh_CN"', 'language = "klingon"'))
    with pytest.raises(CourseError, match="assignments.hw1.language: one of"):
        load_course(tmp_path / "bad.toml")


@pytest.mark.e2e
def test_batch_writes_the_feedback_in_the_assignments_language(tmp_path):
    (tmp_path / "course.toml").write_text(COURSE)
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "alice.txt").write_text("no code\n")  # a row without grading
    env = {k: v for k, v in os.environ.items() if k != "TORCHGRADE_LANG"} | {"LANG": "en_US.UTF-8"}
    for assignment, lang, heading in (
        ("hw1", (), "# alice 的反馈"),
        ("hw1", ("--lang", "en"), "# Feedback for alice"),
    ):
        out = tmp_path / f"out-{len(lang)}"
        done = run_grade(
            *lang, "batch", str(tmp_path / "class"), "--out", str(out), "--course", str(tmp_path / "course.toml"),
            "--assignment", assignment, "--allow-no-sandbox", env=env, fresh=True,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        assert (out / "feedback" / "alice.md").read_text().startswith(heading)
