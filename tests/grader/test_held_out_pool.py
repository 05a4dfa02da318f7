"""Held-out scores taken in the worker pool (grader/batch/leaderboard.py's HeldOutScores): each
grading task of a topic with a board takes its submission's scores after its checks, in the
grading process (this machine's pool or a Dask worker), and the coordinator records them with the
row; before, every score was taken serially after the whole class was graded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from grader.base.options import Leaderboard
from grader.batch import leaderboard, remote
from grader.batch.intake import Gradable
from grader.course.held_out import Score

BOARDS = (
    Leaderboard("cnn", "SimpleCNN", "accuracy", "desc"),
    Leaderboard("mlp", "DiabetesNet", metric="mse", order="asc"),
)
ALICE = Gradable("alice", Path("alice"), "hash-1")


@pytest.mark.unit
def test_a_task_takes_the_scores_of_its_topic_s_boards_not_yet_taken():
    connection = sqlite3.connect(":memory:")
    keys = {"cnn": "key-1", "mlp": "key-2"}
    wanted = leaderboard.followup(connection, ALICE, "cnn", BOARDS, keys)
    assert wanted == leaderboard.HeldOutScores((("SimpleCNN", "accuracy"),))
    leaderboard.record(connection, ALICE, Score("SimpleCNN", "accuracy", "desc", 0.9), keys["cnn"])
    assert leaderboard.followup(connection, ALICE, "cnn", BOARDS, keys) is None  # taken already
    assert leaderboard.followup(connection, ALICE, "cnn", BOARDS, {**keys, "cnn": "key-3"}) is not None
    assert leaderboard.followup(connection, ALICE, "losses", BOARDS, keys) is None  # no board
    changed = Gradable("alice", Path("alice"), "hash-2")
    assert leaderboard.followup(connection, changed, "cnn", BOARDS, keys) is not None


@pytest.mark.unit
def test_a_score_that_raises_is_a_reason_never_the_task_s_crash(monkeypatch):
    import grader.course.held_out

    def broken(*args, **kwargs):
        raise ValueError("no such set")

    monkeypatch.setattr(grader.course.held_out, "score_held_out", broken)
    task = type("Task", (), {"path": Path("x"), "topic": "cnn", "single_file": False})()
    (score,) = leaderboard.HeldOutScores((("SimpleCNN", "accuracy"),))(task)
    assert score.value is None and "no such set" in score.reason


def _answer(held_out: list) -> dict:
    from grader.checks.verdict.scoring import TopicResult

    return {
        "outcome": {
            "result": TopicResult("cnn", []).to_json(),
            "seconds": {},
            "engine_problem": "",
            "confinement": {"usable": True, "how": "bubblewrap", "uid_dropped": False},
            "held_out": held_out,
        }
    }


@pytest.mark.unit
def test_a_dask_worker_s_scores_come_back_as_checked_plain_data():
    score = {"exercise": "SimpleCNN", "metric": "accuracy", "order": "desc", "value": 0.9, "reason": ""}
    outcome = remote.read_outcome(_answer([{**score, "seconds": 1.5}]))
    assert outcome.followed == (Score("SimpleCNN", "accuracy", "desc", 0.9, "", 1.5),)
    assert remote.read_outcome(_answer([])).followed is None
    for forged in ({**score, "value": "0.9"}, {**score, "exercise": ["x"]}):
        with pytest.raises(ValueError):
            remote.read_outcome(_answer([{**forged, "seconds": 1.0}]))


def where_it_ran(task) -> int:
    """A followup that says which process took it."""
    import os

    return os.getpid()


@pytest.mark.engine
def test_a_followup_runs_in_the_grading_process_after_the_checks():
    """Two tasks on two grading processes: each outcome carries what its followup answered, in
    the process that graded it (not this one)."""
    import os

    from helpers import REPO

    from grader.base.options import Options, Selection
    from grader.engine.runner import Task, run_tasks

    options = Options(device="cpu", selection=Selection(exercises=("accuracy", "mse")))
    tasks = [
        Task(REPO / "solutions" / f"{topic}.py", topic, True, options, followup=where_it_ran)
        for topic in ("tensors", "losses")
    ]
    outcomes = {}
    run_tasks(tasks, jobs=2, on_outcome=lambda task, outcome: outcomes.update({task.topic: outcome}))
    pids = {topic: outcome.followed for topic, outcome in outcomes.items()}
    assert all(isinstance(pid, int) and pid != os.getpid() for pid in pids.values()), pids
    assert all(
        o.result.tests and all(t.status == "passed" for t in o.result.tests) for o in outcomes.values()
    )
