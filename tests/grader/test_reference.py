"""CI validation: every reference solution scores full, every untouched stub scores zero."""

from __future__ import annotations

import pytest

from grader.base.topics import available_topics

pytestmark = pytest.mark.e2e


def test_solutions_score_full_marks(solutions_report):
    code, report = solutions_report
    assert [t["name"] for t in report["topics"]] == available_topics()
    for topic in report["topics"]:
        bad = [
            (t["id"], t["status"], t["message"])
            for t in topic["tests"]
            if t["status"] not in ("passed", "skipped")
        ]
        assert not bad, f"{topic['name']}: {bad}"
        skipped = [t for t in topic["tests"] if t["status"] == "skipped"]
        assert all(t["kind"] == "device" and "no CUDA device" in t["message"] for t in skipped), (
            "only CUDA checks may skip: a CPU device check decides"
        )
        assert topic["score"] == topic["max_score"] > 0
    assert code == 0


def test_untouched_stubs_score_zero_and_are_not_started(exercises_report):
    code, report = exercises_report
    assert code == 1 and report["score"] == 0 and report["max_score"] > 0
    for topic in report["topics"]:
        assert len(topic["tests"]) >= 12, f"{topic['name']} has fewer than 12 checks"
        statuses = {t["status"] for t in topic["tests"] if t["status"] != "skipped"}
        assert statuses == {"not_started"}, f"{topic['name']}: {statuses}"


def test_every_topic_checks_all_four_kinds(solutions_report):
    _, report = solutions_report
    for topic in report["topics"]:
        kinds = {t["kind"] for t in topic["tests"]}
        required = (
            {"shape", "device"}
            if topic["name"] == "tensors"
            else {"shape", "gradient", "convergence", "device"}
        )
        assert required <= kinds, (topic["name"], kinds)
