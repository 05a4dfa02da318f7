"""A learner's way forward and back: ``grade next`` and ``grade reset EXERCISE`` (how each
works: docs/architecture.md, "The learner's loop")."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grader.base import grades
from grader.base.i18n import N_, _, ngettext, translated_docstrings
from grader.base.topics import REPO_ROOT, TOPICS, original_stub_file, stub_file
from grader.checks.verdict.scoring import Report
from grader.checks.verdict.shown import KIND_NAMES
from grader.engine.renamed import DEFINITIONS, asked, renamed_at
from grader.engine.selection import UsageProblem, exercise_names
from grader.engine.sources import parsed

# The kinds of checks as points_line names them
CHECK_KINDS = {
    "value": N_("value"),
    "gradient": N_("gradient"),
    "convergence": N_("training"),
    "device": N_("device"),
    "clause": N_("clause"),
}


@dataclass(frozen=True)
class Next:
    topic: str
    exercise: str
    summary: str  # the first line of its docstring
    command: str  # how to check it
    problem: str = ""  # what stops the whole file (a syntax error): said before the rest
    renamed: str = ""  # the learner's definition the exercise was likely renamed to


def resolved(name: str) -> tuple[str, str]:
    """(topic, exercise) of ``name``: an exercise's name, or ``topic.exercise`` where two topics'
    stubs define one name (a pack's ``batch_norm`` beside resnet's); :class:`UsageProblem` naming
    the close ones where none holds it, both forms where two do."""
    from grader.engine.selection import topics_with_exercises

    topic, dot, bare = name.partition(".")
    if dot and topic in TOPICS:
        topics_with_exercises([topic], (bare,))
        return topic, bare
    holders = topics_with_exercises(list(TOPICS), (name,))
    if len(holders) > 1:
        forms = " / ".join(f"{t}.{name}" for t in holders)
        raise UsageProblem(
            _("%(name)s is an exercise of %(count)d topics: name its topic too (%(forms)s)")
            % {"name": name, "count": len(holders), "forms": forms}
        )
    return holders[0], name


def _definition(tree: ast.Module, name: str) -> ast.stmt | None:
    return next((n for n in tree.body if isinstance(n, DEFINITIONS) and n.name == name), None)


def _span(node: ast.stmt) -> tuple[int, int]:
    """First and last line (1-based) of a definition, its decorators included."""
    start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return start, node.end_lineno or node.lineno


def first_docstring_line(folder: Path, topic: str, name: str) -> str:
    """The first line of ``name``'s docstring, from the learner's file or else the stub as handed
    out (:func:`original_stub`: a checkout's exercises/ may be the learner's file itself)."""
    target = folder / f"{topic}.py"
    for read in (lambda: parsed.text(target.read_bytes()), lambda: original_stub(topic, target)):
        try:
            node = _definition(ast.parse(read()), name)
        except (OSError, SyntaxError, ValueError):  # UsageProblem: no original to read
            continue
        docstring = ast.get_docstring(node) if node is not None else None  # type: ignore[arg-type]
        if docstring:
            return docstring.strip().splitlines()[0]
    return ""


def find_next(folder: Path, grade_topic: Callable[[str], list[dict]]) -> Next | None:
    """The first exercise, in the curriculum's order, with a check that did not pass;
    ``grade_topic(topic)`` returns the topic's checks as JSON dicts. None when all are full."""
    for topic in TOPICS:
        if not (folder / f"{topic}.py").is_file():
            continue
        tests = grade_topic(topic)
        open_ = {e for t in tests if t["status"] not in ("passed", "skipped") for e in t["exercises"]}
        for name in exercise_names(topic):
            if name in open_:
                return Next(
                    topic=topic,
                    exercise=name,
                    summary=first_docstring_line(folder, topic, name),
                    command=exercise_command(folder, topic, name),
                    problem=_whole_file_problem(tests),
                    renamed=renamed_at(folder, topic, name),
                )
    return None


def _whole_file_problem(tests: list[dict]) -> str:
    """The one message every check of a topic fails with where its file cannot run at all (a
    syntax error, a loop or an error at import), else "": no check passed, every public check
    erred or timed out with the same message (hidden checks' words are sealed: not read)."""
    graded = [t for t in tests if t["status"] != "skipped"]
    public = [t for t in graded if t.get("visibility", "public") == "public"]
    said = {t.get("message", "") for t in public}
    stopped = all(t["status"] in ("error", "timeout") for t in graded)
    return said.pop() if public and stopped and len(said) == 1 else ""


def exercise_command(path: Path, topic: str, name: str) -> str:
    """How to grade exercise ``name`` of ``topic`` in ``path`` (a folder, a topic's file, a notebook)."""
    target = path / f"{topic}.py" if path.is_dir() else path
    return f"grade {target} --exercise {name}"


def _summary(found: Next) -> str:
    """The exercise's docstring line in the learner's language: the reviewed translation of the
    hand-outs' docstrings where there is one, else the line as it stands."""
    translated = translated_docstrings(found.topic).get(found.exercise, "")
    return translated.splitlines()[0] if translated else found.summary


def loop_lines(found: Next, folder: Path) -> list[str]:
    """What ``grade next`` says after naming the exercise: the fast loop, the warm command, help
    (first, what stops its whole file)."""
    return [
        *([found.problem] if found.problem else []),
        *([asked(found.exercise, found.renamed, found.topic)] if found.renamed else []),
        _("next: %(exercise)s (%(topic)s): %(summary)s")
        % {
            "exercise": found.exercise,
            "topic": found.topic,
            "summary": _summary(found),
        },
        _("check it with: %(command)s") % {"command": found.command},
        _("fastest: leave `grade watch %(folder)s` open: each save re-grades %(topic)s at once")
        % {"folder": folder, "topic": found.topic},
        _("`grade next --run` grades it now; stuck? `grade hint %(exercise)s` (ask again for more)")
        % {"exercise": found.exercise},
    ]


def points_line(report: Report) -> str:
    """How the points add up, where some check counts more than 1 ("" where none does)."""
    heavier: dict[tuple[str, float], int] = {}
    for topic in report.topics:
        for test in topic.tests:
            if test.max_points > 1:
                key = (KIND_NAMES.get(test.kind, test.kind), test.max_points)
                heavier[key] = heavier.get(key, 0) + 1
    if not heavier:
        return ""
    parts = [
        ngettext(
            "%(count)d %(kind)s check counts %(points)s", "%(count)d %(kind)s checks count %(points)s", count
        )
        % {"count": count, "kind": _(CHECK_KINDS.get(kind, kind)), "points": grades.text(points)}
        for (kind, points), count in sorted(heavier.items())
    ]
    return _("points: a check counts 1, but here %(parts)s (so points and passed checks differ)") % {
        "parts": ", ".join(parts)
    }


def shares_line(report: Report) -> str:
    """Why an exercise's points are a fraction (entropy 0/7.5): a check that judges several
    exercises gives each an equal share ("" where none is a fraction)."""
    names = [
        f"{e.name} {grades.text(e.max_points)}"
        for topic in report.topics
        for e in topic.exercises
        if abs(e.max_points - round(e.max_points)) > 1e-9
    ]
    if not names:
        return ""
    return _(
        "points: a check that judges several exercises gives each an equal share of its points, "
        "hence the fractions (%(exercises)s)"
    ) % {"exercises": ", ".join(names)}


def start_line(report: Report, path: Path) -> str:
    """Where to start, for a report where nothing was started yet ("" otherwise)."""
    tests = [t for topic in report.topics for t in topic.tests if t.status != "skipped"]
    if not tests or any(t.status != "not_started" for t in tests):
        return ""
    topic = report.topics[0]
    names = [n for n in exercise_names(topic.name) if any(n in t.exercises for t in topic.tests)]
    if not names:
        return ""
    folder = path if path.is_dir() else path.parent
    return _(
        "start here: %(exercise)s in %(topic)s (`grade hint %(exercise)s` helps); "
        "`grade next %(folder)s` names the next exercise each time, `grade watch %(path)s` re-grades each save"
    ) % {"exercise": names[0], "topic": topic.name, "folder": folder, "path": path}


def original_stub(topic: str, target: Path) -> str:
    """The stub as handed out: a release's kept original, ``exercises/`` of this checkout, or,
    when that is the file being reset, its version in git's last commit."""
    for stub in (original_stub_file(topic), stub_file(topic)):
        if stub.is_file() and stub.resolve() != target.resolve():
            return parsed.text(stub.read_bytes())
    relative = f"exercises/{topic}.py"
    try:
        done = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "show", f"HEAD:{relative}"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        done = None
    if done is None or done.returncode != 0:
        raise UsageProblem(
            _(
                "no original of %(file)s to reset from: %(target)s is the only copy here "
                "(download the release again, or work in a copy of exercises/)"
            )
            % {"file": relative, "target": target}
        )
    return done.stdout


DEFINED = re.compile(r"(?:async\s+)?(?:def|class)\s+(\w+)")


def _text_span(lines: list[str], name: str) -> tuple[int, int] | None:
    """``name``'s definition in a file that does not parse, read as text: its ``def`` or
    ``class`` line (and decorators above) to the line before the next top-level statement."""
    start = next((i for i, line in enumerate(lines) if (m := DEFINED.match(line)) and m[1] == name), None)
    if start is None:
        return None
    first = start
    while first > 0 and lines[first - 1].startswith("@"):
        first -= 1
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#)]}"):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():  # the blank lines after it stay
        end -= 1
    return first + 1, end


def _span_in(current: str, name: str) -> tuple[int, int] | None:
    """(first, last) line of ``name``'s definition in ``current``, parsed or read as text."""
    try:
        node = _definition(ast.parse(current), name)
    except (SyntaxError, ValueError):
        return _text_span(current.splitlines(), name)
    return _span(node) if node is not None else None


@dataclass(frozen=True)
class Reset:
    target: Path  # the file reset
    saved: Path  # what it held, kept beside it
    problem: str  # where the file still does not parse afterwards ("" where it does)


def reset(folder: Path, name: str) -> Reset:
    """Put exercise ``name``'s stub back into ``folder/<topic>.py``, whatever state the file is in
    (a syntax error, empty, a BOM, CRLF: kept as the editor wrote them). The other exercises are
    left as they are; the whole file is saved beside it first."""
    topic, name = resolved(name)
    target = folder / f"{topic}.py"
    original = original_stub(topic, target)
    stub_node = _definition(ast.parse(original), name)
    if stub_node is None:
        raise UsageProblem(_("the original %(file)s has no %(name)s") % {"file": f"{topic}.py", "name": name})
    first, last = _span(stub_node)
    stub_lines = original.splitlines()[first - 1 : last]
    if not target.is_file():
        raise UsageProblem(_("no %(target)s to reset %(name)s in") % {"target": target, "name": name})
    data = target.read_bytes()
    current = parsed.text(data)
    lines, span = current.splitlines(), _span_in(current, name)
    if not current.strip():  # an emptied file: the stub's header (docstring, imports) too
        lines = original.splitlines()[: _prelude_end(original)] + stub_lines
    elif span is None:  # not there: put back at the end
        lines += ["", "", *stub_lines]
    else:
        lines[span[0] - 1 : span[1]] = stub_lines
    saved = _save_beside(target)
    text = "\n".join(lines) + "\n"
    written = text.replace("\n", "\r\n") if b"\r\n" in data else text
    target.write_bytes((b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b"") + written.encode())
    broken = parsed.syntax_error(text)
    return Reset(target, saved, "" if broken is None else f"{target.name}, line {broken[0]}: {broken[1]}")


def _prelude_end(source: str) -> int:
    """How many lines of ``source`` come before its first definition (its docstring, imports)."""
    first = next((n for n in ast.parse(source).body if isinstance(n, DEFINITIONS)), None)
    return _span(first)[0] - 1 if first is not None else len(source.splitlines())


def _save_beside(target: Path) -> Path:
    """A copy of ``target`` beside it, named by the time (two in one second keep both)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    saved = target.with_name(f"{target.name}.{stamp}.bak")
    for number in range(2, 100):
        if not saved.exists():
            break
        saved = target.with_name(f"{target.name}.{stamp}-{number}.bak")
    shutil.copy2(target, saved)
    return saved
