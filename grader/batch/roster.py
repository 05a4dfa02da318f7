"""A class roster from the LMS: a Canvas gradebook export, or a Moodle / plain CSV.

The roster says who should have submitted and how the LMS knows each student, so that a
bulk download's submissions can be matched to it (:meth:`Roster.match`, :func:`assign`).
Its raw header and rows are kept: the import file written back (``canvas.csv``,
``moodle.csv``, :mod:`grader.batch.exports`) holds the export's own columns and rows.

- Canvas: ``Student,ID,SIS User ID,SIS Login ID,Section,<assignments>...``, then a
  ``Points Possible`` row, then one row per student. Files are matched by the ``ID`` column.
- Moodle or plain: one identifier column (``Username``, ``Email address``, ``ID number``,
  a grading worksheet's ``Identifier``, or ``student``); files are matched by the
  participant id where a column holds it (``Participant 123``), else by full name.
- Moodle's offline grading worksheet (an assignment's "Download grading worksheet"):
  ``Identifier`` ("Participant 1234"), ``Grade``, ``Maximum Grade``, ``Last modified (grade)``
  and the other columns Moodle writes; :attr:`Roster.worksheet` says so, and ``moodle.csv``
  is then the worksheet itself with ``Grade`` filled (what Moodle's upload takes back).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from grader.topics import TOPICS

if TYPE_CHECKING:  # the CLI imports this module at start: keep it light
    from grader.batch.intake import Submission

IDENTIFIERS = ("username", "email address", "email", "id number", "idnumber", "identifier", "student")
CANVAS_IDS = ("id", "sis user id", "sis login id", "integration id")
META_ROWS = ("points possible", "muted")
TEST_STUDENTS = ("student, test", "test student")
PARTICIPANT = re.compile(r"^participant\s*(\d+)$", re.IGNORECASE)
# The columns Moodle's worksheet import looks for, by these exact names (English; Moodle
# names them in the language of whoever downloads the worksheet), and the grade's maximum.
WORKSHEET_COLUMNS = ("Identifier", "Grade", "Last modified (grade)")
MAXIMUM_GRADE = "Maximum Grade"


class RosterError(ValueError):
    """The roster file cannot be used; the message says why in one line."""


@dataclass(frozen=True)
class Member:
    """One student row of the roster."""

    key: str  # the gradebook's name for the student
    display: str  # how a person reads it: "Smith, John (jsmith)"
    row: int  # index into Roster.rows
    test: bool = False  # Canvas's Test Student: never "no submission"


@dataclass
class Roster:
    lms: str  # "canvas" or "moodle" (a plain CSV is read as Moodle's)
    header: list[str]
    meta: list[list[str]]  # Canvas: the rows above the students (Points Possible)
    rows: list[list[str]]
    id_column: int  # the identifier an import file names students by
    members: list[Member] = field(default_factory=list)
    index: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    bom: bool = False
    delimiter: str = ","
    newline: str = "\r\n"
    path: Path | None = None  # where it was read from (recorded in the gradebook)

    @property
    def worksheet(self) -> bool:
        """A Moodle grading worksheet: the columns its importer reads are all there."""
        return self.lms == "moodle" and all(name in self.header for name in WORKSHEET_COLUMNS)

    def column(self, name: str) -> int | None:
        """Where the column named exactly ``name`` is, or None."""
        return self.header.index(name) if name in self.header else None

    def member(self, kind: str, value: str) -> Member | None:
        """The one member that ``value`` names as ``kind``; None when none or several."""
        found = self.index.get((kind, value), []) if value else []
        return self.members[found[0]] if len(set(found)) == 1 else None

    def has(self, kind: str) -> bool:
        return any(k == kind for k, _ in self.index)

    def match(self, lms: str | None, person: str, user_id: str) -> Member | None:
        """Whom a submission belongs to: by LMS id where the roster has them, else by name."""
        if lms == "canvas" and self.has("id"):
            return self.member("id", user_id)
        if lms == "moodle" and self.has("participant"):
            return self.member("participant", user_id)
        if lms is not None:
            return self.member("name", name_key(person))
        for name in _plain_names(person):
            found = self.member("ident", name.casefold()) or self.member("id", name)
            found = found or self.member("name", name_key(name))
            if found:
                return found
        return None


def _plain_names(student: str) -> list[str]:
    """How a plain entry may name its student: ``alice_losses`` (``<student>_<topic>.py``) -> also alice."""
    head, _, tail = student.rpartition("_")
    return [student, head] if head and tail in TOPICS else [student]


def name_key(text: str) -> str:
    """Letters and digits only: "Smith, John", "smithjohn", "Smíth John" -> "smithjohn"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if c.isalnum())


def _label(cell: str) -> str:
    return " ".join(cell.split()).casefold()


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first.count) if first else ","


def _table(path: Path) -> tuple[list[list[str]], bool, str, str]:
    """The CSV's rows (blank rows dropped), whether it began with a BOM, its delimiter and newline."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    delimiter = _delimiter(text)
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if any(row)]
    return rows, raw.startswith(b"\xef\xbb\xbf"), delimiter, "\r\n" if "\r\n" in text else "\n"


def _is_canvas(header: list[str]) -> bool:
    labels = [_label(h) for h in header]
    return bool(labels) and labels[0] == "student" and "id" in labels


def _cell(row: list[str], column: int | None) -> str:
    return row[column].strip() if column is not None and column < len(row) else ""


def _column(header: list[str], *names: str) -> int | None:
    labels = [_label(h) for h in header]
    return next((labels.index(n) for n in names if n in labels), None)


def _add(roster: Roster, kind: str, value: str, position: int) -> None:
    if value:
        roster.index.setdefault((kind, value), []).append(position)


def _canvas(rows: list[list[str]]) -> Roster:
    header = rows[0]
    body = rows[1:]
    meta_count = next((i for i, row in enumerate(body) if _label(row[0]) not in META_ROWS), len(body))
    id_column = [_label(h) for h in header].index("id")
    roster = Roster(
        lms="canvas", header=header, meta=body[:meta_count], rows=body[meta_count:], id_column=id_column
    )
    login = _column(header, "sis login id")
    for position, row in enumerate(roster.rows):
        name, user_id = _cell(row, 0), _cell(row, roster.id_column)
        key = _cell(row, login) or user_id or name
        roster.members.append(
            Member(key=key, display=f"{name} ({key})", row=position, test=_label(name) in TEST_STUDENTS)
        )
        _add(roster=roster, kind="id", value=user_id, position=position)
        for column in (_column(header, label) for label in CANVAS_IDS):
            _add(roster=roster, kind="ident", value=_cell(row, column).casefold(), position=position)
        last, _, first = name.partition(",")
        for spelled in (name, f"{first} {last}"):
            _add(roster=roster, kind="name", value=name_key(spelled), position=position)
    return roster


def _moodle(rows: list[list[str]], path: Path) -> Roster:
    header = rows[0]
    id_column = _column(header, *IDENTIFIERS)
    if id_column is None and len(header) == 1:
        id_column = 0
    if id_column is None:
        raise RosterError(
            f"{path.name}: no identifier column; expected a Canvas gradebook export (Student, ID, ...) "
            "or a CSV with a Username, Email address, ID number or student column"
        )
    roster = Roster(lms="moodle", header=header, meta=[], rows=rows[1:], id_column=id_column)
    first, last = _column(header, "first name"), _column(header, "last name", "surname")
    full = _column(header, "full name", "name")
    worksheet, numbered = _column(header, "identifier"), _column(header, "participant id", "participant")
    idents = sorted({c for c in (_column(header, label) for label in IDENTIFIERS) if c is not None})
    for position, row in enumerate(roster.rows):
        first_last = f"{_cell(row, first)} {_cell(row, last)}".strip()
        display = _cell(row, full) or first_last
        key = _cell(row, id_column) or display or f"row {position + 2}"
        roster.members.append(
            Member(key, f"{display} ({key})" if display not in ("", key) else key, position)
        )
        for column in idents:
            _add(roster=roster, kind="ident", value=_cell(row, column).casefold(), position=position)
        worksheet_id = PARTICIPANT.match(_cell(row, worksheet))
        _add(
            roster=roster,
            kind="participant",
            value=worksheet_id.group(1) if worksheet_id else "",
            position=position,
        )
        _add(
            roster=roster,
            kind="participant",
            value=_cell(row, numbered) if _cell(row, numbered).isdigit() else "",
            position=position,
        )
        last_first = f"{_cell(row, last)} {_cell(row, first)}"
        for spelled in {name_key(_cell(row, full)), name_key(first_last), name_key(last_first)}:
            _add(roster=roster, kind="name", value=spelled, position=position)
    return roster


def read_roster(path: Path) -> Roster:
    """The roster in ``path`` (Canvas export or Moodle / plain CSV), or :class:`RosterError`."""
    rows, bom, delimiter, newline = _table(path)
    if not rows:
        raise RosterError(f"{path.name} is empty")
    roster = _canvas(rows) if _is_canvas(rows[0]) else _moodle(rows, path)
    if not roster.members:
        raise RosterError(f"{path.name} holds no student rows")
    if roster.worksheet:
        _check_worksheet(roster, path)
    roster.bom, roster.delimiter, roster.newline = bom, delimiter, newline
    roster.path = path
    return roster


def parse_points(cell: str) -> float | None:
    """A number as an LMS writes it ("100.00", "100,00", " 10 "), or None."""
    try:
        return float(cell.strip().replace(",", "."))
    except ValueError:
        return None


def _check_worksheet(roster: Roster, path: Path) -> None:
    """Every student row of a worksheet must say its grade's maximum (a scale cannot be filled)."""
    column = roster.column(MAXIMUM_GRADE)
    if column is None:
        raise RosterError(f"{path.name}: a Moodle grading worksheet without a {MAXIMUM_GRADE} column")
    for position, row in enumerate(roster.rows):
        maximum = parse_points(_cell(row, column))
        if maximum is None or maximum <= 0:
            raise RosterError(
                f"{path.name}, row {position + 2}: {MAXIMUM_GRADE} {_cell(row, column)!r} is not a "
                "positive number (an assignment graded on a scale cannot be filled by torchgrade)"
            )


def assign(submissions: list[Submission], roster: Roster) -> tuple[list[Submission], list[Submission]]:
    """Submissions named by their roster key, and those that match no one (or someone taken)."""
    taken: set[str] = set()
    named, unmatched = [], []
    for submission in submissions:
        lms = submission.name.lms if submission.name else None
        person = submission.name.person if submission.name else submission.student
        user_id = submission.name.user_id if submission.name else ""
        member = roster.match(lms, person, user_id)
        if member is None or member.key in taken:
            unmatched.append(submission)
            named.append(submission)
            continue
        taken.add(member.key)
        named.append(replace(submission, student=member.key))
    return named, unmatched


class RosterFile(click.ParamType):
    """``--roster FILE``: the file read and checked while the command line is parsed."""

    name = "file"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> Roster:
        if isinstance(value, Roster):
            return value
        try:
            return read_roster(Path(str(value)))
        except RosterError as exc:
            self.fail(str(exc), param, ctx)
