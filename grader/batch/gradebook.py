"""The batch gradebook: one SQLite row per student, written in one transaction each.

A row is keyed by the student and remembers the content hash of what was graded and the
suite version it was graded with, so a re-run grades only what is new or changed, and a
killed run loses at most the submissions that were in flight.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Row:
    student: str
    content_hash: str
    suite_version: str
    status: str
    reason: str
    score: float
    max_score: float
    report: dict


class Gradebook:
    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, timeout=60, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute(SCHEMA)

    def close(self) -> None:
        self.connection.close()

    def is_current(self, student: str, content_hash: str, suite_version: str) -> bool:
        found = self.connection.execute(
            "SELECT 1 FROM grades WHERE student = ? AND content_hash = ? AND suite_version = ? "
            "AND status != 'crashed'",
            (student, content_hash, suite_version),
        ).fetchone()
        return found is not None

    def record(self, row: Row) -> None:
        with self.connection:  # one transaction per finished submission
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.execute(
                "INSERT OR REPLACE INTO grades (student, content_hash, suite_version, status, reason, "
                "score, max_score, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row.student,
                    row.content_hash,
                    row.suite_version,
                    row.status,
                    row.reason,
                    row.score,
                    row.max_score,
                    json.dumps(row.report),
                ),
            )

    def rows(self) -> list[Row]:
        cursor = self.connection.execute(
            "SELECT student, content_hash, suite_version, status, reason, score, max_score, report "
            "FROM grades ORDER BY student"
        )
        return [
            Row(student, content_hash, version, status, reason, score, max_score, json.loads(report))
            for student, content_hash, version, status, reason, score, max_score, report in cursor
        ]
