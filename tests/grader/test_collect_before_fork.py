"""A suite that several tasks of a run share (a class) is collected once, before the pool forks;
a suite of one task is left to its grading process, and a suite that breaks there is left to the
task that runs it, which reports it as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.base.options import Options
from grader.engine import runner
from grader.engine.suites import collected as suites


def _tasks(*topics: str) -> list[runner.Task]:
    return [runner.Task(Path(f"/nowhere/{i}.py"), topic, True, Options()) for i, topic in enumerate(topics)]


@pytest.mark.unit
def test_only_suites_that_several_tasks_run_are_collected_before_the_fork(monkeypatch):
    collected: list[tuple[str, float]] = []
    monkeypatch.setattr(suites, "collected", lambda topic, timeout: collected.append((topic, timeout)))
    runner.collect_before_fork(_tasks("losses", "mlp", "losses", "losses", "rnn"))
    assert collected == [("losses", Options().limits.timeout)]


@pytest.mark.unit
def test_a_suite_that_breaks_before_the_fork_is_left_to_its_tasks(monkeypatch):
    forgotten: list[str] = []

    def broken(topic: str, timeout: float) -> None:
        raise suites.SuiteBroken(f"{topic}: broken")

    monkeypatch.setattr(suites, "collected", broken)
    monkeypatch.setattr(suites, "forget", forgotten.append)
    runner.collect_before_fork(_tasks("losses", "losses"))
    assert forgotten == ["losses"]
