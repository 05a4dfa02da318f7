"""The LMS round trip: a roster in, a bulk download graded, an import file out.

Two classes are graded end to end (Canvas, Moodle), one ``grade batch --topic losses`` each;
the rest are fast unit tests of name parsing, roster reading and the import files.
"""

from __future__ import annotations

import csv
import shutil

import pytest
from helpers import REPO, run_grade
from lms_files import write_lms

from grader.batch.gradebook import Row
from grader.batch.intake import LmsName, Submission, gather, lms_name, resubmission
from grader.batch.lms.base import name_key
from grader.batch.roster import RosterError, assign, owners, read_roster

RIGHT = REPO / "solutions" / "losses.py"
WRONG = REPO / "exercises" / "losses.py"

CANVAS_EXPORT = (
    "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Losses (4401),Current Score,Final Score\r\n"
    "    Points Possible,,,,,10.00,(read only),(read only)\r\n"
    '"Smith, John",12345,S001,jsmith,Section 1,,,\r\n'
    '"Doe, Jane",12346,S002,jdoe,Section 1,8.00,80.00,80.00\r\n'
    '"Lee, Ann",12347,S003,alee,Section 2,,,\r\n'
    '"Kim, Bo",12348,S004,bkim,Section 2,,,\r\n'
    '"Student, Test",99999,,,Section 1,,,\r\n'
)

MOODLE_PARTICIPANTS = (
    "First name,Last name,Username,Email address,Roles\n"
    "John,Smith,jsmith,john.smith@example.edu,Student\n"
    "Jane,Doe,jdoe,jane.doe@example.edu,Student\n"
    "Ann,Lee,alee,ann.lee@example.edu,Student\n"
    "Bo,Kim,bkim,bo.kim@example.edu,Student\n"
)


def read_rows(path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def canvas_class(root):
    """A Canvas export and its bulk download: resubmission, late file, two topics, a stray."""
    root.mkdir()
    (root / "export.csv").write_text(CANVAS_EXPORT, newline="")
    download = root / "submissions"
    download.mkdir()
    files = {
        "smithjohn_12345_67890_losses.py": WRONG,  # superseded by the resubmission below
        "smithjohn_12345_67890_losses-1.py": RIGHT,
        "smithjohn_12345_67890_optim.py": REPO / "solutions" / "optim.py",  # a second topic
        "doejane_late_12346_67891_losses.py": RIGHT,
        "leeann_12347_67892_losses.py": WRONG,
        "nobodyknown_55555_67899_losses.py": RIGHT,  # matches no one on the roster
    }  # Kim, Bo submitted nothing; the Test Student neither
    for name, source in files.items():
        shutil.copy(source, download / name)
    return root


def moodle_class(root):
    """A Moodle participants file and a folder-per-student download (and one plain file)."""
    root.mkdir()
    (root / "participants.csv").write_text(MOODLE_PARTICIPANTS)
    download = root / "submissions"
    for name, source in (
        ("John Smith_501_assignsubmission_file_", RIGHT),
        ("Jane Doe_502_assignsubmission_file_", WRONG),
        ("Zed Nobody_509_assignsubmission_file_", RIGHT),  # not on the roster
    ):
        (download / name).mkdir(parents=True)
        shutil.copy(source, download / name / "losses.py")
    shutil.copy(RIGHT, download / "Ann Lee_503_assignsubmission_file_losses.py")
    return root  # Bo Kim submitted nothing


def grade_class(root, roster: str):
    out = root / "out"
    done = run_grade(
        "batch", str(root / "submissions"), "--out", str(out), "--roster", str(root / roster),
        "--topic", "losses", "--workers", "2",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    gradebook = {r["student"]: r for r in csv.DictReader((out / "gradebook.csv").open())}
    return out, done.stderr, gradebook


def whose(roster, name, student):
    """The key of the one student a submission's name gives, or None."""
    found = owners(roster, name, student)
    return found[0].key if len(found) == 1 else None


@pytest.fixture(scope="module")
def canvas(tmp_path_factory):
    return grade_class(canvas_class(tmp_path_factory.mktemp("canvas") / "class"), "export.csv")


@pytest.fixture(scope="module")
def moodle(tmp_path_factory):
    return grade_class(moodle_class(tmp_path_factory.mktemp("moodle") / "class"), "participants.csv")


@pytest.mark.e2e
def test_canvas_csv_is_the_export_plus_one_filled_column(canvas):
    out, _, gradebook = canvas
    full = gradebook["jsmith"]["max"]
    assert float(full) > 0
    export = list(csv.reader(CANVAS_EXPORT.lstrip("\ufeff").splitlines()))
    written = read_rows(out / "canvas.csv")
    assert (out / "canvas.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # as Canvas wrote it
    assert written[0] == [*export[0], "torchgrade (losses)"]
    assert written[1] == [*export[1], full]  # Points Possible, its leading spaces kept
    scores = {"Smith, John": full, "Doe, Jane": full, "Lee, Ann": "0", "Kim, Bo": "", "Student, Test": ""}
    assert written[2:] == [[*row, scores[row[0]]] for row in export[2:]]


@pytest.mark.e2e
def test_canvas_rows_say_which_file_was_used(canvas):
    out, _, gradebook = canvas
    assert sorted(gradebook) == ["alee", "bkim", "jdoe", "jsmith", "nobodyknown_55555"]
    assert gradebook["jsmith"]["status"] == (
        "graded: losses.py: resubmission 1 used; instead of losses.py"
    )  # one submission of two topics (optim.py is in it, --topic grades losses)
    assert gradebook["jdoe"]["status"] == "graded: losses.py: late"
    assert (
        gradebook["bkim"]["status"] == "missing: no submission" and gradebook["bkim"]["total"] == ""
    )  # blank, as in canvas.csv
    assert "Student, Test" not in gradebook and "99999" not in gradebook
    assert "No submission" in (out / "feedback" / "bkim.md").read_text()


@pytest.mark.e2e
def test_canvas_stray_file_is_graded_and_listed_apart(canvas):
    out, stderr, gradebook = canvas
    stray = gradebook["nobodyknown_55555"]
    assert stray["status"] == "graded" and stray["total"] == stray["max"]
    unmatched = list(csv.DictReader((out / "unmatched.csv").open()))
    assert [(r["student"], r["total"], r["entries"]) for r in unmatched] == [
        ("nobodyknown_55555", stray["total"], "nobodyknown_55555_67899_losses.py")
    ]
    assert "match no one on the roster" in stderr and "nobodyknown_55555" in stderr
    assert "no submission" in stderr and "Kim, Bo (bkim)" in stderr


@pytest.mark.e2e
def test_moodle_csv_names_students_as_the_roster_does(moodle):
    out, stderr, gradebook = moodle
    full = gradebook["jsmith"]["max"]
    assert read_rows(out / "moodle.csv") == [
        ["Username", "torchgrade (losses)"],
        ["jsmith", full],
        ["jdoe", "0"],
        ["alee", full],
        ["bkim", ""],  # no submission: blank by default (--missing zero gives 0)
    ]
    assert gradebook["bkim"]["status"] == "missing: no submission"
    unmatched = list(csv.DictReader((out / "unmatched.csv").open()))
    assert [(r["student"], r["total"]) for r in unmatched] == [("Zed Nobody_509", full)]
    assert "Zed Nobody_509" in stderr and "Bo Kim (bkim)" in stderr


# Names in bulk downloads


@pytest.mark.unit
@pytest.mark.parametrize(
    "name, expected",
    [
        (
            "smithjohn_12345_67890_losses.py",
            LmsName("canvas", "smithjohn", "12345", "losses.py", False, "67890"),
        ),
        (
            "smithjohn_late_12345_67890_losses.py",
            LmsName("canvas", "smithjohn", "12345", "losses.py", True, "67890"),
        ),
        (
            "smithjohn_12345_67890_losses-1.py",
            LmsName("canvas", "smithjohn", "12345", "losses-1.py", False, "67890"),
        ),
        (
            "smithjohn_12345_67890_my_hw_2.zip",
            LmsName("canvas", "smithjohn", "12345", "my_hw_2.zip", False, "67890"),
        ),
        (
            "John Smith_501_assignsubmission_file_",
            LmsName("moodle", "John Smith", "501", ""),
        ),
        (
            "John Smith_501_assignsubmission_file_losses.py",
            LmsName("moodle", "John Smith", "501", "losses.py"),
        ),
        ("alice", None),
        ("alice.zip", None),
        ("alice_losses.py", None),
        ("losses.py", None),
        ("bob_2024_losses.py", None),
    ],
)
def test_lms_names(name, expected):
    assert lms_name(name) == expected


@pytest.mark.unit
@pytest.mark.parametrize(
    "original, expected",
    [
        ("losses.py", ("losses.py", 0)),
        ("losses-1.py", ("losses.py", 1)),
        ("losses-12.py", ("losses.py", 12)),
        ("my-losses.py", ("my-losses.py", 0)),
        ("exercises-2.zip", ("exercises.zip", 2)),
    ],
)
def test_resubmission_numbers(original, expected):
    assert resubmission(original) == expected


@pytest.mark.unit
def test_gather_groups_lms_entries_and_leaves_others_alone(tmp_path):
    names = [
        "Ann Lee_503_assignsubmission_file_losses.py",
        "Ann Lee_503_assignsubmission_onlinetext_onlinetext.html",
        "alice",
        "bob.zip",
        "carol_losses.py",
        "smithjohn_12345_1_losses.py",
        "smithjohn_late_12345_1_optim.py",
    ]
    for name in names:
        (tmp_path / name).mkdir() if name == "alice" else (tmp_path / name).write_text("")
    found = gather([tmp_path / n for n in names])
    assert [(s.student, len(s.entries)) for s in found] == [
        ("Ann Lee_503", 2),
        ("alice", 1),
        ("bob", 1),
        ("carol_losses", 1),
        ("smithjohn_12345", 2),
    ]
    assert [s.name is None for s in found] == [False, True, True, True, False]


# Rosters


@pytest.mark.unit
def test_canvas_roster_keys_test_student_and_points_possible(tmp_path):
    (tmp_path / "export.csv").write_text(CANVAS_EXPORT, newline="")
    roster = read_roster(tmp_path / "export.csv")
    assert roster.lms == "canvas" and roster.bom and len(roster.meta) == 1
    assert [(m.key, m.test) for m in roster.members] == [
        ("jsmith", False),
        ("jdoe", False),
        ("alee", False),
        ("bkim", False),
        ("99999", True),  # no SIS login: the Canvas id
    ]
    assert whose(roster, LmsName("canvas", "doejane", "12346", "f.py"), "") == "jdoe"  # the id decides
    assert whose(roster, LmsName("canvas", "whoever", "12346", "f.py"), "") == "jdoe"  # a group's files
    assert whose(roster, LmsName("canvas", "smithjohn", "77777", "f.py"), "") is None
    assert whose(roster, None, "jsmith") == "jsmith"  # a folder named by login
    assert whose(roster, None, "Ann Lee") == "alee"  # or by name
    assert whose(roster, None, "bkim_losses") == "bkim"  # a <student>_<topic>.py
    assert whose(roster, None, "bkim_notes") is None


@pytest.mark.unit
@pytest.mark.parametrize(
    "text, column, key",
    [
        (MOODLE_PARTICIPANTS, "Username", "jsmith"),
        (
            "First name;Last name;Email address\nJohn;Smith;js@example.edu\n",
            "Email address",
            "js@example.edu",
        ),
        ("Surname,First name,ID number\nSmith,John,0042\n", "ID number", "0042"),
        ("student\njsmith\n", "student", "jsmith"),
    ],
)
def test_moodle_and_plain_rosters_find_their_identifier(tmp_path, text, column, key):
    (tmp_path / "roster.csv").write_text(text)
    roster = read_roster(tmp_path / "roster.csv")
    assert roster.lms == ("plain" if column == "student" else "moodle")
    assert roster.header[roster.id_column] == column
    assert roster.members[0].key == key
    assert whose(roster, None, key.upper()) == key
    if column != "student":
        assert whose(roster, LmsName("moodle", "John Smith", "501", "f.py"), "") == key


@pytest.mark.unit
def test_moodle_worksheet_matches_by_participant_id(tmp_path):
    (tmp_path / "worksheet.csv").write_text(
        "Identifier,Full name,Email address,Status,Grade\n"
        "Participant 501,John Smith,js@example.edu,Submitted,\n"
        "Participant 502,John Smith,js2@example.edu,Submitted,\n"
    )
    roster = read_roster(tmp_path / "worksheet.csv")
    assert whose(roster, LmsName("moodle", "John Smith", "502", "f.py"), "") == "js2@example.edu"
    assert whose(roster, LmsName("moodle", "John Smith", "503", "f.py"), "") is None


@pytest.mark.unit
def test_unusable_rosters_say_why(tmp_path):
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "grades.csv").write_text("score,comment\n1,ok\n")
    (tmp_path / "header.csv").write_text("Username\n")
    for name, words in (("empty", "is empty"), ("grades", "no identifier column"), ("header", "no student")):
        with pytest.raises(RosterError, match=words):
            read_roster(tmp_path / f"{name}.csv")


@pytest.mark.unit
def test_ambiguous_names_match_no_one(tmp_path):
    (tmp_path / "roster.csv").write_text("Full name,Username\nJohn Smith,js1\nJohn Smith,js2\n")
    roster = read_roster(tmp_path / "roster.csv")
    assert whose(roster, LmsName("moodle", "John Smith", "1", "f.py"), "") is None
    assert name_key("Smíth, John") == "smithjohn"


@pytest.mark.unit
def test_assign_never_gives_one_student_two_submissions(tmp_path):
    (tmp_path / "export.csv").write_text(CANVAS_EXPORT, newline="")
    roster = read_roster(tmp_path / "export.csv")
    first = Submission("smithjohn_12345", (tmp_path / "a",), LmsName("canvas", "smithjohn", "12345", "a"))
    second = Submission("jsmith", (tmp_path / "jsmith",))
    claims = assign([first, second], roster)  # both claim jsmith: neither gets jsmith's grade
    assert claims.unmatched == [first, second] and list(claims.contested) == ["jsmith"]


# Import files


def row(student: str, status: str = "graded", score: float = 3, max_score: float = 4) -> Row:
    return Row(student, "hash", "v1", status, "", score, max_score, {})


@pytest.mark.unit
def test_canvas_csv_fills_the_column_an_earlier_import_made(tmp_path):
    header = "Student,ID,SIS Login ID,torchgrade (losses) (5501),Current Score\n"
    (tmp_path / "export.csv").write_text(
        header + "Points Possible,,,4.00,(read only)\n" + '"Smith, John",1,js,2.00,\n"Doe, Jane",2,jd\n'
    )
    roster = read_roster(tmp_path / "export.csv")
    write_lms([row("js"), row("jd", "crashed", 0, 0)], roster, "torchgrade (losses)", tmp_path / "c.csv")
    assert read_rows(tmp_path / "c.csv") == [
        ["Student", "ID", "SIS Login ID", "torchgrade (losses) (5501)", "Current Score"],
        ["Points Possible", "", "", "4.00", "(read only)"],  # as Canvas wrote it: the same number
        ["Smith, John", "1", "js", "3", ""],
        ["Doe, Jane", "2", "jd", ""],  # an internal error leaves the grade blank
    ]


@pytest.mark.unit
def test_moodle_csv_keeps_the_roster_spelling(tmp_path):
    (tmp_path / "roster.csv").write_text("First name;Last name;Email address\nJohn;Smith;JS@example.edu\n")
    roster = read_roster(tmp_path / "roster.csv")
    write_lms([row("JS@example.edu", score=2.5)], roster, "torchgrade (losses)", tmp_path / "m.csv")
    assert (tmp_path / "m.csv").read_text() == "Email address;torchgrade (losses)\nJS@example.edu;2.5\n"
