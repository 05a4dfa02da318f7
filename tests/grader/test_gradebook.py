"""Unit tests for grader/batch/gradebook.py: the batch gradebook in a temporary SQLite file."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from grader.batch.gradebook import Gradebook, Grading, Row

pytestmark = pytest.mark.unit


def report(score: float, max_score: float) -> dict:
    return {
        "score": score,
        "max_score": max_score,
        "sandbox": "bubblewrap",
        "device": "cpu",
        "notes": [],
        "seconds": {"wall": 1.5},
        "topics": [
            {
                "name": "tensors",
                "score": score,
                "max_score": max_score,
                "tests": [
                    {
                        "id": "matmul",
                        "kind": "shape",
                        "status": "passed" if score else "failed",
                        "points": score,
                        "max_points": max_score,
                        "message": "" if score else "m: expected 1, got 2.",
                        "visibility": "public",
                    }
                ],
            }
        ],
    }


def row(
    student: str = "alice",
    content_hash: str = "h1",
    suite_version: str = "v1",
    status: str = "graded",
    reason: str = "",
    score: float = 1.0,
    max_score: float = 1.0,
) -> Row:
    return Row(
        student,
        content_hash,
        suite_version,
        status,
        reason,
        score,
        max_score,
        report(score, max_score) if status == "graded" else {},
    )


@pytest.fixture
def book(tmp_path):
    gradebook = Gradebook(tmp_path / "gradebook.sqlite")
    yield gradebook
    gradebook.close()


def test_empty_gradebook(book):
    assert book.rows() == []
    assert not book.is_current("alice", "h1", "v1")


def test_record_and_rows_round_trip(book):
    written = row(score=0.5, max_score=2.0)
    book.record(written)
    assert book.rows() == [written]
    assert book.rows()[0].report["topics"][0]["tests"][0]["message"] == ""


def test_rows_come_back_sorted_by_student(book):
    for name in ("carol", "alice", "bob"):
        book.record(row(name))
    assert [r.student for r in book.rows()] == ["alice", "bob", "carol"]


def test_a_regrade_replaces_the_row(book):
    book.record(row("alice", "h1", "v1", score=0.0))
    book.record(row("bob"))
    book.record(row("alice", "h2", "v2", score=1.0))
    rows = book.rows()
    assert [r.student for r in rows] == ["alice", "bob"]
    assert rows[0] == row("alice", "h2", "v2", score=1.0)


def test_is_current_needs_the_same_hash_and_suite_version(book):
    book.record(row("alice", "h1", "v1"))
    assert book.is_current("alice", "h1", "v1")
    assert not book.is_current("alice", "h2", "v1")  # the submission changed
    assert not book.is_current("alice", "h1", "v2")  # the suites changed
    assert not book.is_current("bob", "h1", "v1")  # someone else


def test_is_current_follows_a_regrade(book):
    book.record(row("alice", "h1", "v1"))
    book.record(row("alice", "h2", "v1"))
    assert book.is_current("alice", "h2", "v1")
    assert not book.is_current("alice", "h1", "v1")


def test_rejected_rows_are_current_but_crashed_ones_are_retried(book):
    book.record(row("alice", "h1", "v1", status="rejected", reason="not a Python file", score=0, max_score=0))
    book.record(row("bob", "h1", "v1", status="crashed", reason="the grader crashed", score=0, max_score=0))
    assert book.is_current("alice", "h1", "v1")
    assert not book.is_current("bob", "h1", "v1")
    statuses = {r.student: (r.status, r.reason) for r in book.rows()}
    assert statuses == {"alice": ("rejected", "not a Python file"), "bob": ("crashed", "the grader crashed")}


def test_the_gradebook_persists_across_connections(tmp_path):
    path = tmp_path / "gradebook.sqlite"
    first = Gradebook(path)
    first.record(row("alice"))
    first.close()
    second = Gradebook(path)
    try:
        assert second.rows() == [row("alice")]
        assert second.is_current("alice", "h1", "v1")
    finally:
        second.close()


def test_a_second_connection_sees_a_committed_row_at_once(tmp_path):
    # record() commits its own transaction: a parallel reader must not wait for close()
    path = tmp_path / "gradebook.sqlite"
    writer, reader = Gradebook(path), Gradebook(path)
    try:
        writer.record(row("alice"))
        assert [r.student for r in reader.rows()] == ["alice"]
    finally:
        writer.close()
        reader.close()


def test_student_names_are_data_not_sql(book):
    name = "x'); DROP TABLE grades; --"
    book.record(row(name))
    assert book.is_current(name, "h1", "v1")
    assert [r.student for r in book.rows()] == [name]


def test_the_report_is_stored_as_json_text(book, tmp_path):
    book.record(row("alice"))
    raw = (
        sqlite3.connect(tmp_path / "gradebook.sqlite")
        .execute("SELECT report, score, max_score FROM grades")
        .fetchone()
    )
    assert raw[0].startswith("{") and '"topics"' in raw[0]
    assert raw[1:] == (1.0, 1.0)


# History: every grading is kept; `grades` (and every export) shows the latest only.

ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def test_two_recordings_make_two_history_entries(book):
    book.record(row("alice", "h1", "v1", score=0.0))
    book.record(row("bob"))
    book.record(row("alice", "h2", "v1", score=1.0))
    history = book.history("alice")
    assert [(g.content_hash, g.suite_version, g.status, g.score, g.max_score) for g in history] == [
        ("h1", "v1", "graded", 0.0, 1.0),
        ("h2", "v1", "graded", 1.0, 1.0),
    ]
    assert all(g.student == "alice" and ISO_UTC.fullmatch(g.graded_at) for g in history)
    when = datetime.strptime(history[-1].graded_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert abs(datetime.now(timezone.utc) - when) < timedelta(minutes=1)
    assert book.rows() == [row("alice", "h2", "v1", score=1.0), row("bob")]
    assert len(book.history("bob")) == 1 and book.history("carol") == []


def test_a_new_suite_version_is_a_new_grading(book):
    book.record(row("alice", "h1", "v1"))
    book.record(row("alice", "h1", "v2", status="crashed", reason="internal error", score=0, max_score=0))
    assert [(g.suite_version, g.status) for g in book.history("alice")] == [
        ("v1", "graded"),
        ("v2", "crashed"),
    ]
    assert [(r.suite_version, r.status) for r in book.rows()] == [("v2", "crashed")]


def test_the_same_rejection_again_adds_no_history(book):
    # every run re-reads an unreadable entry and records its rejection again
    rejected = row("alice", "", "v1", status="rejected", reason="the zip is damaged", score=0, max_score=0)
    book.record(rejected)
    book.record(rejected)
    assert len(book.history("alice")) == 1
    book.record(row("alice", "", "v1", status="rejected", reason="not a zip", score=0, max_score=0))
    book.record(row("alice"))
    assert [g.status for g in book.history("alice")] == ["rejected", "rejected", "graded"]
    assert book.rows() == [row("alice")]


def test_history_is_written_with_the_row(tmp_path):
    path = tmp_path / "gradebook.sqlite"
    writer, reader = Gradebook(path), Gradebook(path)
    try:
        writer.record(row("alice"))
        assert len(reader.history("alice")) == 1 and reader.rows() == [row("alice")]
    finally:
        writer.close()
        reader.close()


def old_gradebook(path) -> None:
    """A gradebook as written before the history table existed."""
    connection = sqlite3.connect(path)
    connection.execute(
        """CREATE TABLE grades (
            student TEXT PRIMARY KEY, content_hash TEXT NOT NULL, suite_version TEXT NOT NULL,
            status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', score REAL NOT NULL DEFAULT 0,
            max_score REAL NOT NULL DEFAULT 0, report TEXT NOT NULL DEFAULT '{}',
            graded_at TEXT NOT NULL DEFAULT (datetime('now')))"""
    )
    connection.executemany(
        "INSERT INTO grades (student, content_hash, suite_version, status, reason, score, max_score, "
        "report, graded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ("alice", "h1", "v1", "graded", "", 0.5, 2.0, '{"score": 0.5}', "2024-05-01 12:00:00"),
            ("bob", "", "v1", "rejected", "not a zip", 0, 0, "{}", "2024-05-01 12:00:03"),
        ],
    )
    connection.commit()
    connection.close()


def test_an_old_gradebook_gains_its_history(tmp_path):
    path = tmp_path / "gradebook.sqlite"
    old_gradebook(path)
    book = Gradebook(path)
    try:
        assert [r.student for r in book.rows()] == ["alice", "bob"]
        assert book.rows()[0].report == {"score": 0.5}
        assert book.is_current("alice", "h1", "v1")
        assert book.history("alice") == [
            Grading("alice", "h1", "v1", "2024-05-01T12:00:00Z", "graded", 0.5, 2.0)
        ]
        book.record(row("alice", "h2", "v2", score=2.0, max_score=2.0))
        assert [g.content_hash for g in book.history("alice")] == ["h1", "h2"]
        assert [(r.student, r.score) for r in book.rows()] == [("alice", 2.0), ("bob", 0.0)]
    finally:
        book.close()
    again = Gradebook(path)  # opening a migrated gradebook seeds nothing twice
    try:
        assert len(again.history("alice")) == 2 and len(again.history("bob")) == 1
    finally:
        again.close()
