"""The batch gradebook: one SQLite row per student, written in one transaction each (what a row
is keyed by, and what a re-run then grades: docs/instructors.md, "Grading a class"). ``history``
holds every grading, written in the same transaction (seeded from an older gradebook's rows when
first opened); ``meta`` holds what every row shares, such as the course seed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS grades (
    student       TEXT PRIMARY KEY,
    content_hash  TEXT NOT NULL,
    suite_version TEXT NOT NULL,
    status        TEXT NOT NULL,      -- graded | rejected | crashed
    reason        TEXT NOT NULL DEFAULT '',
    score         REAL NOT NULL DEFAULT 0,
    max_score     REAL NOT NULL DEFAULT 0,
    report        TEXT NOT NULL DEFAULT '{}',
    graded_at     TEXT NOT NULL DEFAULT (datetime('now'))
)
"""

HISTORY_SCHEMA = """
CREATE TABLE history (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    student       TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    suite_version TEXT NOT NULL,
    graded_at     TEXT NOT NULL,      -- ISO-8601, UTC: 2024-05-01T12:00:00Z
    status        TEXT NOT NULL,
    score         REAL NOT NULL,
    max_score     REAL NOT NULL
)
"""

# an old gradebook's rows become its first history entries ('2024-05-01 12:00:00' is UTC)
SEED_HISTORY = """
INSERT INTO history (student, content_hash, suite_version, graded_at, status, score, max_score)
SELECT student, content_hash, suite_version, replace(graded_at, ' ', 'T') || 'Z', status, score, max_score
FROM grades ORDER BY graded_at, student
"""


META_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key           TEXT PRIMARY KEY,
    value         TEXT NOT NULL       -- JSON
)
"""


class CourseSeedMismatch(ValueError):
    """A run's course seed is not the one the gradebook's rows were graded with."""


def _seed_words(seed: str | None) -> str:
    return "without a course seed" if seed is None else "with a course seed"


@dataclass(frozen=True)
class Row:
    student: str
    content_hash: str
    suite_version: str
    status: str
    reason: str
    score: float = 0.0  # a row that was not graded (rejected, crashed, missing) scores nothing
    max_score: float = 0.0
    report: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Grading:
    """One entry of a student's history."""

    student: str
    content_hash: str
    suite_version: str
    graded_at: str
    status: str
    score: float
    max_score: float


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _verdict(row: Row) -> tuple[str, str, str, str, str, float, float]:
    """The columns that say who got what, from which files, under which suites."""
    return (
        row.student,
        row.content_hash,
        row.suite_version,
        row.status,
        row.reason,
        row.score,
        row.max_score,
    )


ROW_COLUMNS = "student, content_hash, suite_version, status, reason, score, max_score, report"


def _row(values: tuple) -> Row:
    student, content_hash, version, status, reason, score, max_score, report = values
    return Row(student, content_hash, version, status, reason, score, max_score, json.loads(report))


class Gradebook:
    def __init__(self, path: Path, shared: bool = False) -> None:
        """The gradebook at ``path``; ``shared``: its connection used by several threads, one at
        a time (the caller's lock)."""
        self.connection = sqlite3.connect(
            path, timeout=60, isolation_level=None, check_same_thread=not shared
        )
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute(SCHEMA)
        self.connection.execute(META_SCHEMA)
        self.path = path
        self._migrate()

    def _has_history(self) -> bool:
        found = self.connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'history'"
        ).fetchone()
        return found is not None

    def _migrate(self) -> None:
        """Add the history table to a gradebook that has none, seeded with its rows."""
        if self._has_history():
            return
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            if not self._has_history():  # another process may have migrated meanwhile
                self.connection.execute(HISTORY_SCHEMA)
                self.connection.execute("CREATE INDEX history_student ON history (student, id)")
                self.connection.execute(SEED_HISTORY)

    def close(self) -> None:
        self.connection.close()

    def course_seed(self) -> tuple[bool, str | None]:
        """(recorded, the course seed): a gradebook from before ``meta`` counts as graded
        without one once it holds a row."""
        found = self.connection.execute("SELECT value FROM meta WHERE key = 'course_seed'").fetchone()
        if found is not None:
            return True, json.loads(found[0])
        has_rows = self.connection.execute("SELECT 1 FROM grades LIMIT 1").fetchone() is not None
        return has_rows, None

    def claim_course_seed(self, seed: str | None) -> None:
        """Record ``seed`` as the gradebook's, or :class:`CourseSeedMismatch` if its rows were
        graded with another: their hidden inputs would no longer be the ones graded."""
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            recorded, earlier = self.course_seed()
            if recorded and earlier != seed:
                if earlier is not None and seed is not None:
                    what = "graded with another course seed than this run's"
                else:
                    what = f"graded {_seed_words(earlier)}, this run is {_seed_words(seed)}"
                raise CourseSeedMismatch(
                    f"{self.path} was {what}: every student's hidden inputs would change under "
                    "their recorded grades; run with the gradebook's course seed, or into a new --out"
                )
            self.connection.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('course_seed', ?)", (json.dumps(seed),)
            )

    def is_current(self, student: str, content_hash: str, suite_version: str) -> bool:
        found = self.connection.execute(
            "SELECT 1 FROM grades WHERE student = ? AND content_hash = ? AND suite_version = ? "
            "AND status != 'crashed'",
            (student, content_hash, suite_version),
        ).fetchone()
        return found is not None

    def record(self, row: Row) -> None:
        """Make ``row`` the student's current row and add it to their history.

        Recording the very verdict that is already current (a re-run re-reading the same
        unreadable entry) refreshes the row but adds no history entry.
        """
        with self.connection:  # one transaction per finished submission
            self.connection.execute("BEGIN IMMEDIATE")
            if not self._same_verdict(row):
                self.connection.execute(
                    "INSERT INTO history (student, content_hash, suite_version, graded_at, status, "
                    "score, max_score) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        row.student,
                        row.content_hash,
                        row.suite_version,
                        utc_now(),
                        row.status,
                        row.score,
                        row.max_score,
                    ),
                )
            self.connection.execute(
                "INSERT OR REPLACE INTO grades (student, content_hash, suite_version, status, reason, "
                "score, max_score, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (*_verdict(row), json.dumps(row.report)),
            )

    def rows(self) -> list[Row]:
        return list(self.each_row())

    def each_row(self) -> Iterator[Row]:
        """The rows one at a time, by student: the class is never all in memory at once."""
        for values in self.connection.execute(f"SELECT {ROW_COLUMNS} FROM grades ORDER BY student"):
            yield _row(values)

    def row(self, student: str) -> Row | None:
        """``student``'s row, or None."""
        found = self.connection.execute(
            f"SELECT {ROW_COLUMNS} FROM grades WHERE student = ?", (student,)
        ).fetchone()
        return None if found is None else _row(found)

    def _same_verdict(self, row: Row) -> bool:
        found = self.connection.execute(
            "SELECT 1 FROM grades WHERE student = ? AND content_hash = ? AND suite_version = ? "
            "AND status = ? AND reason = ? AND score = ? AND max_score = ?",
            _verdict(row),
        ).fetchone()
        return found is not None

    def history(self, student: str) -> list[Grading]:
        """Every grading of ``student``, oldest first (empty for an unknown student)."""
        cursor = self.connection.execute(
            "SELECT student, content_hash, suite_version, graded_at, status, score, max_score "
            "FROM history WHERE student = ? ORDER BY id",
            (student,),
        )
        return [Grading(*entry) for entry in cursor]


OVERRIDES_SCHEMA = """
CREATE TABLE IF NOT EXISTS overrides (
    student       TEXT NOT NULL,
    exercise      TEXT NOT NULL,      -- topic.exercise; '' for the whole assignment
    points        REAL,               -- NULL when excused
    excused       INTEGER NOT NULL,
    reason        TEXT NOT NULL,      -- the comment the student is shown
    automatic     REAL NOT NULL,      -- the automatic score when the override was made
    made_at       TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',  -- the instructor's private note, never shown to the student
    PRIMARY KEY (student, exercise)
)
"""

SUBMITTED_SCHEMA = """
CREATE TABLE IF NOT EXISTS submitted (
    student       TEXT PRIMARY KEY,
    submitted_at  TEXT NOT NULL,      -- ISO-8601 with offset; '' when unknown
    late_marker   INTEGER NOT NULL,   -- the LMS marked it late (Canvas's late_)
    source        TEXT NOT NULL       -- where the time came from
)
"""


@dataclass(frozen=True)
class Override:
    """An instructor's decision on one exercise (or, with exercise "", the whole assignment)."""

    student: str
    exercise: str
    points: float | None
    excused: bool
    reason: str  # the public comment: the student's feedback shows it
    automatic: float
    made_at: str = ""
    note: str = ""  # private: the gradebook keeps it, no export for the student shows it


@dataclass(frozen=True)
class Submitted:
    student: str
    submitted_at: str
    late_marker: bool
    source: str


class CourseBook:
    """The course's tables of a gradebook: overrides, submission times, and in ``meta`` the course file,
    assignment and roster it was graded for (what ``--history`` and ``override`` read back)."""

    def __init__(self, gradebook: Gradebook) -> None:
        self.connection = gradebook.connection
        self.connection.execute(OVERRIDES_SCHEMA)
        columns = {row[1] for row in self.connection.execute("PRAGMA table_info(overrides)")}
        if "note" not in columns:  # a gradebook written before overrides had a private note
            self.connection.execute("ALTER TABLE overrides ADD COLUMN note TEXT NOT NULL DEFAULT ''")
        self.connection.execute(SUBMITTED_SCHEMA)

    def set_meta(self, key: str, value: object) -> None:
        self.connection.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value))
        )

    def meta(self, key: str) -> object:
        found = self.connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if found is None else json.loads(found[0])

    def override(self, entry: Override) -> None:
        self.connection.execute(
            "INSERT OR REPLACE INTO overrides "
            "(student, exercise, points, excused, reason, automatic, made_at, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.student,
                entry.exercise,
                entry.points,
                int(entry.excused),
                entry.reason,
                entry.automatic,
                entry.made_at or utc_now(),
                entry.note,
            ),
        )

    def clear(self, student: str, exercise: str | None) -> int:
        """Remove ``student``'s override of ``exercise`` (all of theirs when None); how many."""
        if exercise is None:
            cursor = self.connection.execute("DELETE FROM overrides WHERE student = ?", (student,))
        else:
            cursor = self.connection.execute(
                "DELETE FROM overrides WHERE student = ? AND exercise = ?", (student, exercise)
            )
        return cursor.rowcount

    def overrides(self) -> dict[str, list[Override]]:
        found: dict[str, list[Override]] = {}
        cursor = self.connection.execute(
            "SELECT student, exercise, points, excused, reason, automatic, made_at, note FROM overrides "
            "ORDER BY student, exercise"
        )
        for student, exercise, points, excused, reason, automatic, made_at, note in cursor:
            found.setdefault(student, []).append(
                Override(student, exercise, points, bool(excused), reason, automatic, made_at, note)
            )
        return found

    def record_submitted(self, entries: list[Submitted]) -> None:
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.executemany(
                "INSERT OR REPLACE INTO submitted VALUES (?, ?, ?, ?)",
                [(e.student, e.submitted_at, int(e.late_marker), e.source) for e in entries],
            )

    def submitted(self) -> dict[str, Submitted]:
        cursor = self.connection.execute("SELECT student, submitted_at, late_marker, source FROM submitted")
        return {
            s: Submitted(student=s, submitted_at=at, late_marker=bool(marker), source=source)
            for s, at, marker, source in cursor
        }
