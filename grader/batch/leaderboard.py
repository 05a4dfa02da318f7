"""A class's held-out metrics (grader/course/held_out.py) in the gradebook's ``held_out`` table,
and the leaderboards they make: when a submission is scored, how boards rank and name students:
docs/instructors.md, "Leaderboards on held-out data"."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from grader.base import depends
from grader.base.options import Leaderboard

SCHEMA = """
CREATE TABLE IF NOT EXISTS held_out (
    student TEXT NOT NULL,
    exercise TEXT NOT NULL,
    metric TEXT NOT NULL,
    value REAL,
    reason TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL,
    data_hash TEXT NOT NULL,
    seconds REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (student, exercise)
)
"""
ALIAS_KEY = "leaderboard_key"  # the meta entry that keeps the pseudonyms' key


@dataclass(frozen=True)
class Entry:
    """One student's metric on one leaderboard; ``value`` None: no metric (``reason`` says why)."""

    student: str
    value: float | None
    reason: str
    rank: int = 0


def _data_hash(topic: str) -> str:
    """The key of what ``topic``'s held-out score reads (its manifest: the held-out data and
    declaration, the suite, the grader's metrics code, ...; :func:`grader.base.depends.key`)."""
    from grader.base.topics import MANIFEST

    return depends.key([t for t in MANIFEST if t.name == topic], "held_out")


@dataclass(frozen=True)
class HeldOutScores:
    """A grading task's followup (:attr:`grader.engine.runner.Task.followup`): its submission's
    scores on ``boards`` ((exercise, metric) of its topic), taken in the grading process after
    the topic's checks, on this machine's pool or a Dask worker, as the checks are."""

    boards: tuple[tuple[str, str], ...]

    def __call__(self, task: Any) -> tuple[Any, ...]:
        from grader.course.held_out import Score, score_held_out

        scores = []
        for exercise, metric in self.boards:
            try:
                scores.append(score_held_out(task.path, task.topic, exercise, task.single_file, metric))
            except Exception as exc:  # never the checks' outcome: the board shows why, no metric
                scores.append(
                    Score(exercise, metric, "", None, f"not scored ({type(exc).__name__}: {exc})"[:300])
                )
        return tuple(scores)


def hashes(boards: tuple[Leaderboard, ...]) -> dict[str, str]:
    """{topic: the key of what its held-out scores read} of ``boards``' topics."""
    return {board.topic: _data_hash(board.topic) for board in boards}


def followup(
    connection: sqlite3.Connection,
    item: Any,
    topic: str,
    boards: tuple[Leaderboard, ...],
    keys: dict[str, str],
) -> HeldOutScores | None:
    """The scores ``item``'s task of ``topic`` takes after its checks: the boards of that topic
    it was not scored on so already (None: none)."""
    connection.execute(SCHEMA)
    wanted = tuple(
        (board.exercise, board.metric)
        for board in boards
        if board.topic == topic and not _current(connection, item, board, keys[board.topic])
    )
    return HeldOutScores(wanted) if wanted else None


def record(connection: sqlite3.Connection, item: Any, score: Any, key: str) -> None:
    """Keep ``item``'s ``score`` under ``key`` (what it read), one transaction."""
    with connection:
        connection.execute(
            "INSERT OR REPLACE INTO held_out VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (item.student, score.exercise, score.metric, score.value, score.reason,
             item.content_hash, key, score.seconds),
        )  # fmt: skip


def score_class(
    connection: sqlite3.Connection,
    graded: Iterable[Any],
    boards: tuple[Leaderboard, ...],
) -> None:
    """Score every one of ``graded`` (intake's Gradable: student, path, content hash, topic) on each
    board whose topic it answers, unless it was scored so already (by its grading task's
    :class:`HeldOutScores`, or an earlier run): an unchanged submission on a board whose set or
    metric changed; one transaction per score."""
    from grader.course.held_out import score_held_out

    connection.execute(SCHEMA)
    keys = hashes(boards)
    for item in graded:
        for board in boards:
            if item.topic not in (None, board.topic) or _current(connection, item, board, keys[board.topic]):
                continue
            single = item.topic is not None
            score = score_held_out(item.path, board.topic, board.exercise, single, board.metric)
            record(connection, item, score, keys[board.topic])


def _current(connection: sqlite3.Connection, item: Any, board: Leaderboard, data_hash: str) -> bool:
    found = connection.execute(
        "SELECT 1 FROM held_out WHERE student = ? AND exercise = ? AND metric = ? AND content_hash = ?"
        " AND data_hash = ?",
        (item.student, board.exercise, board.metric, item.content_hash, data_hash),
    ).fetchone()
    return found is not None


def recorded(connection: sqlite3.Connection) -> dict[str, dict[str, dict[str, Any]]]:
    """{student: {exercise: {"metric", "value", "reason"}}} of the gradebook's held-out scores."""
    connection.execute(SCHEMA)
    found: dict[str, dict[str, dict[str, Any]]] = {}
    rows = connection.execute(
        "SELECT student, exercise, metric, value, reason FROM held_out ORDER BY student"
    )
    for student, exercise, metric, value, reason in rows:
        found.setdefault(student, {})[exercise] = {"metric": metric, "value": value, "reason": reason}
    return found


def standings(
    scores: dict[str, dict[str, dict[str, Any]]], board: Leaderboard, students: Iterable[str]
) -> list[Entry]:
    """``board``'s entries for ``students``, best first in its order; equal values share a rank;
    a student without a metric ranks after every metric, by name."""
    entries = []
    for student in students:
        held = scores.get(student, {}).get(board.exercise)
        if held is not None and held["metric"] == board.metric:
            entries.append(Entry(student, held["value"], held["reason"]))
    valued = sorted((e for e in entries if e.value is not None), key=lambda e: (_key(e, board), e.student))
    ranked, rank, last = [], 0, None
    for position, entry in enumerate(valued, start=1):
        rank, last = (rank, last) if entry.value == last else (position, entry.value)
        ranked.append(Entry(entry.student, entry.value, entry.reason, rank))
    return ranked + sorted((e for e in entries if e.value is None), key=lambda e: e.student)


def _key(entry: Entry, board: Leaderboard) -> float:
    value = entry.value if entry.value is not None else 0.0
    return -value if board.order == "desc" else value


def alias_key(book: Any) -> bytes:
    """The gradebook's pseudonym key (drawn once, then kept in its meta table)."""
    found = book.meta(ALIAS_KEY)
    if isinstance(found, str):
        return bytes.fromhex(found)
    key = secrets.token_bytes(16)
    book.set_meta(ALIAS_KEY, key.hex())
    return key


ADJECTIVES = ("amber", "brisk", "calm", "deft", "eager", "fleet", "gentle", "hardy", "keen", "lucid",
              "mellow", "nimble", "plucky", "quiet", "rapid", "sly", "steady", "tidy", "vivid", "wry")  # fmt: skip
ANIMALS = ("badger", "crane", "dingo", "egret", "ferret", "gecko", "heron", "ibis", "jackal", "koala",
           "lemur", "marten", "newt", "otter", "panda", "quail", "raven", "stoat", "tapir", "wombat")  # fmt: skip


def aliases(students: Iterable[str], key: bytes) -> dict[str, str]:
    """{student: pseudonym}: "<adjective> <animal>" from an HMAC of the student under ``key``,
    with a number where two would meet; the same student keeps theirs from run to run."""
    named: dict[str, str] = {}
    taken: set[str] = set()
    for student in sorted(students):
        digest = hmac.new(key, student.encode(), hashlib.sha256).digest()
        alias = f"{ADJECTIVES[digest[0] % len(ADJECTIVES)]} {ANIMALS[digest[1] % len(ANIMALS)]}"
        base, extra = alias, 2
        while alias in taken:
            alias, extra = f"{base} {extra}", extra + 1
        named[student] = alias
        taken.add(alias)
    return named
