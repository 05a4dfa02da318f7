"""The exercise verdict: each exercise's points, status and one diagnosis, from its checks' JSON
form (:meth:`TestResult.to_json`, as reports and the gradebook hold them); the rules are
docs/checks.md's, "The exercise verdict". The input-domain battery (:data:`BATTERY`), whose
cases and answers ship with every release, pays only beside a passing value check of another
kind: a table of the stored answers is no answer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from grader.base import clean, grades
from grader.base.i18n import _, ngettext
from grader.checks.verdict.error_types import error_hint
from grader.checks.verdict.failed import TYPE
from grader.checks.verdict.shown import CheckRow, hidden_said, shown_message

# "zero": the exercise earns nothing; "half": half of what it would earn without the rule;
# "check": only the checks that saw the twin fail (the behaviour before the rule).
TWIN_RULES = ("zero", "half", "check")
DEFAULT_TWIN = "zero"


@dataclass
class Exercise:
    name: str
    points: float
    max_points: float
    status: str  # passed, partial, failed, not_started, skipped
    diagnosis: str = ""  # the first thing to fix, then a count of the rest ("" when full)
    cause: str = ""  # what the diagnosis names, the same whatever the inputs (:func:`cause_of`)

    def to_json(self) -> dict[str, Any]:
        """Its fields, in their order; the cause only where there is one."""
        return {k: v for k, v in asdict(self).items() if k != "cause" or v}


# The id of each suite's input-domain battery (grader/checks/battery.py), "input_domain[NAME]"
BATTERY = "input_domain["


# A structure case whose module holds layers with weights its forward never applied
# (grader/checks/battery.py): the cause named outright, so it leads before values.
UNTOUCHED = "mistake:untouched-layers"
# A module's call that changed the caller's input: a later call of the same module (a probe calling a
# block twice on one x) meets it changed and fails on values too, so the write leads (learner_s35's
# b35_27: the formula was told for `x += conv2(...)`). A function's battery call gets inputs of its
# own; its changed argument is the inputs clause's (grader/checks/battery.py INPUTS).
CHANGED_INPUT = "mistake:changed-input"


READ_A_WRONG_TYPE = ("error:AttributeError", "error:TypeError")  # what a check reading it raises


def rank(test: CheckRow) -> int:
    """How basic a failure is: a value check that raised 0, a wrong shape or type 1 (the row's
    ``form``, layers its module never applied, or an input its module changed), wrong values 2, a gradient check 3, a
    convergence check or the input-domain battery 4, a clause (whatever its status) 5: the battery's own case run on the second device
    (cause "device") too, so that a device check that also fails leads with its own words."""
    if test.get("clause") or test.get("cause") in ("twin", "device"):
        return 5
    if test.get("cause") in (UNTOUCHED, CHANGED_INPUT):
        return 1
    if test["id"].startswith(BATTERY):  # the broad net: a specific check that also fails says more
        return 4
    if test["kind"] != "shape":
        return {"gradient": 3, "convergence": 4}.get(test["kind"], 5)
    if test["status"] in ("error", "timeout", "not_started"):
        return 0
    return 1 if test.get("form") else 2


def _plain_groups(tests: list[CheckRow]) -> dict[str, list[tuple[CheckRow, float]]]:
    """{exercise: [(check, share)]} in first-seen order; a check naming no exercise is its own."""
    groups: dict[str, list[tuple[CheckRow, float]]] = {}
    for test in tests:
        names = test.get("exercises") or [test["id"]]
        for name, share in zip(names, _shares(test, len(names))):
            groups.setdefault(name, []).append((test, share))
    return groups


def _groups(
    tests: list[CheckRow], called: Sequence[CheckRow] = ()
) -> dict[str, list[tuple[CheckRow, float]]]:
    """:func:`_plain_groups`, where a shared check failing through one of its exercises (:func:`_neighbours`)
    is that one's: the others read it ``charged`` to it, passed where their own checks all pass,
    skipped where the run holds none of theirs (``--exercise`` another: not shown failing)."""
    groups = _plain_groups(tests)
    charged = _charges(_plain_groups(_with_called(tests, called)) if called else groups)
    judged = {name for name, checks in groups.items() if _own(checks)}
    for name, checks in groups.items():
        read = "passed" if _own_clean(checks) else "" if name in judged else "skipped"
        groups[name] = [(_neighbours(t, name, read, charged, judged), s) for t, s in checks]
    return groups


def _shares(test: CheckRow, n: int) -> list[float]:
    """Each of a check's ``n`` exercises' share of its points: its maximum split in cents by the
    check's own record (in the order it names them, grades.apportion), so that an exercise's
    points are the same whichever exercises a run selects (``check()``, ``--exercise``)."""
    most = test.get("max_points") or 0.0
    if n == 1 or not most:
        return [1.0 / n] * n
    return [float(part) / most for part in grades.apportion([1] * n, most)]


def _neighbours(test: CheckRow, name: str, read: str, charged: dict[str, str], judged: set[str]) -> CheckRow:
    """``test`` as exercise ``name`` reads it: where an open shared check fails through another
    (the one :func:`_charges` names, else for ``name`` with no own check in the run the first of
    its exercises with some), with status ``read`` (unchanged when "") and never their twin."""
    owner = charged.get(test["id"], name)
    if test["id"] not in charged and name not in judged and test["status"] not in _OPEN:
        owner = next((n for n in test.get("exercises") or () if n in judged), name)
    if owner == name:
        return test
    row = {**test, "status": read or test["status"], "charged": owner}
    if row.get("cause") == TWIN:  # the twin rule judges the exercise that called one
        row.pop("cause")
    return row


_OPEN = ("passed", "skipped")
# the cause of a check the subset check refused (grader/engine/subset/submission.py refuse): its module,
# or the exercise's code, never ran
REFUSED = "refused"
# the cause of a check that saw an off-limits twin called, or read one in the exercise's source
TWIN = "twin"
# the cause of an exercise whose lead check called another exercise that fails its own checks
# (:func:`callee_of`): "callee:log_softmax"
CALLEE = "callee:"
# the input-domain battery's cause where the outputs do not depend on the inputs (a non-answer,
# grader/checks/cases/non_answer.py): silent:raises, silent:nan, silent:constant, silent:echo
SILENT = "silent:"


def raised_by(test: CheckRow) -> str:
    """Which of a shared check's exercises its failure belongs to, as the check's record holds
    it (``blame``: the stub not started, the innermost frame of the raising call, or the
    exercise the probe called: grader/engine/suites/plugin.py placed); "" when it cannot be told."""
    blame = test.get("blame") or ""
    return blame if blame in (test.get("exercises") or ()) else ""


def _own(checks: list[tuple[CheckRow, float]]) -> list[CheckRow]:
    """An exercise's value checks of its own (each judges no other exercise)."""
    return [t for t, _ in checks if len(t.get("exercises") or ()) < 2 and not t.get("clause")]


def _own_clean(checks: list[tuple[CheckRow, float]]) -> bool:
    """Whether an exercise has value checks of its own in the run and passes them all: one whose
    own checks a selection left out (``--exercise`` another) is not judged clean by a shared one."""
    own = _own(checks)
    return bool(own) and all(t["status"] in _OPEN for t in own)


def _own_open(checks: list[tuple[CheckRow, float]], clause: str = "") -> bool:
    """Whether an exercise fails a value check of its own (with ``clause``: a check of that clause)."""
    alone = (t for t, _ in checks if len(t.get("exercises") or ()) < 2 and t.get("clause") == clause)
    return any(t["status"] not in _OPEN for t in (alone if clause else _own(checks)))


def _charges(groups: dict[str, list[tuple[CheckRow, float]]]) -> dict[str, str]:
    """{check's id: the exercise it charges} for each open shared check whose failure belongs to
    one exercise: the one its record names (:func:`raised_by`) unless that one passes its own
    checks and another alone fails its own (rnn_forward handing rnn_cell a wrong input), else
    the only one of them that fails a check of its own (MLP's: train_epoch's training check)."""
    charged: dict[str, str] = {}
    for checks in groups.values():
        for test, _share in checks:
            names = test.get("exercises") or []
            if (
                len(names) < 2
                or test["status"] in _OPEN
                or test["id"] in charged
                or (test.get("cause") == TWIN and not raised_by(test))  # a twin no record places
            ):
                continue
            who, failing = raised_by(test), [n for n in names if n in groups and _own_open(groups[n])]
            if (not who or _own_clean(groups.get(who, []))) and len(failing) == 1:
                who = failing[0]
            if who:
                charged[test["id"]] = who
    return charged


def _split(
    checks: list[tuple[CheckRow, float]],
) -> tuple[list[tuple[CheckRow, float]], list[tuple[CheckRow, float]]]:
    """(value checks, clause checks) of an exercise, skipped ones left out; a check that saw a
    twin counts as a clause (the twin rule, not the values, judges it)."""
    counted = [(t, s) for t, s in checks if t["status"] != "skipped"]
    clause = [bool(t.get("clause") or t.get("cause") == "twin") for t, _ in counted]
    return [c for c, k in zip(counted, clause) if not k], [c for c, k in zip(counted, clause) if k]


def _max_points(checks: list[tuple[CheckRow, float]]) -> float:
    """Summed as :func:`_earned` sums a full exercise's points, so that full is exactly full."""
    values, clauses = _split(checks)
    return float(sum(s * t["max_points"] for t, s in values) + sum(s * t["max_points"] for t, s in clauses))


def _earned(checks: list[tuple[CheckRow, float]], twin: str) -> float:
    """The exercise's points under the rules of this module's docstring."""
    counted = [(t, s) for t, s in checks if t["status"] != "skipped"]
    used_twin = any(t.get("cause") == "twin" for t, _ in counted)
    if used_twin and twin == "zero":
        return 0.0

    def passed(test: CheckRow) -> bool:  # "half": judged as if the twin were allowed, then halved
        return test["status"] == "passed" or (
            twin == "half" and test["status"] == "failed" and test.get("cause") == "twin"
        )

    values, clauses = _split(checks)
    answers = [(t, s) for t, s in values if t["kind"] != "gradient"]
    gradients = [(t, s) for t, s in values if t["kind"] == "gradient"] if answers else []
    answers = answers or values
    if answers and not any(passed(t) for t, _ in answers):
        return 0.0
    drawn = [t for t, _ in answers if not t["id"].startswith(BATTERY)]
    if drawn and not any(passed(t) for t in drawn):
        return 0.0  # the battery's stored cases alone (they ship with every release) earn nothing
    earned: float = sum(s * t["max_points"] for t, s in answers if passed(t))
    if all(passed(t) for t, _ in answers):
        earned += sum(s * t["max_points"] for t, s in gradients if passed(t))
        if all(passed(t) for t, _ in gradients):
            earned += sum(s * t["max_points"] for t, s in clauses if passed(t))
    return earned / 2 if used_twin and twin == "half" else earned


def _status(checks: list[tuple[CheckRow, float]], points: float, max_points: float) -> str:
    statuses = {t["status"] for t, _ in checks} - {"skipped"}
    if not statuses:
        return "skipped"
    if statuses == {"not_started"}:
        return "not_started"
    if points >= max_points > 0:
        return "passed"
    return "partial" if points > 0 else "failed"


def waited_for(name: str, test: CheckRow, exercises: Iterable[str]) -> str:
    """The other exercise whose NotImplementedError stopped ``name``'s check (cross_entropy
    calling log_softmax, as its docstring says), from the check's record (``stub``); "" when
    it is its own stub or a method of its own class (__init__, forward)."""
    stub = test.get("stub") or ""
    return stub if test["status"] == "not_started" and stub != name and stub in exercises else ""


def waits_for(name: str, test: CheckRow, exercises: Iterable[str]) -> str:
    """The line that says ``name`` waits for another exercise (:func:`waited_for`), or ""."""
    if not waited_for(name, test, exercises):
        return ""
    return "\n  " + _("%(name)s calls it: it is judged once that function answers") % {"name": name}


def cause_of(name: str, first: CheckRow, exercises: Iterable[str], hidden_text: bool = True) -> str:
    """What a diagnosis led by ``first`` names, the same whatever the inputs: docs/checks.md's
    causes ("twin", "timeout", "not_started", "error:KIND", "mistake:NAME", else "CHECK:STAGE"),
    "waits:OTHER" (it calls an exercise not started) and "refused" (the module was refused before
    it ran); without ``hidden_text`` a hidden check is named by its kind only ("hidden-shape:values")."""
    cause, status = first.get("cause") or "", first["status"]
    if cause == REFUSED:
        return REFUSED  # the code never ran: the same cause for every exercise it costs
    if cause == "twin" or status == "timeout":
        return cause or "timeout"
    if status == "not_started":
        other = waited_for(name, first, exercises)
        return f"waits:{other}" if other else "not_started"
    if status == "error":
        return cause or "error"
    if cause.startswith("mistake:"):
        return cause
    named = first["id"].split("[", 1)[0]  # without its parameters: the same check on any inputs
    if not hidden_text and first.get("visibility") != "public":
        named = f"hidden-{first['kind']}"
    return f"{named}:{cause or status}"


def _lead(
    name: str, checks: list[tuple[CheckRow, float]], twin: str
) -> tuple[CheckRow | None, list[CheckRow]]:
    """(the check the diagnosis leads with, the open checks it counts), by :func:`rank`, a
    public check before a hidden one of the same rank (its message says more, on every path),
    then suite order, a :func:`sealed` value check after the others; a shared check charged to
    another exercise is that one's to explain."""
    open_checks = [t for t, _ in checks if t["status"] not in _OPEN and t.get("charged", name) == name]
    if not open_checks:
        return None, []
    if all(t["status"] == "not_started" for t in open_checks):
        return open_checks[0], open_checks
    twins = [t for t in open_checks if t.get("cause") == "twin"]
    # a result of the wrong type makes the checks reading it raise: the check saying what it is leads
    typed = any(t.get("cause") == TYPE and t.get("form") for t in open_checks)

    def order(test: CheckRow) -> tuple[float, bool]:
        # a sealed value check (its problem's words withheld) after the value checks that say
        # what went wrong, before the clauses: those pay only once the values are right
        said = 4.5 if sealed(test) and not test.get("clause") else rank(test)
        if typed and test.get("cause") in READ_A_WRONG_TYPE:
            said = 1.5
        return said, test.get("visibility") != "public"

    informative = min(open_checks, key=order)
    return (twins[0] if twins and twin != "check" else informative), open_checks


def sealed(test: CheckRow) -> bool:
    """Whether a check says nothing of what went wrong: a hidden one that raised reports it in
    the trusted side's words alone, no error's kind (grader/engine/worker/problems.py sealed)."""
    return test.get("visibility") != "public" and test["status"] == "error" and not test.get("cause")


def _diagnosis(
    name: str,
    groups: dict[str, list[tuple[CheckRow, float]]],
    twin: str,
    hidden_text: bool,
    blamed: dict[str, list[tuple[CheckRow, float]]],
) -> str:
    """The first failing check's message (by :func:`rank`, then suite order), or the failure of
    the exercise it called that fails its own checks (:func:`callee_of`), and a count of the rest."""
    first, open_checks = _lead(name, groups[name], twin)
    if first is None:
        return ""
    if all(t["status"] == "not_started" for t in open_checks):
        return clean.text(first["message"]) + waits_for(name, first, groups)
    twins = [t for t in open_checks if t.get("cause") == "twin"]
    lines = []
    if twins and twin != "check":
        lines.append(
            _("off-limits function: this exercise earns nothing while it calls one.")
            if twin == "zero"
            else _("off-limits function: this exercise earns half its points while it calls one.")
        )
    callee = callee_of(name, first, blamed)
    lines.append(
        _blamed(callee, name, blamed[callee], twin, hidden_text)
        if callee
        else _told(name, first, hidden_text)
    )
    more = len(open_checks) - 1
    if more:
        lines.append(
            ngettext("and %(count)d more check of %(name)s", "and %(count)d more checks of %(name)s", more)
            % {"count": more, "name": name}
        )
    return "\n".join(lines)


def _told(name: str, first: CheckRow, hidden_text: bool) -> str:
    """A lead check's message with the hint for the kind of error it raised (unless it has one)."""
    message = shown_message(first) if first.get("cause") == "twin" else hidden_said(first, hidden_text)
    marked = "\n  " + _("hint: ").strip() in message
    hint = (
        error_hint(message, name, first.get("cause") or "")
        if first["status"] == "error" and not marked
        else ""
    )
    return message + ("\n  " + _("hint: ") + hint if hint else "")


def callee_of(name: str, first: CheckRow | None, groups: dict[str, list[tuple[CheckRow, float]]]) -> str:
    """The exercise ``name``'s lead check called (its record's ``calls``) that fails a value check
    of its own in this grading (a clause's lead: that clause's): that one's failure leads ``name``'s
    diagnosis (a correct cross_entropy calling a broken log_softmax, hard_sigmoid_from_relus a relu
    making CPU tensors); "" when none does, or the lead waits or is a twin."""
    if first is None or first["status"] == "not_started" or first.get("cause") in (TWIN, REFUSED):
        return ""
    calls, clause = first.get("calls") or (), first.get("clause") or ""
    return next((c for c in calls if c != name and c in groups and _own_open(groups[c], clause)), "")


def _blamed(
    callee: str, caller: str, checks: list[tuple[CheckRow, float]], twin: str, hidden_text: bool
) -> str:
    """The lead of ``caller`` whose failing check called ``callee``: the callee named, then its own lead."""
    first = _lead(callee, checks, twin)[0]
    told = _told(callee, first, hidden_text) if first is not None else ""
    said = _(
        "a failing check of %(name)s runs %(callee)s, which fails a check of its own: fix %(callee)s first"
    ) % {
        "name": caller,
        "callee": callee,
    }
    return said + "".join("\n  " + line for line in told.splitlines())


def callee_pointed(tests: list[CheckRow], called: Sequence[CheckRow] = ()) -> list[CheckRow]:
    """The checks as a listing of every check shows them (``--verbose``): one whose run called
    an exercise failing a value check of its own (``calls``) says so in place of its own hint,
    which is keyed to a mistake its exercise need not have made ("never log(softmax(x))" for
    a cross_entropy whose log_softmax overflows); ``called`` as :func:`judge` reads it."""
    groups, shown = _groups(_with_called(tests, called)), []
    for test in tests:
        names = test.get("exercises") or [test["id"]]
        calls = [
            c for c in test.get("calls") or () if c not in names and c in groups and _own_open(groups[c])
        ]
        if calls and test["status"] in ("failed", "error"):
            words = test["message"].split("\n  " + _("hint: "), 1)[0]
            pointer = _("it runs %(callee)s, which fails a check of its own: fix %(callee)s first")
            test = {**test, "message": words + "\n  " + _("hint: ") + pointer % {"callee": calls[0]}}
        shown.append(test)
    return shown


class Diagnosed(Protocol):
    """What :func:`shared_failure` reads of an exercise (an :class:`Exercise`, or feedback's view of one)."""

    @property
    def diagnosis(self) -> str: ...

    @property
    def points(self) -> float: ...


def shared_failure(exercises: Sequence[Diagnosed]) -> str:
    """The first line every one of ``exercises`` fails with, earning nothing (a file that does
    not import fails each check alike), or "" when they differ."""
    firsts = {e.diagnosis.split("\n", 1)[0] for e in exercises if e.points == 0}
    if len(firsts) != 1 or any(e.points for e in exercises) or len(exercises) < 2:
        return ""
    return firsts.pop()


def _with_called(tests: list[CheckRow], called: Sequence[CheckRow]) -> list[CheckRow]:
    """The callees' checks run for the blame, then ``tests`` (a shared check in both counted
    once): a callee's checks in its own suite order, so that its lead is the one its own grading
    gives, not a shared check the caller's run listed first."""
    ran = {t["id"] for t in called}
    return [*called, *(t for t in tests if t["id"] not in ran)]


def judge(
    tests: list[CheckRow],
    twin: str = DEFAULT_TWIN,
    hidden_text: bool = True,
    called: Sequence[CheckRow] = (),
) -> list[Exercise]:
    """Each exercise of ``tests`` (JSON checks) with its points, status and diagnosis; without
    ``hidden_text`` a hidden check's message never enters a diagnosis (a student's feedback).
    ``called``: the checks of exercises the run did not choose that its failing checks called,
    read only to lead a caller with its broken callee (:func:`callee_of`).
    The points are those every reader is shown (grader/base/grades.py): the maxima split the checks'
    whole in cents that add up to it (three exercises sharing 19 points: 6.34, 6.33, 6.33)."""
    if twin not in TWIN_RULES:
        raise ValueError(f"unknown twin rule {twin!r}; use one of {TWIN_RULES}")
    groups = _groups(tests, called)
    blamed = _groups(_with_called(tests, called)) if called else groups
    possible = {name: _max_points(checks) for name, checks in groups.items()}
    shown = dict(zip(possible, grades.apportion(list(possible.values()), sum(possible.values()))))
    verdicts = []
    for name, checks in groups.items():
        points = _earned(checks, twin)
        status = _status(checks, points, possible[name])
        full = status in ("passed", "skipped")
        first = None if full else _lead(name, checks, twin)[0]
        callee = callee_of(name, first, blamed)
        earned, most = grades.exercise_points(points, possible[name], shown[name])
        verdicts.append(
            Exercise(
                name=name,
                points=float(earned),
                max_points=float(most),
                status=status,
                diagnosis="" if full else _diagnosis(name, groups, twin, hidden_text, blamed),
                cause=f"{CALLEE}{callee}"
                if callee
                else ""
                if first is None
                else cause_of(name, first, groups, hidden_text),
            )
        )
    return verdicts
