"""What every LMS module (:mod:`grader.batch.lms`) shares: a bulk download's name, the roster read from the
LMS's export, and the one answer to "what grade does this student get" that every output uses."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import grader.base.grades as grade_rule
from grader.base import defaults
from grader.batch.gradebook import Row

EXCUSED = "EX"  # what an excused student's cell holds (Canvas's own word; Moodle leaves it blank)


class RosterError(ValueError):
    """The roster file cannot be used; the message says why in one line."""


@dataclass(frozen=True)
class LmsName:
    """What an LMS bulk download's name for a file or folder says."""

    lms: str  # the LMS module's name: "canvas", "moodle"
    person: str  # Canvas: "smithjohn"; Moodle: "John Smith", "Participant", a team's name
    user_id: str  # Canvas: the user id ("anon_…" when anonymous); Moodle: the participant id
    original: str  # the student's own name for the file ("" for a folder)
    late: bool = False
    attachment: str = ""  # Canvas: the file's attachment id (its upload of comments names it)


def read_name(lms: str, pattern: re.Pattern[str], name: str) -> LmsName | None:
    """``name`` read by an LMS's ``pattern``, None where it does not match: its groups person,
    user and original, and late and attachment where it has them; a group that took nothing
    reads as "" (late as False)."""
    found = pattern.match(name)
    if found is None:
        return None
    group = found.groupdict()
    return LmsName(
        lms=lms,
        person=group["person"] or "",
        user_id=group["user"] or "",
        original=group["original"] or "",
        late=bool(group.get("late")),
        attachment=group.get("attachment") or "",
    )


@dataclass(frozen=True)
class Member:
    """One student row of the roster."""

    key: str  # the gradebook's name for the student
    display: str  # how a person reads it: "Smith, John (jsmith)"
    row: int  # index into Roster.rows
    test: bool = False  # Canvas's Test Student: never "no submission", never filled
    names: frozenset[str] = frozenset()  # name_key of each spelling of the full name
    full_name: str = ""  # "Alan Turing": how feedback addresses the student ("" when unknown)


@dataclass
class Roster:
    lms: str  # the LMS module that read it: "canvas", "moodle", "plain"
    header: list[str]
    meta: list[list[str]]  # the rows that are not students (Canvas: Manual Posting, Points Possible)
    rows: list[list[str]]
    id_column: int  # the identifier an import file names students by
    members: list[Member] = field(default_factory=list)
    index: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    bom: bool = False
    delimiter: str = ","
    newline: str = "\r\n"
    path: Path | None = None  # where it was read from (recorded in the gradebook)

    def column(self, name: str) -> int | None:
        """Where the column named exactly ``name`` is, or None."""
        return self.header.index(name) if name in self.header else None

    def member(self, kind: str, value: str) -> Member | None:
        """The one member that ``value`` names as ``kind``; None when none or several."""
        found = self.index.get((kind, value), []) if value else []
        return self.members[found[0]] if len(set(found)) == 1 else None

    def has(self, kind: str) -> bool:
        return any(k == kind for k, _ in self.index)

    def add(self, kind: str, value: str, position: int) -> None:
        if value:
            self.index.setdefault((kind, value), []).append(position)


@dataclass(frozen=True)
class LmsSettings:
    """How the LMS file is filled (``grade batch --lms-column``, ``--missing``)."""

    column: str | None = None  # an existing column to fill; None: a column of our own
    missing: str = defaults.LMS_MISSING  # no submission: "blank" (the LMS keeps its value) or "zero"


class Lms(Protocol):
    """One LMS: how its bulk download names files, how its roster reads, what it imports."""

    name: str  # the module's name: "canvas"
    order: int  # rosters are offered to the LMSs in this order (the plain CSV last)

    def entry_name(self, name: str) -> LmsName | None:
        """The reading of a bulk download's entry name, or None when it is not this LMS's."""

    def owners(self, roster: Roster, name: LmsName) -> list[Member]:
        """Whose files a download name of this LMS's are, as far as ``roster`` confirms it."""

    def reads(self, header: list[str]) -> bool:
        """Whether a roster with this header row is this LMS's export."""

    def roster(self, rows: list[list[str]], path: Path) -> Roster:
        """The roster of ``rows`` (the header first), or :class:`RosterError`."""

    def check_column(self, roster: Roster, column: str) -> None:
        """Refuse (:class:`RosterError`) a ``--lms-column`` this LMS's file cannot fill."""

    def write(self, grades: Grades, out: Path) -> list[Path]:
        """The LMS's import files for ``grades``, in ``out``; the paths written."""


@dataclass(frozen=True)
class Grades:
    """What an LMS module writes from: the graded rows, the roster, and how to fill it."""

    rows: dict[str, Row]  # by roster key
    roster: Roster
    title: str  # the grade column's title when the LMS file gets a column of our own
    settings: LmsSettings
    feedback: dict[str, str]  # by roster key: the student's feedback as plain text
    names: dict[str, tuple[LmsName, ...]] = field(default_factory=dict)  # by key: the download's names
    feedback_html: dict[str, str] = field(default_factory=dict)  # by key: as HTML (an LMS that stores HTML)

    def of(self, member: Member) -> Row | None:
        return self.rows.get(member.key)


def lms_grade(row: Row | None, missing: str) -> float | str | None:
    """The student's grade, as every output gives it: points (grader/base/grades.py), :data:`EXCUSED`,
    or None (blank: nothing to say, the LMS keeps what it had). A submission that could not be
    graded through the student's doing counts 0; one our grader failed on (``crashed``) is blank;
    no submission is 0 with ``--missing zero``, else blank."""
    if row is None or row.status == "crashed":
        return None
    if row.status == "excused":
        return EXCUSED
    if row.status == "missing":
        return 0.0 if missing == "zero" else None
    return grade_rule.points(row.score)


def lms_points(score: float, max_score: float, possible: float) -> float:
    """``score`` out of ``max_score`` as LMS points out of ``possible``, rounded by the one rule."""
    exact = grade_rule.exact
    return grade_rule.points(exact(score) / exact(max_score) * exact(possible)) if max_score > 0 else 0.0


def name_key(text: str) -> str:
    """Letters and digits only: "Smith, John", "smithjohn", "Smíth John" -> "smithjohn"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if c.isalnum())


def name_keys(full: str) -> frozenset[str]:
    """Each spelling of a full name: "Smith, John" -> {smithjohn, johnsmith}."""
    last, comma, first = full.partition(",")
    if not comma:  # "Hedy Lamarr": also "Lamarr, Hedy"
        first, _, last = full.strip().rpartition(" ")
    spelled = {name_key(full), name_key(f"{first} {last}"), name_key(f"{last} {first}")}
    return frozenset(s for s in spelled if s)


def label(cell: str) -> str:
    return " ".join(cell.split()).casefold()


def cell(row: list[str], column: int | None) -> str:
    return row[column].strip() if column is not None and column < len(row) else ""


def at(row: list[str], column: int) -> str:
    return row[column] if column < len(row) else ""


def column_of(header: list[str], *names: str) -> int | None:
    labels = [label(h) for h in header]
    return next((labels.index(n) for n in names if n in labels), None)


def parse_points(text: str) -> float | None:
    """A number as an LMS writes it ("100.00", "100,00", " 10 "), or None."""
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return None


def put(row: list[str], column: int | None, width: int, value: str) -> list[str]:
    """``row`` with ``value`` in ``column``; when None, after the header's ``width`` cells."""
    if column is None:
        return [*row, *[""] * (width - len(row)), value]
    cells = [*row, *[""] * (column + 1 - len(row))]
    cells[column] = value
    return cells


def read_table(path: Path) -> tuple[list[list[str]], bool, str, str]:
    """The CSV's rows (blank rows dropped), whether it began with a BOM, its delimiter and newline."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count) if first else ","
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if any(row)]
    return rows, raw.startswith(b"\xef\xbb\xbf"), delimiter, "\r\n" if "\r\n" in text else "\n"


def write_table(roster: Roster, path: Path, table: list[list[str]]) -> None:
    """``table`` as CSV, spelled like the roster (BOM, delimiter, line ends)."""
    with path.open("w", newline="", encoding="utf-8-sig" if roster.bom else "utf-8") as handle:
        csv.writer(handle, delimiter=roster.delimiter, lineterminator=roster.newline).writerows(table)
