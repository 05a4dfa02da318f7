"""``grade batch mark`` and ``grade batch inquiry`` on a gradebook built from rows (no grading):
a sheet is checked whole before anything is written, an inquiry's resolution with points is a
mark or an override, and what people typed is cleaned before a terminal shows it."""

from __future__ import annotations

import pytest
from test_report_html import make_check

from grader.batch.gradebook import CourseBook, Gradebook, Row
from grader.batch.marking import (
    MarkProblem,
    MarkRequest,
    list_inquiries,
    open_inquiry,
    read_sheet,
    record_marks,
    resolve_inquiry,
)
from grader.batch.marks import MarkBook

pytestmark = pytest.mark.unit

COURSE = """
[assignments.hw1]
exercises = ["losses.mse", "losses.huber"]
points = 100

[assignments.hw1.manual.explain]
points = 20
rubric = [{ id = "a", points = 12, text = "first" }, { id = "b", points = 8, text = "second" }]
"""


@pytest.fixture
def out(tmp_path):
    (tmp_path / "course.toml").write_text(COURSE)
    folder = tmp_path / "out"
    folder.mkdir()
    gradebook = Gradebook(folder / "gradebook.sqlite")
    for student in ("alice", "bob"):
        tests = [make_check("passed", "mse"), make_check("failed", "huber")]
        gradebook.record(
            Row(student, "h", "v", "graded", "", 0, 0, {"topics": [{"name": "losses", "tests": tests}]})
        )
    CourseBook(gradebook).set_meta("course", {"file": str(tmp_path / "course.toml"), "assignment": "hw1"})
    gradebook.close()
    return folder


def stored(out) -> dict:
    gradebook = Gradebook(out / "gradebook.sqlite")
    try:
        book = MarkBook(gradebook.connection)
        return {
            "marks": book.marks(),
            "inquiries": book.inquiries(),
            "overrides": CourseBook(gradebook).overrides(),
        }
    finally:
        gradebook.close()


def test_a_sheet_with_one_bad_row_writes_nothing(out, tmp_path):
    sheet = tmp_path / "marks.csv"
    sheet.write_text("student,item,rubric,points,comment,note\nalice,explain,a b,,ok,n\nbob,explain,,21,,\n")
    with pytest.raises(MarkProblem, match="marks.csv, row 3: points for explain must lie in 0..20, not 21"):
        record_marks(out, read_sheet(sheet))
    assert stored(out)["marks"] == {}
    sheet.write_text("student,item,rubric,points,comment,note\nalice,explain,a b,,ok,n\nbob,explain,,7.5,,\n")
    said = record_marks(out, read_sheet(sheet), by="ta1")
    assert said.splitlines()[:2] == ["alice: explain 20", "bob: explain 7.5"]
    marks = stored(out)["marks"]
    assert (marks["alice"]["explain"].rubric, marks["alice"]["explain"].marked_by) == (("a", "b"), "ta1")
    assert marks["alice"]["explain"].marked_at.endswith("Z")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("student,points\nalice,3\n", "a header row with the columns"),
        ("student,item,points,grade\nalice,explain,3,A\n", "a header row with the columns"),
        ("student,item,points\nalice,explain,lots\n", "row 2: points 'lots' is not a number"),
        ("student,item,points\nalice,explain,\n", "row 2: give one of --points or --rubric"),
        ("student,item,points\nalice,explain,3\nAlice,explain,4\n", "row 3: alice and explain twice"),
        ("student,item,points\nzed,explain,3\n", "row 2: no gradings of 'zed'"),
        ("student,item,points\nalice,essay,3\n", "row 2: no manual item 'essay'"),
    ],
)
def test_a_wrong_sheet_says_which_row(out, tmp_path, text, said):
    sheet = tmp_path / "marks.csv"
    sheet.write_text(text)
    with pytest.raises(MarkProblem, match=said):
        record_marks(out, read_sheet(sheet))
    assert stored(out)["marks"] == {}


def test_resolving_with_points_marks_an_item_or_overrides_an_exercise(out):
    record_marks(out, [MarkRequest("alice", "explain", 10.0, note="kept")])
    open_inquiry(out, "alice", "explain", "I met b too")
    open_inquiry(out, "alice", "losses.huber", "huber is right")
    with pytest.raises(MarkProblem, match="2 open inquiries"):
        resolve_inquiry(out, "alice", None, "yes", None)
    resolve_inquiry(out, "alice", "explain", "b is met", 18.0)
    with pytest.raises(MarkProblem, match="must lie in 0..40"):
        resolve_inquiry(out, "alice", "losses.huber", "more", 60.0)
    resolve_inquiry(out, "alice", None, "fair", 35.0, by="prof")
    found = stored(out)
    mark = found["marks"]["alice"]["explain"]
    assert (mark.points, mark.comment, mark.note) == (18.0, "b is met", "kept")
    (override,) = found["overrides"]["alice"]
    assert (override.exercise, override.points, override.reason) == ("losses.huber", 35.0, "fair")
    assert [(i.state, i.reply, i.resolved_by) for i in found["inquiries"]] == [
        ("resolved", "b is met", found["inquiries"][0].resolved_by),
        ("resolved", "fair", "prof"),
    ]
    assert list_inquiries(out) == "no open inquiries"


def test_what_people_typed_reaches_a_terminal_cleaned(out):
    with pytest.raises(MarkProblem, match="no item 'losses.relu'"):
        open_inquiry(out, "bob", "losses.relu", "?")
    open_inquiry(out, "bob", "losses.mse", "\x1b[2J\x1b]0;owned\x07why\u202e 0?")
    shown = list_inquiries(out)
    assert (
        "\x1b" not in shown
        and "\u202e" not in shown
        and shown.endswith("losses.mse  open  " + shown.split("  ")[4] + "  why 0?")
    )
