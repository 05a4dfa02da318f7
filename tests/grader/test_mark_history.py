"""Marks keep their history (who, when, why; the latest counts), an edited rubric re-totals a
rubric mark with a line saying so, and the marks table is read by column name under a schema
version: an older gradebook is brought up to date, a newer one refused."""

from __future__ import annotations

import csv
import json
import sqlite3

import pytest
from test_report_html import make_check

from grader.batch.exports import write_csv, write_json
from grader.batch.feedback import feedback_markdown
from grader.batch.gradebook import CourseBook, Gradebook, Row
from grader.batch.marking import MarkRequest, open_inquiry, read_sheet, record_marks, resolve_inquiry
from grader.batch.marks import SEEDED, MarkBook, MarkSchemaError
from grader.batch.overrides import open_recorded, student_history
from grader.batch.standing import final_rows
from grader.batch.summary import class_stats, summary_text

pytestmark = pytest.mark.unit

COURSE = """
[assignments.hw1]
exercises = ["losses.mse"]
points = 30

[assignments.hw1.manual.explain]
points = 20
rubric = [{{ id = "a", points = 12, text = "first" }}, {{ id = "b", points = {b}, text = "second" }}]
"""


@pytest.fixture
def out(tmp_path):
    (tmp_path / "course.toml").write_text(COURSE.format(b=8))
    folder = tmp_path / "out"
    folder.mkdir()
    gradebook = Gradebook(folder / "gradebook.sqlite")
    for student in ("alice", "bob"):
        report = {"topics": [{"name": "losses", "tests": [make_check("passed", "mse")]}]}
        gradebook.record(Row(student, "h", "v", "graded", "", 0, 0, report))
    CourseBook(gradebook).set_meta("course", {"file": str(tmp_path / "course.toml"), "assignment": "hw1"})
    gradebook.close()
    return folder


def rows(out) -> dict[str, Row]:
    with open_recorded(out) as recorded:
        return {
            r.student: r for r in final_rows(recorded.gradebook.rows(), recorded.assignment, recorded.book)
        }


def history(out, student: str):
    with open_recorded(out) as recorded:
        return MarkBook(recorded.gradebook.connection).history(student)


def test_every_mark_is_kept_with_who_when_and_why_and_the_latest_counts(out, tmp_path):
    record_marks(out, [MarkRequest("alice", "explain", 10, comment="first look")], by="ta1")
    sheet = tmp_path / "marks.csv"
    sheet.write_text("student,item,points,comment\nalice,explain,14,second look\n")
    record_marks(out, read_sheet(sheet), by="ta2")
    open_inquiry(out, "alice", "explain", "I named delta", by="alice")
    resolve_inquiry(out, "alice", "explain", "right: +4", 18, by="prof")
    kept = history(out, "alice")
    assert [(m.points, m.comment, m.marked_by, m.why) for m in kept] == [
        (10, "first look", "ta1", "grade batch mark"),
        (14, "second look", "ta2", "marks.csv, row 2"),
        (18, "right: +4", "prof", "inquiry 1 resolved"),
    ]
    assert all(m.marked_at.endswith("Z") for m in kept)
    assert rows(out)["alice"].report["standing"]["manual"]["explain"]["points"] == 18  # the latest
    said = student_history(out, "alice")
    assert (
        "explain 10  by ta1  (grade batch mark)" in said
        and "explain 18  by prof  (inquiry 1 resolved)" in said
    )


def test_an_edited_rubric_re_totals_a_rubric_mark_with_a_line_saying_so(out, tmp_path):
    record_marks(out, [MarkRequest("alice", "explain", rubric=("a", "b"))], by="ta1")
    record_marks(out, [MarkRequest("bob", "explain", points=9)], by="ta1")
    assert rows(out)["alice"].score == 30
    (tmp_path / "course.toml").write_text(COURSE.format(b=4))  # the second line now worth 4
    alice, bob = rows(out)["alice"], rows(out)["bob"]
    assert alice.report["standing"]["manual"]["explain"]["points"] == 16 and alice.score == 26
    assert bob.report["standing"]["manual"]["explain"]["points"] == 9  # points typed: unchanged
    feedback = feedback_markdown(alice)
    assert "16 / 20" in feedback and feedback.count("the rubric changed after marking: 20 → 16") == 1
    said = summary_text(class_stats(list(rows(out).values())))
    assert "re-totalled since the rubric changed (each student's feedback says so once): explain 1" in said
    assert "explain: the rubric changed after marking: 20 → 16" in student_history(out, "alice")


def _old_gradebook(out) -> None:
    """The marks table as the first schema wrote it (no why, no history, no version)."""
    connection = sqlite3.connect(out / "gradebook.sqlite")
    connection.execute(
        "CREATE TABLE marks (student TEXT NOT NULL, item TEXT NOT NULL, points REAL NOT NULL, "
        "rubric TEXT NOT NULL, comment TEXT NOT NULL, note TEXT NOT NULL, marked_by TEXT NOT NULL, "
        "marked_at TEXT NOT NULL, PRIMARY KEY (student, item))"
    )
    connection.execute(
        "INSERT INTO marks VALUES ('bob', 'explain', 7, ?, 'old', 'n', 'ta0', '2026-01-01T00:00:00Z')",
        (json.dumps([]),),
    )
    connection.commit()
    connection.close()


def test_an_older_gradebooks_marks_are_brought_up_to_date_and_a_newer_one_refused(out):
    _old_gradebook(out)
    assert [(m.points, m.marked_by, m.why) for m in history(out, "bob")] == [(7, "ta0", SEEDED)]
    record_marks(out, [MarkRequest("bob", "explain", 8)], by="ta1")
    assert [m.points for m in history(out, "bob")] == [7, 8] and rows(out)["bob"].score == 18
    connection = sqlite3.connect(out / "gradebook.sqlite")
    assert (
        json.loads(connection.execute("SELECT value FROM meta WHERE key = 'marks_schema'").fetchone()[0]) == 2
    )
    connection.execute("UPDATE meta SET value = '3' WHERE key = 'marks_schema'")
    connection.commit()
    connection.close()
    with pytest.raises(MarkSchemaError, match="schema 3, written by a newer torchgrade"):
        rows(out)


def test_gradebook_csv_and_json_carry_a_column_per_manual_item(out, tmp_path):
    record_marks(out, [MarkRequest("alice", "explain", 14.5)], by="ta1")
    final = sorted(rows(out).values(), key=lambda row: row.student)
    write_csv(final, tmp_path / "gradebook.csv")
    with (tmp_path / "gradebook.csv").open(newline="") as handle:
        table = list(csv.DictReader(handle))
    assert [(r["student"], r["explain"]) for r in table] == [("alice", "14.5"), ("bob", "")]
    write_json(final, tmp_path / "gradebook.json")
    listed = json.loads((tmp_path / "gradebook.json").read_text())
    assert [r["manual"] for r in listed] == [{"explain": 14.5}, {}]
