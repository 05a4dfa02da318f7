"""The gradebook's tables of what people decide: marks of manual items and grade inquiries.

A mark is one student's points for one manual item of the course file (``grade batch mark``),
with the rubric items chosen, a comment the student is shown and a private note they never see.
An inquiry is a student's question about one item (an exercise or a manual item), open until an
instructor resolves it with a reply. Both are keyed by the student and the item, never by what
was graded, so they survive regrades and suite changes; every ``grade batch`` totals them.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from grader.batch.gradebook import utc_now

MARKS_SCHEMA = """
CREATE TABLE IF NOT EXISTS marks (
    student       TEXT NOT NULL,
    item          TEXT NOT NULL,      -- a manual item's id (course file)
    points        REAL NOT NULL,
    rubric        TEXT NOT NULL,      -- JSON: the rubric items' ids chosen
    comment       TEXT NOT NULL,      -- the student is shown it
    note          TEXT NOT NULL,      -- private: never in anything the student gets
    marked_by     TEXT NOT NULL,
    marked_at     TEXT NOT NULL,      -- ISO-8601, UTC
    PRIMARY KEY (student, item)
)
"""

INQUIRIES_SCHEMA = """
CREATE TABLE IF NOT EXISTS inquiries (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    student       TEXT NOT NULL,
    item          TEXT NOT NULL,      -- topic.exercise or a manual item's id
    text          TEXT NOT NULL,
    opened_by     TEXT NOT NULL,
    opened_at     TEXT NOT NULL,
    state         TEXT NOT NULL,      -- open | resolved
    reply         TEXT NOT NULL DEFAULT '',
    points        REAL,               -- the points the resolution set, NULL when unchanged
    resolved_by   TEXT NOT NULL DEFAULT '',
    resolved_at   TEXT NOT NULL DEFAULT ''
)
"""


@dataclass(frozen=True)
class Mark:
    student: str
    item: str
    points: float
    rubric: tuple[str, ...] = ()
    comment: str = ""
    note: str = ""
    marked_by: str = ""
    marked_at: str = ""


@dataclass(frozen=True)
class Inquiry:
    id: int
    student: str
    item: str
    text: str
    opened_by: str
    opened_at: str
    state: str
    reply: str = ""
    points: float | None = None
    resolved_by: str = ""
    resolved_at: str = ""


class MarkBook:
    """Marks and inquiries in a gradebook's connection (the tables made on first use)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        connection.execute(MARKS_SCHEMA)
        connection.execute(INQUIRIES_SCHEMA)

    def put_marks(self, marks: list[Mark]) -> None:
        """Record ``marks`` (each replacing the student's mark of that item) in one transaction."""
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.executemany(
                "INSERT OR REPLACE INTO marks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (m.student, m.item, m.points, json.dumps(list(m.rubric)), m.comment, m.note,
                     m.marked_by, m.marked_at or utc_now())
                    for m in marks
                ],
            )  # fmt: skip

    def marks(self) -> dict[str, dict[str, Mark]]:
        """student -> item -> mark."""
        found: dict[str, dict[str, Mark]] = {}
        cursor = self.connection.execute("SELECT * FROM marks ORDER BY student, item")
        for student, item, points, rubric, comment, note, by, at in cursor:
            found.setdefault(student, {})[item] = Mark(
                student, item, points, tuple(json.loads(rubric)), comment, note, by, at
            )
        return found

    def open_inquiry(self, student: str, item: str, text: str, by: str) -> int:
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            cursor = self.connection.execute(
                "INSERT INTO inquiries (student, item, text, opened_by, opened_at, state) "
                "VALUES (?, ?, ?, ?, ?, 'open')",
                (student, item, text, by, utc_now()),
            )
        return int(cursor.lastrowid or 0)

    def resolve_inquiry(self, number: int, reply: str, points: float | None, by: str) -> None:
        self.connection.execute(
            "UPDATE inquiries SET state = 'resolved', reply = ?, points = ?, resolved_by = ?, "
            "resolved_at = ? WHERE id = ?",
            (reply, points, by, utc_now(), number),
        )

    def inquiries(self, state: str | None = None) -> list[Inquiry]:
        """Every inquiry (only those in ``state`` when given), oldest first."""
        query = "SELECT * FROM inquiries" + (" WHERE state = ?" if state else "") + " ORDER BY id"
        return [Inquiry(*entry) for entry in self.connection.execute(query, (state,) if state else ())]
