"""The people's side of a gradebook: ``grade batch mark`` (a manual item's points, by hand or
from a TA's sheet) and ``grade batch inquiry``, each checking everything before it writes (the
sheet, the rules, the inquiries: docs/instructors.md, "Manual items, marks and grade inquiries").
"""

from __future__ import annotations

import csv
import getpass
import math
import re
from dataclasses import dataclass
from pathlib import Path

from grader.base import clean
from grader.batch.exports import NoHistory
from grader.batch.marks import Inquiry, Mark, MarkBook
from grader.batch.overrides import OverrideProblem as MarkProblem
from grader.batch.overrides import Recorded, open_recorded, record_override, student_named
from grader.batch.standing import weigh
from grader.course.keys import ManualItem

SHEET_COLUMNS = ("student", "item", "points", "rubric", "comment", "note")
RERUN = "run `grade batch` again to rewrite the exports"


@dataclass(frozen=True)
class MarkRequest:
    """One mark as a person gave it: a student by any name, an item, points or rubric ids."""

    student: str
    item: str
    points: float | None = None
    rubric: tuple[str, ...] | None = None
    comment: str = ""
    note: str = ""
    where: str = ""  # "marks.csv, row 3: " for a sheet's row
    why: str = ""  # kept with the mark in its history: "in the browser", "inquiry 2 resolved"


def who(by: str | None) -> str:
    """Who did it: ``--by``, else the operating system's user."""
    if by:
        return clean.name(by)
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _manual_items(recorded: Recorded) -> dict[str, ManualItem]:
    if recorded.assignment is None or not recorded.assignment.manual:
        raise MarkProblem(
            "the course this gradebook was graded for has no manual items "
            "([assignments.NAME.manual.ID] with points in the course file, then `grade batch --course`)"
        )
    return recorded.assignment.manual


def _points(request: MarkRequest, item: ManualItem) -> float:
    """The mark's points: given, or the chosen rubric items' sum, within [0, the item's points]."""
    if (request.points is None) == (request.rubric is None):
        raise MarkProblem(f"{request.where}give one of --points or --rubric for {request.item}")
    if request.rubric is not None:
        unknown = [r for r in request.rubric if item.rubric_item(r) is None]
        if unknown or not request.rubric:
            known = ", ".join(r.id for r in item.rubric) or "none"
            raise MarkProblem(
                f"{request.where}unknown rubric id {unknown[:1] or ['']} for {item.id} (its ids: {known})"
            )
        points = sum(r.points for r in item.rubric if r.id in request.rubric)
    else:
        points = request.points or 0.0
    if not math.isfinite(points) or not 0 <= points <= item.points:
        raise MarkProblem(
            f"{request.where}points for {item.id} must lie in 0..{item.points:g}, not {points:g}"
        )
    return points


def _mark(recorded: Recorded, request: MarkRequest, by: str) -> Mark:
    items = _manual_items(recorded)
    try:
        student = student_named(recorded, request.student)
    except NoHistory as exc:
        raise MarkProblem(f"{request.where}{exc}") from None
    return mark_for(items, student, request, by)


def mark_for(items: dict[str, ManualItem], student: str, request: MarkRequest, by: str) -> Mark:
    """The mark ``request`` gives ``student`` (the gradebook's key), checked against ``items``;
    :class:`MarkProblem` saying why not."""
    item = items.get(request.item)
    if item is None:
        raise MarkProblem(f"{request.where}no manual item {request.item!r} (items: {', '.join(items)})")
    return Mark(
        student=student,
        item=item.id,
        points=_points(request, item),
        rubric=tuple(dict.fromkeys(request.rubric or ())),
        comment=clean.text(request.comment),
        note=clean.text(request.note),
        marked_by=by,
        why=clean.name(request.why or request.where.rstrip(": ") or "grade batch mark"),
    )


def record_marks(out: Path, requests: list[MarkRequest], by: str | None = None) -> str:
    """Check every request, then record them all in one transaction; a line per mark."""
    with open_recorded(out) as recorded:
        marks = [_mark(recorded, request, who(by)) for request in requests]
        twice = [
            m
            for i, m in enumerate(marks)
            if any((m.student, m.item) == (n.student, n.item) for n in marks[:i])
        ]
        if twice:
            raise MarkProblem(
                f"{requests[marks.index(twice[0])].where}{twice[0].student} and {twice[0].item} twice"
            )
        MarkBook(recorded.gradebook.connection).put_marks(marks)
    lines = [f"{clean.name(m.student)}: {m.item} {m.points:g}" for m in marks]
    return "\n".join([*lines, f"{len(marks)} mark(s) recorded; {RERUN}"])


def _number(cell: str, where: str) -> float | None:
    if not cell.strip():
        return None
    try:
        return float(cell)
    except ValueError:
        raise MarkProblem(f"{where}points {clean.name(cell)!r} is not a number") from None


def read_sheet(path: Path) -> list[MarkRequest]:
    """A TA's sheet as requests (nothing recorded yet); :class:`MarkProblem` naming the row."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
            header = [c.strip() for c in (rows[0].keys() if rows else [])]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise MarkProblem(f"cannot read {path}: {exc}") from None
    missing = [c for c in ("student", "item") if c not in header]
    unknown = [c for c in header if c not in SHEET_COLUMNS]
    if not rows or missing or unknown:
        raise MarkProblem(
            f"{path.name}: a header row with the columns {', '.join(SHEET_COLUMNS)} "
            "(points or rubric) and one row per student and item"
        )
    requests = []
    for number, row in enumerate(rows, start=2):
        cells = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        where = f"{path.name}, row {number}: "
        rubric = cells.get("rubric", "")
        requests.append(
            MarkRequest(
                student=cells["student"],
                item=cells["item"],
                points=_number(cells.get("points", ""), where),
                rubric=tuple(re.split(r"[\s,;]+", rubric)) if rubric else None,
                comment=cells.get("comment", ""),
                note=cells.get("note", ""),
                where=where,
            )
        )
    return requests


def _items(recorded: Recorded, student: str) -> list[str]:
    """What ``student`` may ask about: their graded exercises and the manual items."""
    row = next((r for r in recorded.gradebook.rows() if r.student == student), None)
    exercises = weigh(row.report, recorded.assignment)[1] if row is not None else {}
    return sorted(exercises) + list(recorded.assignment.manual if recorded.assignment else {})


def open_inquiry(out: Path, query: str, item: str, text: str, by: str | None = None) -> str:
    """Open an inquiry of ``query`` about ``item``; a line with its number."""
    if not text.strip():
        raise MarkProblem("--text says what the student asks")
    with open_recorded(out) as recorded:
        student = student_named(recorded, query)
        items = _items(recorded, student)
        if item not in items:
            raise MarkProblem(f"no item {item!r} for {student} (items: {', '.join(items) or 'none'})")
        number = MarkBook(recorded.gradebook.connection).open_inquiry(
            student, item, clean.text(text), who(by)
        )
    return f"inquiry {number} opened: {clean.name(student)} about {item}; {RERUN}"


def _open_one(recorded: Recorded, student: str, item: str | None) -> Inquiry:
    mine = [
        i
        for i in MarkBook(recorded.gradebook.connection).inquiries("open")
        if i.student == student and item in (None, i.item)
    ]
    if len(mine) != 1:
        what = (
            "no open inquiry"
            if not mine
            else f"{len(mine)} open inquiries ({', '.join(i.item for i in mine)})"
        )
        raise MarkProblem(f"{student} has {what}{f' about {item}' if item else ''}; name it with --item")
    return mine[0]


def resolve_inquiry(
    out: Path, query: str, item: str | None, reply: str, points: float | None, by: str | None = None
) -> str:
    """Resolve the student's open inquiry (about ``item``) with ``reply``; with ``points``, the
    item's new points: a mark for a manual item, an override (``reply`` its reason) for an exercise."""
    if not reply.strip():
        raise MarkProblem("--reply says what the student is answered")
    with open_recorded(out) as recorded:
        student = student_named(recorded, query)
        asked = _open_one(recorded, student, item)
        manual = recorded.assignment.manual if recorded.assignment else {}
        if points is not None and asked.item in manual:
            earlier = MarkBook(recorded.gradebook.connection).marks().get(student, {}).get(asked.item)
            request = MarkRequest(
                student,
                asked.item,
                points,
                comment=reply,
                note=earlier.note if earlier else "",
                why=f"inquiry {asked.id} resolved",
            )
            MarkBook(recorded.gradebook.connection).put_marks([_mark(recorded, request, who(by))])
    if points is not None and asked.item not in manual:
        record_override(out, student, asked.item, points, clean.text(reply), excuse=False, clear=False)
    with open_recorded(out) as recorded:
        MarkBook(recorded.gradebook.connection).resolve_inquiry(asked.id, clean.text(reply), points, who(by))
    return f"inquiry {asked.id} resolved: {clean.name(student)} about {asked.item}; {RERUN}"


def list_inquiries(out: Path, everything: bool = False) -> str:
    """The open inquiries (all with ``everything``), one a line: number, student, item, when, text."""
    with open_recorded(out) as recorded:
        found = MarkBook(recorded.gradebook.connection).inquiries(None if everything else "open")
    if not found:
        return "no open inquiries" if not everything else "no inquiries"
    return "\n".join(
        f"{i.id}  {clean.name(i.student)}  {i.item}  {i.state}  {i.opened_at}  {clean.name(i.text, 120)}"
        + (f"  → {clean.name(i.reply, 120)}" if i.reply else "")
        for i in found
    )
