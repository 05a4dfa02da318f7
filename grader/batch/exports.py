"""Views of the gradebook, regenerated at the end of every batch run.

- ``gradebook.csv``: ``student,total,max,status`` then one column per topic (an LMS import);
- ``gradebook.json``: every row with its full report;
- ``feedback/<student>.md``: scores and the teaching messages of failing public checks;
  failed hidden checks as counts per exercise, kind and status (never their messages,
  inputs or expected values: :func:`hidden_summary`); a failed convergence check's training
  curve as the shape it has and a sparkline, and, with matplotlib (the ``plots`` extra), a PNG
  beside the markdown (``feedback/<student>.<topic>.<check>.png``);
- ``gradescope/<student>/results.json``: Gradescope's results format (a hidden check named
  by its exercise and kind, not by its test id, which may hold its inputs);
- with a roster (``grade batch --roster FILE``): the import files of the roster's LMS, each
  written by its module of :mod:`grader.batch.lms` (``canvas.csv`` and
  ``canvas-feedback.zip``, ``moodle.csv`` with grades and feedback comments, a plain CSV's
  ``grades.csv``), and ``unmatched.csv``: the submissions that match no one on the roster.
  Every output gives a student the same grade (:func:`grader.batch.lms.base.lms_grade`):
  points, EX when excused, blank for no submission (0 with ``--missing zero``) and for a
  grading our grader failed;
- ``skipped.csv``: the entries of the submissions folder that intake left out, and why;

Whatever came from a submission (student names taken from file names, messages, reasons) is
cleaned and escaped for each format by :mod:`grader.clean`: CSV cells never start a formula,
markdown and JSON carry no control character or escape sequence.

and, on demand (``grade batch --history STUDENT``), a student's gradings as a small table.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

from grader import clean, defaults
from grader.batch.gradebook import Gradebook, Grading, Row
from grader.batch.lms import lms_named
from grader.batch.lms.base import Grades, LmsName, LmsSettings, Roster, lms_grade
from grader.batch.standing import standing_lines
from grader.checks import curves
from grader.checks.scoring import KIND_NAMES
from grader.report import group_by_message
from grader.topics import TOPICS

SAFE = re.compile(r"[^A-Za-z0-9._-]")
HASH_PREFIX = 12
# How a hidden check that did not pass ended, as feedback says it ("2 value checks failed").
STATUS_PHRASES = {
    "failed": "failed",
    "error": "raised an error",
    "timeout": "timed out",
    "not_started": "not started",
}


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
    return grade if isinstance(grade, str) else "" if grade is None else f"{grade:g}"


def write_csv(rows: list[Row], path: Path, missing: str = defaults.LMS_MISSING) -> None:
    topics = _topic_columns(rows)
    course = any("standing" in row.report for row in rows)  # late and override columns
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["student", "total", "max", "status", *topics, *(["late", "overrides"] if course else [])]
        )
        for row in rows:
            scores = _topic_scores(row)
            status = row.status if not row.reason else f"{row.status}: {row.reason}"
            writer.writerow(
                [
                    clean.csv_cell(row.student),
                    _total(row, missing),
                    f"{row.max_score:g}",
                    clean.csv_cell(status),
                    *(
                        f"{round(scores[t][0], defaults.LMS_DECIMALS):g}" if t in scores else ""
                        for t in topics
                    ),
                    *(_standing_cells(row) if course else []),
                ]
            )


def _standing_cells(row: Row) -> list[str]:
    standing = row.report.get("standing") or {}
    return [standing.get("late", ""), "; ".join(standing.get("overrides", []))]


def write_json(rows: list[Row], path: Path) -> None:
    path.write_text(
        json.dumps(
            clean.tree(
                [
                    {
                        "student": r.student,
                        "status": r.status,
                        "reason": r.reason,
                        "total": round(r.score, defaults.LMS_DECIMALS),
                        "max": r.max_score,
                        "content_hash": r.content_hash,
                        "suite_version": r.suite_version,
                        "report": r.report,
                    }
                    for r in rows
                ]
            ),
            indent=2,
        )
    )


def _not_graded(row: Row) -> str:
    """Why ``row`` has no grade, as plain text (cleaned: the reason may name the student's files)."""
    if row.status == "missing":
        return "No submission was received."
    return f"Your submission could not be graded: {clean.text(row.reason)}"


def _curve_lines(topic: str, test: dict, pictures: dict[tuple[str, str], str]) -> list[str]:
    """A failed check's training curve: its shape and sparkline (a hidden check's without the
    reference's numbers, named by its exercises), and its PNG where one was drawn."""
    curve = curves.clean(test.get("curve"))
    if curve is None:
        return []
    if test.get("visibility") == "public":
        where = f"`{test['id']}`"
    else:
        where = "a hidden check of " + (", ".join(f"`{e}`" for e in test.get("exercises", [])) or topic)
    line = f"- training curve of {where}: {curves.summary(curve, test['curve'].get('shape'))}"
    line += f" — loss per {curve['every']}: {curves.sparkline(curve['loss'])}"
    picture = pictures.get((topic, test["id"]))
    return [line] + ([f"  ![training curve]({picture})"] if picture else [])


def feedback_markdown(row: Row, pictures: dict[tuple[str, str], str] | None = None) -> str:
    """``pictures``: (topic, check id) → the file name of its curve's PNG in the same folder."""
    lines = [f"# Feedback for {clean.markdown(clean.name(row.student))}", ""]
    if row.status == "excused":
        return "\n".join(lines + ["You are excused from this assignment.", ""])
    if row.status != "graded":
        return "\n".join(lines + [clean.markdown(_not_graded(row)), ""])
    lines += [f"**Total: {row.score:g} / {row.max_score:g}**", ""]
    lines += [f"- {line}" for line in standing_lines(row)] + ([""] if standing_lines(row) else [])
    lines += [f"Files graded: {clean.markdown(row.reason)}", ""] if row.reason else []
    lines += ["| topic | score |", "|---|---|"]
    lines += [f"| {name} | {s:g} / {m:g} |" for name, (s, m) in _topic_scores(row).items()]
    for topic in row.report.get("topics", []):
        open_tests = [t for t in topic["tests"] if t["status"] not in ("passed", "skipped")]
        if not open_tests:
            continue
        lines += ["", f"## {topic['name']}"]
        hidden = [t for t in open_tests if t.get("visibility") != "public"]
        public = [t for t in open_tests if t.get("visibility") == "public"]
        for status, message, ids in group_by_message(public):
            names = ", ".join(f"`{i}`" for i in ids)
            text = clean.markdown(message).replace("\n", "\n    ")
            lines.append(f"- {names} ({status.replace('_', ' ')}): {text}")
        if hidden:
            lines.append("- hidden checks not passed:")
            lines += [f"  - {line}" for line in hidden_summary(hidden)]
        for test in open_tests:
            lines += _curve_lines(topic["name"], test, pictures or {})
    return "\n".join(lines + [""])


def _exercise_label(test: dict) -> str:
    names = test.get("exercises") or []
    return ", ".join(f"`{n}`" for n in names) or "(exercise not recorded)"


def _counted(n: int, kind: str) -> str:
    return f"{n} {KIND_NAMES.get(kind, kind)} check{'s' if n != 1 else ''}"


def _and_list(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def hidden_summary(hidden: list[dict]) -> list[str]:
    """One line per exercise, in first-seen order, for hidden checks that did not pass:
    "`huber`: 2 hidden value checks and 1 gradient check failed; 1 convergence check timed out".

    Built from each check's exercises, kind and status only: never its id, message, inputs
    or expected values."""
    by_exercise: dict[str, dict[str, dict[str, int]]] = {}
    for test in hidden:
        kinds = by_exercise.setdefault(_exercise_label(test), {}).setdefault(test["status"], {})
        kinds[test["kind"]] = kinds.get(test["kind"], 0) + 1
    order = list(STATUS_PHRASES)
    lines = []
    for label, statuses in by_exercise.items():
        clauses = [
            f"{_and_list([_counted(n, kind) for kind, n in statuses[status].items()])} "
            + STATUS_PHRASES.get(status, status)
            for status in sorted(statuses, key=lambda s: order.index(s) if s in order else len(order))
        ]
        lines.append(f"{label}: {'; '.join(clauses)}")
    return lines


def hidden_test_name(topic: str, test: dict, seen: dict[str, int]) -> str:
    """``losses: huber, hidden gradient check 2``: exercise and kind, numbered, never the id."""
    base = f"{topic}: {', '.join(test.get('exercises') or []) or 'exercise not recorded'}, hidden "
    base += f"{KIND_NAMES.get(test['kind'], test['kind'])} check"
    seen[base] = seen.get(base, 0) + 1
    return f"{base} {seen[base]}"


def hidden_output(test: dict) -> str:
    """What a hidden check shows: how it ended ("hidden check: failed"), never its message."""
    return f"hidden check: {test['status'].replace('_', ' ')}"


def gradescope_results(row: Row) -> dict:
    tests = []
    seen: dict[str, int] = {}
    for topic in row.report.get("topics", []):
        for t in topic["tests"]:
            if t["status"] == "skipped":
                continue
            public = t.get("visibility") == "public"
            tests.append(
                {
                    "name": f"{topic['name']}: {t['id']}"
                    if public
                    else hidden_test_name(topic["name"], t, seen),
                    "score": t["points"],
                    "max_score": t["max_points"],
                    "output": clean.text(t["message"]) if public else hidden_output(t),
                    "visibility": "visible" if public else "hidden",
                }
            )
    results = {"score": round(row.score, defaults.LMS_DECIMALS), "tests": tests}
    if row.status != "graded":
        results["output"] = _not_graded(row)
    return results


def export_all(rows: list[Row], out: Path, missing: str = defaults.LMS_MISSING) -> None:
    write_csv(rows, out / "gradebook.csv", missing)
    write_json(rows, out / "gradebook.json")
    for row in rows:
        name = safe_name(row.student)
        feedback = out / "feedback" / f"{name}.md"
        feedback.parent.mkdir(parents=True, exist_ok=True)
        feedback.write_text(feedback_markdown(row, write_curve_pictures(row, feedback.parent, name)))
        results = out / "gradescope" / name / "results.json"
        results.parent.mkdir(parents=True, exist_ok=True)
        results.write_text(json.dumps(gradescope_results(row), indent=2))


def write_curve_pictures(row: Row, folder: Path, name: str) -> dict[tuple[str, str], str]:
    """A PNG per failed check that carries a training curve, beside the student's feedback:
    (topic, check id) → its file name; none without matplotlib (the sparklines stay)."""
    pictures: dict[tuple[str, str], str] = {}
    for topic in row.report.get("topics", []):
        for test in topic["tests"]:
            curve = curves.clean(test.get("curve"))
            if curve is None or test["status"] in ("passed", "skipped"):
                continue
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
            numbers = [f"{row.score:g}", f"{row.max_score:g}"] if row else ["", ""]
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
    by_student = {r.student: r for r in rows}
    grades = Grades(
        rows=by_student,
        roster=roster,
        title=column or f"torchgrade ({assignment})",
        settings=settings,
        feedback={  # the student's own result; never our grader's failure or an empty folder
            key: feedback_markdown(row)
            for key, row in by_student.items()
            if row.status in ("graded", "rejected")
        },
        names=names or {},
    )
    written = lms_named(roster.lms).write(grades, out)
    write_unmatched(rows, unmatched, out / "unmatched.csv")
    return written


def history_table(entries: list[Grading]) -> str:
    """time, suite version, content hash prefix, status, score / max: one grading a line."""
    header = ("time", "suite version", "content", "status", "score")
    lines = [
        (
            e.graded_at,
            e.suite_version,
            e.content_hash[:HASH_PREFIX] or "-",
            e.status,
            f"{e.score:g} / {e.max_score:g}",
        )
        for e in entries
    ]
    widths = [max(len(cells[i]) for cells in (header, *lines)) for i in range(len(header))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip() for cells in (header, *lines)
    )


def student_history(out: Path, student: str) -> str:
    """``student``'s gradings in ``out/gradebook.sqlite`` as a table, or :class:`NoHistory`."""
    path = out / "gradebook.sqlite"
    if not path.is_file():
        raise NoHistory(f"no gradebook in {out}")
    gradebook = Gradebook(path)
    try:
        entries = gradebook.history(student)
    finally:
        gradebook.close()
    if not entries:
        raise NoHistory(f"no gradings of {student!r} in {path}")
    return history_table(entries)
