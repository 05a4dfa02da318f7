"""Every check names the stub exercise(s) it judges, so that feedback, ``-k`` and the
notebooks' per-exercise checks can point at the right function."""

from __future__ import annotations

import pytest

from grader.base.topics import exercises

pytestmark = pytest.mark.e2e


def _exercises(topic: str) -> set[str]:
    return set(exercises(topic))  # the manifest's (grader/base/topics.py): the stub's public definitions


def test_every_check_names_exercises_of_its_stub(solutions_report):
    _, report = solutions_report
    for topic in report["topics"]:
        names = _exercises(topic["name"])
        for test in topic["tests"]:
            assert test["exercises"], f"{topic['name']}: {test['id']} names no exercise"
            assert set(test["exercises"]) <= names, f"{topic['name']}: {test['id']} names {test['exercises']}"


def test_every_exercise_has_a_check(solutions_report):
    _, report = solutions_report
    for topic in report["topics"]:
        judged = {name for test in topic["tests"] for name in test["exercises"]}
        assert judged == _exercises(topic["name"]), topic["name"]


def test_every_exercise_has_a_public_check(solutions_report):
    """A hand-out's check("name") cell runs the exercise's public checks: none would leave the
    learner without a verdict (the student release ships the public checks only)."""
    _, report = solutions_report
    for topic in report["topics"]:
        public = {
            name for test in topic["tests"] if test["visibility"] == "public" for name in test["exercises"]
        }
        assert public == _exercises(topic["name"]), (topic["name"], _exercises(topic["name"]) - public)
