"""``grade batch``'s rules before grading (grader/batch/setup.py): what a course file fills in,
what the caller's own settings keep, what is refused; and the Python API with a course makes
the same run as ``grade batch --course``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import REPO, run_grade

from grader.base.options import Limits, Options, Selection
from grader.batch.gradebook import Gradebook
from grader.batch.setup import BatchOptions, Refused, prepared, with_course
from grader.course.toml import load_course
from grader.engine.selection import UsageProblem

COURSE = """
[course]
name = "Deep learning"
seed = "course-secret"
roster = "roster.csv"

[limits]
timeout = 7.5
budget = 200.0

[assignments.hw1]
title = "Homework 1"
topics = ["losses"]
exercises = ["tensors.one_hot"]
points = 10
"""
ROSTER = "Username,First name,Last name\nalice,Alice,Liddell\nbob,Bob,Builder\n"


@pytest.fixture
def course(tmp_path):
    (tmp_path / "roster.csv").write_text(ROSTER)
    (tmp_path / "course.toml").write_text(COURSE)
    return load_course(tmp_path / "course.toml")


@pytest.mark.unit
def test_the_course_fills_what_the_caller_left_unsaid(course):
    options = with_course(BatchOptions(course=course, assignment="hw1"))
    grading = options.grading
    assert grading.course_seed == "course-secret"
    assert grading.selection.topics == ("losses", "tensors")
    assert grading.limits == Limits(timeout=7.5, memory_mb=Limits().memory_mb, budget=200.0)
    assert options.roster is not None and [m.key for m in options.roster.members] == ["alice", "bob"]
    assert with_course(options) == options  # applied once or twice: the same run


@pytest.mark.unit
def test_what_the_caller_said_wins_over_the_course(course):
    said = BatchOptions(
        grading=Options(
            limits=Limits(timeout=3.0),
            selection=Selection(topics=("cnn",)),
            course_seed="",
        ),
        course=course,
        assignment="hw1",
        given=frozenset({"budget"}),  # the default budget, given on purpose
    )
    grading = with_course(said).grading
    assert grading.course_seed == "" and grading.selection.topics == ("cnn",)
    assert grading.limits == Limits(timeout=3.0, budget=Limits().budget)


@pytest.mark.unit
@pytest.mark.parametrize(
    "change, says",
    [
        (lambda tmp, o: (tmp / "nowhere", tmp / "out", o), "no such folder"),
        (lambda tmp, o: (tmp, tmp / "out", o), "--out must not lie inside"),
        (
            lambda tmp, o: (tmp / "class", tmp / "out", BatchOptions(assignment="nope", course=o.course)),
            "no assignment 'nope'",
        ),
    ],
)
def test_a_run_that_cannot_start_is_refused_with_why(tmp_path, course, change, says):
    (tmp_path / "class").mkdir()
    submissions, out, options = change(tmp_path, BatchOptions(course=course, assignment="hw1"))
    with pytest.raises(UsageProblem, match=says):
        prepared(submissions, out, options)


@pytest.mark.unit
def test_a_course_roster_that_cannot_be_read_names_the_key(tmp_path, course):
    (tmp_path / "roster.csv").write_text("")
    with pytest.raises(Refused, match=r"course.toml: course.roster: roster.csv is empty"):
        with_course(BatchOptions(course=course))


API_RUN = """
import sys
from pathlib import Path
from grader.batch.run import run_batch
from grader.batch.setup import BatchOptions
from grader.course.toml import load_course
submissions, out, course = map(Path, sys.argv[1:])
run_batch(submissions, out, BatchOptions(course=load_course(course), assignment="hw1"))
"""


@pytest.mark.e2e
def test_the_python_api_with_a_course_makes_the_cli_run(tmp_path, course):
    """Two untouched stubs (graded from the table of checks: no worker) through both doors."""
    submissions = tmp_path / "class"
    submissions.mkdir()
    for student in ("alice", "bob"):
        folder = submissions / student
        folder.mkdir()
        for topic in ("losses", "tensors"):
            (folder / f"{topic}.py").write_text((REPO / "exercises" / f"{topic}.py").read_text())
    done = run_grade(
        "batch",
        str(submissions),
        "--out",
        str(tmp_path / "cli"),
        "--course",
        str(course.path),
        "--assignment",
        "hw1",
        "--allow-no-sandbox",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    api = subprocess.run(
        [sys.executable, "-c", API_RUN, str(submissions), str(tmp_path / "api"), str(course.path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert api.returncode == 0, api.stderr[-2000:]
    for name in ("gradebook.csv", "moodle.csv"):
        assert (tmp_path / "api" / name).read_text() == (tmp_path / "cli" / name).read_text(), name
    cli_rows, api_rows = (
        json.loads((tmp_path / side / "gradebook.json").read_text()) for side in ("cli", "api")
    )
    assert _without_times(api_rows) == _without_times(cli_rows)
    seeds = [Gradebook(tmp_path / side / "gradebook.sqlite").course_seed() for side in ("cli", "api")]
    assert seeds[0] == seeds[1] == (True, "course-secret")


def _without_times(rows: object) -> object:
    if isinstance(rows, dict):
        return {k: _without_times(v) for k, v in rows.items() if k not in ("seconds", "graded_at", "wall")}
    if isinstance(rows, list):
        return [_without_times(v) for v in rows]
    return rows
