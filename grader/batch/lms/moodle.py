"""Moodle: its "Download all submissions", its grading worksheet and the worksheet's import.

Read from moodle/moodle:

- ``mod/assign/classes/downloader.php`` prefixes each student's files with ``<full name>_<
  participant id>`` (underscores in the name become spaces, so the first ``_`` ends the name;
  ``Participant`` instead of the name under blind marking; a team's name and group id, or
  ``Default group`` alone, for team submissions), then ``_assignsubmission_<plugin>``: a folder
  of that name (4.1+; ``…_file_/`` before), or flat files ``…_assignsubmission_file_<name>``
  (before 3.1). Online text comes as ``…_assignsubmission_onlinetext/onlinetext.html``.
- The worksheet (``mod/assign/gradingtable.php``): ``Identifier`` ("Participant <id>"), ``Full
  name``, ``Grade``, ``Maximum Grade``, ``Last modified (grade)``, ``Feedback comments``…; a
  ``Group`` column for team submissions. Moodle writes it with PHP's ``fputcsv``.
- Its import (``mod/assign/feedback/offline/importgradeslib.php``, ``locallib.php``) finds the
  columns by their exact names, takes the id after "Participant ", skips a blank or negative
  grade or one above the maximum, and sets each feedback plugin's column by its name (the
  comments plugin's "Feedback comments", stored as HTML: ``mod/assign/feedback/comments/
  locallib.php``, ``set_editor_text``).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import grader.base.grades as grade_rule
from grader.batch.lms.base import (
    Grades,
    LmsName,
    Member,
    Roster,
    RosterError,
    at,
    cell,
    column_of,
    lms_grade,
    lms_points,
    name_key,
    parse_points,
    put,
    read_name,
    write_table,
)
from grader.batch.lms.plain import IDENTIFIERS, identified, simple_table

NAME = re.compile(
    r"^(?P<person>[^_]+)(?:_(?P<user>\d+))?_assignsubmission_(?P<plugin>[a-z]+)(?:_(?P<original>.*))?$"
)
WORKSHEET_COLUMNS = ("Identifier", "Grade", "Last modified (grade)")
MAXIMUM_GRADE = "Maximum Grade"
COMMENTS = "Feedback comments"
TEAM = "group"
BLIND = "participant"  # the name of everyone under blind marking
MAX_COMMENT = 20_000  # characters of feedback in one cell; the rest is in feedback/<student>.md


def worksheet(roster: Roster) -> bool:
    """A grading worksheet: the columns its importer reads are all there."""
    return all(name in roster.header for name in WORKSHEET_COLUMNS)


class Moodle:
    name = "moodle"
    order = 10

    def entry_name(self, name: str) -> LmsName | None:
        return read_name(self.name, NAME, name)

    def owners(self, roster: Roster, name: LmsName) -> list[Member]:
        """A team's every member (the worksheet's Group); else the participant id, under the
        student's own full name (or "Participant", blind); without ids, by name."""
        if roster.has("team"):  # a team's files carry its group id, never a participant's
            return [
                roster.members[i] for i in sorted(set(roster.index.get(("team", name_key(name.person)), [])))
            ]
        if not roster.has("participant"):
            found = roster.member("name", name_key(name.person))
        else:
            found = roster.member("participant", name.user_id)
            found = found if found is not None and name_key(name.person) in (*found.names, BLIND) else None
        return [found] if found is not None else []

    def reads(self, header: list[str]) -> bool:
        return column_of(header, *IDENTIFIERS[:-1]) is not None

    def roster(self, rows: list[list[str]], path: Path) -> Roster:
        roster = identified(rows, path, self.name)
        if worksheet(roster):
            _check_worksheet(roster, path)
        team = column_of(roster.header, TEAM)
        for member in roster.members if team is not None else []:
            roster.add("team", name_key(cell(roster.rows[member.row], team)), member.row)
        return roster

    def check_column(self, roster: Roster, column: str) -> None:
        raise RosterError("--lms-column fills a column of a Canvas gradebook export: give one as --roster")

    def write(self, grades: Grades, out: Path) -> list[Path]:
        path = out / "moodle.csv"
        if worksheet(grades.roster):
            _write_worksheet(grades, path)
        else:
            write_table(grades.roster, path, simple_table(grades, excused=""))  # Moodle has no EX
        return [path]


def _check_worksheet(roster: Roster, path: Path) -> None:
    """Every student row of a worksheet must say its grade's maximum (a scale cannot be filled)."""
    column = roster.column(MAXIMUM_GRADE)
    if column is None:
        raise RosterError(f"{path.name}: a Moodle grading worksheet without a {MAXIMUM_GRADE} column")
    for position, row in enumerate(roster.rows):
        maximum = parse_points(cell(row, column))
        if maximum is None or maximum <= 0:
            raise RosterError(
                f"{path.name}, row {position + 2}: {MAXIMUM_GRADE} {cell(row, column)!r} is not a "
                "positive number (an assignment graded on a scale cannot be filled by torchgrade)"
            )


def comment(text: str) -> str:
    """Feedback as the comments plugin stores it (HTML): escaped, a ``<br>`` per line break,
    at most :data:`MAX_COMMENT` characters."""
    if len(text) > MAX_COMMENT:
        text = text[: MAX_COMMENT - 60].rstrip() + "\n… (the rest is in your feedback file)"
    return "<br>".join(html.escape(line, quote=False) for line in text.splitlines())


def _number(value: float, like: str) -> str:
    """``value`` as the worksheet writes its numbers: two decimals, its decimal separator."""
    text = format(grade_rule.rounded(value), "f")
    return text.replace(".", ",") if "," in like and "." not in like else text


def _php_cell(text: str, delimiter: str) -> str:
    """A cell quoted as PHP's ``fputcsv`` quotes it: when it holds the delimiter, a quote, a
    backslash, a line break, a tab or a space."""
    if any(c in text for c in (delimiter, '"', "\\", "\n", "\r", "\t", " ")):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write_worksheet(grades: Grades, path: Path) -> None:
    """The worksheet as downloaded, every column and row kept, with ``Grade`` filled (scaled to
    each row's ``Maximum Grade``) and ``Feedback comments`` where the worksheet has it."""
    roster = grades.roster
    grade, maximum = roster.column("Grade"), roster.column(MAXIMUM_GRADE)
    comments = roster.column(COMMENTS)
    assert grade is not None and maximum is not None  # the roster was checked when read
    table = [roster.header]
    for member, raw in zip(roster.members, roster.rows):
        row, top = grades.of(member), at(raw, maximum)
        value = lms_grade(row, grades.settings.missing)
        text = ""
        if isinstance(value, float) and row is not None:
            points = (
                value
                if row.status == "missing"
                else lms_points(row.score, row.max_score, parse_points(top) or 0.0)
            )
            text = _number(points, top)
        filled = put(raw, grade, len(roster.header), text or at(raw, grade))
        feedback = grades.feedback.get(member.key, "")
        markup = grades.feedback_html.get(member.key, "")
        if comments is not None and feedback:  # the comments plugin stores and shows HTML
            shown = markup if markup and len(markup) <= MAX_COMMENT else comment(feedback)
            filled = put(filled, comments, len(roster.header), shown)
        table.append(filled)
    lines = [roster.delimiter.join(_php_cell(c, roster.delimiter) for c in row) for row in table]
    path.write_bytes(
        (b"\xef\xbb\xbf" if roster.bom else b"") + "".join(line + roster.newline for line in lines).encode()
    )


LMS = Moodle()
