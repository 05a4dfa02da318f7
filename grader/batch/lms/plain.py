"""A plain CSV roster: one identifier column (``student``, or the only column), optional names.

Its import file, ``grades.csv``, is that identifier and the grade in points, one student a
line; no bulk download of its own (plain folders, zips and files are read by intake).
"""

from __future__ import annotations

import re
from pathlib import Path

import grader.base.grades as grade_rule
from grader.batch.lms.base import (
    EXCUSED,
    Grades,
    LmsName,
    Member,
    Roster,
    RosterError,
    cell,
    column_of,
    lms_grade,
    name_keys,
    write_table,
)

# Any column that names a student (Moodle's exports use the first four).
IDENTIFIERS = ("username", "email address", "email", "id number", "idnumber", "identifier", "student")
PARTICIPANT = re.compile(r"^participant\s*(\d+)$", re.IGNORECASE)


def identified(rows: list[list[str]], path: Path, lms: str) -> Roster:
    """A roster named by its identifier column, with every name and id a student goes by."""
    header = rows[0]
    id_column = column_of(header, *IDENTIFIERS)
    if id_column is None and len(header) == 1:
        id_column = 0
    if id_column is None:
        raise RosterError(
            f"{path.name}: no identifier column; expected a Canvas gradebook export (Student, ID, ...) "
            "or a CSV with a Username, Email address, ID number or student column"
        )
    roster = Roster(lms=lms, header=header, meta=[], rows=rows[1:], id_column=id_column)
    first, last = column_of(header, "first name"), column_of(header, "last name", "surname")
    full = column_of(header, "full name", "name")
    worksheet, numbered = column_of(header, "identifier"), column_of(header, "participant id", "participant")
    idents = sorted({c for c in (column_of(header, name) for name in IDENTIFIERS) if c is not None})
    for position, row in enumerate(roster.rows):
        first_last = f"{cell(row, first)} {cell(row, last)}".strip()
        display = cell(row, full) or first_last
        key = cell(row, id_column) or display or f"row {position + 2}"
        names = name_keys(cell(row, full)) | name_keys(first_last)
        names |= name_keys(f"{cell(row, last)}, {cell(row, first)}") if first_last else frozenset()
        shown = f"{display} ({key})" if display not in ("", key) else key
        roster.members.append(Member(key, shown, position, names=names, full_name=display))
        for column in idents:
            roster.add("ident", cell(row, column).casefold(), position)
        participant = PARTICIPANT.match(cell(row, worksheet))
        roster.add("participant", participant.group(1) if participant else "", position)
        roster.add("participant", cell(row, numbered) if cell(row, numbered).isdigit() else "", position)
        for spelled in names:
            roster.add("name", spelled, position)
    return roster


class Plain:
    name = "plain"
    order = 100  # the last one asked: any CSV with an identifier column

    def entry_name(self, name: str) -> LmsName | None:
        return None

    def owners(self, roster: Roster, name: LmsName) -> list[Member]:
        return []  # no download names of its own

    def reads(self, header: list[str]) -> bool:
        return True

    def roster(self, rows: list[list[str]], path: Path) -> Roster:
        return identified(rows, path, self.name)

    def check_column(self, roster: Roster, column: str) -> None:
        raise RosterError("--lms-column fills a column of a Canvas gradebook export: give one as --roster")

    def write(self, grades: Grades, out: Path) -> list[Path]:
        path = out / "grades.csv"
        write_table(grades.roster, path, simple_table(grades))
        return [path]


def simple_table(grades: Grades, excused: str = EXCUSED) -> list[list[str]]:
    """The roster's identifier and the grade (points, ``excused``, or blank), one student a row."""
    roster = grades.roster
    table = [[roster.header[roster.id_column], grades.title]]
    for member, raw in zip(roster.members, roster.rows):
        grade = lms_grade(grades.of(member), grades.settings.missing)
        text = excused if isinstance(grade, str) else "" if grade is None else grade_rule.text(grade)
        table.append([cell(raw, roster.id_column) or member.key, text])
    return table


LMS = Plain()
