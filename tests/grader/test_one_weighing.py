"""One weighing (DESIGN.md, "One weighing"): course points, notes, overrides and Gradescope's
results start from the verdict each check carries and the report's own points; a course changes
an exercise's scale, never who is charged. Without a course, every number is the report's,
exercise by exercise; an exercise a course gives the report's points shows the report's numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from grader.apps.course_points import Split, applied
from grader.batch.causes import Note, Noted
from grader.batch.gradebook import Override, Row
from grader.batch.standing import Late, apply, weigh
from grader.checks.exercises import judge
from grader.checks.scoring import Report, TestResult, TopicResult
from grader.gradescope.config import Config
from grader.gradescope.run import results_for


def check(
    id_: str, exercises: tuple[str, ...], status: str, points: float = 1.0, kind: str = "shape", **more
) -> dict:
    row = TestResult(
        id=id_,
        kind=kind,
        status=status,
        points=points if status == "passed" else 0.0,
        max_points=points,
        public=more.pop("public", True),
        exercises=exercises,
        **more,
    )
    return row.to_json()


def rnn_report() -> dict:
    """rnn_cell right, gru_cell not started: the check they share raised in gru_cell (its record's
    ``blame``), as grading the stub with rnn_cell solved records it; a training check of 2 points
    and a 0.5-point clause beside the one-point checks."""
    tests = [
        check("rnn_cell_values", ("rnn_cell",), "passed"),
        check("rnn_cell_grad", ("rnn_cell",), "passed", kind="gradient"),
        check("rnn_cell_dtype", ("rnn_cell",), "passed", 0.5, clause="dtype"),
        check("cells_agree", ("rnn_cell", "gru_cell"), "not_started", blame="gru_cell", stub="gru_cell"),
        check("gru_cell_values", ("gru_cell",), "not_started", stub="gru_cell"),
        check("gru_cell_grad", ("gru_cell",), "not_started", kind="gradient", stub="gru_cell"),
        check("train_rnn", ("rnn_forward",), "failed", 2.0, kind="convergence"),
        check("rnn_forward_values", ("rnn_forward",), "passed"),
        check("rnn_forward_more", ("rnn_forward",), "passed"),
    ]
    return {"topics": [{"name": "rnn", "tests": tests}]}


def plain(report: dict) -> dict[str, list[float]]:
    """{topic.exercise: [points, max]} as the plain report shows them."""
    return {
        f"{topic['name']}.{e.name}": [e.points, e.max_points]
        for topic in report["topics"]
        for e in judge(topic["tests"])
    }


@dataclass(frozen=True)
class Points:
    """An assignment's points, as grader/batch/standing.py reads them."""

    exercise_points: dict[str, float]
    kind_weights: dict[str, float] = field(default_factory=dict)
    twin: str = "zero"


def report_points(report: dict) -> Points:
    """A course that gives every exercise the report's points (at the default kind weights)."""
    return Points({key: most for key, (_, most) in plain(report).items()})


@pytest.mark.unit
def test_the_plain_report_charges_the_shared_check_to_gru_cell():
    shown = plain(rnn_report())
    assert shown["rnn.rnn_cell"][0] == shown["rnn.rnn_cell"][1] > 0  # full: gru_cell's failure
    assert shown["rnn.gru_cell"][0] == 0


@pytest.mark.unit
def test_a_course_charges_who_the_verdict_charges():
    """Before: the course split the shared check into one share per exercise and charged each,
    rnn_cell 5.34 plain → 2.67 under a course."""
    report = rnn_report()
    _, course = weigh(report, report_points(report))
    assert course == plain(report)
    _, tenfold = weigh(report, Points({"rnn.rnn_cell": 10, "rnn.gru_cell": 10, "rnn.rnn_forward": 10}))
    assert tenfold["rnn.rnn_cell"] == [10, 10] and tenfold["rnn.gru_cell"] == [0, 10]


@pytest.mark.unit
def test_without_a_course_weighing_is_the_report():
    """Before: without a course every check counted 1 point (the training check 2, the clause 0.5
    in the report)."""
    report = rnn_report()
    _, exercises = weigh(report, None)
    assert exercises == plain(report)


@pytest.mark.unit
def test_a_course_keeps_the_ratio_inside_each_exercise():
    """rnn_forward: a 2-point training check failed beside two 1-point value checks: 2 / 4 in
    the report, so half of whatever the course gives it (before: 2 / 3 of it)."""
    _, course = weigh(rnn_report(), Points({"rnn.rnn_forward": 6}))
    assert course["rnn.rnn_forward"] == [3, 6]


def graded(report: dict) -> Row:
    shown = plain(report)
    earned, most = sum(e for e, _ in shown.values()), sum(m for _, m in shown.values())
    return Row("alice", "h", "v", "graded", "", earned, most, report)


def text_note(exercise: str, points: float | None = None) -> Noted:
    return Noted(Note(exercise, "cells_agree:not_started", "read the docstring again", points), True)


@pytest.mark.unit
@pytest.mark.parametrize("kind", ["note", "override", "both"])
def test_a_note_or_a_no_op_override_leaves_the_report_alone(kind):
    """Before: a 0-point text note or an override to the points the exercise already had moved
    the total (37/47 → 35/45; 5.34/53 → 3/50.99)."""
    report = rnn_report()
    row = graded(report)
    shown = plain(report)
    notes = [text_note("rnn.rnn_forward", 0.0)] if kind != "override" else []
    overrides = (
        [Override("alice", "rnn.rnn_cell", shown["rnn.rnn_cell"][0], False, "", shown["rnn.rnn_cell"][0])]
        if kind != "note"
        else []
    )
    final = apply(row, None, overrides, Late(0.0, ""), group_notes=notes)
    assert (final.score, final.max_score) == (row.score, row.max_score)
    assert final.report["standing"]["exercises"] == shown


@pytest.mark.unit
def test_gradescope_with_the_reports_points_shows_the_report():
    report = rnn_report()
    points = report_points(report)
    results = results_for({**report, "score": 0, "max_score": 0, "sandbox": "", "notes": []},
                          Config(exercise_points=points.exercise_points))  # fmt: skip
    by_exercise: dict[str, list[float]] = {}
    for test in results["tests"]:
        name = "rnn." + test["name"].split(": ", 1)[1].split(" ", 1)[0]
        earned, most = by_exercise.setdefault(name, [0.0, 0.0])
        by_exercise[name] = [round(earned + test["score"], 2), round(most + test["max_score"], 2)]
    assert by_exercise == plain(report)


@pytest.mark.unit
def test_a_course_release_shows_the_public_checks_report_points():
    """The release of a course that gives each exercise the report's points: what the public
    checks earn is what ``grade --public-only`` shows without a course."""
    public = [TestResult.from_json(t) for t in rnn_report()["topics"][0]["tests"]]
    hidden_ids = {"rnn_forward_more", "rnn_cell_grad"}
    ran = [t for t in public if t.id not in hidden_ids]
    whole = plain(rnn_report())
    split = Split(
        assignment="hw",
        total=sum(m for _, m in whole.values()),
        exercise_points={k: m for k, (_, m) in whole.items()},
        kind_weights={},
        twin="zero",
        whole={"rnn": {k.split(".", 1)[1]: m for k, (_, m) in whole.items()}},
    )
    shown = applied(Report([TopicResult("rnn", ran)], sandbox="", device=""), split).to_json()
    public_only = plain({"topics": [{"name": "rnn", "tests": [t.to_json() for t in ran]}]})
    assert {f"rnn.{e['name']}": [e["points"], e["max_points"]] for e in shown["topics"][0]["exercises"]} == (
        public_only
    )
