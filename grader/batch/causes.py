"""A class's failing exercises grouped by cause (``grade batch causes``), the notes an instructor
writes once per group, and the groups they merge and split: docs/instructors.md, "Failing
exercises by cause". A group is an exercise and the mistake its checks show (:func:`shown`),
never the message's text; notes and edits are keyed by exercise and group, never by what was
graded, so they survive regrades (grader/batch/standing.py reads :func:`notes_for`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from grader.base import clean
from grader.batch.gradebook import Row, utc_now
from grader.batch.roster import known_as
from grader.checks.verdict.exercises import BATTERY, DEFAULT_TWIN, Exercise, judge
from grader.checks.verdict.exercises import SILENT as BEHAVED
from grader.checks.verdict.shown import CheckRow

NOTES_SCHEMA = """
CREATE TABLE IF NOT EXISTS group_notes (
    exercise      TEXT NOT NULL,      -- topic.exercise
    cause         TEXT NOT NULL,      -- the group: its cause (grader/checks/verdict/exercises.py cause_of)
    text          TEXT NOT NULL,      -- the members are shown it
    points        REAL,               -- added to each member's points of the exercise, NULL for none
    members       TEXT NOT NULL,      -- JSON: the students in the group when the note was written
    noted_by      TEXT NOT NULL,
    noted_at      TEXT NOT NULL,      -- ISO-8601, UTC
    PRIMARY KEY (exercise, cause)
)
"""
EDITS_SCHEMA = """
CREATE TABLE IF NOT EXISTS group_edits (
    exercise      TEXT NOT NULL,      -- topic.exercise
    cause         TEXT NOT NULL,      -- the group its members leave
    student       TEXT NOT NULL,      -- '' for every member (a merge), else that student (a split)
    into_group    TEXT NOT NULL,      -- the group they join
    edited_by     TEXT NOT NULL,
    edited_at     TEXT NOT NULL,      -- ISO-8601, UTC
    PRIMARY KEY (exercise, cause, student)
)
"""

NO_ANSWER = "no-answer"  # the group of an exercise's submissions that answer nothing
# Causes that say no answer came (grader/checks/verdict/exercises.py cause_of), and the stage of a value
# check that judged no tensor at all (grader/checks/judging/judge.py's first stage)
SILENT = ("not_started", "refused", "timeout")
NO_TENSOR, SHAPE = "type", "shape"
MISTAKE, TWIN, WAITS = "mistake:", "twin", "waits:"


@dataclass(frozen=True)
class Note:
    exercise: str
    cause: str
    text: str
    points: float | None = None
    members: tuple[str, ...] = ()
    noted_by: str = ""
    noted_at: str = ""


@dataclass(frozen=True)
class Edit:
    """An instructor's regrouping of one exercise: the members of group ``cause`` (or only
    ``student``, a split) are in group ``into``."""

    exercise: str
    cause: str
    into: str
    student: str = ""
    edited_by: str = ""
    edited_at: str = ""


@dataclass(frozen=True)
class Failing:
    """One student's exercise that is not full: the group it is in, its own cause, its diagnosis."""

    group: str
    cause: str
    diagnosis: str
    answered: bool = True  # False: a non-answer (:func:`answers_nothing`), whatever group it is moved to


@dataclass
class Group:
    """The students whose ``exercise`` is in group ``cause``; the first of them represents it."""

    exercise: str
    cause: str
    students: list[str] = field(default_factory=list)
    diagnosis: str = ""  # the representative's
    note: Note | None = None
    causes: dict[str, str] = field(default_factory=dict)  # each member's own cause

    @property
    def count(self) -> int:
        return len(self.students)

    def to_json(self, names: dict[str, str] | None = None) -> dict:
        note = self.note
        named = {s: names[s] for s in self.students if names and names.get(s)}
        return {
            "exercise": self.exercise,
            "cause": self.cause,
            "no_answer": self.cause == NO_ANSWER,
            "count": self.count,
            "students": self.students,
            "representative": self.students[0] if self.students else "",
            "diagnosis": self.diagnosis,
            "note": None if note is None else {"text": note.text, "points": note.points},
            "left": sorted(set(note.members) - set(self.students)) if note else [],
            "causes": self.causes,
        } | ({"names": named} if named else {})


def answers_nothing(exercise: Exercise, checks: list[CheckRow], judged: Sequence[Exercise]) -> bool:
    """Whether the checks of ``exercise`` (``checks`` and ``judged``: its topic's) show no
    answer to it, by behaviour: docs/instructors.md, "Failing exercises by cause", says when. A
    formula wrong by a factor, a sign or a dimension is a misconception: its own cause's group."""
    cause = exercise.cause
    if exercise.points > 0 or cause == TWIN or cause.startswith(MISTAKE):
        return False
    mine = [
        t for t in checks if exercise.name in (t.get("exercises") or [t["id"]]) and t["status"] != "skipped"
    ]
    values = [t for t in mine if not t.get("clause") and t.get("cause") != TWIN]
    if any(t["status"] == "passed" for t in values):
        return False
    if cause in SILENT or cause.startswith(WAITS) or cause.rsplit(":", 1)[-1] == NO_TENSOR:
        return True
    if any(t.get("clause") for t in mine) and all(
        t["status"] == "failed" and not t.get("cause") for t in mine
    ):
        return True  # every check unjudged, leaving the inputs alone too: its code never ran (refused)
    if any(t["id"].startswith(BATTERY) and (t.get("cause") or "").startswith(BEHAVED) for t in values):
        return True
    if any(t.get("cause") == SHAPE for t in values):
        return False  # a tensor came, of a wrong shape (keepdim): that is the mistake, never no answer
    return len(judged) > 1 and not any(t["status"] == "passed" for t in checks)


def exercise_groups(row: Row, edits: Sequence[Edit] = (), hidden_text: bool = True) -> dict[str, Failing]:
    """{topic.exercise: its group, cause and diagnosis} for each exercise of a graded row that is
    not full; ``hidden_text``: the diagnosis may quote a hidden check (the instructor's terminal)."""
    if row.status != "graded":
        return {}
    found = {}
    for topic in row.report.get("topics", []):
        twin, checks = topic.get("twin", DEFAULT_TWIN), topic.get("tests", [])
        try:
            judged = judge(checks, twin, hidden_text=hidden_text)
        except (KeyError, TypeError, ValueError):  # a report without the contract's fields
            continue
        for exercise in judged:
            if exercise.cause:
                name = f"{topic['name']}.{exercise.name}"
                natural = NO_ANSWER if answers_nothing(exercise, checks, judged) else shown(exercise, checks)
                group = regrouped(name, natural, row.student, edits)
                found[name] = Failing(group, exercise.cause, exercise.diagnosis, natural != NO_ANSWER)
    return found


def shown(exercise: Exercise, checks: list[CheckRow]) -> str:
    """The group of an exercise that answered: the mistake its checks show (a known mistake's
    signature, or the relation its values bear to the expected ones: ``mistake:shift``), whichever
    check showed it, else its diagnosis's cause. Two mistakes met first by one check (a padding
    and a flipped kernel) are two groups; one mistake met first by two checks is one."""
    if exercise.cause.startswith(MISTAKE):
        return exercise.cause
    signed = (
        t.get("cause") or ""
        for t in checks
        if exercise.name in (t.get("exercises") or [t["id"]])
        and t["status"] == "failed"
        and t.get("charged", exercise.name) == exercise.name
    )
    return next((cause for cause in signed if cause.startswith(MISTAKE)), exercise.cause)


def regrouped(exercise: str, group: str, student: str, edits: Sequence[Edit]) -> str:
    """The group ``student`` is in once the instructor's merges and splits apply to ``group``."""
    moves = {(e.exercise, e.cause, e.student): e.into for e in edits}
    seen = {group}
    while True:
        into = moves.get((exercise, group, student)) or moves.get((exercise, group, ""))
        if into is None or into in seen:
            return group
        group = into
        seen.add(group)


def class_groups(
    rows: Iterable[Row], notes: Iterable[Note] = (), hidden_text: bool = True, edits: Sequence[Edit] = ()
) -> list[Group]:
    """Each exercise's groups, the largest first; a noted group left empty by regrades stays
    listed (its note is kept) with no students."""
    groups: dict[tuple[str, str], Group] = {}
    for row in sorted(rows, key=lambda r: r.student):
        for exercise, failing in exercise_groups(row, edits, hidden_text).items():
            key = (exercise, failing.group)
            group = groups.setdefault(key, Group(exercise, failing.group, diagnosis=failing.diagnosis))
            group.students.append(row.student)
            group.causes[row.student] = failing.cause
    for note in notes:
        groups.setdefault((note.exercise, note.cause), Group(note.exercise, note.cause)).note = note
    return sorted(groups.values(), key=lambda g: (g.exercise, -g.count, g.cause))


def list_json(groups: list[Group], names: dict[str, str] | None = None) -> str:
    """The groups as ``grade batch causes --format json`` prints them, every string cleaned."""
    return json.dumps(clean.tree([g.to_json(names) for g in groups]), indent=2, ensure_ascii=False)


Folded = tuple[list[Group], dict[str, list[Group]], dict[tuple[str, ...], list[str]]]


def folded(groups: list[Group]) -> Folded:
    """The groups as the listing and report.html show them: (in full the groups of two or more
    or with a note; per exercise its groups of one, on one line; students -> the exercises of
    their no-answer groups, on one line)."""
    full: list[Group] = []
    single: dict[str, list[Group]] = {}
    no_answer: dict[tuple[str, ...], list[str]] = {}
    for group in groups:
        if group.note is not None or (group.count > 1 and group.cause != NO_ANSWER):
            full.append(group)
        elif group.cause == NO_ANSWER:
            no_answer.setdefault(tuple(group.students), []).append(group.exercise)
        elif group.count == 1:
            single.setdefault(group.exercise, []).append(group)
    return full, single, no_answer


def causes_text(groups: list[Group], names: dict[str, str] | None = None) -> str:
    """The groups as ``grade batch causes`` prints them (:func:`folded`), exercise by exercise, then
    the no-answer lines; students by their roster name, the key beside it, where ``names`` gives
    one; every part that a submission or a roster wrote cleaned of escapes and control characters."""

    def who(student: str) -> str:
        return clean.name(known_as(student, names))

    def listed(students: Iterable[str]) -> str:
        return ", ".join(who(s) for s in students)

    full, single, no_answer = folded(groups)
    lines: list[str] = []
    for exercise in sorted({g.exercise for g in full} | set(single)):
        for group in (g for g in full if g.exercise == exercise):
            count = f"{group.count} student{'s' if group.count != 1 else ''}"
            lines.append(f"{clean.name(exercise)}  {_cause(group.cause)}: {count}")
            if group.students:
                lines.append("  students: " + listed(group.students))
                said = clean.text(group.diagnosis).replace("\n", "\n      ")
                lines.append(f"  e.g. {who(group.students[0])}: {said}")
            if group.note is not None:
                lines.append("  note: " + clean.text(note_words(group.note)))
                left = sorted(set(group.note.members) - set(group.students))
                if left:
                    lines.append("  left the group since the note: " + listed(left))
            lines.append("")
        singles = single.get(exercise, [])
        if singles:
            each = "; ".join(f"{_cause(g.cause)} ({who(g.students[0])})" for g in singles)
            lines.append(f"{clean.name(exercise)}  one student each: {each}")
    for students, exercises in no_answer.items():
        where = ", ".join(clean.name(e) for e in exercises)
        lines.append(
            f"{where}  no answer: {len(students)} student{'s' if len(students) != 1 else ''}: {listed(students)}"
        )
    return "\n".join(lines).rstrip("\n") if lines else "no failing exercises"


def _cause(cause: str) -> str:
    return "no answer" if cause == NO_ANSWER else clean.name(cause)


def note_words(note: Note) -> str:
    """A note as its members read it: its text and the points it adds, if any."""
    points = f" ({note.points:+g} points)" if note.points else ""
    return f"{note.text}{points}"


class NoteBook:
    """The group notes and the instructor's merges and splits in a gradebook's connection (the
    tables made on first use)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        connection.execute(NOTES_SCHEMA)
        connection.execute(EDITS_SCHEMA)

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

    def put_edit(self, edit: Edit) -> None:
        with self.connection:
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.execute(
                "INSERT OR REPLACE INTO group_edits VALUES (?, ?, ?, ?, ?, ?)",
                (
                    edit.exercise,
                    edit.cause,
                    edit.student,
                    edit.into,
                    edit.edited_by,
                    edit.edited_at or utc_now(),
                ),
            )

    def clear_edit(self, exercise: str, cause: str, student: str = "") -> int:
        with self.connection:
            cursor = self.connection.execute(
                "DELETE FROM group_edits WHERE exercise = ? AND cause = ? AND student = ?",
                (exercise, cause, student),
            )
        return cursor.rowcount

    def edits(self) -> list[Edit]:
        cursor = self.connection.execute("SELECT * FROM group_edits ORDER BY exercise, cause, student")
        return [
            Edit(exercise, cause, into, student, by, at) for exercise, cause, student, into, by, at in cursor
        ]


@dataclass(frozen=True)
class Noted:
    """What one student's feedback says of one note: ``applies`` (they are in its group), else
    the line that says it was left behind."""

    note: Note
    applies: bool
    answered: bool = True  # False: the member answered nothing, so the note's points never reach them


def notes_for(row: Row, notes: list[Note], edits: Sequence[Edit] = ()) -> list[Noted]:
    """The notes that reach ``row``: those of the groups it is in, and those written for it
    whose group its regraded submission left."""
    if not notes:
        return []
    groups = exercise_groups(row, edits)
    found = []
    for note in notes:
        now = groups.get(note.exercise)
        if now is not None and now.group == note.cause:
            found.append(Noted(note, True, now.answered))
        elif row.student in note.members:
            found.append(Noted(note, False))
    return found
