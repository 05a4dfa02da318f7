"""Manual items, marks and grade inquiries through `grade batch`, end to end.

A course whose homework is worth 100 with a manual item worth 20: a fully right automatic
submission totals 80; a mark of 15 makes it 95, kept on a rerun and carried by gradebook.csv,
canvas.csv and moodle.csv; an inquiry opened and resolved shows in the feedback and report.html
with its state; a mark's private note reaches nothing the student gets.
"""

from __future__ import annotations

import csv
import json
import shutil
import zipfile

import pytest
from helpers import REPO, run_grade

pytestmark = pytest.mark.e2e

RIGHT = (REPO / "solutions" / "losses.py").read_text()
STUB = (REPO / "exercises" / "losses.py").read_text()
NOTE = "PRIVATE-NOTE-copied-from-bob"
COURSE = """
[course]
name = "Deep learning"
roster = "canvas.csv"

[assignments.hw1]
title = "Homework 1"
exercises = ["losses.mse", "losses.huber"]
points = 100
lms_column = "Homework 1"

[assignments.hw1.manual.explain]
title = "Why does huber switch to a line?"
points = 20
rubric = [
    { id = "outliers", points = 10, text = "names the outliers" },
    { id = "gradient", points = 5, text = "bounded gradient" },
    { id = "delta", points = 5, text = "the role of delta" },
]
"""
CANVAS = (
    "Student,ID,SIS User ID,SIS Login ID,Section\n"
    "    Points Possible,,,,\n"
    '"Liddell, Alice",108,S1,alice,A\n'
    '"Builder, Bob",109,S2,bob,A\n'
)
MOODLE = "Username,First name,Last name\nalice,Alice,Liddell\nbob,Bob,Builder\n"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("manual")
    (root / "course.toml").write_text(COURSE)
    (root / "canvas.csv").write_text(CANVAS)
    (root / "moodle.csv").write_text(MOODLE)
    shutil.copytree(REPO / "tests" / "suites", root / "suites")
    for name, user_id, source in (("liddellalice", "108", RIGHT), ("builderbob", "109", STUB)):
        (root / "hw1").mkdir(exist_ok=True)
        (root / "hw1" / f"{name}_{user_id}_9{user_id}_losses.py").write_text(source)
    return root


def grade_batch(root, *more: str):
    done = run_grade(
        "batch", str(root / "hw1"), "--out", str(root / "out"), "--course", str(root / "course.toml"),
        "--assignment", "hw1", "-k", "not convergence", "--workers", "2", *more,
        env={"TORCHGRADE_SUITES": str(root / "suites")},
    )  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]
    return done


def grade(*args: str):
    return run_grade(*args)


def totals(path) -> dict[str, str]:
    return {row["student"]: row["total"] for row in csv.DictReader(path.open())}


def canvas(root) -> dict[str, str]:
    with (root / "out" / "canvas.csv").open(newline="", encoding="utf-8-sig") as handle:
        return {row[3]: row[-1] for row in list(csv.reader(handle))[2:]}


def test_a_mark_of_15_makes_80_a_95_kept_on_a_rerun_in_every_lms_file(course):
    first = grade_batch(course)
    assert totals(course / "out" / "gradebook.csv") == {"alice": "80", "bob": "0"}
    assert canvas(course) == {"alice": "80", "bob": "0"}
    assert "not marked yet (grade batch mark): explain 2" in first.stdout
    feedback = (course / "out" / "feedback" / "alice.md").read_text()
    assert "**Total: 80 / 100**" in feedback and "not marked yet (0 / 20)" in feedback
    out = str(course / "out")
    done = grade("batch", "mark", "Alice Liddell", "explain", "--points", "15", "--out", out,
                 "--comment", "clear, but <b>delta</b> is missing", "--note", NOTE, "--by", "ta1")  # fmt: skip
    assert done.returncode == 0 and "alice: explain 15" in done.stdout, done.stderr
    grade_batch(course)
    assert totals(course / "out" / "gradebook.csv") == {"alice": "95", "bob": "0"}
    assert canvas(course) == {"alice": "95", "bob": "0"}
    grade_batch(course)  # a rerun: the mark stays
    assert totals(course / "out" / "gradebook.csv") == {"alice": "95", "bob": "0"}
    feedback = (course / "out" / "feedback" / "alice.md").read_text()
    assert "**Total: 95 / 100**" in feedback and "15 / 20" in feedback and "\\<b\\>delta\\</b\\>" in feedback
    page = (course / "out" / "feedback" / "alice.html").read_text()
    assert "&lt;b&gt;delta&lt;/b&gt;" in page and "<b>delta" not in page
    grade_batch(course, "--roster", str(course / "moodle.csv"))
    with (course / "out" / "moodle.csv").open(newline="", encoding="utf-8-sig") as handle:
        assert dict(list(csv.reader(handle))[1:]) == {"alice": "95", "bob": "0"}


def test_a_rubric_mark_and_a_sheet_with_a_bad_row_writes_nothing(course):
    out = str(course / "out")
    sheet = course / "marks.csv"
    sheet.write_text(
        "student,item,points,rubric,comment,note\nbob,explain,,outliers gradient,ok,\nalice,explain,25,,,\n"
    )
    done = grade("batch", "mark", "--from", str(sheet), "--out", out)
    assert done.returncode == 2 and "marks.csv, row 3: points for explain must lie in 0..20" in done.stderr
    sheet.write_text("student,item,rubric,comment\nbob,explain,outliers;nope,ok\n")
    done = grade("batch", "mark", "--from", str(sheet), "--out", out)
    assert done.returncode == 2 and "unknown rubric id ['nope']" in done.stderr
    done = grade("batch", "mark", "zed", "explain", "--points", "1", "--out", out)
    assert done.returncode == 2 and "'zed'" in done.stderr
    done = grade("batch", "mark", "bob", "essay", "--points", "1", "--out", out)
    assert done.returncode == 2 and "no manual item 'essay'" in done.stderr
    done = grade("batch", "mark", "bob", "explain", "--rubric", "outliers,gradient", "--out", out)
    assert done.returncode == 0 and "bob: explain 15" in done.stdout, done.stderr


def test_an_inquiry_opened_and_resolved_shows_with_its_state(course):
    out = str(course / "out")
    opened = grade(
        "batch", "inquiry", "alice", "--item", "explain", "--text", "I named delta's role", "--out", out
    )
    assert opened.returncode == 0 and "inquiry 1 opened" in opened.stdout, opened.stderr
    asked = grade(
        "batch", "inquiry", "bob", "--item", "losses.mse", "--text", "my mse is right =1+1", "--out", out
    )
    assert asked.returncode == 0, asked.stderr
    listed = grade("batch", "inquiry", "--list", "--out", out)
    assert "alice  explain  open" in listed.stdout and "bob  losses.mse  open" in listed.stdout
    done = grade(
        "batch", "inquiry", "alice", "--resolve", "--reply", "Right, +3", "--points", "18", "--out", out
    )
    assert done.returncode == 0 and "inquiry 1 resolved" in done.stdout, done.stderr
    grade_batch(course, "--roster", str(course / "moodle.csv"))
    assert totals(course / "out" / "gradebook.csv")["alice"] == "98"
    alice = (course / "out" / "feedback" / "alice.md").read_text()
    assert "## Grade inquiries" in alice and "**explain**: resolved" in alice and "reply: Right, +3" in alice
    bob = (course / "out" / "feedback" / "bob.md").read_text()
    assert "**losses.mse**: open: waiting for an answer" in bob
    report = (course / "out" / "report.html").read_text()
    assert "<td>Alice Liddell (alice)</td><td>explain</td><td>resolved</td>" in report
    assert "<td>Bob Builder (bob)</td><td>losses.mse</td><td>open</td>" in report


def test_a_private_note_reaches_nothing_the_student_gets(course):
    grade_batch(course)  # canvas again: its feedback zip
    out = course / "out"
    assert NOTE in (out / "gradebook.json").read_text()  # the instructor's
    student_files = [*out.glob("feedback/*"), *out.glob("gradescope/*/results.json"), out / "canvas.csv"]
    student_files += [out / "moodle.csv", out / "gradebook.csv"]
    for path in student_files:
        assert NOTE not in path.read_text(errors="replace"), path
    with zipfile.ZipFile(out / "canvas-feedback.zip") as archive:
        for name in archive.namelist():
            assert NOTE.encode() not in archive.read(name), name
    assert json.loads((out / "gradescope" / "alice" / "results.json").read_text())["score"] == 98


def test_the_review_page_after_a_run_shows_each_students_code(course):
    done = grade("batch", "review", "--out", str(course / "out"))
    assert done.returncode == 0, done.stderr
    index = (course / "out" / "review" / "index.html").read_text()
    assert 'href="student-alice.html">Alice Liddell (alice)</a></th><td class="n">98 / 100' in index
    alice = (course / "out" / "review" / "student-alice.html").read_text()
    assert "def huber(" in alice and "18 / 20" in alice and NOTE not in alice
