"""Views of the gradebook, regenerated at the end of every batch run (which files, and what each
holds: docs/instructors.md, "Grading a class" and "LMS files"; one grade everywhere:
:func:`grader.batch.lms.base.lms_grade`), and on demand a student's history; whatever came from a
submission is cleaned for its format by :mod:`grader.base.clean`.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

from grader.base import clean, defaults, grades
from grader.base.topics import TOPICS
from grader.batch.feedback import feedback_fragment, feedback_html, feedback_markdown
from grader.batch.gradebook import Row
from grader.batch.gradescope_results import gradescope_results
from grader.batch.lms import lms_named
from grader.batch.lms.base import Grades, LmsName, LmsSettings, Roster, lms_grade
from grader.batch.plain_text import plain_text
from grader.checks.judging import curves

SAFE = re.compile(r"[^A-Za-z0-9._-]")


class NoHistory(LookupError):
    """No gradebook, or no grading of that student in it."""


def safe_name(student: str) -> str:
    """A file name for ``student`` that cannot climb out of its folder."""
    cleaned = SAFE.sub("_", student).lstrip(".") or "student"
    if cleaned != student:
        cleaned += "-" + hashlib.sha256(student.encode()).hexdigest()[:6]
    return cleaned


def _topic_scores(row: Row) -> dict[str, tuple[float, float]]:
    return {t["name"]: (t["score"], t["max_score"]) for t in row.report.get("topics", [])}


def _topic_columns(rows: list[Row]) -> list[str]:
    seen = {name for row in rows for name in _topic_scores(row)}
    return [t for t in TOPICS if t in seen]


def _total(row: Row, missing: str) -> str:
    """The total as the LMS files give it (:func:`grader.batch.lms.base.lms_grade`)."""
    grade = lms_grade(row, missing)
    return grade if isinstance(grade, str) else "" if grade is None else grades.text(grade)


def write_csv(
    rows: list[Row], path: Path, missing: str = defaults.LMS_MISSING, names: dict[str, str] | None = None
) -> None:
    """One row per student; ``names``: the roster's full names, a last column when there are any."""
    topics, manual = _topic_columns(rows), _manual_columns(rows)
    course = any("standing" in row.report for row in rows)  # late and override columns
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "student",
                "total",
                "max",
                "status",
                *topics,
                *manual,
                *(["late", "overrides"] if course else []),
                *(["name"] if names else []),
            ]
        )
        for row in rows:
            scores, marked = _topic_scores(row), _marked(row)
            status = row.status if not row.reason else f"{row.status}: {row.reason}"
            writer.writerow(
                [
                    clean.csv_cell(row.student),
                    _total(row, missing),
                    grades.text(row.max_score),
                    clean.csv_cell(status),
                    *(grades.text(scores[t][0]) if t in scores else "" for t in topics),
                    *(grades.text(marked[item]) if item in marked else "" for item in manual),
                    *(_standing_cells(row) if course else []),
                    *([clean.csv_cell(names.get(row.student, ""))] if names else []),
                ]
            )


def _manual_columns(rows: list[Row]) -> list[str]:
    """The manual items' ids, a column each after the topics'."""
    found: dict[str, None] = {}
    for row in rows:
        found.update(dict.fromkeys((row.report.get("standing") or {}).get("manual", {})))
    return list(found)


def _marked(row: Row) -> dict[str, float]:
    """Each marked manual item's points (none for an excused student)."""
    standing = row.report.get("standing") or {}
    shown = standing.get("manual", {}) if not standing.get("excused") else {}
    return {item: mark["points"] for item, mark in shown.items() if mark["marked"]}


def _standing_cells(row: Row) -> list[str]:
    standing = row.report.get("standing") or {}
    return [standing.get("late", ""), "; ".join(standing.get("overrides", []))]


def write_json(
    rows: list[Row], path: Path, names: dict[str, str] | None = None, held_out: dict[str, dict] | None = None
) -> None:
    """Every row with its report; ``held_out``: {student: {exercise: its held-out metric}}."""
    held_out = held_out or {}
    path.write_text(
        json.dumps(
            clean.tree(
                [
                    {
                        "student": r.student,
                        **({"name": names[r.student]} if names and r.student in names else {}),
                        "status": r.status,
                        "reason": r.reason,
                        "total": grades.points(r.score),
                        "max": grades.points(r.max_score),
                        **({"manual": _marked(r)} if "manual" in r.report.get("standing", {}) else {}),
                        "content_hash": r.content_hash,
                        "suite_version": r.suite_version,
                        "report": r.report,
                        **({"held_out": held_out[r.student]} if r.student in held_out else {}),
                    }
                    for r in rows
                ]
            ),
            indent=2,
        )
    )


def export_all(
    rows: list[Row],
    out: Path,
    missing: str = defaults.LMS_MISSING,
    names: dict[str, str] | None = None,
    held_out: dict[str, dict] | None = None,
) -> None:
    """gradebook.csv and .json, each student's feedback and results.json; ``names``: the roster's
    full name of each student key (the feedback addresses them by it); ``held_out``: each
    student's held-out metrics (gradebook.json's)."""
    write_csv(rows, out / "gradebook.csv", missing, names)
    write_json(rows, out / "gradebook.json", names, held_out)
    for row in rows:
        name = safe_name(row.student)
        full = (names or {}).get(row.student, "")
        feedback = out / "feedback" / f"{name}.md"
        feedback.parent.mkdir(parents=True, exist_ok=True)
        feedback.write_text(feedback_markdown(row, write_curve_pictures(row, feedback.parent, name), full))
        feedback.with_suffix(".html").write_text(feedback_html(row, full))
        results = out / "gradescope" / name / "results.json"
        results.parent.mkdir(parents=True, exist_ok=True)
        results.write_text(json.dumps(gradescope_results(row), indent=2))


def write_curve_pictures(row: Row, folder: Path, name: str) -> dict[tuple[str, str], str]:
    """A PNG per failed public check that carries a training curve, beside the student's feedback:
    (topic, check id) → its file name; none without matplotlib (the sparklines stay)."""
    pictures: dict[tuple[str, str], str] = {}
    for topic in row.report.get("topics", []):
        for test in topic["tests"]:
            curve = curves.clean(test.get("curve"))
            if curve is None or test["status"] in ("passed", "skipped") or test.get("visibility") != "public":
                continue  # a hidden check's curve is shown by its shape alone (HIDDEN_SHAPES)
            file = f"{name}.{safe_name(topic['name'])}.{safe_name(test['id'])}.png"
            title = curves.summary(curve, test["curve"].get("shape"))
            if not curves.write_png(curve, folder / file, title):
                return {}
            pictures[(topic["name"], test["id"])] = file
    return pictures


def assignment_name(topics: tuple[str, ...], rows: list[Row]) -> str:
    """What the grade column is about: the topics given, else the topics graded."""
    return ", ".join(topics or _topic_columns(rows)) or "all topics"


def write_unmatched(rows: list[Row], unmatched: dict[str, tuple[Path, ...]], path: Path) -> None:
    """The submissions that match no one on the roster, with the entries they came from."""
    by_student = {r.student: r for r in rows}
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "total", "max", "status", "entries"])
        for student, entries in unmatched.items():
            row = by_student.get(student)
            numbers = [grades.text(row.score), grades.text(row.max_score)] if row else ["", ""]
            status = "" if row is None else row.status + (f": {row.reason}" if row.reason else "")
            names = "; ".join(e.name for e in entries)
            writer.writerow(
                [clean.csv_cell(student), *numbers, clean.csv_cell(status), clean.csv_cell(names)]
            )


def write_skipped(skipped: list[tuple[str, str]], path: Path) -> None:
    """The entries of the submissions folder that were left out, each with the reason."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["entry", "reason"])
        writer.writerows([clean.csv_cell(entry), clean.csv_cell(reason)] for entry, reason in skipped)


def full_names(roster: Roster) -> dict[str, str]:
    """Each student key of ``roster`` with the full name it gives (where it gives one)."""
    return {m.key: m.full_name for m in roster.members if m.full_name}


def export_roster(
    rows: list[Row],
    roster: Roster,
    out: Path,
    assignment: str,
    unmatched: dict[str, tuple[Path, ...]],
    settings: LmsSettings,
    column: str = "",
    names: dict[str, tuple[LmsName, ...]] | None = None,
) -> list[Path]:
    """The import files of the roster's LMS (:mod:`grader.batch.lms`: ``canvas.csv``,
    ``moodle.csv``...) and ``unmatched.csv``; ``column``: the grade column's title (a course's
    ``lms_column``); ``names``: each student's download names (Canvas's comment upload needs them)."""
    by_student, named = {r.student: r for r in rows}, full_names(roster)
    fragments = {  # the student's own result; never our grader's failure or an empty folder
        key: feedback_fragment(row, named.get(key, ""))
        for key, row in by_student.items()
        if row.status in ("graded", "rejected")
    }
    grades = Grades(
        rows=by_student,
        roster=roster,
        title=column or f"torchgrade ({assignment})",
        settings=settings,
        feedback={key: plain_text(fragment) for key, fragment in fragments.items()},  # Canvas's comments
        feedback_html=fragments,
        names=names or {},
    )
    written = lms_named(roster.lms).write(grades, out)
    write_unmatched(rows, unmatched, out / "unmatched.csv")
    return written
