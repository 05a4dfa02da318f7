"""``grade PATH -k EXPR``: pytest's keyword expressions select checks by exercise and name."""

from __future__ import annotations

import pytest
from helpers import REPO, grade_json, run_grade

from grader.engine.runner import keyword_problem


def _checks(report: dict) -> list[dict]:
    return [t for topic in report["topics"] for t in topic["tests"]]


@pytest.mark.e2e
def test_k_grades_only_the_checks_of_the_exercise_and_only_its_topic(solutions_report):
    _, everything = solutions_report
    full = {"topics": [t for t in everything["topics"] if t["name"] == "losses"]}
    code, report = grade_json(
        str(REPO / "exercises"), "--topic", "tensors", "--topic", "losses", "-k", "huber"
    )
    assert code == 1
    assert [t["name"] for t in report["topics"]] == ["losses"]  # tensors has no huber check
    chosen = _checks(report)
    assert chosen and len(chosen) < len(_checks(full))
    assert all("huber" in t["exercises"] or "huber" in t["id"] for t in chosen)
    assert {t["id"] for t in _checks(full) if "huber" in t["exercises"]} <= {t["id"] for t in chosen}
    assert report["max_score"] == sum(t["max_points"] for t in chosen)
    assert "-k 'huber'" in report["selection"]


@pytest.mark.e2e
def test_k_takes_boolean_expressions():
    _, report = grade_json(str(REPO / "exercises" / "losses.py"), "-k", "softmax and not log and not cross")
    assert {name for t in _checks(report) for name in t["exercises"]} == {"softmax"}


@pytest.mark.e2e
def test_k_that_selects_nothing_or_does_not_parse_is_a_usage_error():
    for expression, says in (
        ("no_such_exercise", "selects no check"),
        ("huber and", "not a valid expression"),
    ):
        done = run_grade(str(REPO / "exercises" / "losses.py"), "-k", expression)
        assert done.returncode == 2, done.stderr
        assert done.stdout == "" and len(done.stderr.strip().splitlines()) == 1
        assert says in done.stderr


@pytest.mark.unit
def test_keyword_problem_accepts_what_pytest_accepts():
    assert keyword_problem("huber or (mse and not l1)") == ""
    assert "not a valid expression" in keyword_problem("(huber")
