"""Render a :class:`Report` for people (a table with teaching messages) or machines (JSON).

On a terminal the table has colours and a symbol per status (:func:`use_colour`); piped,
redirected or with ``NO_COLOR`` set (https://no-color.org) it is plain text. Every string
that may come from a submission (messages, notes, the title: a file name) is capped and
cleaned of control characters and escape sequences here (:mod:`grader.base.clean`), in both forms.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TextIO

import click

from grader.base import clean, grades
from grader.base.i18n import _, columns, text
from grader.base.topics import REPO_ROOT
from grader.checks.verdict.exercises import Exercise, callee_pointed, shared_failure
from grader.checks.verdict.scoring import HEADINGS, Report, TopicResult
from grader.checks.verdict.shown import shown_message
from grader.engine import check_table
from grader.engine.renamed import asked, led_by, missing_itself, renamed_at, undefined

COLUMNS = ("passed", "failed", "error", "timeout", "not_started", "skipped")
# On a terminal: each status's symbol and colour (plain text marks every open check with ✗).
LOOKS = {
    "passed": ("✓", "green"),
    "failed": ("✗", "red"),
    "error": ("✗", "magenta"),
    "timeout": ("⏱", "yellow"),
    "not_started": ("…", "bright_black"),
}


def use_colour(stream: TextIO) -> bool:
    """Colour and symbols only for a terminal, and never with ``NO_COLOR`` set (non-empty)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR")


def _left(text: str, width: int) -> str:
    return text + " " * max(0, width - columns(text))


def _right(text: str, width: int) -> str:
    return " " * max(0, width - columns(text)) + text


def _paint(text: str, colour: bool, fg: str, bold: bool = False) -> str:
    return click.style(text, fg=fg, bold=bold) if colour else text


def _score_colour(score: float, max_score: float) -> str:
    return "green" if max_score and score == max_score else "red" if score == 0 else "yellow"


def to_json(report: Report) -> str:
    return json.dumps(clean.tree(report.to_json()), indent=2)


def _score(score: float, max_score: float, worth: float | None = None) -> str:
    """ "7/12", or in a release made for a course "7/12 of 30": what the public checks give of
    their share, and what the exercises are worth (grader/apps/course_points.py)."""
    shown = grades.of(score, max_score, "/")
    return (
        shown
        if worth is None
        else _("%(score)s of %(worth)s") % {"score": shown, "worth": grades.text(worth)}
    )


def _topic_score(topic: TopicResult) -> str:
    return _score(topic.score, topic.max_score, topic.worth if topic.course else None)


def course_line(report: Report) -> str:
    """In a release made for a course, or under ``--course --assignment``: what the points shown
    are, and what they are not."""
    worth = report.worth
    if report.course.get("checks") == "all":
        return _(
            "points: in %(assignment)s's points, as `grade batch` gives this submission when its time is "
            "unknown: no late penalty, extension, override, note or manual item (the class's gradebook "
            "applies those)"
        ) % {"assignment": clean.name(str(report.course.get("assignment", "")))}
    return _(
        "points: in %(assignment)s's points, and only the public checks ran: they carry %(public)s of the "
        "%(worth)s points these exercises are worth; the hidden checks grade the other %(rest)s, and can "
        "take back points a public check gave (a gradient or clause check pays only once every value "
        "check passes)"
    ) % {
        "assignment": clean.name(str(report.course.get("assignment", ""))),
        "public": grades.text(report.max_score),
        "worth": grades.text(worth),
        "rest": grades.text(max(0.0, worth - report.max_score)),
    }


def _topic_row(topic: TopicResult, colour: bool, width: int = 9) -> str:
    counts = "".join(f"{topic.count(c):>12}" for c in COLUMNS)
    score = _right(_topic_score(topic), width)
    if not colour:
        return f"{topic.name:<11}{score}{counts}"
    full = topic.max_score > 0 and topic.score == topic.max_score
    symbol, fg = LOOKS["passed"]
    mark = " " + _paint(symbol, colour, fg) if full else ""
    return (
        f"{topic.name:<11}{_paint(score, colour, _score_colour(topic.score, topic.max_score))}{counts}{mark}"
    )


def group_by_message(tests: list[dict]) -> list[tuple[str, str, list[str]]]:
    """(status, message, test ids) with one entry per distinct outcome, in first-seen order.

    An import error or a missing function fails every check the same way: say it once.
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for test in tests:
        groups.setdefault((test["status"], shown_message(test)), []).append(test["id"])
    return [(status, message, ids) for (status, message), ids in groups.items()]


def _check_lines(topic: TopicResult, colour: bool) -> list[str]:
    """Every check that did not pass, identical failures once (``--verbose``: the instructor's view)."""
    lines: list[str] = []
    every = callee_pointed([t.to_json() for t in topic.tests], [t.to_json() for t in topic.called])
    open_tests = [t for t in every if t["status"] in ("failed", "error", "timeout")]
    for status, message, ids in group_by_message(open_tests):
        label = (
            ids[0]
            if len(ids) == 1
            else _("%(count)d checks (%(first)s, …)") % {"count": len(ids), "first": ids[0]}
        )
        symbol, fg = LOOKS[status] if colour else ("✗", "")
        lines.append(
            f"  {_paint(symbol, colour, fg)} {topic.name} · {label} {_paint(_(HEADINGS[status]), colour, fg, bold=True)}"
        )
        lines += [f"      {line}" for line in clean.text(message).splitlines()]
    return lines


def _missing(name: str, exercises: list, cross: str, notebook: bool) -> tuple[list[str], list]:
    """One block for the exercises the file does not define at all (an empty file gave one per
    exercise), and the exercises left to diagnose one by one."""
    missing = [e for e in exercises if e.points == 0 and _missing_itself(e)]
    if len(missing) < 2:
        return [], exercises
    names = ", ".join(e.name for e in missing)
    line = (
        _(
            "this notebook does not define %(names)s: no cell of the saved file defines them (cells "
            "emptied or deleted? if you wrote them since the last save, save the notebook: Ctrl-S / Cmd-S)"
        )
        if notebook
        else _(
            "%(file)s does not define %(names)s: is the file empty or not saved? "
            "`grade reset NAME` puts an exercise's stub back"
        )
    ) % {"file": f"{name}.py", "names": names}
    return [f"  {cross} {name}: {line}"], [e for e in exercises if e not in missing]


def _missing_itself(exercise: Exercise) -> bool:
    """The exercise's lead says the learner's module has no attribute of its name."""
    return missing_itself(exercise.diagnosis, exercise.name)


def _renamed(topic: str, exercises: list, where: Path | None) -> dict[str, str]:
    """{exercise: the learner's definition it was likely renamed to} among those the learner's
    code does not define (`def soft_max` for softmax), read from ``where``."""
    if where is None:
        return {}
    guesses = {e.name: renamed_at(where, topic, e.name) for e in exercises if _missing_itself(e)}
    return {name: guess for name, guess in guesses.items() if guess}


def _details(topic: TopicResult, colour: bool, notebook: bool, source: Path | None) -> list[str]:
    """One diagnosis per exercise that is not full (grader/checks/verdict/exercises.py), led by the name
    it was likely renamed to (read from ``source``); an untouched exercise, and a topic whose every
    exercise fails alike (a file that does not import), in one line."""
    exercises = [e for e in topic.exercises if e.status != "skipped"]
    open_ones = [e for e in exercises if e.status != "passed"]
    if not open_ones:
        return []
    where = "" if notebook else _(" in %(file)s") % {"file": f"{topic.name}.py"}
    waiting, waiting_fg = LOOKS["not_started"]
    waiting = _paint(waiting, colour, waiting_fg)
    cross = _paint(LOOKS["failed"][0], colour, LOOKS["failed"][1])
    if all(e.status == "not_started" for e in exercises):
        blank = check_table.blank_file(topic.name)
        if all(e.diagnosis.split("\n", 1)[0] == blank for e in exercises):  # an emptied file
            return [f"  {waiting} {topic.name}: {blank}"]
        return [
            f"  {waiting} {topic.name}: "
            + _("not started (the functions%(where)s still raise NotImplementedError)") % {"where": where}
        ]
    alike = shared_failure(open_ones)
    if alike and len(open_ones) == len(exercises):
        return [f"  {cross} {topic.name}: {alike}"]
    renamed = _renamed(topic.name, open_ones, source)
    lines, rest = _missing(topic.name, [e for e in open_ones if e.name not in renamed], cross, notebook)
    open_ones = [e for e in open_ones if e in rest or e.name in renamed]  # in the curriculum's order
    for exercise in open_ones:
        worth = topic.course.get(exercise.name, [0.0, 0.0, 0.0])[2] if topic.course else None
        points = _score(exercise.points, exercise.max_points, worth)
        if exercise.status == "not_started" and "\n" not in exercise.diagnosis:
            lines.append(f"  {waiting} {topic.name} · {exercise.name} {points} " + _("not started"))
            continue
        symbol = waiting if exercise.status == "not_started" else cross
        lines.append(f"  {symbol} {topic.name} · {exercise.name} {points}")
        said = exercise.diagnosis
        if exercise.name in renamed:
            topic_name = "" if notebook else topic.name
            said = led_by(asked(exercise.name, renamed[exercise.name], topic_name), said, exercise.name)
        elif notebook and _missing_itself(exercise):  # an emptied or deleted cell
            said = led_by(undefined(exercise.name), said, exercise.name)
        lines += [f"      {line}" for line in clean.text(said).splitlines()]
    return lines


def course_name() -> str:
    """The checkout or release whose suites graded (a venv of one course may grade another's
    folder): its folder, ``~`` for the home folder."""
    folder, home = str(REPO_ROOT), os.path.expanduser("~")
    return clean.name(
        "~" + folder[len(home) :] if home not in ("", "/") and folder.startswith(home + "/") else folder
    )


def to_table(
    report: Report, title: str, colour: bool = False, verbose: bool = False, where: Path | None = None
) -> str:
    """The report as a table and, for each exercise that is not full, its diagnosis (with ``verbose``, every
    check that did not pass as well); ``colour`` adds ANSI colours and a symbol per status (for a terminal:
    :func:`use_colour`); ``where``: the graded path, read for the names of exercises the learner renamed."""
    total = _score(report.score, report.max_score, report.worth if report.course else None)
    width = max([9, *(columns(_topic_score(t)) + 2 for t in report.topics)]) if report.course else 9
    header = (
        _left(_("topic"), 11)
        + _right(_("score"), width)
        + "".join(_right(_(HEADINGS[c]), 12) for c in COLUMNS)
    )
    lines = [
        f"torchgrade: {clean.name(title)}  "
        + _("(sandbox: %(sandbox)s; device: %(device)s; graded by %(course)s)")
        % {"sandbox": text(report.sandbox), "device": report.device, "course": course_name()},
        *([report.selection] if report.selection else []),
        "",
        header,
        "-" * columns(header),
    ]
    lines += [_topic_row(t, colour, width) for t in report.topics]
    percent = 100 * report.score / report.max_score if report.max_score else 0.0
    total = f"{_right(total, width)}  ({percent:.0f} %)"
    total_fg = _score_colour(report.score, report.max_score)
    lines += ["-" * columns(header), _left(_("total"), 11) + _paint(total, colour, total_fg, bold=True)]
    lines += [course_line(report)] if report.course else []
    details = [line for t in report.topics for line in _details(t, colour, title.endswith(".ipynb"), where)]
    if details:
        lines += ["", _("What to look at:"), *details]
    checks = [line for t in report.topics for line in _check_lines(t, colour)] if verbose else []
    if checks:
        lines += ["", _("Every check not passed:"), *checks]
    lines += [_("note: ") + f"{t.name}: {clean.text(t.note)}" for t in report.topics if t.note]
    lines += [_("note: ") + clean.text(n) for n in report.notes]
    return "\n".join(lines)
