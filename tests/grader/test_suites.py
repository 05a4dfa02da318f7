"""One grading process collects a topic's suite once and runs it for task after task: each
task's options (-k, public-only, --exercise, the student's inputs) are its own, nothing of one
task's worker or fixtures reaches the next, and the results are those of a fresh run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import REPO

pytestmark = pytest.mark.e2e

# Run in a fresh process (the grading pool forks; see test_corpus.py).
TASKS_IN_ONE_PROCESS = """
import json, sys
from pathlib import Path
from grader.engine.suites import collected as suites
from grader.base.options import Options, Selection
from grader.engine.runner import Task, run_tasks

solution, stub, endless = (Path(p) for p in sys.argv[1:4])
runs = [
    ("all", solution, Options()),
    ("huber", solution, Options(selection=Selection(keyword="huber"))),
    ("endless", endless, Options(selection=Selection(keyword="huber and not device"))),
    ("public", solution, Options(selection=Selection(public_only=True))),
    ("mse", solution, Options(selection=Selection(exercises=("mse",)))),
    ("again", solution, Options()),
    ("stub", stub, Options()),
    ("student", solution, Options(course_seed="c", student="ada")),
]
made = []
real_init = suites.CollectedSuite.__init__

def counting(self, *args, **kwargs):
    made.append(args)
    real_init(self, *args, **kwargs)

suites.CollectedSuite.__init__ = counting
out = {}

def file(task, outcome):
    if isinstance(outcome, Exception):
        raise outcome
    out[task.owner] = [[t.id, t.status] for t in outcome.result.tests] + [["startup", outcome.seconds["startup"]]]

run_tasks([Task(path=path, topic="losses", single_file=True, options=options, owner=name) for name, path, options in runs], 1, file)
print(json.dumps({"collected": len(made), "runs": out}))
"""


@pytest.mark.timeout(600)
def test_one_collection_serves_every_task_with_its_own_options(tmp_path, solution_losses_report):
    endless = tmp_path / "losses.py"
    endless.write_text(
        (REPO / "solutions" / "losses.py").read_text()
        + "\n\ndef huber(y_hat, y, delta=1.0):\n    while True:\n        pass\n"
    )
    args = [str(REPO / "solutions" / "losses.py"), str(REPO / "exercises" / "losses.py"), str(endless)]
    done = subprocess.run(
        [sys.executable, "-c", TASKS_IN_ONE_PROCESS, *args],
        capture_output=True,
        text=True,
        timeout=540,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["collected"] == 1, "the suite is collected once per grading process"
    runs = {name: dict(rows) for name, rows in answer["runs"].items()}
    every = {i: s for i, s in runs["all"].items() if i != "startup"}

    _, fresh = solution_losses_report
    assert every == {t["id"]: t["status"] for t in fresh["topics"][0]["tests"]}, "as a fresh run grades"
    assert runs["again"] == {**runs["again"], **every} and len(runs["again"]) == len(runs["all"])
    assert set(runs["huber"]) - {"startup"} < set(every) and all(
        "huber" in i for i in runs["huber"] if i != "startup"
    )
    assert "timeout" in runs["endless"].values(), "a stalled worker is stopped..."
    assert set(runs["public"]) < set(runs["all"]) and set(runs["mse"]) < set(runs["all"])
    assert {s for i, s in runs["stub"].items() if i != "startup"} == {"not_started", "skipped"}
    assert runs["stub"]["startup"] == 0.0, "an untouched stub needs no worker"
    assert {i: s for i, s in runs["student"].items() if i != "startup"} == every, (
        "...and the next task is whole"
    )
