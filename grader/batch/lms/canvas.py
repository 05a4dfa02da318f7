"""Canvas: its submissions zip, its gradebook export, its import and its comment upload.

Read from instructure/canvas-lms:

- ``lib/content_zipper.rb`` names each uploaded file ``<name>_[LATE_]<user id>_<attachment
  id>_<file name>``: ``<name>`` is the sortable name lower-cased with every non-word character
  dropped and ``_<digits>_`` squeezed out (so the name never holds the ids' shape), ``late_`` in
  older releases; under anonymous grading there is no name and the id is ``anon_<id>``. A
  resubmitted file gets ``-1``, ``-2``... in its own name.
- ``lib/gradebook_exporter.rb`` writes ``Student`` (or ``LastName,FirstName``), ``ID``, ``SIS
  User ID``, ``SIS Login ID``, ``Section``, the assignments; before the students a row with an
  empty first cell and ``Manual Posting`` under each manually posted assignment, then
  ``    Points Possible``; the test student (``Student, Test``) last.
- ``lib/gradebook_importer.rb`` takes a row whose first cell holds "Points Possible", or whose
  cells are all blank, ``Muted`` or ``Manual Posting…``, as no student; so do we, and we write
  those rows back byte for byte, never filled.
- ``app/models/assignment.rb`` (``generate_comments_from_files``): "Upload submissions" takes a
  zip whose file names, split at ``_``, give the user id and then an attachment id of that
  student's submission as their first two all-digit parts; each becomes a comment.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import grader.base.grades as grade_rule
from grader.batch.gradebook import Row
from grader.batch.lms.base import (
    Grades,
    LmsName,
    Member,
    Roster,
    RosterError,
    at,
    cell,
    column_of,
    label,
    lms_grade,
    lms_points,
    name_key,
    name_keys,
    parse_points,
    put,
    read_name,
    write_table,
)

NAME = re.compile(
    r"^(?:(?!(?:late|LATE|anon)_)(?P<person>[^\W_]\w*?)_)?(?P<late>(?:late|LATE)_)?"
    r"(?P<user>\d+|anon_[A-Za-z0-9]+)_(?P<attachment>\d+)_(?P<original>.+)$"
)
IDS = ("id", "sis user id", "sis login id", "integration id")
NOT_STUDENT = re.compile(r"^\s*(muted|manual posting.*)?\s*$", re.IGNORECASE)
TEST_STUDENTS = ("student, test", "test student")
FEEDBACK_ZIP = "canvas-feedback.zip"


def not_a_student(row: list[str]) -> bool:
    """Canvas's own importer's test: Points Possible, or only blank / Muted / Manual Posting cells."""
    return (bool(row) and "points possible" in row[0].casefold()) or all(NOT_STUDENT.match(c) for c in row)


def target(roster: Roster, name: str) -> tuple[int, float]:
    """The column ``name`` of the export (``Homework 1 (12345)``, or ``Homework 1``) and its
    Points Possible, or :class:`RosterError` saying why it cannot be filled."""
    column = _column(roster.header, name)
    if column is None:
        known = [h for h in roster.header if label(h) not in ("student", "section", *IDS)]
        raise RosterError(f"no column {name!r} in the Canvas export; its columns: {', '.join(known)[:300]}")
    row = next((m for m in roster.meta if m and "points possible" in m[0].casefold()), [])
    possible = parse_points(at(row, column))
    if possible is None or possible <= 0:
        raise RosterError(
            f"column {roster.header[column]!r} has no Points Possible in the export "
            f"({at(row, column)!r}): cannot scale the grades to it"
        )
    return column, possible


def _column(header: list[str], title: str) -> int | None:
    """Where ``title`` already is (``title (123)`` once Canvas imported it), or None."""
    pattern = re.compile(rf"{re.escape(title)}( \(\d+\))?")
    return next((i for i, c in enumerate(header) if pattern.fullmatch(c.strip())), None)


class Canvas:
    name = "canvas"
    order = 0

    def entry_name(self, name: str) -> LmsName | None:
        return read_name(self.name, NAME, name)

    def owners(self, roster: Roster, name: LmsName) -> list[Member]:
        """By the user id (Canvas writes the name, the student only the file's own name; a
        group's files carry the group's name and one member's id); without ids, by name."""
        found = (
            roster.member("id", name.user_id)
            if roster.has("id")
            else roster.member("name", name_key(name.person))
        )
        return [found] if found is not None else []

    def reads(self, header: list[str]) -> bool:
        labels = [label(h) for h in header]
        return labels[:2] == ["student", "id"] or labels[:3] == ["lastname", "firstname", "id"]

    def roster(self, rows: list[list[str]], path: Path) -> Roster:
        header = rows[0]
        meta = [row for row in rows[1:] if not_a_student(row)]
        roster = Roster(
            lms=self.name,
            header=header,
            meta=meta,
            rows=[row for row in rows[1:] if not not_a_student(row)],
            id_column=[label(h) for h in header].index("id"),
        )
        split = label(header[0]) == "lastname"
        login = column_of(header, "sis login id")
        for position, row in enumerate(roster.rows):
            name = f"{cell(row, 0)}, {cell(row, 1)}" if split else cell(row, 0)
            user_id = cell(row, roster.id_column)
            key = cell(row, login) or user_id or name
            names = name_keys(name)
            roster.members.append(
                Member(
                    key,
                    f"{name} ({key})",
                    position,
                    test=label(name) in TEST_STUDENTS,
                    names=names,
                    # "Turing, Alan" -> "Alan Turing"
                    full_name=" ".join(part.strip() for part in reversed(name.split(",", 1))),
                )
            )
            roster.add("id", user_id, position)
            for column in (column_of(header, name) for name in IDS):
                roster.add("ident", cell(row, column).casefold(), position)
            for spelled in names:
                roster.add("name", spelled, position)
        return roster

    def check_column(self, roster: Roster, column: str) -> None:
        target(roster, column)

    def write(self, grades: Grades, out: Path) -> list[Path]:
        path = out / "canvas.csv"
        write_table(grades.roster, path, _table(grades))
        written = [path]
        if _write_feedback(grades, out / FEEDBACK_ZIP):
            written.append(out / FEEDBACK_ZIP)
        return written


def _table(grades: Grades) -> list[list[str]]:
    """The export, every column and row as it was, with the grades in the settings' column
    (scaled to its Points Possible) or else in a column ``title`` (points, added if new);
    the rows that are not students (Manual Posting, Points Possible, the test student) as read."""
    roster, settings = grades.roster, grades.settings
    width = len(roster.header)
    column: int | None
    if settings.column is not None:
        column, possible = target(roster, settings.column)
        table = [roster.header, *roster.meta]

        def value(row: Row) -> float:
            return lms_points(row.score, row.max_score, possible)

    else:
        column = _column(roster.header, grades.title)
        table = [roster.header if column is not None else [*roster.header, grades.title]]
        graded = [r.max_score for r in grades.rows.values() if r.status == "graded"]
        for meta in roster.meta:  # our column's Points Possible; the other rows' cells as read
            read = at(meta, column) if column is not None else ""
            top = grade_rule.text(max(graded)) if graded and "points possible" in meta[0].casefold() else ""
            same = top and parse_points(read) == max(graded)  # "50.00" as Canvas wrote it stays
            table.append(put(meta, column, width, read if same or not top else top))

        def value(row: Row) -> float:
            return grade_rule.points(row.score)

    for raw, member in zip(roster.rows, roster.members):
        kept = at(raw, column) if column is not None else ""  # a blank cell: the LMS keeps its value
        row = None if member.test else grades.of(member)
        grade = lms_grade(row, settings.missing)
        if isinstance(grade, float) and row is not None and row.status != "missing":
            grade = value(row)
        text = grade if isinstance(grade, str) else "" if grade is None else grade_rule.text(grade)
        table.append(put(raw, column, width, text or kept))
    return table


def _write_feedback(grades: Grades, path: Path) -> bool:
    """``canvas-feedback.zip`` for "Upload submissions": one text file per student whose files
    came from Canvas's download (the ids its upload needs); False when there is none."""
    entries = []
    for member in grades.roster.members:
        text = grades.feedback.get(member.key)
        names = [n for n in grades.names.get(member.key, ()) if n.user_id.isdigit() and n.attachment]
        if text and names:
            person = re.sub(r"[^a-z]", "", names[0].person) or "student"
            entries.append((f"{person}_{names[0].user_id}_{names[0].attachment}_feedback.txt", text))
    if not entries:
        path.unlink(missing_ok=True)
        return False
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries:
            archive.writestr(name, text)
    return True


LMS = Canvas()
