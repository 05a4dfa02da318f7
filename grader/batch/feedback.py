"""A student's feedback, from their gradebook row: ``feedback/<student>.md``, its twin ``.html``,
and the fragment an LMS's comment (as HTML, or its plain text) and the review page take: per
exercise not full its points and one diagnosis with a count of the rest (what it says, and never
says, of a hidden check and of a training curve: docs/instructors.md, "Grading a class")."""

from __future__ import annotations

from dataclasses import dataclass

from grader.base import clean, grades
from grader.base.i18n import N_, _, language
from grader.batch import manual_feedback
from grader.batch.gradebook import Row
from grader.batch.standing import standing_lines
from grader.checks.judging import curves
from grader.checks.verdict.exercises import DEFAULT_TWIN, judge, shared_failure


def not_graded(row: Row) -> str:
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
    """``topic``'s exercises (grader/checks/verdict/exercises.py) with the standing's points where the
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
        return [not_graded(row)]
    return None


def feedback_markdown(row: Row, pictures: dict[tuple[str, str], str] | None = None, name: str = "") -> str:
    """One line per exercise not full, with its points and diagnosis (grader/checks/verdict/exercises.py);
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
