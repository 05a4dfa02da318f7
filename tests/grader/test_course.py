"""The course file: refused on one line naming the key; points, late penalties, overrides and
finding a student, as fast unit tests (no grading: tests/grader/test_course_batch.py grades)."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from helpers import run_grade

from grader.batch.feedback import feedback_markdown
from grader.batch.find import StudentNotFound, find_student
from grader.batch.gradebook import CourseBook, Gradebook, Override, Row, Submitted
from grader.batch.intake import Submission
from grader.batch.marks import Mark
from grader.batch.overrides import OverrideProblem, record_override, student_history
from grader.batch.report_html import render
from grader.batch.roster import read_roster
from grader.batch.run import graded_version
from grader.batch.standing import Late, apply, late_penalty, weigh
from grader.batch.summary import class_stats
from grader.batch.times import submission_times
from grader.course.example import example
from grader.course.keys import CourseError
from grader.course.toml import load_course
from grader.gradescope.config import Config
from grader.gradescope.run import results_for

GOOD = """
[course]
timezone = "UTC"
[assignments.hw]
exercises = ["losses.mse", "losses.huber"]
points = 10
due = "2026-10-14 12:00"
{extra}
"""

MISTAKES = {
    "unknown topic": ('topics = ["lossses"]', "assignments.hw.topics: unknown topic 'lossses'"),
    "unknown exercise": ('exercises = ["losses.hubber"]', "assignments.hw.exercises: unknown exercise"),
    "unreadable date": ('due = "next friday"', "assignments.hw.due: cannot read the date 'next friday'"),
    "points do not add up": (
        '[assignments.hw.exercise_points]\n"losses.mse" = 4\n"losses.huber" = 4',
        "assignments.hw.exercise_points: the exercises' points add up to 8, not the assignment's points = 10",
    ),
    "points beyond the total": (
        '[assignments.hw.exercise_points]\n"losses.mse" = 12',
        "assignments.hw.exercise_points: the exercises' points add up to 12",
    ),
    "unknown late policy": (
        '[assignments.hw.late]\npolicy = "sometimes"',
        "assignments.hw.late.policy: one of none, per_day, per_hour, not_accepted, not 'sometimes'",
    ),
    "unknown key": ("pionts = 3", "assignments.hw.pionts: unknown key"),
    "unknown time zone": ('timezone = "Mars/Olympus"', "assignments.hw.timezone: unknown time zone"),
    "unreadable extension": (
        '[assignments.hw.extensions]\nalice = "soon"',
        "assignments.hw.extensions.alice: cannot read the date 'soon'",
    ),
}


def write(tmp_path, text: str):
    path = tmp_path / "course.toml"
    path.write_text(text)
    return path


def course_text(extra: str) -> str:
    """GOOD with ``extra``; a key of the assignment table given twice is replaced, not repeated."""
    key = extra.split("=")[0].strip()
    lines = [line for line in GOOD.splitlines() if not (key and line.startswith(key + " "))]
    return "\n".join(lines).format(extra=extra)


@pytest.mark.unit
@pytest.mark.parametrize("kind", MISTAKES)
def test_a_mistake_is_refused_on_one_line_naming_the_key(tmp_path, kind):
    extra, expected = MISTAKES[kind]
    with pytest.raises(CourseError) as caught:
        load_course(write(tmp_path, course_text(extra)))
    message = str(caught.value)
    assert message.startswith("course.toml: ") and expected in message and "\n" not in message


@pytest.mark.e2e
def test_the_command_line_refuses_a_mistake_on_one_line(tmp_path):
    path = write(tmp_path, course_text('topics = ["lossses"]'))
    done = run_grade(
        "batch", str(tmp_path), "--out", str(tmp_path / "out"), "--course", str(path), timeout=120
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "grade: course.toml: assignments.hw.topics: unknown topic 'lossses'; topics: "
        "tensors, autograd, losses, optim, mlp, cnn, inception, resnet, rnn"
    ]


@pytest.mark.e2e
def test_course_init_writes_an_example_that_loads(tmp_path):
    path = tmp_path / "course.toml"
    done = run_grade("course", "init", str(path), timeout=120)
    assert done.returncode == 0, done.stderr
    course = load_course(path)
    assert path.read_text() == example()
    for name in (
        "#   tensors: add_into",
        "#   rnn: rnn_cell",
        "huber",
        '"optim.closed_form_linear_regression" = 15',
    ):
        assert name in path.read_text()
    for assignment in course.assignments.values():
        assert sum(assignment.exercise_points.values()) == pytest.approx(assignment.total)
    assert course.assignments["hw2"].exercise_points["optim.closed_form_linear_regression"] == 15
    again = run_grade("course", "init", str(path), timeout=120)
    assert again.returncode == 2 and "exists" in again.stderr


@pytest.mark.unit
def test_points_spread_over_an_exercises_checks_by_kind_weight(tmp_path):
    text = course_text("[assignments.hw.kind_weights]\nconvergence = 3\nshape = 1\ngradient = 1\ndevice = 1")
    assignment = load_course(write(tmp_path, text)).assignment("hw")
    assert assignment.exercise_points == {"losses.mse": 5.0, "losses.huber": 5.0}
    report = {"topics": [{"name": "losses", "tests": [
        check("shape", "passed", "huber"), check("convergence", "failed", "huber"),
        check("gradient", "passed", "mse"), check("shape", "passed", "mse"),
        check("device", "skipped", "mse"), check("shape", "passed", "softmax"),
    ]}]}  # fmt: skip
    weighed, exercises = weigh(report, assignment)
    assert exercises == {"losses.huber": [1.25, 5.0], "losses.mse": [5.0, 5.0]}
    points = [(t["points"], t["max_points"]) for t in weighed["topics"][0]["tests"]]
    assert points == [(1, 1), (0, 3), (1, 1), (1, 1), (0, 0), (1, 1)]  # each check times its kind's weight
    assert [e["name"] for e in weighed["topics"][0]["exercises"]] == ["huber", "mse"]  # softmax: not graded
    assert weighed["topics"][0]["max_score"] == 10


def check(kind: str, status: str, exercise: str) -> dict:
    passed = status == "passed"
    return {"id": f"{exercise}_{kind}", "kind": kind, "status": status, "points": float(passed),
            "max_points": 0.0 if status == "skipped" else 1.0, "message": "", "exercises": [exercise]}  # fmt: skip


DUE = datetime(2026, 10, 14, 12, 0, tzinfo=timezone.utc)


def late_course(tmp_path, late: str):
    text = course_text(
        f'[assignments.hw.late]\n{late}\n[assignments.hw.extensions]\nbob = "2026-10-16 12:00"'
    )
    return load_course(write(tmp_path, text)).assignment("hw")


@pytest.mark.unit
def test_late_per_hour_with_grace_cap_and_extension(tmp_path):
    hw = late_course(tmp_path, 'policy = "per_hour"\npenalty = 10\ncap = 50\ngrace_minutes = 15')
    assert late_penalty(hw, "alice", DUE + timedelta(minutes=14), False) == Late(0.0, "")
    assert late_penalty(hw, "alice", DUE + timedelta(hours=2, minutes=30), False) == Late(
        30.0, "2 h 30 min late, −30 %"
    )
    assert late_penalty(hw, "alice", DUE + timedelta(days=3), False).percent == 50  # the cap
    assert late_penalty(hw, "bob", DUE + timedelta(days=1), False) == Late(0.0, "")  # extended
    assert (
        late_penalty(hw, "bob", DUE + timedelta(days=2, hours=1), False).words == "1 h late (extended), −10 %"
    )
    assert late_penalty(hw, "alice", None, True).percent == 10  # Canvas's late_ marker: one unit
    assert late_penalty(hw, "alice", None, False) == Late(0.0, "")


@pytest.mark.unit
def test_late_per_day_and_not_accepted(tmp_path):
    hw = late_course(tmp_path, 'policy = "per_day"\npenalty = 10')
    assert late_penalty(hw, "alice", DUE + timedelta(hours=25), False).percent == 20
    hw = late_course(tmp_path, 'policy = "not_accepted"')
    assert late_penalty(hw, "alice", DUE + timedelta(minutes=5), False) == Late(
        100.0, "5 min late, not accepted"
    )


def graded_row(student: str, mse: str, huber: str) -> Row:
    tests = [check("shape", mse, "mse"), check("shape", huber, "huber")]
    report = {"topics": [{"name": "losses", "tests": tests}]}
    return Row(student, "h", "v", "graded", "", 0, 0, report)


@pytest.mark.unit
def test_an_override_late_penalty_and_excuse_make_the_total(tmp_path):
    hw = late_course(tmp_path, 'policy = "per_hour"\npenalty = 10')
    row = graded_row("alice", "passed", "failed")
    override = Override("alice", "losses.huber", 4.0, False, "regrade request", automatic=0.0)
    final = apply(row, hw, [override], Late(10.0, "1 h late, −10 %"))
    assert (final.score, final.max_score) == (8.1, 10)  # (5 + 4) × 0.9
    assert final.report["standing"]["overrides"] == [
        "losses.huber: 4 / 5 set by the instructor (regrade request)"
    ]
    moved = apply(row, hw, [Override("alice", "losses.huber", 4.0, False, "", automatic=5.0)], Late(0, ""))
    assert "the automatic score changed under it: 5 → 0" in moved.report["standing"]["overrides"][0]
    excused_exercise = apply(row, hw, [Override("alice", "losses.huber", None, True, "", 0.0)], Late(0, ""))
    assert (excused_exercise.score, excused_exercise.max_score) == (10, 10)  # mse counts for the whole
    excused = apply(row, hw, [Override("alice", "", None, True, "ill", 0.0)], Late(10.0, "x"))
    assert excused.status == "excused" and excused.report["standing"]["late"] == ""


@pytest.mark.unit
def test_without_a_course_a_row_is_left_as_it_was():
    row = graded_row("alice", "passed", "failed")
    assert apply(row, None, [], Late(0.0, "")).score == 1.0


ROSTER = (
    "Student,ID,SIS User ID,SIS Login ID,Section\n"
    "    Points Possible,,,,\n"
    '"Smith, John",108,S001,jsmith,A\n'
    '"Smith, John",109,S002,jsmith2,A\n'
    '"Doe, Jane",110,S003,jdoe,A\n'
)


@pytest.mark.unit
def test_a_student_is_found_by_any_name_and_an_ambiguous_one_lists_candidates(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER)
    roster = read_roster(path)
    keys = ["jsmith", "jsmith2", "jdoe"]
    for name in ("jdoe", "110", "S003", "JDOE", "Jane Doe", "Doe, Jane"):
        assert find_student(name, keys, roster) == "jdoe", name
    with pytest.raises(StudentNotFound) as caught:
        find_student("John Smith", keys, roster)
    assert "2 students" in str(caught.value) and "jsmith2" in str(caught.value)
    with pytest.raises(StudentNotFound, match="no gradings of 'nobody'"):
        find_student("nobody", keys, roster)


@pytest.mark.e2e
def test_gradescope_and_notebooks_read_the_course_and_a_flag_wins(tmp_path):
    path = write(tmp_path, course_text("") + "\n[limits]\ntimeout = 7.0\nbudget = 120\n")
    for flags, timeout in (((), 7.0), (("--timeout", "3"), 3.0)):
        out = tmp_path / f"autograder-{timeout:g}.zip"
        done = run_grade(
            "gradescope", str(out), "--course", str(path), "--assignment", "hw", *flags, timeout=300
        )
        assert done.returncode == 0, done.stderr
        with zipfile.ZipFile(out) as archive:
            config = json.loads(archive.read("gradescope.json"))
        assert (config["topics"], config["timeout"], config["budget"]) == (["losses"], timeout, 120.0)
        assert config["exercises"] == ["huber", "mse"]
    tests = [check("shape", "passed", "mse"), check("shape", "failed", "huber")]
    report = {"topics": [{"name": "losses", "tests": tests}], "sandbox": "bubblewrap", "notes": []}
    results = results_for(report, Config.from_json(config))  # Gradescope: points out of the assignment's 10
    assert results["score"] == 5 and [t["max_score"] for t in results["tests"]] == [5, 5]
    done = run_grade(
        "notebooks", str(tmp_path / "nb"), "--course", str(path), "--assignment", "hw", timeout=300
    )
    assert done.returncode == 0 and sorted(p.name for p in (tmp_path / "nb").iterdir()) == ["losses.ipynb"]
    done = run_grade(
        "notebooks", str(tmp_path / "nb2"), "--course", str(path), "--assignment", "hw", "--topic", "cnn"
    )
    assert done.returncode == 0 and sorted(p.name for p in (tmp_path / "nb2").iterdir()) == ["cnn.ipynb"]


@pytest.mark.unit
def test_arrival_times_from_a_moodle_worksheet_a_times_file_and_canvas_late_marker(tmp_path):
    (tmp_path / "worksheet.csv").write_text(
        "Identifier,Full name,Email address,Status,Last modified (submission)\n"
        'Participant 501,Ann Lee,ann@uni.edu,Submitted,"Wednesday, 14 October 2026, 11:30 PM"\n'
        "Participant 502,Bo Kim,bo@uni.edu,Submitted,-\n"
        'Participant 503,Cy Ray,cy@uni.edu,Submitted,"Thursday, 15 October 2026, 1:05 AM"\n'
    )
    (tmp_path / "times.csv").write_text("student,submitted_at\ncy@uni.edu,2026-10-14T21:00:00+00:00\n")
    roster = read_roster(tmp_path / "worksheet.csv")
    entries = {
        "ann@uni.edu": "Ann Lee_501_assignsubmission_file_losses.py",
        "bo@uni.edu": "leebo_late_1502_77_losses.py",  # a Canvas late_ marker, no time
        "cy@uni.edu": "cy.zip",
    }
    submissions = [Submission(key, (tmp_path / name,)) for key, name in entries.items()]
    berlin = ZoneInfo("Europe/Berlin")
    found = {s.student: s for s in submission_times(submissions, roster, tmp_path / "times.csv", berlin)}
    assert found["ann@uni.edu"] == Submitted("ann@uni.edu", "2026-10-14T23:30:00+02:00", False, "roster")
    assert found["bo@uni.edu"] == Submitted("bo@uni.edu", "", True, "LMS late marker")
    assert found["cy@uni.edu"].submitted_at == "2026-10-14T21:00:00+00:00"  # the file wins over the roster
    assert found["cy@uni.edu"].source == "times file"
    (tmp_path / "bad.csv").write_text("cy@uni.edu,yesterday\n")
    with pytest.raises(CourseError, match="bad.csv: line 1: cannot read the time 'yesterday'"):
        submission_times(submissions, roster, tmp_path / "bad.csv", berlin)


@pytest.mark.unit
def test_report_lists_the_similarity_clusters_escaped(tmp_path):
    (tmp_path / "clusters.csv").write_text("cluster,students\n1,<b>dara</b>; victor\n")
    page = render(class_stats([]), "hw", tmp_path)
    assert '<table id="clusters">' in page and "&lt;b&gt;dara&lt;/b&gt;; victor" in page
    assert "Similarity was not run" in render(class_stats([]), "hw", tmp_path / "none")


@pytest.mark.unit
def test_a_run_grading_other_checks_does_not_reuse_earlier_gradings():
    assert graded_version("abc", "", ()) == "abc"  # without a choice: the suites' version, as before
    versions = {
        graded_version("abc", k, e) for k, e in (("", ("huber",)), ("", ("mse",)), ("not convergence", ()))
    }
    assert len(versions) == 3 and all(v.startswith("abc-") for v in versions)


@pytest.mark.e2e
def test_a_release_for_an_assignment_holds_its_topics_and_never_the_seed(tmp_path):
    path = write(
        tmp_path, course_text("").replace('timezone = "UTC"', 'timezone = "UTC"\nseed = "s3cret-seed"')
    )
    out = tmp_path / "release"
    done = run_grade("release", str(out), "--course", str(path), "--assignment", "hw", timeout=300)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (out / "tests" / "suites").glob("suite_*.py")) == ["suite_losses.py"]
    assert sorted(p.name for p in (out / "notebooks").iterdir()) == ["losses.ipynb"]
    assert not any(b"s3cret-seed" in p.read_bytes() for p in out.rglob("*") if p.is_file())


@pytest.mark.unit
def test_an_override_for_a_student_without_a_row_says_so(tmp_path):
    (tmp_path / "roster.csv").write_text(ROSTER)
    book = Gradebook(tmp_path / "gradebook.sqlite")
    CourseBook(book).set_meta("roster", str(tmp_path / "roster.csv"))
    book.record(graded_row("jdoe", "passed", "failed"))
    book.close()
    with pytest.raises(OverrideProblem, match="jsmith2 has no row"):
        record_override(tmp_path, "109", "losses.mse", 1.0, "", excuse=False, clear=False)
    done = record_override(tmp_path, "Jane Doe", "losses.huber", 0.5, "typo", excuse=False, clear=False)
    assert done.startswith("jdoe: losses.huber 0.5 / 1")
    assert "override: losses.huber: 0.5 / 1 set by the instructor (typo)" in student_history(tmp_path, "S003")


@pytest.mark.unit
def test_an_overrides_private_note_stays_in_the_gradebook(tmp_path):
    from grader.batch.feedback import feedback_html, feedback_markdown

    book = Gradebook(tmp_path / "gradebook.sqlite")
    book.record(graded_row("jdoe", "passed", "failed"))
    book.close()
    record_override(
        tmp_path, "jdoe", "losses.huber", 0.5, "partial credit", False, False, note="copied from bob?"
    )
    book = Gradebook(tmp_path / "gradebook.sqlite")
    (kept,) = CourseBook(book).overrides()["jdoe"]
    book.close()
    assert (kept.reason, kept.note) == ("partial credit", "copied from bob?")
    final = apply(graded_row("jdoe", "passed", "failed"), None, [kept], Late(0, ""))
    assert final.report["standing"]["private_notes"] == ["losses.huber: copied from bob?"]
    for text in (feedback_markdown(final), feedback_html(final)):
        assert "partial credit" in text and "copied from bob" not in text
    (losses,) = final.report["topics"]
    assert losses["score"] == final.score  # the topic's line says what the total says


@pytest.mark.unit
def test_a_gradebook_from_before_private_notes_gains_the_column(tmp_path):
    import sqlite3

    path = tmp_path / "gradebook.sqlite"
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE overrides (student TEXT NOT NULL, exercise TEXT NOT NULL, points REAL, excused INTEGER "
        "NOT NULL, reason TEXT NOT NULL, automatic REAL NOT NULL, made_at TEXT NOT NULL, "
        "PRIMARY KEY (student, exercise))"
    )
    old.execute("INSERT INTO overrides VALUES ('ann', 'losses.mse', 1, 0, 'ok', 0, '2026-01-01')")
    old.commit()
    old.close()
    book = Gradebook(path)
    (kept,) = CourseBook(book).overrides()["ann"]
    book.close()
    assert (kept.reason, kept.note) == ("ok", "")


MANUAL = """
[assignments.hw1]
exercises = ["losses.mse", "losses.huber"]
points = 100

[assignments.hw1.exercise_points]
"losses.huber" = 50

[assignments.hw1.manual.explain]
title = "Why huber?"
points = 20
rubric = [{ id = "outliers", points = 15, text = "outliers" }, { id = "delta", points = 5 }]
"""


@pytest.mark.unit
def test_manual_items_share_the_assignments_points(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text(MANUAL)
    hw1 = load_course(path).assignment("hw1")
    assert hw1.exercise_points == {"losses.mse": 30.0, "losses.huber": 50.0}
    assert hw1.automatic_total == 80 and hw1.manual["explain"].points == 20
    assert [r.id for r in hw1.manual["explain"].rubric] == ["outliers", "delta"]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            ("points = 20\nrubric", "points = 120\nrubric"),
            "assignments.hw1.manual: the manual items' points add up",
        ),
        (('"outliers", points = 15', '"outliers", points = 25'), "rubric[0].points: missing or above"),
        (('id = "delta"', 'id = "outliers"'), "rubric[1].id: a unique id"),
        (("manual.explain]", 'manual."a.b"]'), "a manual item's id is letters"),
        (('title = "Why huber?"', 'tittle = "x"'), "manual.explain.tittle: unknown key"),
    ],
)
def test_a_wrong_manual_item_is_refused_by_its_key(tmp_path, change, said):
    path = tmp_path / "course.toml"
    path.write_text(MANUAL.replace(*change))
    with pytest.raises(CourseError, match=re.escape(said)):
        load_course(path)


@pytest.mark.unit
def test_a_mark_adds_to_the_automatic_part_and_a_note_stays_private(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text(MANUAL)
    hw1 = load_course(path).assignment("hw1")
    row = graded_row("alice", "passed", "passed")
    assert apply(row, hw1, [], Late(0.0, "")).score == 80  # not marked yet: 0 for the item
    mark = Mark("alice", "explain", 15.0, ("outliers",), comment="good", note="secret")
    final = apply(row, hw1, [], Late(0.0, ""), marks={"explain": mark})
    assert (final.score, final.max_score) == (95, 100)
    standing = final.report["standing"]
    assert standing["manual"]["explain"]["rubric"] == [["outliers", 15.0]]
    assert standing["private_notes"] == ["explain: secret"]
    excused = Override("alice", "losses.huber", None, True, "", 0.0)
    scaled = apply(
        graded_row("alice", "passed", "failed"), hw1, [excused], Late(10.0, "x"), {"explain": mark}
    )
    assert scaled.score == 85.5  # mse alone counts for the automatic 80, plus 15; then −10 %
    shown = feedback_markdown(final)
    assert "## Graded by hand" in shown and "good" in shown and "secret" not in shown
