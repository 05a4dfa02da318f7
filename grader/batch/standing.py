"""A student's standing in an assignment: the gradebook's row seen through the course.

The gradebook keeps what the suites said; this module turns a row into what the exports show, at
every export (how: docs/architecture.md, "A course: points, deadlines, overrides, the class
report"). Without a course, the numbers are the report's and only overrides and notes apply.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from grader.base import grades
from grader.batch.causes import NO_ANSWER, Edit, Note, NoteBook, Noted, note_words, notes_for
from grader.batch.gradebook import CourseBook, Override, Row, Submitted
from grader.batch.marks import Inquiry, Mark, MarkBook
from grader.checks.verdict.exercises import DEFAULT_TWIN, judge
from grader.checks.verdict.weighing import kind_weighed, scaled

if TYPE_CHECKING:  # the Gradescope autograder weighs without reading a course file
    from grader.course.keys import Assignment, LatePolicy


class Points(Protocol):
    """An assignment's points (grader/course/toml.py), or the Gradescope autograder's copy of them."""

    @property
    def exercise_points(self) -> dict[str, float]: ...

    @property
    def kind_weights(self) -> dict[str, float]: ...

    @property
    def twin(self) -> str: ...


class Dated(Protocol):
    """An assignment's due time, late policy and extensions (grader/course/toml.py), or the Gradescope
    autograder's copy of them."""

    @property
    def due(self) -> datetime | None: ...

    @property
    def late(self) -> LatePolicy: ...

    @property
    def extensions(self) -> dict[str, datetime]: ...


@dataclass(frozen=True)
class Late:
    """How late a submission was and what that costs."""

    percent: float  # of the score taken off; 100 when not accepted
    words: str  # "3 h late, −10 %"; "" when on time or unknown
    # why the LMS's "late" costs nothing: the student's extension (Canvas marks late by its own due)
    extension: str = ""


def _copied(report: dict) -> dict:
    """``report`` copied down to its topics, the parts :func:`weigh` and :func:`apply` write (the
    checks' own contents are read, never written: a deep copy cost four fifths of a row's time)."""
    topics = [dict(topic) for topic in report.get("topics", [])]
    return {**report, "topics": topics} if "topics" in report else dict(report)


def weigh(report: dict, assignment: Points | None) -> tuple[dict, dict[str, list[float]]]:
    """The report with each topic's exercises in the assignment's points, and per exercise ``[earned,
    possible]``. One weighing (grader/checks/verdict/exercises.py :func:`scaled`): the exercise verdict judges
    the report's checks as they are (a shared check charged to the exercise its record blames, the report's
    points, the kind weights the assignment sets, its twin rule), and the assignment only scales each exercise
    to its points. Without an assignment, the report's own numbers."""
    weighed = _copied(report)
    totals: dict[str, list[float]] = {}
    if assignment is not None:
        totals = {name: [0.0, points] for name, points in assignment.exercise_points.items()}
    twin = assignment.twin if assignment is not None else DEFAULT_TWIN
    for topic in weighed.get("topics", []):
        topic["tests"] = kind_weighed(topic["tests"], assignment.kind_weights if assignment else {})
        shown = []
        for exercise in judge(topic["tests"], twin):
            key = f"{topic['name']}.{exercise.name}"
            if assignment is None:
                totals[key] = [exercise.points, exercise.max_points]
            elif key not in totals or exercise.max_points <= 0:
                continue  # an exercise the assignment does not grade, or none of its checks ran
            else:
                totals[key] = list(scaled(exercise, totals[key][1]))
            points, most = totals[key]
            shown.append({**exercise.to_json(), "points": points, "max_points": most})
        topic["exercises"] = shown
        topic["twin"] = twin
        topic["score"] = grades.added(e["points"] for e in shown)
        topic["max_score"] = grades.added(e["max_points"] for e in shown)
    return weighed, totals


def _hours(span: timedelta) -> str:
    """ "2 d 3 h", "2 h 30 min", "14 min": the two largest units, minutes rounded up."""
    minutes = math.ceil(span.total_seconds() / 60)
    parts = [(minutes // 1440, "d"), (minutes // 60 % 24, "h"), (minutes % 60, "min")]
    first = next(i for i, (n, _) in enumerate(parts) if n or i == 2)
    return " ".join(f"{n} {unit}" for n, unit in parts[first : first + 2] if n)


def late_penalty(
    assignment: Dated | None, student: str, submitted_at: datetime | None, late_marker: bool
) -> Late:
    """What the assignment's late policy takes from ``student``'s submission (``student``: as
    its ``extensions`` name them)."""
    if assignment is None or assignment.due is None or assignment.late.policy == "none":
        return Late(0.0, "")
    policy = assignment.late
    due = assignment.extensions.get(student, assignment.due)
    extended = " (extended)" if student in assignment.extensions else ""
    excuse = (
        f"marked late by the LMS against its own due date; extended to {due:%Y-%m-%d %H:%M}: no late penalty"
        if late_marker and extended
        else ""
    )
    if submitted_at is None:
        if not late_marker or extended:  # the LMS marks late against its own due date: an extension wins
            return Late(0.0, "", excuse)
        hourly = policy.policy == "per_hour"
        span = timedelta(hours=1 if hourly else 24)
        when = f"marked late by the LMS, time unknown: counted as 1 {'hour' if hourly else 'day'} late"
    else:
        span = submitted_at - due
        if span <= timedelta(minutes=policy.grace_minutes):
            return Late(0.0, "", excuse)
        when = f"{_hours(span)} late{extended}"
    if policy.policy == "not_accepted":
        return Late(100.0, f"{when}, not accepted")
    unit = 3600.0 if policy.policy == "per_hour" else 86400.0
    percent = min(policy.cap, policy.penalty * math.ceil(span.total_seconds() / unit))
    return Late(percent, f"{when}, −{percent:g} %")


def manual_standing(assignment: Assignment | None, marks: dict[str, Mark]) -> tuple[dict, list[str]]:
    """Each manual item as the exports show it (0 and ``marked`` False until marked), and the
    marks' private notes."""
    shown, private = {}, []
    for item in assignment.manual.values() if assignment else ():
        mark = marks.get(item.id)
        chosen = [r for r in item.rubric if mark and r.id in mark.rubric]
        points, retotalled = (mark.points if mark else 0.0), None
        if mark and mark.rubric:  # the rubric's points as they are now: an edited rubric re-totals
            now = min(sum(r.points for r in chosen), item.points)
            if grades.rounded(now) != grades.rounded(mark.points):
                points, retotalled = now, [grades.points(mark.points), grades.points(now)]
        shown[item.id] = {
            "title": item.title,
            "points": grades.points(points),
            "max_points": item.points,
            "marked": mark is not None,
            "comment": mark.comment if mark else "",
            "rubric": [[r.text or r.id, r.points] for r in chosen],
            "retotalled": retotalled,  # [as marked, now] when the rubric changed since
        }
        if mark and mark.note:
            private.append(f"{item.id}: {mark.note}")
    return shown, private


def inquiry_standing(inquiries: list[Inquiry]) -> list[dict]:
    """The student's inquiries as their feedback shows them (who opened or resolved them: not)."""
    return [
        {"id": i.id, "item": i.item, "text": i.text, "state": i.state, "reply": i.reply, "points": i.points}
        for i in inquiries
    ]


def apply(
    row: Row,
    assignment: Assignment | None,
    overrides: list[Override],
    late: Late,
    marks: dict[str, Mark] | None = None,
    inquiries: list[Inquiry] | None = None,
    group_notes: list[Noted] | None = None,
) -> Row:
    """``row`` as the exports show it: course points, overrides, manual items' marks, late
    penalty; the report's ``standing`` says how the total came about."""
    marks = marks or {}
    excused = assignment is not None and row.student in assignment.excused
    excused = excused or any(o.exercise == "" and o.excused for o in overrides)
    if row.status != "graded" and not overrides and not excused and not marks and not inquiries:
        # group notes reach graded rows only (grader/batch/causes.py)
        if assignment is None or row.status == "crashed":
            return row
        return replace(row, score=0.0, max_score=assignment.total)
    late = Late(0.0, "") if excused else late
    report, exercises = weigh(row.report, assignment)
    automatic = {name: earned for name, (earned, _) in exercises.items()}
    notes, private = [], []  # what the student is shown; the instructor's private notes
    for override in overrides:
        if override.exercise == "":
            continue
        possible = exercises.get(override.exercise, [0.0, override.points or 0.0])[1]
        now = automatic.get(override.exercise, 0.0)
        if override.excused:
            exercises[override.exercise] = [0.0, 0.0]
            text = f"{override.exercise}: excused"
        else:
            exercises[override.exercise] = [override.points or 0.0, possible]
            text = f"{override.exercise}: {grades.of(override.points or 0.0, possible)} set by the instructor"
        text += f" ({override.reason})" if override.reason else ""
        if grades.rounded(now) != grades.rounded(override.automatic):
            text += f"; the automatic score changed under it: {grades.text(override.automatic)} → {grades.text(now)}"
        notes.append(text)
        if override.note:
            private.append(f"{override.exercise}: {override.note}")
    said = _group_notes(group_notes or [], exercises, {o.exercise for o in overrides})
    exercises = {name: [float(n) for n in grades.exercise_points(e, p)] for name, (e, p) in exercises.items()}
    for topic in report.get("topics", []):  # its line: what its exercises hold, as the total adds them
        mine = [v for k, v in exercises.items() if k.split(".", 1)[0] == topic["name"]]
        topic["score"], topic["max_score"] = (
            grades.added(e for e, _ in mine),
            grades.added(p for _, p in mine),
        )
    earned = grades.added(e for e, _ in exercises.values())
    possible = grades.added(p for _, p in exercises.values())
    total = assignment.total if assignment else possible
    automatic_max = assignment.automatic_total if assignment else possible  # what manual items leave
    if assignment and 0 < possible < automatic_max:  # an excused exercise: the rest count for the total
        earned = earned * automatic_max / possible
    manual, manual_notes = manual_standing(assignment, marks)
    earned = grades.added([earned, *(item["points"] for item in manual.values())])
    automatic_total = earned
    earned *= 1 - late.percent / 100
    report["standing"] = {
        "assignment": assignment.name if assignment else "",
        "exercises": exercises,
        "before_late": grades.points(automatic_total),
        "late": late.words,
        "extension": late.extension,
        "overrides": notes,
        "private_notes": private + manual_notes,  # the gradebook's (gradebook.json), never the student's
        "excused": excused,
        "manual": manual,
        "inquiries": inquiry_standing(inquiries or []),
        "group_notes": said,
    }
    status = "excused" if excused else row.status
    return replace(
        row, status=status, score=grades.points(earned), max_score=grades.points(total), report=report
    )


def _group_notes(noted: list[Noted], exercises: dict[str, list[float]], overridden: set[str]) -> list[str]:
    """The lines the group notes reaching a student say; a note's points move the exercise's
    (within 0 and its maximum) unless an override set them, never a no-answer group's nor a
    non-answer's moved into another group (grader/batch/causes.py answers_nothing)."""
    lines = []
    for entry in noted:
        note = entry.note
        if not entry.applies:
            lines.append(
                f"{note.exercise}: the note on your earlier submission's mistake no longer applies: "
                "this submission does not make it"
            )
            continue
        paid = note.cause != NO_ANSWER and entry.answered and note.exercise in exercises
        paid = paid and note.exercise not in overridden
        if note.points and paid:
            earned, possible = exercises[note.exercise]
            exercises[note.exercise] = [min(possible, max(0.0, earned + note.points)), possible]
        lines.append(f"{note.exercise}: {note_words(note)}")
    return lines


def standing_lines(row: Row, retotalled: bool = False) -> list[str]:
    """What the feedback and the history say about late penalties and overrides; with ``retotalled`` (the
    history), the marks an edited rubric re-totalled too (the feedback says that beside the item itself)."""
    standing = row.report.get("standing") or {}
    lines = []
    if standing.get("excused"):
        lines.append("excused from this assignment")
    if standing.get("late"):
        lines.append(f"late: {standing['late']} (before the penalty: {grades.text(standing['before_late'])})")
    if standing.get("extension"):
        lines.append(f"extension: {standing['extension']}")
    lines += [f"override: {text}" for text in standing.get("overrides", [])]
    lines += [f"note: {text}" for text in standing.get("group_notes", [])]
    lines += [
        f"{name}: the rubric changed after marking: {grades.text(item['retotalled'][0])} → "
        f"{grades.text(item['retotalled'][1])}"
        for name, item in standing.get("manual", {}).items()
        if retotalled and item.get("retotalled")
    ]
    return lines


@dataclass
class ClassBook:
    """What the gradebook holds beside the rows that a row's standing reads: read once per class."""

    overrides: dict[str, list[Override]]
    submitted: dict[str, Submitted]
    group_notes: list[Note]
    group_edits: list[Edit]
    marks: dict[str, dict[str, Mark]]  # student -> item -> the mark that counts
    inquiries: dict[str, list[Inquiry]]


def class_book(book: CourseBook) -> ClassBook:
    """The overrides, times, group notes, marks and inquiries of ``book``'s gradebook."""
    notebook, people = NoteBook(book.connection), MarkBook(book.connection)
    inquiries = defaultdict[str, list[Inquiry]](list)
    for inquiry in people.inquiries():
        inquiries[inquiry.student].append(inquiry)
    return ClassBook(
        overrides=book.overrides(),
        submitted=book.submitted(),
        group_notes=notebook.notes(),
        group_edits=notebook.edits(),
        marks=people.marks(),
        inquiries=dict(inquiries),
    )


def final_row(row: Row, assignment: Assignment | None, context: ClassBook) -> Row:
    """``row`` as the exports show it (unchanged without a course, overrides or times)."""
    arrived = context.submitted.get(row.student)
    at = datetime.fromisoformat(arrived.submitted_at) if arrived and arrived.submitted_at else None
    late = late_penalty(
        assignment=assignment,
        student=row.student,
        submitted_at=at,
        late_marker=bool(arrived and arrived.late_marker),
    )
    asked = context.inquiries.get(row.student, [])
    noted = notes_for(row, context.group_notes, context.group_edits)
    if assignment is None and row.student not in context.overrides and not asked and not noted:
        return row
    return apply(
        row=row,
        assignment=assignment,
        overrides=context.overrides.get(row.student, []),
        late=late,
        marks=context.marks.get(row.student, {}),
        inquiries=asked,
        group_notes=noted,
    )


def final_rows(rows: list[Row], assignment: Assignment | None, book: CourseBook) -> list[Row]:
    """Every row as the exports show it (unchanged without a course, overrides or times)."""
    context = class_book(book)
    return [final_row(row, assignment, context) for row in rows]
