"""Views of the gradebook, regenerated at the end of every batch run.

- ``gradebook.csv``: ``student,total,max,status`` then one column per topic (an LMS import)
  and one per manual item (its points as marked, blank until then), and with a roster giving
  full names a last ``name`` column;
- ``gradebook.json``: every row with its full report (and the roster's full name, and
  ``manual``: each marked item's points);
- ``feedback/<student>.md`` and its twin ``feedback/<student>.html``: the score per topic, then
  per exercise not full its points and one diagnosis (grader/checks/exercises.py) with a count of
  the rest; a hidden check is said by its kind and how it ended (never its message, inputs or
  expected values: ``judge(..., hidden_text=False)``); a failed convergence check's training
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
from dataclasses import dataclass
from pathlib import Path

from grader import clean, defaults, grades
from grader.batch import manual_feedback
from grader.batch.gradebook import Row
from grader.batch.lms import lms_named
from grader.batch.lms.base import Grades, LmsName, LmsSettings, Roster, lms_grade
from grader.batch.plain_text import plain_text
from grader.batch.standing import standing_lines
from grader.checks import curves
from grader.checks.exercises import DEFAULT_TWIN, Exercise, judge, shared_failure
from grader.checks.scoring import HEADINGS
from grader.checks.shown import KIND_NAMES
from grader.i18n import N_, _, language
from grader.topics import TOPICS

SAFE = re.compile(r"[^A-Za-z0-9._-]")
# A Gradescope test of an exercise's hidden checks, beside the visible one of its public checks.
HIDDEN_PART = N_("%(exercise)s (hidden checks)")


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


def _not_graded(row: Row) -> str:
    """Why ``row`` has no grade, as plain text (cleaned: the reason may name the student's files)."""
    if row.status == "missing":
        return _("No submission was received.")
    return _("Your submission could not be graded: %(reason)s") % {"reason": clean.text(row.reason)}


# What feedback says of a hidden check's curve: its shape only. Its numbers came from the worker
# that ran the hidden probes, which could have encoded their source in them.
HIDDEN_SHAPES = {
    "nan": N_("the loss became NaN or inf"),
    "diverged": N_("diverged"),
    "flat": N_("flat"),
    "slower": N_("slower than the reference"),
    "learned": N_("learned"),
}


def _curve_lines(topic: str, test: dict, pictures: dict[tuple[str, str], str]) -> list[str]:
    """A failed check's training curve: its shape and sparkline, and its PNG where one was
    drawn; a hidden check's shape alone (:data:`HIDDEN_SHAPES`), named by its exercises."""
    curve = curves.clean(test.get("curve"))
    if curve is None:
        return []
    if test.get("visibility") != "public":
        names = ", ".join(f"`{e}`" for e in test.get("exercises", [])) or topic
        where = _("a hidden check of %(names)s") % {"names": names}
        shape = HIDDEN_SHAPES.get(str(test["curve"].get("shape")))
        return (
            ["- " + _("training curve of %(where)s: %(shape)s") % {"where": where, "shape": _(shape)}]
            if shape
            else []
        )
    where = f"`{test['id']}`"
    summary = curves.summary(curve, test["curve"].get("shape"))
    line = "- " + _("training curve of %(where)s: %(shape)s") % {"where": where, "shape": summary}
    line += " — " + _("loss per %(every)s: %(line)s") % {
        "every": curves.unit(curve["every"]),
        "line": curves.sparkline(curve["loss"]),
    }
    picture = pictures.get((topic, test["id"]))
    alt = _("training curve")
    return [line] + ([f"  ![{alt}]({picture})"] if picture else [])


@dataclass(frozen=True)
class Shown:
    """One exercise as a student's feedback shows it: the points they see (the course's, with
    the instructor's overrides) and a diagnosis without any hidden check's text."""

    name: str
    points: float
    max_points: float
    status: str
    diagnosis: str


def shown_exercises(topic: dict, standing: dict, hidden_text: bool = False) -> list[Shown]:
    """``topic``'s exercises (grader/checks/exercises.py) with the standing's points where the
    row has one (course points, overrides), else the report's."""
    judged = judge(topic["tests"], topic.get("twin", DEFAULT_TWIN), hidden_text=hidden_text)
    stored = {e["name"]: e for e in topic.get("exercises", []) if isinstance(e, dict)}
    chosen = standing.get("exercises") or {}
    shown = []
    for exercise in judged:
        key = f"{topic['name']}.{exercise.name}"
        if chosen and key not in chosen:
            continue  # an exercise the assignment does not grade
        points, max_points = exercise.points, exercise.max_points
        if exercise.name in stored:
            points, max_points = stored[exercise.name]["points"], stored[exercise.name]["max_points"]
        if key in chosen:
            points, max_points = chosen[key]
        status = exercise.status if points < max_points or exercise.status == "skipped" else "passed"
        shown.append(Shown(exercise.name, points, max_points, status, exercise.diagnosis))
    return shown


def _topic_line(exercises: list[Shown]) -> str:
    """A topic's whole story in one line, when one line tells it: untouched, or failing alike."""
    counted = [e for e in exercises if e.status != "skipped"]
    if counted and all(e.status == "not_started" for e in counted):
        return _("not started: every exercise still raises NotImplementedError")
    open_ones = [e for e in counted if e.status != "passed"]
    return shared_failure(open_ones) if len(open_ones) == len(counted) else ""


def feedback_sections(row: Row) -> list[tuple[str, float, float, str, list[Shown]]]:
    """Per topic: (name, points, max, its one line or "", the exercises not full)."""
    standing = row.report.get("standing") or {}
    sections = []
    for topic in row.report.get("topics", []):
        exercises = shown_exercises(topic, standing)
        points, max_points = (
            grades.added(e.points for e in exercises),
            grades.added(e.max_points for e in exercises),
        )
        open_ones = [e for e in exercises if e.status not in ("passed", "skipped")]
        sections.append((topic["name"], points, max_points, _topic_line(exercises), open_ones))
    return sections


def _head_lines(row: Row) -> list[str] | None:
    """The lines before the table; the whole feedback (no table) for a row with no grade."""
    if row.status == "excused":
        return [_("You are excused from this assignment.")]
    if row.status != "graded":
        return [_not_graded(row)]
    return None


def feedback_markdown(row: Row, pictures: dict[tuple[str, str], str] | None = None, name: str = "") -> str:
    """One line per exercise not full, with its points and diagnosis (grader/checks/exercises.py);
    ``pictures``: (topic, check id) → the file name of its curve's PNG in the same folder;
    ``name``: the roster's full name for the student, else they are addressed by their key."""
    who = clean.markdown(clean.name(name or row.student))
    lines = ["# " + _("Feedback for %(student)s") % {"student": who}, ""]
    ungraded = _head_lines(row)
    if ungraded is not None:
        said = [clean.markdown(line) for line in ungraded] + manual_feedback.feedback_markdown(row)
        return "\n".join(lines + said + [""])
    lines += [
        "**"
        + _("Total: %(score)s / %(max)s")
        % {"score": grades.text(row.score), "max": grades.text(row.max_score)}
        + "**",
        "",
    ]
    lines += [f"- {clean.markdown(line)}" for line in standing_lines(row)]
    lines += [""] if standing_lines(row) else []
    lines += [_("Files graded: %(files)s") % {"files": clean.markdown(row.reason)}, ""] if row.reason else []
    sections = feedback_sections(row)
    lines += [f"| {_('topic')} | {_('score')} |", "|---|---|"]
    lines += [f"| {name} | {grades.text(p)} / {grades.text(m)} |" for name, p, m, _, _ in sections]
    topics = {t["name"]: t for t in row.report.get("topics", [])}
    for name, _points, _most, one_line, open_ones in sections:
        if not open_ones:
            continue
        lines += ["", f"## {name}"]
        if one_line:
            lines.append(clean.markdown(one_line))
        for e in [] if one_line else open_ones:
            head = f"- `{e.name}` {grades.text(e.points)} / {grades.text(e.max_points)}"
            if e.status == "not_started" and "\n" not in e.diagnosis:
                lines.append(f"{head}: " + _("not started"))
                continue
            lines.append(f"{head}: " + clean.markdown(e.diagnosis).replace("\n", "\n    "))
        for test in topics[name]["tests"]:
            if test["status"] not in ("passed", "skipped"):
                lines += _curve_lines(name, test, pictures or {})
    lines += manual_feedback.feedback_markdown(row)
    return "\n".join(lines + [""])


def feedback_html(row: Row, name: str = "") -> str:
    """:func:`feedback_markdown`'s twin as a page (a browser takes it), in the output's language."""
    title = _("Feedback for %(student)s") % {"student": clean.html(clean.name(name or row.student))}
    return (
        f'<!DOCTYPE html>\n<html lang="{language().replace("_", "-")}"><head><meta charset="utf-8">'
        f"<title>{title}</title></head>\n<body>\n{feedback_fragment(row, name)}\n</body></html>\n"
    )


def feedback_text(row: Row, name: str = "") -> str:
    """The feedback as plain text (Canvas's comment files): the page's text, no markup."""
    return plain_text(feedback_fragment(row, name))


def feedback_fragment(row: Row, name: str = "") -> str:
    """The feedback as HTML to put inside a page or an LMS's HTML comment (Moodle's)."""
    esc = clean.html
    title = _("Feedback for %(student)s") % {"student": esc(clean.name(name or row.student))}
    body = [f"<h1>{title}</h1>"]
    ungraded = _head_lines(row)
    if ungraded is not None:
        body += [f"<p>{esc(line)}</p>" for line in ungraded] + manual_feedback.feedback_html(row)
    else:
        total = _("Total: %(score)s / %(max)s") % {
            "score": grades.text(row.score),
            "max": grades.text(row.max_score),
        }
        body.append(f"<p><strong>{total}</strong></p>")
        body += [f"<p>{esc(line)}</p>" for line in standing_lines(row)]
        body += (
            ["<p>" + _("Files graded: %(files)s") % {"files": esc(row.reason)} + "</p>"] if row.reason else []
        )
        sections = feedback_sections(row)
        body.append(f"<table><tr><th>{_('topic')}</th><th>{_('score')}</th></tr>")
        body += [
            f"<tr><td>{n}</td><td>{grades.text(p)} / {grades.text(m)}</td></tr>" for n, p, m, _, _ in sections
        ]
        body.append("</table>")
        for name, _points, _most, one_line, open_ones in sections:
            if not open_ones:
                continue
            body.append(f"<h2>{name}</h2>")
            if one_line:
                body.append(f"<p>{esc(one_line)}</p>")
                continue
            body.append("<ul>")
            for e in open_ones:
                said = (
                    _("not started") if e.status == "not_started" and "\n" not in e.diagnosis else e.diagnosis
                )
                body.append(
                    f"<li><code>{esc(e.name)}</code> {grades.text(e.points)} / {grades.text(e.max_points)}"
                    f"<pre>{esc(said)}</pre></li>"
                )
            body.append("</ul>")
        body += manual_feedback.feedback_html(row)
    return "\n".join(body)


def _check_label(test: dict, hidden_text: bool, seen: dict[str, int]) -> str:
    """A check as an exercise's list names it: its id where it may be shown, else
    "hidden gradient check 2" (kind, numbered per exercise: never the id, which may hold inputs)."""
    if hidden_text or test.get("visibility") == "public":
        return test["id"]
    base = _("hidden %(kind)s check") % {"kind": _(KIND_NAMES.get(test["kind"], test["kind"]))}
    seen[base] = seen.get(base, 0) + 1
    return f"{base} {seen[base]}"


def _checks_of(topic: dict, name: str) -> list[dict]:
    """The checks of exercise ``name`` that ran (a skipped check is no part of its tests)."""
    return [
        t for t in topic["tests"] if name in (t.get("exercises") or [t["id"]]) and t["status"] != "skipped"
    ]


def _judged(checks: list[dict], name: str, twin: str, hidden_text: bool = False) -> Exercise:
    """Exercise ``name`` judged on ``checks`` alone (a check shared by exercises names each)."""
    return next(e for e in judge(checks, twin, hidden_text=hidden_text) if e.name == name)


def _split_points(exercise: Shown, parts: list[list[dict]], twin: str) -> list[tuple[float, float]]:
    """(score, max) of each part of an exercise (its public checks, its hidden checks): the
    exercise's shown maximum split as the parts' own checks weigh, its shown points as they earn,
    in cents that add up to the exercise's (grader/grades.py), no part above its maximum."""
    judged = [_judged(part, exercise.name, twin) if part else None for part in parts]
    maxima = grades.apportion([j.max_points if j else 0.0 for j in judged], exercise.max_points)
    earned = [j.points if j else 0.0 for j in judged]
    scores = grades.split(grades.rounded(exercise.points), earned if any(earned) else maxima, maxima)
    return [(float(score), float(most)) for score, most in zip(scores, maxima)]


def _gradescope_test(
    topic: dict, name: str, checks: list[dict], points: tuple[float, float], hidden_text: bool, hidden: bool
) -> dict:
    """One Gradescope test: ``checks`` of exercise ``name``, judged and listed on their own."""
    alone = _judged(checks, name, topic.get("twin", DEFAULT_TWIN), hidden_text)
    seen: dict[str, int] = {}
    listed = [
        f"  {'✓' if t['status'] == 'passed' else '✗'} {_check_label(t, hidden_text, seen)}: "
        + _(HEADINGS.get(t["status"], t["status"]))
        for t in checks
    ]
    waiting = alone.status == "not_started" and "\n" not in alone.diagnosis
    said = _("not started") if waiting else alone.diagnosis
    passed = all(t["status"] == "passed" for t in checks) and points[0] >= points[1]
    return {
        "name": f"{topic['name']}: " + (_(HIDDEN_PART) % {"exercise": name} if hidden else name),
        "score": points[0],
        "max_score": points[1],
        "status": "passed" if passed else "failed",
        "output": clean.text("\n".join([*([said, ""] if said else []), "checks:", *listed])),
        "output_format": "text",
        "tags": [topic["name"], *sorted({t["kind"] for t in checks})],
    }


def exercise_tests(topic: dict, standing: dict, hidden_text: bool, hidden_visibility: str) -> list[dict]:
    """Gradescope tests for ``topic``: per exercise one visible test of its public checks and one
    of its hidden checks under ``hidden_visibility``, so that a hidden check's outcome and points
    show only when the instructor lets them; each with its share of the exercise's points."""
    tests = []
    twin = topic.get("twin", DEFAULT_TWIN)
    for exercise in shown_exercises(topic, standing, hidden_text):
        if exercise.status == "skipped":
            continue
        checks = _checks_of(topic, exercise.name)
        public = [t for t in checks if t.get("visibility") == "public"]
        hidden = [t for t in checks if t.get("visibility") != "public"]
        parts = [(part, secret) for part, secret in ((public, False), (hidden, True)) if part]
        shares = _split_points(exercise, [part for part, _ in parts], twin)
        for (part, secret), share in zip(parts, shares):
            test = _gradescope_test(topic, exercise.name, part, share, hidden_text, secret)
            tests.append({**test, "visibility": hidden_visibility if secret else "visible"})
    return tests


def gradescope_results(row: Row) -> dict:
    """A student's results.json (Gradescope's format): one test per exercise, hidden checks by kind
    and shown once grades are published (until then Gradescope holds the total back too: shown
    beside the visible tests, it would give away the hidden checks' points)."""
    standing = row.report.get("standing") or {}
    tests = [
        test
        for topic in row.report.get("topics", [])
        for test in exercise_tests(
            topic, standing, hidden_text=False, hidden_visibility=defaults.HIDDEN_VISIBILITY
        )
    ]
    results = {"score": grades.points(row.score), "tests": tests}
    if row.status != "graded":
        results["output"] = _not_graded(row)
    return results


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
    grades = Grades(
        rows=by_student,
        roster=roster,
        title=column or f"torchgrade ({assignment})",
        settings=settings,
        feedback={  # the student's own result; never our grader's failure or an empty folder
            key: feedback_text(row, named.get(key, ""))
            for key, row in by_student.items()
            if row.status in ("graded", "rejected")
        },
        feedback_html={
            key: feedback_fragment(row, named.get(key, ""))
            for key, row in by_student.items()
            if row.status in ("graded", "rejected")
        },
        names=names or {},
    )
    written = lms_named(roster.lms).write(grades, out)
    write_unmatched(rows, unmatched, out / "unmatched.csv")
    return written
