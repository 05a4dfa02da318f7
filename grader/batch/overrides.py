"""The instructor's side of a gradebook: overrides (``grade batch override``) and a student's
history (``grade batch --history``), each finding the student by any name the LMS uses.

Both read back what the last ``grade batch`` recorded in the gradebook's ``meta``: the course
file and assignment (for points out of the assignment's total) and the roster (for names).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.base import clean, grades
from grader.batch.exports import NoHistory
from grader.batch.find import StudentNotFound, find_student, resolve_assignment
from grader.batch.gradebook import CourseBook, Gradebook, Grading, Override
from grader.batch.marks import MarkBook
from grader.batch.roster import Roster, RosterError, read_roster
from grader.batch.standing import final_rows, standing_lines, weigh
from grader.course.keys import Assignment, CourseError
from grader.course.toml import load_course

HASH_PREFIX = 12  # of a content hash, in a history's table


class OverrideProblem(ValueError):
    """An override, a mark, an inquiry or a note to a group of causes cannot be recorded (one class:
    resolving an inquiry records an override); the message says why, on one line."""


@dataclass
class Recorded:
    """What the last run recorded about the course, read back."""

    gradebook: Gradebook
    book: CourseBook
    assignment: Assignment | None
    roster: Roster | None

    def close(self) -> None:
        self.gradebook.close()

    def __enter__(self) -> Recorded:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_recorded(out: Path, shared: bool = False) -> Recorded:
    """What the last run recorded in ``out``'s gradebook (``shared``: see :class:`Gradebook`)."""
    path = out / "gradebook.sqlite"
    if not path.is_file():
        raise NoHistory(f"no gradebook in {out}")
    gradebook = Gradebook(path, shared)
    book = CourseBook(gradebook)
    course, roster = book.meta("course"), book.meta("roster")
    try:
        assignment = None
        read = read_roster(Path(roster)) if isinstance(roster, str) else None
        if isinstance(course, dict):
            assignment = load_course(Path(course["file"])).assignment(course["assignment"])
            keys = [] if read else [row.student for row in gradebook.rows()]
            assignment = resolve_assignment(assignment, keys, read)
        return Recorded(gradebook=gradebook, book=book, assignment=assignment, roster=read)
    except (CourseError, RosterError, StudentNotFound) as exc:
        gradebook.close()
        raise NoHistory(f"the course this gradebook was graded for cannot be read back: {exc}") from None


def same_course(out: Path, course: Path | None, assignment: str | None) -> None:
    """NoHistory where ``out``'s gradebook was graded for another course file or assignment than
    the command line's ``--course`` and ``--assignment`` name (none named: nothing to compare)."""
    path = out / "gradebook.sqlite"
    if course is None or not path.is_file():
        return  # open_recorded says there is no gradebook
    gradebook = Gradebook(path)
    try:
        recorded = CourseBook(gradebook).meta("course")
    finally:
        gradebook.close()
    if not isinstance(recorded, dict):
        return  # graded without a course: the file only names the packs
    named = (str(course.resolve()), assignment or recorded.get("assignment"))
    if named != (recorded.get("file"), recorded.get("assignment")):
        raise NoHistory(
            f"{out} was graded for {recorded.get('file')} (assignment {recorded.get('assignment')!r}), "
            f"not {named[0]} (assignment {named[1]!r}): give that file, or none"
        )


def student_named(recorded: Recorded, query: str) -> str:
    """The gradebook's student that ``query`` names (any name the LMS uses); NoHistory if none."""
    keys = [row.student for row in recorded.gradebook.rows()]
    try:
        return find_student(query, keys, recorded.roster)
    except StudentNotFound as exc:
        raise NoHistory(str(exc)) from None


def history_table(entries: list[Grading]) -> str:
    """time, suite version, content hash prefix, status, score / max: one grading a line."""
    header = ("time", "suite version", "content", "status", "score")
    lines = [
        (
            e.graded_at,
            e.suite_version,
            e.content_hash[:HASH_PREFIX] or "-",
            e.status,
            grades.of(e.score, e.max_score),
        )
        for e in entries
    ]
    widths = [max(len(cells[i]) for cells in (header, *lines)) for i in range(len(header))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip() for cells in (header, *lines)
    )


def student_history(out: Path, query: str) -> str:
    """The student's gradings, then how their current total came about (course points, late
    penalty, overrides)."""
    with open_recorded(out) as recorded:
        student = student_named(recorded, query)
        entries = recorded.gradebook.history(student)
        marked = MarkBook(recorded.gradebook.connection).history(student)
        current = [r for r in recorded.gradebook.rows() if r.student == student]
        final = final_rows(current, recorded.assignment, recorded.book)
    if not entries:
        raise NoHistory(f"no gradings of {student!r} in {out / 'gradebook.sqlite'}")
    lines = [history_table(entries)]
    if final and final[0] is not current[0]:
        row = final[0]
        name = recorded.assignment.name if recorded.assignment else "now"
        lines.append(f"{name}: {grades.of(row.score, row.max_score)} ({row.status})")
        lines += [f"  {line}" for line in standing_lines(row, retotalled=True)]
    lines += [
        f"mark: {m.marked_at}  {m.item} {grades.text(m.points)}  by {clean.name(m.marked_by)}"
        + (f"  ({clean.name(m.why)})" if m.why else "")
        for m in marked
    ]
    return "\n".join(lines)


def record_override(
    out: Path,
    query: str,
    exercise: str | None,
    points: float | None,
    reason: str,
    excuse: bool,
    clear: bool,
    note: str = "",
) -> str:
    """Record (or with ``clear`` remove) an override; a line saying what was done. ``reason``
    is the comment the student sees; ``note`` is private, kept in the gradebook only."""
    with open_recorded(out) as recorded:
        student = student_named(recorded, query)
        if clear:
            removed = recorded.book.clear(student, exercise)
            return f"{student}: {removed} override(s) removed; run `grade batch` again to rewrite the exports"
        row = next((r for r in recorded.gradebook.rows() if r.student == student), None)
        if row is None:
            raise OverrideProblem(
                f"{student} has no row in {out / 'gradebook.sqlite'} yet: grade the class first"
            )
        _, exercises = weigh(row.report, recorded.assignment)
        if exercise is not None and exercise not in exercises:
            known = ", ".join(sorted(exercises)) or "none graded"
            raise OverrideProblem(f"no exercise {exercise!r} for {student} (write topic.exercise: {known})")
        if exercise is None and not excuse:
            raise OverrideProblem("--points needs --exercise; --excuse alone excuses the whole assignment")
        automatic, possible = exercises.get(exercise or "", [0.0, 0.0])
        if not excuse and (points is None or not 0 <= points <= possible):
            raise OverrideProblem(f"--points for {exercise} must lie in 0..{possible:g}")
        recorded.book.override(
            Override(
                student=student,
                exercise=exercise or "",
                points=None if excuse else points,
                excused=excuse,
                reason=reason,
                automatic=automatic,
                note=note,
            )
        )
    what = "excused" if excuse else grades.of(points or 0.0, possible)
    return f"{student}: {exercise or 'the assignment'} {what}; run `grade batch` again to rewrite the exports"
