"""``grade batch causes`` and its subcommands: the class's groups of failing exercises by cause,
the instructor's note to one group, and their merges and splits (grader/batch/causes.py)."""

from __future__ import annotations

from pathlib import Path

from grader.base import clean
from grader.batch.causes import NO_ANSWER, Edit, Group, Note, NoteBook, causes_text, class_groups, list_json
from grader.batch.exports import full_names
from grader.batch.find import StudentNotFound, resolve
from grader.batch.gradebook import utc_now
from grader.batch.overrides import OverrideProblem as NoteProblem
from grader.batch.overrides import Recorded, open_recorded
from grader.batch.standing import final_rows

RERUN = "run `grade batch` again to rewrite the exports"


def list_groups(out: Path, as_json: bool) -> str:
    """``grade batch causes``: the class's groups from the gradebook in ``out``, students by
    their roster names where the gradebook was graded with a roster."""
    with open_recorded(out) as recorded:
        rows = final_rows(recorded.gradebook.rows(), recorded.assignment, recorded.book)
        book = NoteBook(recorded.gradebook.connection)
        groups = class_groups(rows, book.notes(), edits=book.edits())
        names = full_names(recorded.roster) if recorded.roster is not None else {}
    return list_json(groups, names) if as_json else causes_text(groups, names)


def _groups(recorded: Recorded, book: NoteBook, exercise: str) -> dict[str, Group]:
    """{group: its Group} of ``exercise`` as listed now."""
    found = class_groups(recorded.gradebook.rows(), edits=book.edits())
    return {g.cause: g for g in found if g.exercise == exercise}


def _unknown(exercise: str, cause: str, groups: dict[str, Group]) -> NoteProblem:
    known = "; ".join(sorted(clean.name(c) for c in groups)) or "none for that exercise"
    return NoteProblem(f"no group {clean.name(exercise)} {clean.name(cause)}; its groups: {known}")


def record_note(
    out: Path, exercise: str, cause: str, text: str, points: float | None, clear: bool, by: str = ""
) -> str:
    """Attach (or with ``clear`` remove) the note of the group (``exercise``, ``cause``); a
    no-answer group's note carries no points."""
    with open_recorded(out) as recorded:
        book = NoteBook(recorded.gradebook.connection)
        if clear:
            removed = book.clear(exercise, cause)
            return f"{clean.name(exercise)} {clean.name(cause)}: {removed} note(s) removed; {RERUN}"
        group = _groups(recorded, book, exercise).get(cause)
        if group is None:
            raise _unknown(exercise, cause, _groups(recorded, book, exercise))
        if not text.strip():
            raise NoteProblem("the note needs --text")
        if points and cause == NO_ANSWER:
            raise NoteProblem(
                "a note to the no answer group carries no points: its members answered nothing; "
                "`grade batch causes split` moves one whose code shows a misconception into a group of its own"
            )
        book.put(Note(exercise, cause, text, points, tuple(group.students), by, utc_now()))
    return f"{clean.name(exercise)} {clean.name(cause)}: note for {group.count} student(s); {RERUN}"


def record_merge(
    out: Path, exercise: str, into: str, causes: tuple[str, ...], clear: bool, by: str = ""
) -> str:
    """``grade batch causes merge``: every member of the groups ``causes`` of ``exercise`` joins
    group ``into`` (``clear``: the merges undone). The no-answer group joins no other."""
    with open_recorded(out) as recorded:
        book = NoteBook(recorded.gradebook.connection)
        if clear:
            removed = sum(book.clear_edit(exercise, cause) for cause in causes)
            return f"{clean.name(exercise)}: {removed} merge(s) undone"
        groups = _groups(recorded, book, exercise)
        if NO_ANSWER in causes:
            raise NoteProblem(
                "the no answer group joins no other: split the students whose code answers out of it"
            )
        for cause in (into, *causes):
            if cause not in groups:
                raise _unknown(exercise, cause, groups)
        moved = sum(groups[c].count for c in causes if c != into)
        for cause in causes:
            if cause != into:
                book.put_edit(Edit(exercise, cause, into, "", by, utc_now()))
    return f"{clean.name(exercise)} {clean.name(into)}: {moved} student(s) joined it"


def record_split(
    out: Path, exercise: str, cause: str, students: tuple[str, ...], into: str, clear: bool, by: str = ""
) -> str:
    """``grade batch causes split``: ``students`` (any name the LMS gives them) leave group
    ``cause`` of ``exercise`` for group ``into`` (``clear``: back where the causes put them)."""
    into = clean.name(into)
    with open_recorded(out) as recorded:
        book = NoteBook(recorded.gradebook.connection)
        keys = [row.student for row in recorded.gradebook.rows()]
        try:
            named = resolve(students, keys, recorded.roster, "split")
        except StudentNotFound as exc:
            raise NoteProblem(str(exc)) from None
        if clear:
            removed = sum(book.clear_edit(exercise, cause, key) for key in named.values())
            return f"{clean.name(exercise)}: {removed} split(s) undone"
        groups = _groups(recorded, book, exercise)
        if cause not in groups:
            raise _unknown(exercise, cause, groups)
        if not into or into == cause:
            raise NoteProblem("give --as, the name of the group they form (another than the one they leave)")
        outside = [name for name, key in named.items() if key not in groups[cause].students]
        if outside:
            raise NoteProblem(
                f"not in {clean.name(exercise)} {clean.name(cause)}: " + ", ".join(map(clean.name, outside))
            )
        for key in named.values():
            book.put_edit(Edit(exercise, cause, into, key, by, utc_now()))
    return f"{clean.name(exercise)} {into}: {len(named)} student(s) split from {clean.name(cause)}"
