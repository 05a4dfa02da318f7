"""LMS files shaped from the LMSs' own source (not from their documentation, which differs), one fixture per case; each test names
the file of moodle/moodle or instructure/canvas-lms it follows."""

from __future__ import annotations

import csv
import io
import sys
import zipfile

import pytest
from lms_files import write_lms

import grader.batch.lms as lms_package
from grader.batch.find import StudentNotFound, resolve_assignment
from grader.batch.gradebook import Row
from grader.batch.intake import Gradable, gather, lms_name, take_submission
from grader.batch.lms import all_lms
from grader.batch.lms.base import LmsName, LmsSettings
from grader.batch.lms.moodle import COMMENTS, MAX_COMMENT
from grader.batch.report_html import render
from grader.batch.roster import assign, owners, read_roster
from grader.batch.summary import class_stats, summary_text
from grader.course.keys import Assignment, LatePolicy

pytestmark = pytest.mark.unit

# mod/assign/feedback/offline (the worksheet, as gradingtable.php and fputcsv write it)
WORKSHEET = (
    'Identifier,"Full name","Email address",Status,Grade,"Maximum Grade","Grade can be changed",'
    '"Last modified (submission)","Last modified (grade)","Feedback comments"\n'
    '"Participant 501","John Smith",john@example.edu,"Submitted for grading",,100.00,Yes,'
    '"Monday, 20 November 2023, 10:15 AM",-,\n'
    '"Participant 502","Mallory Evil",mallory@example.edu,"Submitted for grading",,100.00,Yes,'
    '"Monday, 20 November 2023, 10:20 AM",-,\n'
    '"Participant 503","Barbara Liskov",barbara@example.edu,"Submitted for grading",,100.00,Yes,'
    '"Monday, 20 November 2023, 10:30 AM",-,\n'
)
# lib/gradebook_exporter.rb: a manually posted assignment adds a row with an empty first cell.
CANVAS = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (12345),Quiz (12346),Current Score\r\n"
    ",,,,,Manual Posting,,\r\n"
    "    Points Possible,,,,,100.00,5.00,(read only)\r\n"
    '"Liskov, Barbara",701,S1,bliskov,Sec 1,70.00,5.00,70.00\r\n'
    '"Lamarr, Hedy",702,S2,hlamarr,Sec 1,,,\r\n'
    '"Student, Test",799,,,Sec 1,,,\r\n'
)
GOOD = "def f():\n    return 1\n"


def assignment(*excused: str) -> Assignment:
    return Assignment("hw1", "hw1", (), {}, 0.0, {}, None, LatePolicy(), excused=excused)


def row(student: str, status: str = "graded", score: float = 40, max_score: float = 49) -> Row:
    return Row(student, "hash", "v1", status, "", score, max_score, {})


def whose(roster, name, student):
    """The key of the one student a submission's name gives, or None."""
    found = owners(roster, name, student)
    return found[0].key if len(found) == 1 else None


@pytest.fixture
def worksheet(tmp_path):
    (tmp_path / "worksheet.csv").write_text(WORKSHEET)
    return read_roster(tmp_path / "worksheet.csv")


@pytest.fixture
def canvas(tmp_path):
    (tmp_path / "export.csv").write_text(CANVAS, newline="")
    return read_roster(tmp_path / "export.csv")


# mod/assign/classes/downloader.php: "<full name>_<participant id>" (underscores in the name
# become spaces), "_assignsubmission_<plugin>", then a folder (3.1+) or "_<file name>" (flat).
@pytest.mark.parametrize(
    "name, expected",
    [
        ("John Smith_501_assignsubmission_file", LmsName("moodle", "John Smith", "501", "")),
        ("John Smith_501_assignsubmission_file_", LmsName("moodle", "John Smith", "501", "")),
        (
            "John Smith_501_assignsubmission_file_losses.py",
            LmsName("moodle", "John Smith", "501", "losses.py"),
        ),
        ("John Smith_501_assignsubmission_onlinetext", LmsName("moodle", "John Smith", "501", "")),
        ("Participant_8823_assignsubmission_file", LmsName("moodle", "Participant", "8823", "")),
        ("Team A_12_assignsubmission_file", LmsName("moodle", "Team A", "12", "")),
        ("Default group_assignsubmission_file", LmsName("moodle", "Default group", "", "")),
        (
            "Mallory Evil_502_assignsubmission_file_x_501_assignsubmission_file_losses-99.py",
            LmsName("moodle", "Mallory Evil", "502", "x_501_assignsubmission_file_losses-99.py"),
        ),
    ],
)
def test_moodle_download_names(name, expected):
    assert lms_name(name) == expected


# lib/content_zipper.rb: [name, LATE, id].join("_") (anon_<id> and no name when anonymous),
# then "_<attachment id>_<file name>".
@pytest.mark.parametrize(
    "name, expected",
    [
        (
            "smithjohn_LATE_701_9001_losses.py",
            LmsName("canvas", "smithjohn", "701", "losses.py", True, "9001"),
        ),
        (
            "smithjohn_late_701_9001_losses.py",
            LmsName("canvas", "smithjohn", "701", "losses.py", True, "9001"),
        ),
        ("anon_x7Kq2_9001_losses.py", LmsName("canvas", "", "anon_x7Kq2", "losses.py", False, "9001")),
        ("LATE_anon_x7Kq2_9001_losses.py", LmsName("canvas", "", "anon_x7Kq2", "losses.py", True, "9001")),
    ],
)
def test_canvas_download_names(name, expected):
    assert lms_name(name) == expected


def test_a_file_named_like_a_classmates_resubmission_never_takes_their_grade(tmp_path, worksheet):
    """Hostile: Mallory (502) uploads ``x_501_assignsubmission_file_losses-99.py``; Moodle's flat
    download (downloader.php, < 3.1) prefixes it with her own name and id. John (501) keeps his
    own file. (Seen failing with the greedy pattern of before: John's file lost to hers.)"""
    folder = tmp_path / "download"
    folder.mkdir()
    (folder / "John Smith_501_assignsubmission_file_losses.py").write_text(GOOD)
    bad = "Mallory Evil_502_assignsubmission_file_x_501_assignsubmission_file_losses-99.py"
    (folder / bad).write_text("def f():\n    return 99\n")
    claims = assign(gather(sorted(folder.iterdir())), worksheet)
    assert not claims.unmatched and not claims.contested
    by_key = {s.student: s for s in claims.named}
    assert sorted(by_key) == ["john@example.edu", "mallory@example.edu"]
    john = take_submission(by_key["john@example.edu"], tmp_path / "scratch")
    assert isinstance(john, Gradable) and (john.path / "losses.py").read_text() == GOOD


def test_a_download_id_whose_name_is_someone_elses_is_refused(worksheet):
    """A forged prefix: 501's id with another name matches no one (listed as unmatched)."""
    forged = lms_name("Mallory Evil_501_assignsubmission_file_losses.py")
    assert whose(worksheet, forged, "") is None


def test_moodle_41_folders_with_the_worksheet_grade_every_student(tmp_path, worksheet):
    """downloader.php (4.1+): one folder per student and plugin, no trailing underscore."""
    folder = tmp_path / "download"
    for name in ("John Smith_501", "Mallory Evil_502", "Barbara Liskov_503"):
        (folder / f"{name}_assignsubmission_file").mkdir(parents=True)
        (folder / f"{name}_assignsubmission_file" / "losses.py").write_text(GOOD)
    (folder / "John Smith_501_assignsubmission_onlinetext").mkdir()
    (folder / "John Smith_501_assignsubmission_onlinetext" / "onlinetext.html").write_text("<p>hi</p>")
    claims = assign(gather(sorted(folder.iterdir())), worksheet)
    assert not claims.unmatched and len(claims.named) == 3
    assert {s.student for s in claims.named} == {m.key for m in worksheet.members}


def test_canvas_manual_posting_row_is_no_student_and_kept_byte_for_byte(tmp_path, canvas):
    """gradebook_exporter.rb writes the row; gradebook_importer.rb skips it (and Points Possible)."""
    assert [m.key for m in canvas.members] == ["bliskov", "hlamarr", "799"]
    assert [m.test for m in canvas.members] == [False, False, True]
    for settings in (LmsSettings(missing="zero"), LmsSettings("Homework 1", "zero")):
        rows = [row("bliskov"), row("hlamarr", "missing", 0, 0)]
        write_lms(rows, canvas, "torchgrade (losses)", tmp_path / "canvas.csv", settings)
        written = (tmp_path / "canvas.csv").read_bytes().decode().split("\r\n")
        original = CANVAS.split("\r\n")
        if settings.column:  # the filled column in place: the non-student rows byte for byte
            assert written[1:3] == original[1:3] and written[5] == original[5]
            assert written[4].split(",")[6] == "0"  # "Lamarr, Hedy" holds a comma
        else:  # our column added: empty on Manual Posting, the maximum on Points Possible
            assert written[1] == original[1] + "," and written[2] == original[2] + ",49"
            assert written[5] == original[5] + ","  # the test student never filled


def test_course_names_are_any_name_the_lms_uses(canvas, worksheet):
    """Excused and extended students by full name, "Last, First", login or email; nobody: refused."""
    barbara = assignment("Barbara Liskov")
    assert resolve_assignment(barbara, [], canvas).excused == ("bliskov",)
    assert resolve_assignment(barbara, [], worksheet).excused == ("barbara@example.edu",)
    assert resolve_assignment(assignment("Lamarr, Hedy"), [], canvas).excused == ("hlamarr",)
    with pytest.raises(StudentNotFound, match="hw1: excused: 'Ada Lovelace' names no one"):
        resolve_assignment(assignment("Ada Lovelace"), [], canvas)


def test_summary_gradebook_and_lms_files_agree(tmp_path, canvas):
    """Missing, excused and failed-to-grade: the same in the summary's numbers and the files."""
    from grader.batch.exports import write_csv

    rows = [row("bliskov", score=49), row("hlamarr", "excused", 0, 0), row("799", "crashed", 0, 0)]
    rows[2] = Row("799", "", "v1", "crashed", "the grading process died", 0, 0, {})
    write_csv(rows, tmp_path / "gradebook.csv")
    totals = [r[1] for r in csv.reader(io.StringIO((tmp_path / "gradebook.csv").read_text()))][1:]
    assert totals == ["49", "EX", ""]
    stats = class_stats(rows)
    assert stats.totals == [49.0] and stats.excused == 1 and stats.not_graded == [("799", rows[2].reason)]
    write_lms(rows[:2], canvas, "torchgrade (losses)", tmp_path / "canvas.csv")
    cells = [
        line.split(",")[-1] for line in (tmp_path / "canvas.csv").read_bytes().decode().split("\r\n")[3:5]
    ]
    assert cells == ["49", "EX"]
    zero = class_stats([*rows, row("x", "missing", 0, 0)], "zero")
    assert zero.totals == [49.0, 0.0]
    page = render(stats, "hw1", tmp_path)  # report.html: the same counts and the same mean
    assert (
        "failed to grade 1, no submission 0, excused 1; mean 49.00" in page and "grading process died" in page
    )
    assert summary_text(stats).endswith("failed to grade: 799: the grading process died")


def test_moodle_csv_carries_feedback_comments_as_its_importer_takes_them(tmp_path, worksheet):
    """feedback/offline/importgradeslib.php reads the column named "Feedback comments";
    feedback/comments/locallib.php stores it as HTML: escaped text, a <br> per line."""
    feedback = {
        "john@example.edu": "# Feedback\n\n**Total: 40 / 49**\n- `a<b` failed",
        "mallory@example.edu": "x" * (MAX_COMMENT + 50),
    }
    write_lms([row("john@example.edu")], worksheet, "t", tmp_path / "moodle.csv", feedback=feedback)
    table = list(csv.reader(io.StringIO((tmp_path / "moodle.csv").read_text(), newline="")))
    column = table[0].index(COMMENTS)
    assert all(len(r) == len(table[0]) for r in table)  # the importer wants every row whole
    assert table[1][column] == "# Feedback<br><br>**Total: 40 / 49**<br>- `a&lt;b` failed"
    assert len(table[2][column]) <= MAX_COMMENT and table[3][column] == ""


def test_canvas_feedback_zip_names_what_upload_submissions_takes(tmp_path, canvas):
    """app/models/assignment.rb (generate_comments_from_files): split at "_", the first two
    all-digit parts are the user id and an attachment id of that student's submission."""
    names = {"bliskov": (lms_name("liskovbarbara_701_9001_losses.py"),)}
    written = write_lms(
        [row("bliskov")], canvas, "t", tmp_path / "canvas.csv", feedback={"bliskov": "ok"}, names=names
    )
    with zipfile.ZipFile(written[1]) as archive:
        [name] = archive.namelist()
    assert [p for p in name.split("_") if p.isdigit()][:2] == ["701", "9001"]


def test_a_new_lms_is_one_file(tmp_path, monkeypatch):
    """A fake LMS module dropped beside the others round-trips a class: its download names,
    its roster, its import file; no other file changes."""
    (tmp_path / "fakelms.py").write_text(
        "from grader.batch.lms.base import LmsName, Roster, Member\n"
        "class Fake:\n"
        "    name, order = 'fakelms', 5\n"
        "    def owners(self, roster, name):\n"
        "        return [m for m in [roster.member('fid', name.user_id)] if m]\n"
        "    def entry_name(self, name):\n"
        "        head, _, rest = name.partition('--')\n"
        "        return LmsName('fakelms', head, head, rest) if head.startswith('F') and rest else None\n"
        "    def reads(self, header):\n"
        "        return header == ['fake id']\n"
        "    def roster(self, rows, path):\n"
        "        roster = Roster('fakelms', rows[0], [], rows[1:], 0)\n"
        "        for i, row in enumerate(roster.rows):\n"
        "            roster.members.append(Member(row[0], row[0], i))\n"
        "            roster.add('fid', row[0], i)\n"
        "        return roster\n"
        "    def check_column(self, roster, column):\n"
        "        pass\n"
        "    def write(self, grades, out):\n"
        "        path = out / 'fake.txt'\n"
        "        path.write_text(''.join(f'{m.key}={grades.of(m).score}\\n' for m in grades.roster.members))\n"
        "        return [path]\n"
        "LMS = Fake()\n"
    )
    monkeypatch.setattr(lms_package, "__path__", [*lms_package.__path__, str(tmp_path)])
    all_lms.cache_clear()
    try:
        (tmp_path / "roster.csv").write_text("fake id\nF1\nF2\n")
        roster = read_roster(tmp_path / "roster.csv")
        download = tmp_path / "download"
        download.mkdir()
        for who in ("F1", "F2"):
            (download / f"{who}--losses.py").write_text(GOOD)
        claims = assign(gather(sorted(download.iterdir())), roster)
        assert roster.lms == "fakelms" and sorted(s.student for s in claims.named) == ["F1", "F2"]
        write_lms([row("F1", score=3), row("F2", score=4)], roster, "t", tmp_path / "out.txt")
        assert (tmp_path / "out.txt").read_text() == "F1=3\nF2=4\n"
    finally:
        monkeypatch.undo()
        all_lms.cache_clear()
        sys.modules.pop("grader.batch.lms.fakelms", None)


def test_a_team_download_is_graded_for_every_member(tmp_path):
    """downloader.php names a team's files by the group's name and id; gradingtable.php adds a
    Group column to the worksheet of a team assignment: each member gets the team's files."""
    (tmp_path / "worksheet.csv").write_text(
        "Identifier,Full name,Email address,Group,Grade,Maximum Grade,Last modified (grade)\n"
        "Participant 11,Ann Lee,ann@x,Team A,,10.00,-\nParticipant 12,Bo Kim,bo@x,Team A,,10.00,-\n"
        "Participant 13,Cy Do,cy@x,Team B,,10.00,-\n"
    )
    roster = read_roster(tmp_path / "worksheet.csv")
    folder = tmp_path / "download"
    for team in ("Team A_7_assignsubmission_file", "Team B_13_assignsubmission_file"):  # 13: a group id
        (folder / team).mkdir(parents=True)
        (folder / team / "losses.py").write_text(GOOD)
    claims = assign(gather(sorted(folder.iterdir())), roster)
    assert sorted(s.student for s in claims.named) == ["ann@x", "bo@x", "cy@x"] and not claims.unmatched


def test_similarity_reads_exactly_the_files_batch_grades(tmp_path):
    """``losses (1).py`` (a browser's second download) is losses.py for both commands."""
    from grader.batch.intake import entries, resubmission, take_submission
    from grader.similarity.sources import read_class

    folder = tmp_path / "subs"
    (folder / "John Smith_501_assignsubmission_file").mkdir(parents=True)
    (folder / "John Smith_501_assignsubmission_file" / "losses (1).py").write_text(GOOD)
    (folder / "bob_losses (1).py").write_text(GOOD)
    (folder / "carol (1).zip").write_bytes(b"not a zip")
    assert resubmission("losses (1).py") == ("losses.py", 1) and resubmission("losses-2.py") == (
        "losses.py",
        2,
    )
    graded = set()
    for submission in gather(entries(folder)[0]):
        item = take_submission(submission, tmp_path / "scratch")
        if isinstance(item, Gradable):
            graded |= {(item.student, t) for t in (item.topics or (item.topic,))}
    sources, _ = read_class(folder, (), tmp_path / "scratch2")
    assert (
        {(s.student, s.topic) for s in sources}
        == graded
        == {("John Smith_501", "losses"), ("bob_losses (1)", "losses")}
    )


def test_canvas_exports_with_split_names_and_a_muted_row(tmp_path):
    """gradebook_exporter.rb: ``LastName,FirstName`` when asked; gradebook_importer.rb skips a
    row of only ``Muted`` / blank cells (older exports) as it skips Manual Posting."""
    (tmp_path / "export.csv").write_text(
        "LastName,FirstName,ID,SIS Login ID,Section,Homework 1 (12345)\n"
        ",,,,,Muted\n    Points Possible,,,,,10\nLiskov,Barbara,701,bliskov,A,\n"
    )
    roster = read_roster(tmp_path / "export.csv")
    assert roster.lms == "canvas" and [m.key for m in roster.members] == ["bliskov"] and len(roster.meta) == 2
    assert resolve_assignment(assignment("Barbara Liskov"), [], roster).excused == ("bliskov",)


def test_a_times_file_names_students_as_the_lms_does(tmp_path, canvas):
    """The times file: any name the LMS uses; one naming no one is refused on one line."""
    from zoneinfo import ZoneInfo

    from grader.batch.intake import Submission
    from grader.batch.times import submission_times

    (tmp_path / "times.csv").write_text('student,submitted_at\n"Liskov, Barbara",2026-10-14 20:00\n')
    found = submission_times([Submission("bliskov", ())], canvas, tmp_path / "times.csv", ZoneInfo("UTC"))
    assert found[0].submitted_at.startswith("2026-10-14T20:00") and found[0].source == "times file"
    (tmp_path / "times.csv").write_text("student,submitted_at\nAda Lovelace,2026-10-14 20:00\n")
    with pytest.raises(StudentNotFound, match="times.csv: 'Ada Lovelace' names no one"):
        submission_times([Submission("bliskov", ())], canvas, tmp_path / "times.csv", ZoneInfo("UTC"))


def test_gradescope_and_the_lms_files_round_scores_to_two_decimals():
    """grader/gradescope/run.py: the top-level score as Gradescope shows it (0.1 * 3 ...)."""
    from grader.base.options import Options
    from grader.batch.gradescope_results import gradescope_results
    from grader.gradescope.config import Config
    from grader.gradescope.run import results_for

    report = {"score": 49.99999999999999, "max_score": 50.0, "topics": [], "sandbox": "x", "notes": []}
    assert results_for(report, Config(Options().with_topics(("losses",)), "hidden"))["score"] == 50.0
    assert gradescope_results(row("x", score=49.99999999999999))["score"] == 50.0
