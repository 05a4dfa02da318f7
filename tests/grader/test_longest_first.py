"""`grade PATH` hands its topics to the grading processes longest first (the manifest of
grader/base/topics.py holds each topic's measured seconds); the report keeps the teaching order."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REPO

from grader.base.options import Options
from grader.base.topics import LONGEST_FIRST, MANIFEST, TOPICS
from grader.engine import runner

pytestmark = pytest.mark.unit


class Handed(Exception):
    pass


def test_every_topic_has_its_place() -> None:
    assert sorted(LONGEST_FIRST) == sorted(TOPICS)
    assert [t.seconds for t in sorted(MANIFEST, key=lambda t: LONGEST_FIRST.index(t.name))] == sorted(
        (t.seconds for t in MANIFEST), reverse=True
    )


def test_topics_are_handed_out_longest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    handed: list[str] = []

    def capture(tasks: list[runner.Task], **_: object) -> None:
        handed.extend(task.topic for task in tasks)
        raise Handed

    monkeypatch.setattr(runner, "run_tasks", capture)
    with pytest.raises(Handed):
        runner.grade(Path(REPO / "solutions"), Options(device="cpu"))
    assert handed == list(LONGEST_FIRST)
    assert sorted(handed) == sorted(TOPICS)
