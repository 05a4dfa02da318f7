"""`grade PATH` hands its topics to the grading processes longest first (grader/defaults.py
says where the order was measured); the report keeps the teaching order."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REPO

from grader import defaults
from grader.engine import runner
from grader.options import Options
from grader.topics import TOPICS

pytestmark = pytest.mark.unit


class Handed(Exception):
    pass


def test_every_topic_has_its_place() -> None:
    assert sorted(defaults.LONGEST_TOPICS_FIRST) == sorted(TOPICS)


def test_topics_are_handed_out_longest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    handed: list[str] = []

    def capture(tasks: list[runner.Task], **_: object) -> None:
        handed.extend(task.topic for task in tasks)
        raise Handed

    monkeypatch.setattr(runner, "run_tasks", capture)
    with pytest.raises(Handed):
        runner.grade(Path(REPO / "solutions"), Options(device="cpu"))
    assert handed == list(defaults.LONGEST_TOPICS_FIRST)
    assert sorted(handed) == sorted(TOPICS)
