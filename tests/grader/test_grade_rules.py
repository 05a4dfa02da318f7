"""What every student and LMS sees follows one rule: an extension of the course file wins over
an LMS's late marker (Canvas's ``late_``), which knows only the LMS's own due date; a student is
addressed by the roster's full name where it has one; an LMS's cells that are not students' are
written back as they were read; report.html gives each exercise's mean and discrimination index."""

from __future__ import annotations

import csv
import zipfile

import pytest
from lms_files import write_lms
from test_course import late_course
from test_report_html import make_check

from grader.batch.exports import export_all, export_roster, full_names, safe_name
from grader.batch.feedback import feedback_html
from grader.batch.gradebook import Row
from grader.batch.lms.base import LmsName, LmsSettings
from grader.batch.report_html import write_report
from grader.batch.roster import read_roster
from grader.batch.standing import Late, apply, late_penalty
from grader.batch.summary import class_stats

pytestmark = pytest.mark.unit


def test_an_extension_wins_over_the_lms_late_marker(tmp_path):
    hw = late_course(tmp_path, 'policy = "per_day"\npenalty = 10')
    extended = (
        "marked late by the LMS against its own due date; extended to 2026-10-16 12:00: no late penalty"
    )
    assert late_penalty(hw, "bob", None, True) == Late(0.0, "", extended)  # no "time unknown" penalty
    assert late_penalty(hw, "alice", None, True) == Late(
        10.0, "marked late by the LMS, time unknown: counted as 1 day late, −10 %"
    )
    row = Row("bob", "h", "v", "graded", "losses.py: late", 1, 1, {"topics": []})
    final = apply(row, hw, [], late_penalty(hw, "bob", None, True))
    assert f"extension: {extended}" in feedback_html(final, "Bob")  # beside "losses.py: late"


def test_feedback_addresses_a_student_by_the_rosters_full_name(tmp_path):
    (tmp_path / "canvas.csv").write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section\n    Points Possible,,,,\n"
        '"Turing, Alan",108,S1,aturing@uni.example,A\n'
    )
    (tmp_path / "moodle.csv").write_text("Username,First name,Last name\naturing@uni.example,Alan,Turing\n")
    row = Row("aturing@uni.example", "h", "v", "graded", "", 1, 1, {"topics": []})
    for roster in ("canvas.csv", "moodle.csv"):
        names = full_names(read_roster(tmp_path / roster))
        assert names == {"aturing@uni.example": "Alan Turing"}
        (tmp_path / roster.split(".")[0]).mkdir()
        export_all([row], tmp_path / roster.split(".")[0], names=names)
        feedback = (tmp_path / roster.split(".")[0] / "feedback" / f"{safe_name(row.student)}.md").read_text()
        assert feedback.startswith("# Feedback for Alan Turing")
        assert "Feedback for Alan Turing" in feedback_html(row, names[row.student])


def test_canvas_points_possible_is_kept_byte_for_byte(tmp_path):
    export = (
        "Student,ID,SIS User ID,SIS Login ID,Section,torchgrade (losses)\n"
        "    Points Possible,,,,,50.00\n"
        '"Turing, Alan",108,S1,aturing,A,\n'
    )
    (tmp_path / "export.csv").write_text(export)
    row = Row("aturing", "h", "v", "graded", "", 36.889, 50, {"topics": []})
    written = write_lms(
        [row], read_roster(tmp_path / "export.csv"), "torchgrade (losses)", tmp_path / "canvas.csv"
    )
    lines = written[0].read_text(encoding="utf-8-sig").splitlines()
    assert lines[:2] == export.splitlines()[:2] and lines[2].endswith(",36.89")


def test_lms_feedback_is_html_for_moodle_and_plain_text_for_canvas(tmp_path):
    tests = [make_check("failed", "mse", message="mse(y_hat, y) differs for x in [-4, 4] *here*")]
    row = Row("aturing", "h", "v", "graded", "", 0, 1, {"topics": [{"name": "losses", "tests": tests}]})
    (tmp_path / "worksheet.csv").write_text(
        "Identifier,Full name,Email address,Status,Grade,Maximum Grade,Last modified (grade),Feedback comments\n"
        "Participant 501,Alan Turing,aturing,Submitted,,10.00,-,\n"
    )
    (tmp_path / "canvas.csv").write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section\n    Points Possible,,,,\n"
        '"Turing, Alan",108,S1,aturing,A\n'
    )
    settings = LmsSettings()
    moodle = read_roster(tmp_path / "worksheet.csv")
    (tmp_path / "m").mkdir()
    export_roster([row], moodle, tmp_path / "m", "losses", {}, settings)
    with (tmp_path / "m" / "moodle.csv").open(encoding="utf-8-sig", newline="") as handle:
        comment = next(csv.DictReader(handle))["Feedback comments"]
    assert comment.startswith("<h1>Feedback for Alan Turing</h1>") and "<table>" in comment
    assert "y_hat" in comment and "\\_" not in comment and "**" not in comment and "# " not in comment
    canvas = read_roster(tmp_path / "canvas.csv")
    names = {"aturing": (LmsName("canvas", "turingalan", "108", "losses.py", attachment="9108"),)}
    (tmp_path / "c").mkdir()
    export_roster([row], canvas, tmp_path / "c", "losses", {}, settings, names=names)
    with zipfile.ZipFile(tmp_path / "c" / "canvas-feedback.zip") as archive:
        (text,) = [archive.read(n).decode() for n in archive.namelist()]
    assert (
        text.startswith("Feedback for Alan Turing\n")
        and "mse(y_hat, y) differs for x in [-4, 4] *here*" in text
    )
    assert "\\" not in text and "<" not in text and "**" not in text


def test_report_shows_each_exercises_mean_points_and_discrimination_index(tmp_path):
    def graded(student: str, mse: float, huber: float) -> Row:
        standing = {"exercises": {"losses.mse": (mse, 5.0), "losses.huber": (huber, 5.0)}}
        return Row(student, "h", "v", "graded", "", mse + huber, 10, {"topics": [], "standing": standing})

    # huber separates the strong from the weak (index 1), mse does not (everyone full: 0)
    rows = [graded(f"s{n}", 5.0, 5.0 if n >= 5 else 0.0) for n in range(10)]
    stats = class_stats(rows)
    assert stats.exercise_mean("losses.huber") == 2.5 and stats.exercise_mean("losses.mse") == 5
    assert stats.discrimination("losses.huber") == 1.0 and stats.discrimination("losses.mse") == 0.0
    assert class_stats(rows[:3]).discrimination("losses.huber") is None  # too few to tell
    page = write_report(stats, "hw1", tmp_path).read_text()
    assert "mean points" in page and "discrimination" in page
    assert "<td>2.50</td><td>1.00</td>" in page and "<td>5.00</td><td>0.00</td>" in page
