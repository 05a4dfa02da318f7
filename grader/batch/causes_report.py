"""``grade batch causes`` and ``grade batch causes note``: the class's groups of failing
exercises by cause, and the instructor's note to one group (grader/batch/causes.py)."""

from __future__ import annotations

import json
from pathlib import Path

from grader.batch.causes import Note, NoteBook, causes_text, class_groups
from grader.batch.gradebook import utc_now
from grader.batch.overrides import open_recorded
from grader.batch.standing import final_rows


def list_groups(out: Path, as_json: bool) -> str:
    """``grade batch causes``: the class's groups from the gradebook in ``out``."""
    with open_recorded(out) as recorded:
        rows = final_rows(recorded.gradebook.rows(), recorded.assignment, recorded.book)
        notes = NoteBook(recorded.gradebook.connection).notes()
    groups = class_groups(rows, notes)
    if as_json:
        return json.dumps([g.to_json() for g in groups], indent=2)
    return causes_text(groups)


class NoteProblem(ValueError):
    """The note cannot be recorded; the message says why."""


def record_note(
    out: Path, exercise: str, cause: str, text: str, points: float | None, clear: bool, by: str = ""
) -> str:
    """Attach (or with ``clear`` remove) the note of the group (``exercise``, ``cause``)."""
    with open_recorded(out) as recorded:
        book = NoteBook(recorded.gradebook.connection)
        if clear:
            removed = book.clear(exercise, cause)
            return f"{exercise} {cause}: {removed} note(s) removed; run `grade batch` again to rewrite the exports"
        groups = {(g.exercise, g.cause): g for g in class_groups(recorded.gradebook.rows())}
        group = groups.get((exercise, cause))
        if group is None:
            known = sorted(f"{e} {c}" for e, c in groups if e == exercise) or ["none for that exercise"]
            raise NoteProblem(f"no group {exercise} {cause}; the groups: " + "; ".join(known))
        if not text.strip():
            raise NoteProblem("the note needs --text")
        book.put(Note(exercise, cause, text, points, tuple(group.students), by, utc_now()))
    return (
        f"{exercise} {cause}: note for {group.count} student(s); "
        "run `grade batch` again to rewrite the exports"
    )
