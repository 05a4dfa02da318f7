"""The class as ``grade batch review --serve`` holds it: read once, then kept up to date.

Reading a class costs time in its size; a marker's request must not. :class:`MarkingClass` reads
the class once, keeping of each row only what the class list and the navigation show, and on each
request asks the gradebook whether anyone else wrote to it since (SQLite's ``data_version``, a
constant cost): a mark given elsewhere is read alone, anything else (a regrade, an override, a
group note, the course file or the roster changed) reads the class again. A save is one transaction
that writes the mark only if the mark it replaces is still the one its form was drawn from.
Anonymous marking: docs/instructors.md, "Manual items, marks and grade inquiries". Its callers
hold :attr:`MarkingClass.lock` around every use.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from grader.batch.exports import NoHistory, full_names
from grader.batch.gradebook import CourseBook, Row, utc_now
from grader.batch.marks import Mark, MarkBook
from grader.batch.overrides import Recorded, open_recorded
from grader.batch.roster import Roster, known_as
from grader.batch.standing import ClassBook, class_book, final_row

# Tables whose every change a mark makes: the rest are fingerprinted to tell a mark given
# elsewhere (read alone) from any other change (the class read again).
MARK_TABLES = ("marks", "mark_history", "sqlite_sequence")
COUNTED = ("grades", "history")  # large: their count and last rowid stand for their content


def _light(row: Row) -> Row:
    """What the class list and navigation show of ``row``: its standing without the checks."""
    standing = row.report.get("standing") or {}
    kept = {key: standing[key] for key in ("exercises", "manual", "excused") if key in standing}
    return replace(row, report={"standing": kept} if kept else {})


def _stat(path: object) -> tuple[int, int] | None:
    try:
        found = Path(str(path)).stat()
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size


def _teams(roster: Roster | None) -> dict[str, tuple[str, ...]]:
    """Each member of a team of two or more (Moodle's Group) -> the team's students."""
    teams: dict[str, tuple[str, ...]] = {}
    for (kind, _), spots in roster.index.items() if roster else ():
        keys = tuple(sorted({roster.members[i].key for i in spots})) if kind == "team" and roster else ()
        teams.update(dict.fromkeys(keys, keys) if len(keys) > 1 else {})
    return teams


def _secret(book: CourseBook) -> bytes:
    """The gradebook's key of pseudonyms (made on first use): the same student, the same one."""
    found = book.meta("pseudonym_key")
    if not isinstance(found, str):
        found = secrets.token_hex(16)
        book.set_meta("pseudonym_key", found)
    return found.encode()


@contextmanager
def _snapshot(connection: sqlite3.Connection) -> Iterator[None]:
    """One read transaction: what is read inside it is the gradebook at one moment."""
    connection.execute("BEGIN")
    try:
        yield
    finally:
        if connection.in_transaction:
            connection.execute("COMMIT")


class MarkingClass:
    """One gradebook's class, for marking; every use under :attr:`lock`."""

    def __init__(self, out: Path, anonymous: bool = False) -> None:
        self.out = out
        self.forced_anonymous = anonymous  # --anonymous: whatever the course file says
        self.lock = threading.RLock()
        self.recorded: Recorded | None = None
        self._read()

    @property
    def connection(self) -> sqlite3.Connection:
        assert self.recorded is not None
        return self.recorded.gradebook.connection

    def _read(self) -> None:
        """Read the class afresh: the course, the roster, every row's standing, the marks."""
        recorded = open_recorded(self.out, shared=True)
        if recorded.assignment is None or not recorded.assignment.manual:
            recorded.close()
            raise NoHistory(
                "the course this gradebook was graded for has no manual items to mark "
                "([assignments.NAME.manual.ID] in the course file, then `grade batch --course`)"
            )
        self.close()
        self.recorded, self.assignment = recorded, recorded.assignment
        self.book = MarkBook(recorded.gradebook.connection)
        self.names = full_names(recorded.roster) if recorded.roster else {}
        self.teams = _teams(recorded.roster)
        self.anonymous = self.forced_anonymous or recorded.assignment.anonymous
        self.secret = _secret(recorded.book) if self.anonymous else b""
        with _snapshot(self.connection):
            self.seen = self._data_version(), self._files()
            self.context: ClassBook = class_book(recorded.book)
            self.rows, self.absent = [], set()
            for row in recorded.gradebook.each_row():
                self.absent |= {row.student} if row.status == "missing" else set()
                self.rows.append(_light(final_row(row, self.assignment, self.context)))
            self.others = self._others()
            self.latest = self.book.marked_since(0)[0]
        if self.anonymous:  # the class list in the pseudonyms' order: the keys' would tell
            self.rows.sort(key=lambda row: self.who(row.student))
        self.positions = {row.student: position for position, row in enumerate(self.rows)}

    def _data_version(self) -> int:
        return int(self.connection.execute("PRAGMA data_version").fetchone()[0])

    def _files(self) -> tuple:
        """The course file's and the roster's size and time: an edit reads the class again."""
        assert self.recorded is not None
        course = self.recorded.book.meta("course")
        roster = self.recorded.book.meta("roster")
        return _stat(course.get("file") if isinstance(course, dict) else None), _stat(roster)

    def _others(self) -> str:
        """A fingerprint of every table but the marks'."""
        digest = hashlib.sha256()
        tables = self.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        for (name,) in tables.fetchall():
            if name in MARK_TABLES:
                continue
            query = f"SELECT count(*), max(rowid) FROM {name}" if name in COUNTED else f"SELECT * FROM {name}"
            digest.update(name.encode() + repr(self.connection.execute(query).fetchall()).encode())
        return digest.hexdigest()

    def refresh(self) -> bool:
        """Catch up with what others wrote since: their marks read alone, anything else the
        class; whether anything was."""
        with _snapshot(self.connection):
            now = self._data_version(), self._files()
            if now == self.seen:
                return False
            if now[1] != self.seen[1] or self._others() != self.others:
                changed = True
            else:
                changed = False
                self.latest, given = self.book.marked_since(self.latest)
                for student, item in given:
                    self._put(student, item, self.book.mark(student, item))
                self.seen = now
        if changed:
            self._read()
        return True

    def _put(self, student: str, item: str, mark: Mark | None) -> None:
        """``student``'s mark of ``item`` as the gradebook now holds it, and their row again."""
        mine = self.context.marks.setdefault(student, {})
        if mark is None:
            mine.pop(item, None)
        else:
            mine[item] = mark
        position = self.positions.get(student)
        if position is not None:
            self.rows[position] = _light(self.row(position))

    def who(self, student: str) -> str:
        """How the pages name ``student``: the roster's full name with the key, or under
        anonymous marking a pseudonym that stays the same for this gradebook."""
        if not self.anonymous:
            return known_as(student, self.names)
        return "student " + hmac.new(self.secret, student.encode(), "sha256").hexdigest()[:8].upper()

    def to_mark(self, position: int) -> bool:
        """Whether the student at ``position`` is offered for marking: they handed something
        in (an excused student without a submission is not) and an item is not marked yet."""
        student = self.rows[position].student
        return student not in self.absent and any(
            i not in self.marks(student) for i in self.assignment.manual
        )

    def marks(self, student: str) -> dict[str, Mark]:
        return self.context.marks.get(student, {})

    def row(self, position: int) -> Row:
        """The row of the student at ``position`` whole, as the exports show it (read alone)."""
        assert self.recorded is not None
        found = self.recorded.gradebook.row(self.rows[position].student)
        return final_row(found, self.assignment, self.context) if found else self.rows[position]

    def save(self, mark: Mark, drawn: str) -> tuple[bool, Mark | None]:
        """Record ``mark`` unless the mark it replaces changed since its form was ``drawn``:
        whether it was, and the mark recorded now."""
        mark = replace(mark, marked_at=mark.marked_at or utc_now())
        mates = tuple(s for s in self.teams.get(mark.student, ()) if s != mark.student)
        recorded, number = self.book.put_over(mark, drawn, mates)
        if not self.refresh() and number:  # nobody else wrote: every mark up to this one is known
            self.latest = max(self.latest, number)
        if not number:
            return False, recorded
        self._put(mark.student, mark.item, mark)
        for mate in mates:
            self._put(mate, mark.item, self.book.mark(mate, mark.item))
        return True, mark

    def close(self) -> None:
        if self.recorded is not None:
            self.recorded.close()
            self.recorded = None
