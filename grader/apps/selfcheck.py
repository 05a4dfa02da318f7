"""``check("softmax")`` in a hand-out: one exercise's public checks on the notebook's current cells,
graded by an engine process the first ``check()`` starts (:mod:`grader.apps.selfcheck_server`);
which cells and why: docs/learners.md and docs/architecture.md, "Notebooks". The result shows as a
table: HTML in Jupyter and Colab, text elsewhere; ``check`` returns None.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from grader.apps import hints
from grader.apps.selfcheck_server import READY
from grader.base import defaults, grades
from grader.base.i18n import _, normalise, set_language
from grader.checks.verdict.exercises import Exercise, judge
from grader.checks.verdict.scoring import HEADINGS, hidden_wording
from grader.checks.verdict.shown import KIND_NAMES, shown_message

_chosen: Path | None = None


class SelfCheckProblem(RuntimeError):
    """The notebook could not be graded; the message says why in one line."""


def use_notebook(path: str | os.PathLike[str], lang: str = "") -> None:
    """Name the notebook file that :func:`check` grades where the front end cannot say which; the set-up cell
    calls it, so it also starts this kernel's engine, which warms up while the learner reads (the first
    check() then answers in about a second). ``lang``: the language the hand-out was written in, which check()
    and hint() then speak (a ``TORCHGRADE_LANG`` set in the kernel's environment still wins)."""
    global _chosen
    _chosen = Path(path).resolve()
    if lang and not os.environ.get(defaults.LANGUAGE_ENV) and normalise(lang):
        set_language(lang)
    _start_engine()


def _user_namespace() -> dict[str, Any]:
    from IPython import get_ipython

    shell = get_ipython()
    return shell.user_ns if shell is not None else {}


def _from_colab(folder: Path) -> tuple[Path, str] | None:
    try:
        from google.colab import _message  # type: ignore[import-not-found]
    except ImportError:
        return None
    reply = _message.blocking_request("get_ipynb", request="", timeout_sec=30)
    if not reply or "ipynb" not in reply:
        raise SelfCheckProblem("Colab did not send the notebook's cells; run the check cell again")
    path = folder / (_chosen.name if _chosen else "notebook.ipynb")
    path.write_text(json.dumps(reply["ipynb"]))
    return path, _("the open notebook (from Colab)")


def notebook_to_grade(folder: Path) -> tuple[Path, str]:
    """(a notebook file holding the current cells, where they came from)."""
    from_colab = _from_colab(folder)
    if from_colab:
        return from_colab
    named = [
        (_user_namespace().get("__vsc_ipynb_file__"), _("the saved notebook VS Code names")),
        (os.environ.get("JPY_SESSION_NAME"), _("the saved notebook Jupyter names")),
        (_chosen, _("the saved notebook")),
    ]
    for candidate, origin in named:
        if candidate and str(candidate).endswith(".ipynb") and Path(candidate).is_file():
            return Path(candidate), origin
    raise SelfCheckProblem(
        _(
            "cannot find this notebook's file (%(chosen)s): run the set-up cell, or name the file: "
            "use_notebook('my_losses.ipynb')"
        )
        % {"chosen": _chosen or _("no use_notebook(...) in the set-up cell")}
    )


_engine: subprocess.Popen | None = None  # this kernel's grading engine (grader.apps.selfcheck_server)
_ready = False  # its first line (warm) was read
_asked = 0  # requests sent to it: each answer names its request's number


def _start_engine() -> subprocess.Popen:
    """This kernel's engine, started by the first check and again if it ended."""
    global _engine, _ready
    if _engine is None or _engine.poll() is not None:
        _ready = False
        package_root = str(Path(__file__).resolve().parents[2])
        _engine = subprocess.Popen(
            [sys.executable, "-m", "grader.apps.selfcheck_server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,  # an interrupted cell (SIGINT to the kernel's group) leaves it alive
            env={
                **os.environ,
                "PYTHONPATH": os.pathsep.join([package_root, os.environ.get("PYTHONPATH", "")]),
            },
        )
    return _engine


def engine_ready(timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for this kernel's engine to be warm (its first line)."""
    import select

    global _ready
    engine = _start_engine()
    assert engine.stdout is not None
    if not _ready and select.select([engine.stdout], [], [], timeout)[0]:
        _ready = json.loads(engine.stdout.readline() or "{}") == READY
    return _ready


def stop_engine() -> None:
    """End this kernel's engine (it also ends with the kernel)."""
    global _engine
    if _engine is not None:
        _engine.kill()
        _engine.wait()
        _engine = None


def grade_notebook(path: Path, exercise: str) -> dict[str, Any]:
    """The JSON report of ``grade PATH --public-only --exercise EXERCISE``, from this kernel's
    engine (the first call starts it; an engine that died is started again once)."""
    global _asked
    _asked += 1
    request = json.dumps({"path": str(path), "exercise": exercise, "id": _asked}) + "\n"
    if not engine_ready(0):  # a live line while it imports torch, rather than silence
        print(
            _("the grading engine is warming up (importing torch, collecting the checks): a few seconds…"),
            flush=True,
        )
    for _attempt in range(2):
        engine = _start_engine()
        assert engine.stdin is not None and engine.stdout is not None
        try:
            engine.stdin.write(request)
            engine.stdin.flush()
            reply = _reply(engine, _asked)
        except OSError:
            reply = None
        if reply is not None:
            if "problem" in reply:
                raise SelfCheckProblem(str(reply["problem"]))
            return dict(reply["report"])
        stop_engine()
    raise SelfCheckProblem("the grading engine stopped twice; run `grade doctor` in a terminal")


def _reply(engine: subprocess.Popen, asked: int) -> dict[str, Any] | None:
    """The engine's answer to request ``asked`` (None where it ended first), read past its READY
    line and past the answers to requests whose cell was interrupted (Ctrl-C, the kernel's
    interrupt button) while the engine graded them."""
    global _ready
    assert engine.stdout is not None
    while True:
        line = engine.stdout.readline()
        if not line:
            return None
        reply = json.loads(line)
        if reply == READY:  # its first line, once warm: later checks find it warm (no warming message)
            _ready = True
        elif reply.get("id", asked) == asked:
            return dict(reply)


def _defines(source: str, exercise: str) -> bool:
    """Whether a cell defines ``exercise`` (a pasted byte order mark before its ``def`` allowed)."""
    pattern = rf"^\ufeff?\s*(?:def|class)\s+{re.escape(exercise)}\b"
    return re.search(pattern, source, re.MULTILINE) is not None


def _normal(source: str) -> str:
    """A cell's code as compared: no byte order mark, no trailing spaces, any line ends."""
    return "\n".join(line.rstrip() for line in source.replace("\ufeff", "").strip().splitlines())


def unsaved_warning(path: Path, exercise: str, history: list[str]) -> str:
    """A warning when the cell that defines ``exercise``, as last run (``history``: the
    kernel's ``In``), is not in the graded file: the learner has not saved since."""
    last = next((cell for cell in reversed(history) if _defines(cell, exercise)), None)
    if last is None:
        return ""
    cells = [c.source for c in nbformat.read(str(path), as_version=4).cells if c.cell_type == "code"]
    if _normal(last) in {_normal(c) for c in cells}:
        return ""
    if not any(_defines(c, exercise) for c in cells):  # emptied, deleted or renamed: the lead says so
        return ""
    return _(
        "the cell defining %(exercise)s that you ran last is not in the saved notebook, so it was "
        "not checked: save the notebook (Ctrl-S / Cmd-S), then run this cell again"
    ) % {"exercise": exercise}


STATUS_COLOURS = {"passed": "green", "failed": "red", "error": "darkmagenta", "timeout": "darkorange"}


def _picture(test: dict[str, Any]) -> str:
    """A failed training check's curve, inline (the PNG ``grade`` drew), or ''."""
    curve = test.get("curve")
    path = curve.get("picture") if isinstance(curve, dict) else None
    if not isinstance(path, str) or not path.endswith(".png"):
        return ""
    try:
        data = base64.b64encode(Path(path).read_bytes()).decode()
    except OSError:
        return ""
    return f"<br><img alt='training curve' src='data:image/png;base64,{data}'>"


@dataclass
class CheckResult:
    """One exercise's public checks, shown as a table (``_repr_html_``) or as text."""

    exercise: str
    tests: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    hidden: dict[str, int] = field(default_factory=dict)  # {kind: count} the hidden suite still judges
    # a release made for a course: the exercise's course points, as `grade` counts them
    # (grader/apps/course_points.py): {"points", "max_points", "worth", "assignment"}
    course: dict[str, Any] = field(default_factory=dict)
    renamed: str = ""  # the learner's definition the exercise was likely renamed to

    def still_judged(self) -> str:
        """What the hidden suite still judges of this exercise (kinds and counts, never inputs)."""
        if not self.hidden:
            return _("the course's hidden suite may judge more")
        return _("the hidden suite still judges it with %(checks)s") % {"checks": hidden_wording(self.hidden)}

    def verdict(self) -> Exercise | None:
        """The exercise's points and diagnosis from its public checks (grader/checks/verdict/exercises.py)."""
        return next((e for e in judge(self.tests) if e.name == self.exercise), None)

    def summary(self) -> str:
        verdict = self.verdict()
        if not self.tests or verdict is None:
            return f"{self.exercise}: " + _("no public check here; the hidden suite grades it")
        if verdict.status == "not_started":
            return f"{self.exercise}: " + _("not started (it still raises NotImplementedError)")
        points = self._points(verdict)
        if verdict.status == "passed":
            return f"{self.exercise}: " + _("passed, %(points)s; %(rest)s") % {
                "points": points,
                "rest": self.still_judged(),
            }
        return f"{self.exercise}: {points}"

    def _points(self, verdict: Exercise) -> str:
        """ "2/4 points of its public checks", or the course's points (their public share)."""
        if not self.course:
            return _("%(points)s points of its public checks") % {
                "points": grades.of(verdict.points, verdict.max_points, "/")
            }
        return _(
            "%(points)s points of the %(worth)s it is worth in %(assignment)s, from its public checks"
        ) % {
            "points": grades.of(self.course["points"], self.course["max_points"], "/"),
            "worth": grades.text(self.course["worth"]),
            "assignment": self.course["assignment"],
        }

    def diagnosis(self) -> str:
        """What to fix first ("" when nothing is open or nothing started)."""
        from grader.engine.renamed import asked, led_by, missing_itself, undefined

        verdict = self.verdict()
        found = verdict.diagnosis if verdict is not None and verdict.status not in ("not_started",) else ""
        if self.renamed:
            return led_by(asked(self.exercise, self.renamed), found, self.exercise)
        if missing_itself(found, self.exercise):  # an emptied or deleted cell
            return led_by(undefined(self.exercise), found, self.exercise)
        return found

    def _rows(self) -> list[tuple[str, str, str, str]]:
        values_right = all(t["status"] in ("passed", "skipped") for t in self.tests if not t.get("clause"))
        numbered: dict[str, int] = {}
        rows = []
        for test in self.tests:  # "value check 2" rather than a pytest id
            name = test.get("clause") or KIND_NAMES.get(test["kind"], test["kind"])
            numbered[name] = numbered.get(name, 0) + 1
            label = _("%(kind)s check %(n)d") % {"kind": _(name), "n": numbered[name]}
            message = shown_message(test)
            if test.get("clause") and not values_right and test["status"] != "passed":
                message = _("judged once the values are right")  # a clause's hint would point elsewhere
            rows.append((label, test["kind"], _(HEADINGS.get(test["status"], test["status"])), message))
        return rows

    def __str__(self) -> str:
        lines = [self.summary(), *(f"  {line}" for line in self.diagnosis().splitlines())]
        lines += [_("note: ") + n for n in self.notes]
        for check_id, _kind, status, message in self._rows():
            lines.append(f"  {status:<12} {check_id}")
            lines += [f"      {line}" for line in message.splitlines()]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<tr><td>{html.escape(check_id)}</td>"
            f"<td style='color:{STATUS_COLOURS.get(test['status'], 'inherit')}'><b>{status}</b></td>"
            f"<td><pre style='margin:0;white-space:pre-wrap'>{html.escape(message)}</pre>{_picture(test)}</td></tr>"
            for (check_id, _kind, status, message), test in zip(self._rows(), self.tests)
        )
        note = _("note: ")
        notes = "".join(f"<p>{html.escape(note + n)}</p>" for n in self.notes)
        headings = "".join(
            f"<th>{html.escape(h)}</th>" for h in (_("check"), _("status"), _("what was found"))
        )
        first = self.diagnosis()
        first = f"<pre style='white-space:pre-wrap'>{html.escape(first)}</pre>" if first else ""
        return f"<p><b>{html.escape(self.summary())}</b></p>{first}{notes}<table><tr>{headings}</tr>{cells}</table>"


def self_check(exercise: str, history: list[str] | None = None) -> CheckResult:
    """Grade the notebook's current cells for ``exercise``; ``history`` (``In``) only warns."""
    with tempfile.TemporaryDirectory() as folder:
        path, origin = notebook_to_grade(Path(folder))
        report = grade_notebook(path, exercise)
        warning = unsaved_warning(path, exercise, history or []) if "saved" in origin else ""
        result = from_report(
            report, exercise, [_("checked %(origin)s") % {"origin": origin}, *([warning] if warning else [])]
        )
        result.renamed = _renamed(path, report, exercise, result.tests)
    return result


def _renamed(path: Path, report: dict[str, Any], exercise: str, tests: list[dict[str, Any]]) -> str:
    """What the learner likely renamed ``exercise`` to in the notebook ("" where a check of it
    ran, or nothing is close): as `grade next` asks in the terminal."""
    if not report.get("topics") or not any(t["status"] == "error" for t in tests):
        return ""
    from grader.engine.renamed import renamed_at

    return renamed_at(path, str(report["topics"][0]["name"]), exercise)


def from_report(report: dict[str, Any], exercise: str, notes: list[str]) -> CheckResult:
    """``exercise``'s result from the JSON report of its public checks, ``notes`` first."""
    tests = [t for topic in report["topics"] for t in topic["tests"]]
    notes = [*notes[:1], *(topic["note"] for topic in report["topics"] if topic.get("note")), *notes[1:]]
    hidden: dict[str, int] = next(
        (t["hidden"][exercise] for t in report["topics"] if exercise in t.get("hidden", {})), {}
    )
    found = [e for t in report["topics"] for e in t.get("exercises", []) if e["name"] == exercise]
    course = {}
    if found and "course" in report and "course_points" in found[0]:
        course = {
            "points": found[0]["points"],
            "max_points": found[0]["max_points"],
            "worth": found[0]["course_points"],
            "assignment": report["course"]["assignment"],
        }
    return CheckResult(exercise=exercise, tests=tests, notes=notes, hidden=hidden, course=course)


def check(exercise: str) -> None:
    """Run ``exercise``'s public checks on this notebook's current cells and show the result."""
    from IPython.display import display

    try:
        display(self_check(exercise, _user_namespace().get("In")))
    except SelfCheckProblem as exc:
        print(f"{exercise}: " + _("could not check: %(error)s") % {"error": exc})


def hint(exercise: str) -> None:
    """The next hint of ``exercise`` (``grade hint EXERCISE`` in a notebook): one more each call."""
    try:
        found = hints.next_hint(exercise)
    except hints.UsageProblem as exc:
        print(f"{exercise}: {exc}")
        return
    print(
        _("hint %(level)d/%(total)d for %(exercise)s: %(text)s")
        % {"level": found.level, "total": found.total, "exercise": exercise, "text": found.text}
    )
    if not found.last:
        print(_('(`hint("%(exercise)s")` again for the next one)') % {"exercise": exercise})
