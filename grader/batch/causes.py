"""A class's failing exercises grouped by cause: ``grade batch causes``, and the notes an
instructor writes once per group (``grade batch causes note``).

A group is one exercise and one cause of its diagnosis (grader/checks/exercises.py
``cause_of``): the same mistake lands in one group whatever inputs it failed on, where grouping
by the message's text would split it by the numbers in it. A note is stored in the gradebook
beside the overrides and marks, keyed by the exercise and the cause, never by what was graded:
it survives regrades and reaches whoever is in the group when the exports are written, with
the members it was written for remembered so that one whose resubmission left the group is
told the note no longer applies (grader/batch/standing.py reads :func:`notes_for`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from grader.batch.gradebook import Row, utc_now
from grader.checks.exercises import DEFAULT_TWIN, judge

NOTES_SCHEMA = """
CREATE TABLE IF NOT EXISTS group_notes (
    exercise      TEXT NOT NULL,      -- topic.exercise
    cause         TEXT NOT NULL,      -- the diagnosis's cause (grader/checks/exercises.py cause_of)
    text          TEXT NOT NULL,      -- the members are shown it
    points        REAL,               -- added to each member's points of the exercise, NULL for none
    members       TEXT NOT NULL,      -- JSON: the students in the group when the note was written
    noted_by      TEXT NOT NULL,
    noted_at      TEXT NOT NULL,      -- ISO-8601, UTC
    PRIMARY KEY (exercise, cause)
)
"""


@dataclass(frozen=True)
class Note:
    exercise: str
    cause: str
    text: str
    points: float | None = None
    members: tuple[str, ...] = ()
    noted_by: str = ""
    noted_at: str = ""


@dataclass
class Group:
    """The students whose ``exercise`` fails with ``cause``; the first of them represents it."""

    exercise: str
    cause: str
    students: list[str] = field(default_factory=list)
    diagnosis: str = ""  # the representative's
    note: Note | None = None

    @property
    def count(self) -> int:
        return len(self.students)

    def to_json(self) -> dict:
        note = self.note
        return {
            "exercise": self.exercise,
            "cause": self.cause,
            "count": self.count,
            "students": self.students,
            "representative": self.students[0] if self.students else "",
            "diagnosis": self.diagnosis,
            "note": None if note is None else {"text": note.text, "points": note.points},
            "left": sorted(set(note.members) - set(self.students)) if note else [],
        }


def exercise_causes(row: Row, hidden_text: bool = True) -> dict[str, tuple[str, str]]:
    """{topic.exercise: (cause, diagnosis)} for each exercise of a graded row that is not full;
    ``hidden_text``: the diagnosis may quote a hidden check (the instructor's terminal)."""
    if row.status != "graded":
        return {}
    found = {}
    for topic in row.report.get("topics", []):
        twin = topic.get("twin", DEFAULT_TWIN)
        try:
            judged = judge(topic.get("tests", []), twin, hidden_text=hidden_text)
        except (KeyError, TypeError, ValueError):  # a report without the contract's fields
            continue
        for exercise in judged:
            if exercise.cause:
                found[f"{topic['name']}.{exercise.name}"] = (exercise.cause, exercise.diagnosis)
    return found


def class_groups(rows: Iterable[Row], notes: Iterable[Note] = (), hidden_text: bool = True) -> list[Group]:
    """Each exercise's groups, the largest first; a noted group left empty by regrades stays
    listed (its note is kept) with no students."""
    groups: dict[tuple[str, str], Group] = {}
    for row in sorted(rows, key=lambda r: r.student):
        for exercise, (cause, diagnosis) in exercise_causes(row, hidden_text).items():
            group = groups.setdefault((exercise, cause), Group(exercise, cause, diagnosis=diagnosis))
            group.students.append(row.student)
    for note in notes:
        groups.setdefault((note.exercise, note.cause), Group(note.exercise, note.cause)).note = note
    return sorted(groups.values(), key=lambda g: (g.exercise, -g.count, g.cause))


def causes_text(groups: list[Group]) -> str:
    """The groups as ``grade batch causes`` prints them, exercise by exercise."""
    lines: list[str] = []
    for group in groups:
        head = f"{group.exercise}  {group.cause}: {group.count} student{'s' if group.count != 1 else ''}"
        lines.append(head)
        if group.students:
            lines.append("  students: " + ", ".join(group.students))
            said = group.diagnosis.replace("\n", "\n      ")
            lines.append(f"  e.g. {group.students[0]}: {said}")
        if group.note is not None:
            lines.append("  note: " + note_words(group.note))
            left = sorted(set(group.note.members) - set(group.students))
            if left:
                lines.append("  left the group since the note: " + ", ".join(left))
        lines.append("")
    return "\n".join(lines) if lines else "no failing exercises"


def note_words(note: Note) -> str:
    """A note as its members read it: its text and the points it adds, if any."""
    points = f" ({note.points:+g} points)" if note.points else ""
    return f"{note.text}{points}"


class NoteBook:
    """The group notes in a gradebook's connection (the table made on first use)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        connection.execute(NOTES_SCHEMA)

    def put(self, note: Note) -> None:
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.execute(
                "INSERT OR REPLACE INTO group_notes VALUES (?, ?, ?, ?, ?, ?, ?)",
                (note.exercise, note.cause, note.text, note.points, json.dumps(list(note.members)),
                 note.noted_by, note.noted_at or utc_now()),
            )  # fmt: skip

    def clear(self, exercise: str, cause: str) -> int:
        with self.connection:
            cursor = self.connection.execute(
                "DELETE FROM group_notes WHERE exercise = ? AND cause = ?", (exercise, cause)
            )
        return cursor.rowcount

    def notes(self) -> list[Note]:
        cursor = self.connection.execute("SELECT * FROM group_notes ORDER BY exercise, cause")
        return [
            Note(exercise, cause, text, points, tuple(json.loads(members)), by, at)
            for exercise, cause, text, points, members, by, at in cursor
        ]


@dataclass(frozen=True)
class Noted:
    """What one student's feedback says of one note: ``applies`` (they are in its group), else
    the line that says it was left behind."""

    note: Note
    applies: bool


def notes_for(row: Row, notes: list[Note]) -> list[Noted]:
    """The notes that reach ``row``: those of the groups it is in, and those written for it
    whose group its regraded submission left."""
    if not notes:
        return []
    causes = exercise_causes(row)
    found = []
    for note in notes:
        now = causes.get(note.exercise, ("", ""))[0]
        if now == note.cause:
            found.append(Noted(note, True))
        elif row.student in note.members:
            found.append(Noted(note, False))
    return found
