"""A course file with two assignments driven through `grade batch` end to end.

The smallest class that proves the bookkeeping: five students, two exercises of `losses` per
assignment, the training checks left out (``-k 'not convergence'``): points per exercise add
up to each assignment's total, a late student loses what the policy says, an extended one
does not, an excused one is excused, an override survives a regrade after a suite change, and
the Canvas and Moodle files carry the assignment's points.
"""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from helpers import REPO, run_grade

pytestmark = pytest.mark.e2e

RIGHT = (REPO / "solutions" / "losses.py").read_text()
STUB = (REPO / "exercises" / "losses.py").read_text()

COURSE = """
[course]
name = "Deep learning"
roster = "canvas.csv"
timezone = "Europe/Berlin"

[assignments.hw1]
title = "Homework 1: regression losses"
exercises = ["losses.mse", "losses.huber"]
points = 20
due = "2026-10-14 23:59"
lms_column = "Homework 1"
times = "hw1-times.csv"
excused = ["Dave Grohl"]
late = { policy = "per_hour", penalty = 10, cap = 50 }
extensions = { "King, Carol" = "2026-10-16 23:59" }

[assignments.hw1.exercise_points]
"losses.huber" = 15

[assignments.hw2]
title = "Homework 2: softmax"
exercises = ["losses.softmax", "losses.log_softmax"]
points = 30
due = "2026-10-21 23:59"
lms_column = "Homework 2"
late = { policy = "not_accepted" }
"""

CANVAS = (
    "Student,ID,SIS User ID,SIS Login ID,Section\n"
    "    Points Possible,,,,\n"
    '"Liddell, Alice",108,S1,alice,A\n'
    '"Builder, Bob",109,S2,bob,A\n'
    '"King, Carol",110,S3,carol,A\n'
    '"Grohl, Dave",111,S4,dave,A\n'
    '"Brockovich, Erin",112,S5,erin,A\n'
)
MOODLE = "Username,First name,Last name\nalice,Alice,Liddell\nbob,Bob,Builder\ncarol,Carol,King\ndave,Dave,Grohl\nerin,Erin,Brockovich\n"
TIMES = (
    "student,submitted_at\n"
    "alice,2026-10-14 20:00\n"
    '"Builder, Bob",2026-10-15 02:29\n'  # 2 h 30 min late: 3 started hours, −30 %
    "carol,2026-10-16 10:00\n"  # late, but within her extension
    "dave,2026-10-20 10:00\n"
    "erin,2026-10-14 21:00\n"
)
# (Canvas id, last-first, source); bob's file carries Canvas's late_ marker
STUDENTS = {
    "alice": ("108", "liddellalice", RIGHT),
    "bob": ("109", "builderbob", RIGHT),
    "carol": ("110", "kingcarol", RIGHT),
    "dave": ("111", "grohldave", RIGHT),
    "erin": ("112", "brockovicherin", STUB),
}
STRICTER = """

@check("shape", exercise="huber")
def test_huber_added_by_the_instructor(sub):
    assert False, "a stricter huber check"
"""


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    (root / "course.toml").write_text(COURSE)
    (root / "canvas.csv").write_text(CANVAS)
    (root / "moodle.csv").write_text(MOODLE)
    (root / "hw1-times.csv").write_text(TIMES)
    (root / "hw2-times.csv").write_text("alice,2026-10-21 23:00\nbob,2026-10-22 00:05\n")
    shutil.copytree(REPO / "tests" / "suites", root / "suites")
    canvas, plain = root / "hw1", root / "hw2"
    canvas.mkdir()
    for key, (user_id, name, source) in STUDENTS.items():
        late = "late_" if key == "bob" else ""
        (canvas / f"{name}_{late}{user_id}_9{user_id}_losses.py").write_text(source)
        (plain / key).mkdir(parents=True)
        (plain / key / "losses.py").write_text(source if key != "erin" else RIGHT)
    return root


def grade_batch(root, assignment: str, *more: str):
    done = run_grade(
        "batch", str(root / assignment), "--out", str(root / f"out-{assignment}"),
        "--course", str(root / "course.toml"), "--assignment", assignment,
        "-k", "not convergence", "--workers", "2", *more,
        env={"TORCHGRADE_SUITES": str(root / "suites")},
    )  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]
    return done


def table(path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def by_student(path) -> dict[str, dict[str, str]]:
    return {row["student"]: row for row in csv.DictReader(path.open())}


@pytest.fixture(scope="module")
def hw1(course):
    return grade_batch(course, "hw1")


def test_points_late_extension_and_excuse(course, hw1):
    rows = by_student(course / "out-hw1" / "gradebook.csv")
    totals = {s: (r["total"], r["max"], r["status"].split(":")[0]) for s, r in rows.items()}
    assert totals == {
        "alice": ("20", "20", "graded"),
        "bob": ("14", "20", "graded"),  # 20 − 30 %
        "carol": ("20", "20", "graded"),  # extended
        "dave": ("EX", "20", "excused"),  # as the LMS file has it
        "erin": ("0", "20", "graded"),
    }
    assert rows["bob"]["late"] == "2 h 30 min late, −30 %" and rows["carol"]["late"] == ""
    feedback = (course / "out-hw1" / "feedback" / "bob.md").read_text()
    assert (
        "**Total: 14 / 20**" in feedback
        and "late: 2 h 30 min late, −30 % (before the penalty: 20)" in feedback
    )
    assert "excused" in (course / "out-hw1" / "feedback" / "dave.md").read_text()
    results = json.loads((course / "out-hw1" / "gradescope" / "bob" / "results.json").read_text())
    assert results["score"] == 14 and sum(t["max_score"] for t in results["tests"]) == pytest.approx(20)


def test_canvas_file_carries_the_assignments_points(course, hw1):
    rows = table(course / "out-hw1" / "canvas.csv")
    assert rows[0][-1] == "Homework 1"
    assert rows[1][0].strip() == "Points Possible" and rows[1][-1] == "20"
    assert {row[3]: row[-1] for row in rows[2:]} == {
        "alice": "20", "bob": "14", "carol": "20", "dave": "EX", "erin": "0",
    }  # fmt: skip


def test_the_summary_on_stdout(hw1):
    lines = hw1.stdout.splitlines()
    assert lines[0] == "graded 4, failed to grade 0, no submission 0, excused 1, timeouts or crashes 0"
    assert lines[1] == "mean 13.50, median 17.00 (of 20)"  # 20, 14, 20, 0
    bars = [line for line in lines if " – " in line and "|" in line]
    assert len(bars) == 10 and bars[0].endswith(" 1") and bars[-1].endswith(" 2") and bars[7].endswith(" 1")
    assert lines[-1] == "late: Bob Builder (bob): 2 h 30 min late, −30 %"  # the roster's name, the key beside


def test_history_finds_a_student_by_canvas_id_and_full_name(course, hw1):
    for name in ("109", "Bob Builder", "Builder, Bob", "S2"):
        done = run_grade("batch", str(course / "hw1"), "--out", str(course / "out-hw1"), "--history", name)
        assert done.returncode == 0, done.stderr
        assert "hw1: 14 / 20 (graded)" in done.stdout and "late: 2 h 30 min late, −30 %" in done.stdout, name


def test_an_override_survives_a_regrade_after_a_suite_change(course, hw1):
    out = str(course / "out-hw1")
    done = run_grade(
        "batch", "override", "Alice Liddell", "--out", out, "--exercise", "losses.huber",
        "--points", "12", "--reason", "copied the formula from the slides",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("alice: losses.huber 12 / 15")
    again = grade_batch(course, "hw1")
    assert (
        "graded 4" in again.stdout
        and by_student(course / "out-hw1" / "gradebook.csv")["alice"]["total"] == "17"
    )
    with (course / "suites" / "suite_losses.py").open("a") as suite:
        suite.write(STRICTER)
    try:
        regraded = grade_batch(course, "hw1")
    finally:
        shutil.copy(REPO / "tests" / "suites" / "suite_losses.py", course / "suites" / "suite_losses.py")
    assert "graded 5, unchanged 0" in regraded.stderr  # the suite changed: everyone regraded
    alice = by_student(course / "out-hw1" / "gradebook.csv")["alice"]
    assert alice["total"] == "17"  # the override stands: 5 (mse) + 12
    assert alice["overrides"].startswith("losses.huber: 12 / 15 set by the instructor (copied the formula")
    assert "the automatic score changed under it: 15 → " in alice["overrides"]
    feedback = (course / "out-hw1" / "feedback" / "alice.md").read_text()
    assert "override: losses.huber: 12 / 15" in feedback
    history = run_grade("batch", "x", "--out", out, "--history", "108").stdout
    assert history.count("graded") >= 3 and "override: losses.huber: 12 / 15" in history
    cleared = run_grade("batch", "override", "108", "--out", out, "--clear")
    assert cleared.returncode == 0 and "1 override(s) removed" in cleared.stdout


def test_an_unknown_exercise_or_an_ambiguous_student_is_refused(course, hw1):
    out = str(course / "out-hw1")
    done = run_grade("batch", "override", "alice", "--out", out, "--exercise", "losses.mse2", "--points", "1")
    assert done.returncode == 2 and "no exercise 'losses.mse2'" in done.stderr
    done = run_grade("batch", "override", "alice", "--out", out, "--exercise", "losses.mse", "--points", "9")
    assert done.returncode == 2 and "must lie in 0..5" in done.stderr


def test_moodle_file_carries_the_second_assignments_points(course):
    grade_batch(
        course, "hw2", "--roster", str(course / "moodle.csv"), "--times", str(course / "hw2-times.csv")
    )
    rows = table(course / "out-hw2" / "moodle.csv")
    assert rows[0] == ["Username", "Homework 2"]
    # bob is 6 min late and hw2 takes no late work; dave is not excused from hw2
    assert dict(rows[1:]) == {"alice": "30", "bob": "0", "carol": "30", "dave": "30", "erin": "30"}
    bob = by_student(course / "out-hw2" / "gradebook.csv")["bob"]
    assert (bob["total"], bob["max"], bob["late"]) == ("0", "30", "6 min late, not accepted")


def test_a_course_name_that_names_no_one_is_refused_before_grading(course, tmp_path):
    """Any name the LMS uses is accepted (above: "Dave Grohl", "King, Carol", "Builder, Bob");
    one that names no one stops the run, naming it, before anything is graded."""
    text = (
        (course / "course.toml").read_text().replace('excused = ["Dave Grohl"]', 'excused = ["Ada Lovelace"]')
    )
    (course / "nobody.toml").write_text(text)
    done = run_grade(
        "batch", str(course / "hw1"), "--out", str(tmp_path / "out"), "--course", str(course / "nobody.toml"),
        "--assignment", "hw1", env={"TORCHGRADE_SUITES": str(course / "suites")},
    )  # fmt: skip
    assert done.returncode == 2 and "excused: 'Ada Lovelace' names no one" in done.stderr, done.stderr
    assert done.stderr.count("Ada Lovelace") == 1 and "Traceback" not in done.stderr
    assert not (tmp_path / "out" / "gradebook.csv").exists()  # nothing graded, nothing written


def test_another_assignment_into_the_same_out_is_refused(course, hw1):
    done = run_grade(
        "batch", str(course / "hw2"), "--out", str(course / "out-hw1"),
        "--course", str(course / "course.toml"), "--assignment", "hw2",
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .endswith("holds assignment 'hw1', not 'hw2': grade each assignment into its own --out")
    )


def test_a_changed_late_policy_or_extension_gives_the_fresh_grade_on_a_rerun(course, hw1):
    """The course's policy for the assignment is an input of the class's grades (the manifest's
    change matrix, grader/base/depends.py): a re-run after the late penalty or an extension changed
    gives what a fresh class would, never the totals kept from before."""
    toml = course / "course.toml"
    kept = toml.read_text()
    try:
        toml.write_text(
            kept.replace("penalty = 10, cap = 50", "penalty = 20, cap = 50").replace(
                '"King, Carol" = "2026-10-16 23:59"', '"King, Carol" = "2026-10-15 23:59"'
            )
        )
        grade_batch(course, "hw1")
        rows = by_student(course / "out-hw1" / "gradebook.csv")
        assert (rows["bob"]["total"], rows["bob"]["late"]) == ("10", "2 h 30 min late, −50 %")  # the cap
        assert rows["carol"]["total"] != "20" and rows["carol"]["late"] == "10 h 1 min late (extended), −50 %"
    finally:
        toml.write_text(kept)
        grade_batch(course, "hw1")
