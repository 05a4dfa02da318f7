"""The gradebook's tables of what people decide: ``marks`` (the latest of each student and item),
``mark_history`` and ``inquiries``, kept apart from what was graded, read by column name under
the schema version in ``meta`` (docs/instructors.md, "Manual items, marks and grade inquiries").
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, fields, replace

import click

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
# Every mark given, oldest first; the latest of a student and item is the one in ``marks``.
HISTORY_SCHEMA = """
CREATE TABLE IF NOT EXISTS mark_history (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    student       TEXT NOT NULL,
    item          TEXT NOT NULL,
    points        REAL NOT NULL,
    rubric        TEXT NOT NULL,
    comment       TEXT NOT NULL,
    note          TEXT NOT NULL,
    marked_by     TEXT NOT NULL,
    marked_at     TEXT NOT NULL,
    why           TEXT NOT NULL
)
"""
SCHEMA_VERSION = 2  # 1: marks without why or history; 2: why, mark_history
COLUMNS = ("student", "item", "points", "rubric", "comment", "note", "marked_by", "marked_at", "why")
SEEDED = "recorded before marks kept their history"

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
    why: str = ""  # "marks.csv, row 3", "in the browser", "inquiry 2 resolved: ..."


def version(mark: Mark | None) -> str:
    """What a marking form says it was drawn from: the mark's whole content ("" when none)."""
    if mark is None:
        return ""
    fields = [mark.points, list(mark.rubric), mark.comment, mark.note, mark.marked_by, mark.marked_at]
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()[:16]


class MarkSchemaError(click.ClickException):
    """The gradebook's marks were written by a newer torchgrade, whose schema this one cannot read:
    any command that meets it stops on this one line (exit status 2)."""

    exit_code = 2


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
        self._migrate()

    def _version(self) -> int:
        found = self.connection.execute("SELECT value FROM meta WHERE key = 'marks_schema'").fetchone()
        return int(json.loads(found[0])) if found else 1

    def _migrate(self) -> None:
        """Bring an older gradebook's marks to :data:`SCHEMA_VERSION`; refuse a newer one."""
        if self._version() > SCHEMA_VERSION:
            raise MarkSchemaError(
                f"this gradebook's marks have schema {self._version()}, written by a newer torchgrade "
                f"(this one reads {SCHEMA_VERSION}): upgrade torchgrade to read them"
            )
        if self._version() == SCHEMA_VERSION:
            return
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            if self._version() == SCHEMA_VERSION:  # another process migrated meanwhile
                return
            names = {row[1] for row in self.connection.execute("PRAGMA table_info(marks)")}
            if "why" not in names:
                self.connection.execute("ALTER TABLE marks ADD COLUMN why TEXT NOT NULL DEFAULT ''")
            self.connection.execute(HISTORY_SCHEMA)
            self.connection.execute(
                f"INSERT INTO mark_history ({', '.join(COLUMNS)}) SELECT {', '.join(COLUMNS[:-1])}, ? "
                "FROM marks ORDER BY marked_at",
                (SEEDED,),
            )
            self.connection.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('marks_schema', ?)",
                (json.dumps(SCHEMA_VERSION),),
            )

    def put_marks(self, marks: list[Mark]) -> None:
        """Record ``marks`` (each the latest of its student and item, the earlier ones kept in the
        history) in one transaction."""
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            for mark in marks:
                self._write(mark)

    def put_over(self, mark: Mark, drawn: str, mates: tuple[str, ...] = ()) -> tuple[Mark | None, int]:
        """Record ``mark`` in one transaction if the mark it replaces is still the one its form was ``drawn``
        from (:func:`version`): (None, the number of the last mark written); else write nothing: (the mark
        recorded, 0). ``mates``: the student's team, given the same mark where they have none or the one drawn
        (marked with the student), never over a mark of their own."""
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            current = self.mark(mark.student, mark.item)
            if version(current) != drawn:
                return current, 0
            given = [mark] + [
                replace(mark, student=s) for s in mates if version(self.mark(s, mark.item)) in ("", drawn)
            ]
            number = max(self._write(one) for one in given)
        return None, number

    def _write(self, mark: Mark) -> int:
        """``mark`` as the one that counts and in the history (inside a transaction): its number."""
        row = (mark.student, mark.item, mark.points, json.dumps(list(mark.rubric)), mark.comment, mark.note,
               mark.marked_by, mark.marked_at or utc_now(), mark.why)  # fmt: skip
        names, slots = ", ".join(COLUMNS), ", ".join("?" * len(COLUMNS))
        self.connection.execute(f"INSERT OR REPLACE INTO marks ({names}) VALUES ({slots})", row)
        cursor = self.connection.execute(f"INSERT INTO mark_history ({names}) VALUES ({slots})", row)
        return int(cursor.lastrowid or 0)

    def mark(self, student: str, item: str) -> Mark | None:
        """The mark of ``student`` and ``item`` that counts, or None."""
        found = self._read("SELECT {columns} FROM marks WHERE student = ? AND item = ?", (student, item))
        return found[0] if found else None

    def marked_since(self, number: int) -> tuple[int, set[tuple[str, str]]]:
        """The number of the latest mark given (``number`` when none came since, 0 at first),
        and (student, item) of each mark given after mark ``number``."""
        cursor = self.connection.execute("SELECT id, student, item FROM mark_history WHERE id > ?", (number,))
        latest, given = number, set[tuple[str, str]]()
        for found, student, item in cursor:
            latest, given = max(latest, found), given | {(student, item)}
        return latest, given

    def _read(self, query: str, arguments: tuple = ()) -> list[Mark]:
        cursor = self.connection.execute(query.format(columns=", ".join(COLUMNS)), arguments)
        return [
            Mark(**{**dict(zip(COLUMNS, values)), "rubric": tuple(json.loads(values[3]))})
            for values in cursor
        ]

    def marks(self) -> dict[str, dict[str, Mark]]:
        """student -> item -> the mark that counts (the latest)."""
        found: dict[str, dict[str, Mark]] = {}
        for mark in self._read("SELECT {columns} FROM marks ORDER BY student, item"):
            found.setdefault(mark.student, {})[mark.item] = mark
        return found

    def history(self, student: str) -> list[Mark]:
        """Every mark ``student`` was given, oldest first."""
        return self._read("SELECT {columns} FROM mark_history WHERE student = ? ORDER BY id", (student,))

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
        names = [f.name for f in fields(Inquiry)]
        query = (
            f"SELECT {', '.join(names)} FROM inquiries"
            + (" WHERE state = ?" if state else "")
            + " ORDER BY id"
        )
        cursor = self.connection.execute(query, (state,) if state else ())
        return [Inquiry(**dict(zip(names, entry))) for entry in cursor]
