"""Views of the gradebook, regenerated at the end of every batch run.

- ``gradebook.csv``: ``student,total,max,status`` then one column per topic (an LMS import);
- ``gradebook.json``: every row with its full report;
- ``feedback/<student>.md``: scores and the teaching messages of failing public checks;
  hidden checks appear only as counts;
- ``gradescope/<student>/results.json``: Gradescope's results format;

and, on demand (``grade batch --history STUDENT``), a student's gradings as a small table.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

from grader.batch.gradebook import Gradebook, Grading, Row
from grader.report import group_by_message
from grader.topics import TOPICS

SAFE = re.compile(r"[^A-Za-z0-9._-]")
HASH_PREFIX = 12


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


def write_csv(rows: list[Row], path: Path) -> None:
    topics = _topic_columns(rows)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "total", "max", "status", *topics])
        for row in rows:
            scores = _topic_scores(row)
            status = row.status if not row.reason else f"{row.status}: {row.reason}"
            writer.writerow(
                [
                    row.student,
                    f"{row.score:g}",
                    f"{row.max_score:g}",
                    status,
                    *(f"{scores[t][0]:g}" if t in scores else "" for t in topics),
                ]
            )


def write_json(rows: list[Row], path: Path) -> None:
    path.write_text(
        json.dumps(
            [
                {
                    "student": r.student,
                    "status": r.status,
                    "reason": r.reason,
                    "total": r.score,
                    "max": r.max_score,
                    "content_hash": r.content_hash,
                    "suite_version": r.suite_version,
                    "report": r.report,
                }
                for r in rows
            ],
            indent=2,
        )
    )


def feedback_markdown(row: Row) -> str:
    lines = [f"# Feedback for {row.student}", ""]
    if row.status != "graded":
        return "\n".join(lines + [f"Your submission could not be graded: {row.reason}", ""])
    lines += [f"**Total: {row.score:g} / {row.max_score:g}**", "", "| topic | score |", "|---|---|"]
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
            lines.append(f"- {names} ({status.replace('_', ' ')}): " + message.replace("\n", "\n    "))
        if hidden:
            counts: dict[str, int] = {}
            for test in hidden:
                counts[test["status"]] = counts.get(test["status"], 0) + 1
            summary = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in sorted(counts.items()))
            lines.append(f"- hidden checks not passed: {summary}")
    return "\n".join(lines + [""])


def gradescope_results(row: Row) -> dict:
    tests = [
        {
            "name": f"{topic['name']}: {t['id']}",
            "score": t["points"],
            "max_score": t["max_points"],
            "output": t["message"]
            if t.get("visibility") == "public"
            else f"hidden check: {t['status'].replace('_', ' ')}",
            "visibility": "visible" if t.get("visibility") == "public" else "hidden",
        }
        for topic in row.report.get("topics", [])
        for t in topic["tests"]
        if t["status"] != "skipped"
    ]
    results = {"score": row.score, "tests": tests}
    if row.status != "graded":
        results["output"] = f"Your submission could not be graded: {row.reason}"
    return results


def export_all(rows: list[Row], out: Path) -> None:
    write_csv(rows, out / "gradebook.csv")
    write_json(rows, out / "gradebook.json")
    for row in rows:
        name = safe_name(row.student)
        feedback = out / "feedback" / f"{name}.md"
        feedback.parent.mkdir(parents=True, exist_ok=True)
        feedback.write_text(feedback_markdown(row))
        results = out / "gradescope" / name / "results.json"
        results.parent.mkdir(parents=True, exist_ok=True)
        results.write_text(json.dumps(gradescope_results(row), indent=2))


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
