"""`grade batch causes` and its group notes, end to end (grader/batch/causes.py).

Four students on losses: alice right, bob and carol the same mse mistake (NaN through
exp(2·log d)), dave no answer (a Python list). The groups come out by cause; a note on bob and
carol's group reaches their feedback, canvas-feedback.zip comments, moodle's "Feedback comments"
and the review page, and nobody else's; it survives a rerun; carol's fixed resubmission leaves
it behind with a line saying so.
"""

from __future__ import annotations

import csv
import json
import zipfile

import pytest
from helpers import REPO, run_grade
from lms_files import write_lms

from grader.batch.causes import NO_ANSWER, Note, NoteBook
from grader.batch.feedback import feedback_markdown
from grader.batch.gradebook import CourseBook, Gradebook, Row
from grader.batch.roster import read_roster
from grader.batch.standing import final_rows

RIGHT = (REPO / "solutions" / "losses.py").read_text()
CORPUS = REPO / "tests" / "corpus" / "losses" / "mistakes"
NAN = (CORPUS / "mse_exp_log_square.py").read_text()
LISTED = (CORPUS / "mse_python_list.py").read_text()
NOTE = "square the difference itself, not through exp and log"
CANVAS = (
    "Student,ID,SIS User ID,SIS Login ID,Section\n"
    "    Points Possible,,,,\n"
    '"Liddell, Alice",108,S1,alice,A\n'
    '"Builder, Bob",109,S2,bob,A\n'
    '"Cook, Carol",110,S3,carol,A\n'
    '"Dane, Dave",111,S4,dave,A\n'
)
STUDENTS = {"alice": ("liddellalice", "108", RIGHT), "bob": ("builderbob", "109", NAN),
            "carol": ("cookcarol", "110", NAN), "dave": ("danedave", "111", LISTED)}  # fmt: skip
GROUP = ("losses.mse", "regression_loss_reductions:nan")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("causes")
    (root / "canvas.csv").write_text(CANVAS)
    (root / "hw").mkdir()
    for name, user_id, source in STUDENTS.values():
        (root / "hw" / f"{name}_{user_id}_9{user_id}_losses.py").write_text(source)
    return root


def grade(*args: str):
    done = run_grade(*args)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]
    return done


def grade_batch(root):
    return grade("batch", str(root / "hw"), "--out", str(root / "out"), "--roster", str(root / "canvas.csv"),
                 "-k", "not convergence", "--workers", "2")  # fmt: skip


def comments(root) -> dict[str, str]:
    with zipfile.ZipFile(root / "out" / "canvas-feedback.zip") as archive:
        return {name.split("_")[0]: archive.read(name).decode() for name in archive.namelist()}


@pytest.mark.e2e
def test_a_groups_note_reaches_its_members_only_survives_reruns_and_stays_behind(root):
    grade_batch(root)
    listed = json.loads(grade("batch", "causes", "--out", str(root / "out"), "--format", "json").stdout)
    groups = {(g["exercise"], g["cause"]): g for g in listed}
    assert groups[GROUP]["students"] == ["bob", "carol"] and groups[GROUP]["count"] == 2
    assert groups[("losses.mse", NO_ANSWER)]["students"] == ["dave"]  # a list: no tensor, no answer
    assert not any("alice" in g["students"] for g in listed)
    text = grade("batch", "causes", "--out", str(root / "out")).stdout
    assert "losses.mse  regression_loss_reductions:nan: 2 students" in text
    assert "students: Bob Builder (bob), Carol Cook (carol)" in text  # the roster's names, the keys beside
    assert "e.g. Bob Builder (bob): " in text
    noted = grade(
        "batch", "causes", "note", *GROUP, "--text", NOTE, "--points", "1", "--out", str(root / "out")
    )
    assert "note for 2 student(s)" in noted.stdout
    grade_batch(root)
    grade_batch(root)  # a rerun: the note stays
    feedback = {s: (root / "out" / "feedback" / f"{s}.md").read_text() for s in STUDENTS}
    assert [s for s in STUDENTS if NOTE in feedback[s]] == ["bob", "carol"], feedback["bob"]
    assert [s for s, said in comments(root).items() if NOTE in said] == ["builderbob", "cookcarol"]
    review = grade("batch", "review", "--out", str(root / "out"), "--submissions", str(root / "hw"))
    assert review.returncode == 0
    pages = {s: (root / "out" / "review" / f"student-{s}.html").read_text() for s in STUDENTS}
    assert [s for s in STUDENTS if NOTE in pages[s]] == ["bob", "carol"]
    assert "Failing exercises by cause" in (root / "out" / "report.html").read_text()
    # carol resubmits, fixed: she leaves the group and the note, with a line saying so
    (root / "hw" / "cookcarol_110_9110_losses.py").write_text(RIGHT)
    grade_batch(root)
    carol = (root / "out" / "feedback" / "carol.md").read_text()
    assert NOTE not in carol and "no longer applies" in carol
    assert NOTE in (root / "out" / "feedback" / "bob.md").read_text()
    text = grade("batch", "causes", "--out", str(root / "out")).stdout
    assert "left the group since the note: Carol Cook" in text


WORKSHEET = (
    'Identifier,"Full name","Email address",Status,Grade,"Maximum Grade","Grade can be changed",'
    '"Last modified (submission)","Last modified (grade)","Feedback comments"\n'
    '"Participant 501","Bo Bell",bo@example.edu,"Submitted for grading",,100.00,Yes,-,-,\n'
    '"Participant 502","Al Ames",al@example.edu,"Submitted for grading",,100.00,Yes,-,-,\n'
)


@pytest.mark.unit
def test_a_groups_note_is_in_the_moodle_comments_of_its_members_only(tmp_path):
    nan = {"id": "regression_loss_reductions[mse-mean]", "kind": "shape", "status": "failed", "points": 0.0,
           "max_points": 1.0, "message": "mse: expected 1, got NaN there.", "visibility": "public",
           "exercises": ["mse"], "cause": "nan"}  # fmt: skip
    right = {**nan, "status": "passed", "points": 1.0, "message": "", "cause": ""}
    gradebook = Gradebook(tmp_path / "gradebook.sqlite")
    for student, test in (("bo@example.edu", nan), ("al@example.edu", right)):
        report = {"topics": [{"name": "losses", "tests": [test]}]}
        gradebook.record(Row(student, student, "v", "graded", "", test["points"], 1.0, report))
    NoteBook(gradebook.connection).put(Note(*GROUP, NOTE, None, ("bo@example.edu",)))
    rows = final_rows(gradebook.rows(), None, CourseBook(gradebook))
    gradebook.close()
    (tmp_path / "worksheet.csv").write_text(WORKSHEET)
    feedback = {r.student: feedback_markdown(r) for r in rows}
    write_lms(rows, read_roster(tmp_path / "worksheet.csv"), "hw", tmp_path / "moodle.csv", feedback=feedback)
    with (tmp_path / "moodle.csv").open(newline="", encoding="utf-8-sig") as handle:
        said = {r["Email address"]: r["Feedback comments"] for r in csv.DictReader(handle)}
    assert NOTE in said["bo@example.edu"] and NOTE not in said["al@example.edu"]


ATTENTION = REPO / "tests" / "packs" / "attention"


@pytest.mark.e2e
def test_a_packs_causes_group_by_the_mistake_the_values_show(tmp_path):
    """Two causal_mask mistakes that one check meets first (the diagonal left out: the mask moved
    by one place; the upper triangle: the mask transposed) are two groups in a course pack, each
    named by the relation its values show; the same mistake twice is one group."""
    reference = (ATTENTION / "solutions" / "attention.py").read_text()
    hw = tmp_path / "hw"
    hw.mkdir()
    for student, edit in [("ann", ".tril(-1)"), ("ben", ".tril(diagonal=-1)"), ("cy", ".triu()")]:
        (hw / f"{student}_attention.py").write_text(reference.replace(".tril()", edit))
    env = {"TORCHGRADE_PACKS": str(ATTENTION)}
    done = run_grade("batch", str(hw), "--out", str(tmp_path / "out"), "-k", "not convergence", env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    done = run_grade("batch", "causes", "--out", str(tmp_path / "out"), "--format", "json", env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    groups = {
        g["cause"]: g["students"] for g in json.loads(done.stdout) if g["exercise"] == "attention.causal_mask"
    }
    assert groups == {
        "mistake:shift": ["ann_attention", "ben_attention"],
        "mistake:transpose": ["cy_attention"],
    }, groups
