"""The pool of forked grading processes: order of its calls, and a process that dies mid-task."""

from __future__ import annotations

import os

import pytest

from grader.engine.worker.pool import GraderCrashed, GraderPool

pytestmark = pytest.mark.engine


STARTED: list[int] = []  # filled in each grading process by its initializer


def square_or_die(task: int) -> int:
    if task < 0:
        os._exit(3)  # a grading process that dies mid-task
    return task * task


def test_a_freed_process_gets_its_next_task_before_the_result_is_handled():
    calls: list[str] = []
    with GraderPool(1, square_or_die) as pool:
        pool.run(
            [1, 2, 3],
            on_result=lambda task, result: calls.append(f"result {task}={result}"),
            on_start=lambda task: calls.append(f"start {task}") or task,
        )
    assert calls == ["start 1", "start 2", "result 1=1", "start 3", "result 2=4", "result 3=9"]


def test_a_process_that_dies_costs_its_task_only_and_is_replaced():
    results: dict[int, object] = {}
    with GraderPool(2, square_or_die) as pool:
        pool.run([1, -1, 2, 3, 4], on_result=results.__setitem__)
    assert isinstance(results.pop(-1), GraderCrashed)
    assert results == {1: 1, 2: 4, 3: 9, 4: 16}


def test_each_process_runs_the_initializer_once_before_its_tasks():
    def started_in(task: int) -> list[int]:
        return STARTED + [os.getpid()]

    results: dict[int, list[int]] = {}
    with GraderPool(2, started_in, lambda: STARTED.append(os.getpid())) as pool:
        pool.run(range(6), on_result=results.__setitem__)
    assert STARTED == [], "not in this process"
    assert all(seen[:-1] == [seen[-1]] for seen in results.values()), results
