"""LMS files that their importers take.

Moodle: the assignment's offline grading worksheet is the roster, and ``moodle.csv`` is that
worksheet with ``Grade`` filled. Its importer (``mod/assign/feedback/offline/
importgradeslib.php`` and ``locallib.php`` in moodle/moodle) finds the columns named exactly
``Identifier``, ``Grade`` and ``Last modified (grade)`` (it refuses the file without them),
takes the participant number after "Participant ", reads ``Last modified (grade)`` with
``strtotime`` to skip a grade changed in Moodle since the download, reads the grade with
``unformat_float`` and skips one below 0 or above the assignment's maximum. Moodle writes the
worksheet with PHP's ``fputcsv``.

Canvas: ``--lms-column`` fills an existing column of the gradebook export (header rows kept),
scaled to its Points Possible; Canvas's import matches students by the export's own columns
and ignores read-only ones. A student without a submission: blank (the LMS keeps its value)
unless ``--missing zero``.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import datetime

import pytest
from helpers import REPO, run_grade
from lms_files import write_lms

from grader.batch.gradebook import Row
from grader.batch.lms.base import LmsSettings, lms_points
from grader.batch.lms.canvas import target as canvas_target
from grader.batch.lms.moodle import worksheet
from grader.batch.roster import RosterError, read_roster

IMPORTER_COLUMNS = ("Identifier", "Grade", "Last modified (grade)")
# As Moodle writes the worksheet (fputcsv quotes cells with a space; "-" where never graded).
WORKSHEET = (
    'Identifier,"Full name","Email address",Status,Grade,"Maximum Grade","Grade can be changed",'
    '"Last modified (submission)","Online text","Last modified (grade)","Feedback comments"\n'
    '"Participant 501","John Smith",john.smith@example.edu,"Submitted for grading",,100.00,Yes,'
    '"Monday, 20 November 2023, 10:15 AM",,-,\n'
    '"Participant 502","Jane Doe",jane.doe@example.edu,"Submitted for grading",,100.00,Yes,'
    '"Monday, 20 November 2023, 11:02 AM",,-,\n'
    '"Participant 503","Ann Lee",ann.lee@example.edu,"No submission",55.00,100.00,Yes,-,,'
    '"Tuesday, 21 November 2023, 9:00 AM","Seen in class"\n'
    '"Participant 504","Bo Kim",bo.kim@example.edu,"No submission",,100.00,Yes,-,,-,\n'
)


def row(student: str, status: str = "graded", score: float = 40, max_score: float = 49) -> Row:
    return Row(student, "hash", "v1", status, "", score, max_score, {})


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))


def assert_moodle_takes(before: str, after: str) -> list[str]:
    """Hold ``after`` to the worksheet importer's rules; return its grades."""
    old, new = parse(before), parse(after)
    header = new[0]
    assert header == old[0] and all(name in header for name in IMPORTER_COLUMNS)
    grade, top = header.index("Grade"), header.index("Maximum Grade")
    identifier, modified = header.index("Identifier"), header.index("Last modified (grade)")
    assert len(new) == len(old)
    for was, now in zip(old[1:], new[1:]):
        assert re.fullmatch(r"Participant \d+", now[identifier]) and now[identifier] == was[identifier]
        stamp = now[modified]
        assert stamp == was[modified]  # the importer's check against a grade changed since
        if stamp != "-":
            datetime.strptime(stamp, "%A, %d %B %Y, %I:%M %p")
        filled = (grade, header.index("Feedback comments"))  # the two columns torchgrade fills
        assert [c for i, c in enumerate(now) if i not in filled] == [
            c for i, c in enumerate(was) if i not in filled
        ]
        if now[grade] != was[grade]:
            assert re.fullmatch(r"\d+\.\d\d", now[grade]), now[grade]  # what unformat_float reads
            assert 0 <= float(now[grade]) <= float(now[top])  # else the importer skips it
    return [r[grade] for r in new[1:]]


@pytest.mark.unit
def test_lms_points_scale_to_the_lms_maximum():
    assert lms_points(40, 49, 100) == 81.63
    assert lms_points(49, 49, 100) == 100 and lms_points(0, 49, 10) == 0
    assert lms_points(0, 0, 100) == 0  # nothing graded


@pytest.mark.unit
@pytest.mark.parametrize("missing, bo", [("blank", ""), ("zero", "0.00")])
def test_moodle_csv_is_the_worksheet_with_grade_filled(tmp_path, missing, bo):
    (tmp_path / "worksheet.csv").write_text(WORKSHEET)
    roster = read_roster(tmp_path / "worksheet.csv")
    assert worksheet(roster) and roster.newline == "\n"
    rows = [
        row("john.smith@example.edu"),
        row("jane.doe@example.edu", score=49),
        row("ann.lee@example.edu", "crashed", 0, 0),  # an internal error: Moodle's own grade stays
        row("bo.kim@example.edu", "missing", 0, 0),
    ]
    write_lms(rows, roster, "torchgrade (losses)", tmp_path / "moodle.csv", LmsSettings(missing=missing))
    written = (tmp_path / "moodle.csv").read_text()
    assert assert_moodle_takes(WORKSHEET, written) == ["81.63", "100.00", "55.00", bo]
    expected = WORKSHEET.replace(
        ',,100.00,Yes,"Monday, 20 November 2023, 10:15', ',81.63,100.00,Yes,"Monday, 20 November 2023, 10:15'
    )
    expected = expected.replace(
        ',,100.00,Yes,"Monday, 20 November 2023, 11:02', ',100.00,100.00,Yes,"Monday, 20 November 2023, 11:02'
    )
    expected = expected.replace('"No submission",,100.00', f'"No submission",{bo},100.00')
    assert written == expected  # byte for byte what Moodle wrote, but the grades


@pytest.mark.unit
def test_moodle_worksheet_keeps_its_decimal_comma_and_delimiter(tmp_path):
    sheet = 'Identifier;"Full name";Grade;"Maximum Grade";"Last modified (grade)"\r\n"Participant 7";"A B";;10,00;-\r\n'
    (tmp_path / "w.csv").write_text(sheet, newline="")
    roster = read_roster(tmp_path / "w.csv")
    write_lms([row("Participant 7")], roster, "t", tmp_path / "m.csv")
    assert (tmp_path / "m.csv").read_bytes().decode() == sheet.replace(";;10,00", ";8,16;10,00")


@pytest.mark.unit
def test_a_worksheet_graded_on_a_scale_is_refused(tmp_path):
    (tmp_path / "w.csv").write_text(WORKSHEET.replace("100.00", "Good"))
    with pytest.raises(RosterError, match="Maximum Grade 'Good' is not a positive number"):
        read_roster(tmp_path / "w.csv")


CANVAS = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (12345),Quiz (777),Current Score\n"
    "    Points Possible,,,,,100.00,5.00,(read only)\n"
    '"Smith, John",1,S1,jsmith,Sec 1,,4.00,80.00\n'
    '"Doe, Jane",2,S2,jdoe,Sec 1,,,\n'
    '"Kim, Bo",3,S3,bkim,Sec 1,70.00,,\n'
    '"Lee, Ann",4,S4,alee,Sec 1,,,\n'
)


@pytest.mark.unit
@pytest.mark.parametrize("missing, bo", [("blank", "70.00"), ("zero", "0")])
@pytest.mark.parametrize("name", ["Homework 1 (12345)", "Homework 1"])
def test_canvas_lms_column_fills_that_column_scaled(tmp_path, missing, bo, name):
    (tmp_path / "export.csv").write_text(CANVAS)
    roster = read_roster(tmp_path / "export.csv")
    rows = [row("jsmith"), row("jdoe", score=49), row("bkim", "missing", 0, 0), row("alee", "crashed", 0, 0)]
    write_lms(rows, roster, "torchgrade (losses)", tmp_path / "c.csv", LmsSettings(name, missing))
    written = parse((tmp_path / "c.csv").read_text())
    export = parse(CANVAS)
    assert written[:2] == export[:2]  # the header and Points Possible rows as Canvas wrote them
    assert [r[5] for r in written[2:]] == ["81.63", "100", bo, ""]
    assert [r[:5] + r[6:] for r in written] == [r[:5] + r[6:] for r in export]  # every other column


@pytest.mark.unit
def test_canvas_without_lms_column_adds_ours_and_leaves_missing_blank(tmp_path):
    (tmp_path / "export.csv").write_text(CANVAS)
    roster = read_roster(tmp_path / "export.csv")
    rows = [row("jsmith"), row("jdoe", score=49), row("bkim", "missing", 0, 0), row("alee", "rejected", 0, 0)]
    write_lms(rows, roster, "torchgrade (losses)", tmp_path / "c.csv")
    written = parse((tmp_path / "c.csv").read_text())
    assert written[0][-1] == "torchgrade (losses)" and written[1][-1] == "49"
    assert [r[-1] for r in written[2:]] == ["40", "49", "", "0"]


@pytest.mark.unit
def test_canvas_lms_column_that_cannot_be_filled_says_why(tmp_path):
    (tmp_path / "export.csv").write_text(CANVAS)
    roster = read_roster(tmp_path / "export.csv")
    with pytest.raises(RosterError, match="no column 'Homework 2'.*Homework 1 \\(12345\\)"):
        canvas_target(roster, "Homework 2")
    with pytest.raises(RosterError, match="no Points Possible"):
        canvas_target(roster, "Current Score")
    assert canvas_target(roster, "Quiz") == (6, 5.0)


def small_class(root, download: dict[str, str]):
    (root / "submissions").mkdir(parents=True)
    for name, source in download.items():
        (root / "submissions" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / source / "losses.py", root / "submissions" / name)
    return root / "submissions"


@pytest.mark.e2e
def test_batch_fills_the_canvas_column_and_the_moodle_worksheet(tmp_path):
    canvas = small_class(
        tmp_path / "canvas",
        {"smithjohn_1_900_losses.py": "solutions", "doejane_2_901_losses.py": "exercises"},
    )
    (tmp_path / "export.csv").write_text(CANVAS)
    out = tmp_path / "out"
    args = [
        "batch",
        str(canvas),
        "--out",
        str(out),
        "--topic",
        "losses",
        "--roster",
        str(tmp_path / "export.csv"),
    ]
    refused = run_grade(*args, "--lms-column", "Homework 9", timeout=120)
    assert refused.returncode == 2 and "no column 'Homework 9'" in refused.stderr
    done = run_grade(*args, "--lms-column", "Homework 1 (12345)", "--missing", "zero", timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert [r[5] for r in parse((out / "canvas.csv").read_text())[1:]] == ["100.00", "100", "0", "0", "0"]
    again = run_grade(*args, "--lms-column", "Homework 1 (12345)", timeout=300)  # nothing regraded
    assert [r[5] for r in parse((out / "canvas.csv").read_text())[1:]] == ["100.00", "100", "0", "70.00", ""]
    assert again.returncode == 0

    # Moodle 4.1+ (mod/assign/classes/downloader.php): a folder per student, no trailing "_";
    # and a flat file (< 3.1) whose own name imitates a classmate's prefix
    moodle = small_class(
        tmp_path / "moodle",
        {
            "John Smith_501_assignsubmission_file/losses.py": "solutions",
            "Jane Doe_502_assignsubmission_file/losses.py": "solutions",
            "Bo Kim_504_assignsubmission_file_x_501_assignsubmission_file_losses-99.py": "exercises",
        },
    )
    (tmp_path / "worksheet.csv").write_text(WORKSHEET)
    out = tmp_path / "out-moodle"
    done = run_grade(
        "batch", str(moodle), "--out", str(out), "--topic", "losses", "--roster", str(tmp_path / "worksheet.csv"),
        timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    grades = assert_moodle_takes(WORKSHEET, (out / "moodle.csv").read_text())
    assert grades == ["100.00", "100.00", "55.00", "0.00"] and "match no one" not in done.stderr
