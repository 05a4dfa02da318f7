"""The exercise verdict: each exercise's points, status and one diagnosis, from its checks.

The exercise is the unit people read and points follow (DESIGN.md, "Results and grades"):

- value checks (no ``clause``) pay their points as they pass; an exercise none of whose value
  checks passes earns nothing;
- gradient checks of an exercise that also has checks of its answer pay only when every one of
  those passed: the exact derivative of a wrong answer (a ``Function`` whose forward returns
  zeros and whose backward is right) is no merit;
- clause checks (dtype, device, inputs untouched, vectorised...) pay only when every value check
  of the exercise passed: a clause kept by code that computes the wrong thing is no merit;
- a check that failed because the code called an off-limits twin (``cause == "twin"``) applies
  the course's twin rule (:data:`TWIN_RULES`): by default the exercise earns 0;
- a check judging two exercises gives each an equal share of its points.

The checks come as their JSON form (:meth:`TestResult.to_json`), as reports and the gradebook
hold them. One diagnosis leads per exercise that is not full: the most basic failing check
first (:func:`rank`), then a count of the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from grader import clean
from grader.i18n import N_, _, ngettext

# "zero": the exercise earns nothing; "half": half of what it would earn without the rule;
# "check": only the checks that saw the twin fail (the behaviour before the rule).
TWIN_RULES = ("zero", "half", "check")
DEFAULT_TWIN = "zero"
# What feedback calls each kind: a "shape" check judges shapes, dtypes and values.
KIND_NAMES = {
    "shape": N_("value"),
    "gradient": N_("gradient"),
    "convergence": N_("convergence"),
    "device": N_("device"),
}
# How feedback words a hidden check of each kind ("a hidden value check")
HIDDEN_KINDS = {
    "value": N_("a hidden value check"),
    "gradient": N_("a hidden gradient check"),
    "convergence": N_("a hidden convergence check"),
    "device": N_("a hidden device check"),
    "clause": N_("a hidden clause check"),
}

# How a hidden check that did not pass ended, as feedback says it ("a hidden value check failed").
STATUS_PHRASES = {
    "failed": N_("failed"),
    "error": N_("raised an error"),
    "timeout": N_("timed out"),
    "not_started": N_("not started"),
}

# A message's sign of a wrong shape or type rather than wrong values (grader/checks/judge.py words).
_SHAPE = re.compile(r"expected (shape|a torch\.Tensor|a non-empty tensor|a Python float|dtype)")

# torch's messages of common mistakes → the concept behind them (a check's own hint comes first)
ERROR_HINTS = (
    (
        re.compile(r"size of tensor a \(\d+\) must match the size of tensor b"),
        N_(
            "a reduction (sum, mean, max) over a dimension drops it: keep it with keepdim=True "
            "(an (n, 1) column) so that it broadcasts against the (n, d) input"
        ),
    ),
    (
        re.compile(r"leaf Variable that requires grad is being used in an in-place operation"),
        N_("update parameters inside `with torch.no_grad():`; autograd must not record the update"),
    ),
    (
        re.compile(r"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)"),
        N_(
            "the layer expects inputs of size {2} in their last dimension but got {1}: "
            "print the shape reaching the layer and set in_features from it"
        ),
    ),
    (
        re.compile(r"does not require grad and does not have a grad_fn"),
        N_(
            "the tensor is not part of the graph: did it come from .detach(), .item(), torch.tensor(...) "
            "or a computation under torch.no_grad()?"
        ),
    ),
    (
        re.compile(r"Expected all tensors to be on the same device"),
        N_("create new tensors on the input's device: torch.zeros(..., device=x.device)"),
    ),
    (
        re.compile(r"expected (scalar type|m1 and m2 to have the same dtype)|must have the same dtype"),
        N_("the tensors mix dtypes: build new tensors with dtype=x.dtype (or torch.zeros_like(x))"),
    ),
)


def error_hint(message: str) -> str:
    """The concept hint for torch's error in ``message`` ("" when none matches)."""
    for pattern, hint in ERROR_HINTS:
        found = pattern.search(message)
        if found:
            return _(hint).format(*found.groups())
    return ""


def shown_message(test: dict) -> str:
    """A check's message and, under it, what its code printed (a JSON check, as reports hold),
    both cleaned: either may come from the submission."""
    message, output = clean.text(test["message"]), clean.text(test.get("output") or "")
    if not output:
        return message
    printed = "\n".join(f"  | {line}" for line in output.splitlines())
    return f"{message}\n" + _("your code printed:") + f"\n{printed}"


@dataclass
class Exercise:
    name: str
    points: float
    max_points: float
    status: str  # passed, partial, failed, not_started, skipped
    diagnosis: str = ""  # the first thing to fix, then a count of the rest ("" when full)

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "points": self.points,
            "max_points": self.max_points,
            "status": self.status,
            "diagnosis": self.diagnosis,
        }


def rank(test: dict) -> int:
    """How basic a failure is: a value check that raised 0, a wrong shape or type 1, wrong values
    2, a gradient check 3, a convergence check 4, a clause (whatever its status) 5."""
    if test.get("clause") or test.get("cause") == "twin":
        return 5
    if test["kind"] != "shape":
        return {"gradient": 3, "convergence": 4}.get(test["kind"], 5)
    if test["status"] in ("error", "timeout", "not_started"):
        return 0
    return 1 if _SHAPE.search(test["message"]) else 2


def _groups(tests: list[dict]) -> dict[str, list[tuple[dict, float]]]:
    """{exercise: [(check, share)]} in first-seen order; a check naming no exercise is its own."""
    groups: dict[str, list[tuple[dict, float]]] = {}
    for test in tests:
        names = test.get("exercises") or [test["id"]]
        for name in names:
            groups.setdefault(name, []).append((test, 1.0 / len(names)))
    return groups


def _split(checks: list[tuple[dict, float]]) -> tuple[list[tuple[dict, float]], list[tuple[dict, float]]]:
    """(value checks, clause checks) of an exercise, skipped ones left out; a check that saw a
    twin counts as a clause (the twin rule, not the values, judges it)."""
    counted = [(t, s) for t, s in checks if t["status"] != "skipped"]
    clause = [bool(t.get("clause") or t.get("cause") == "twin") for t, _ in counted]
    return [c for c, k in zip(counted, clause) if not k], [c for c, k in zip(counted, clause) if k]


def _max_points(checks: list[tuple[dict, float]]) -> float:
    """Summed as :func:`_earned` sums a full exercise's points, so that full is exactly full."""
    values, clauses = _split(checks)
    return sum(s * t["max_points"] for t, s in values) + sum(s * t["max_points"] for t, s in clauses)


def _earned(checks: list[tuple[dict, float]], twin: str) -> float:
    """The exercise's points under the rules of this module's docstring."""
    counted = [(t, s) for t, s in checks if t["status"] != "skipped"]
    used_twin = any(t.get("cause") == "twin" for t, _ in counted)
    if used_twin and twin == "zero":
        return 0.0

    def passed(test: dict) -> bool:  # "half": judged as if the twin were allowed, then halved
        return test["status"] == "passed" or (twin == "half" and test.get("cause") == "twin")

    values, clauses = _split(checks)
    answers = [(t, s) for t, s in values if t["kind"] != "gradient"]
    gradients = [(t, s) for t, s in values if t["kind"] == "gradient"] if answers else []
    answers = answers or values
    if answers and not any(passed(t) for t, _ in answers):
        return 0.0
    earned = sum(s * t["max_points"] for t, s in answers if passed(t))
    if all(passed(t) for t, _ in answers):
        earned += sum(s * t["max_points"] for t, s in gradients if passed(t))
        if all(passed(t) for t, _ in gradients):
            earned += sum(s * t["max_points"] for t, s in clauses if passed(t))
    return earned / 2 if used_twin and twin == "half" else earned


def _status(checks: list[tuple[dict, float]], points: float, max_points: float) -> str:
    statuses = {t["status"] for t, _ in checks} - {"skipped"}
    if not statuses:
        return "skipped"
    if statuses == {"not_started"}:
        return "not_started"
    if points >= max_points > 0:
        return "passed"
    return "partial" if points > 0 else "failed"


def _shown(test: dict, hidden_text: bool) -> str:
    """A check's message, or for a hidden one where hidden texts are not shown, how it ended."""
    if hidden_text or test.get("visibility") == "public":
        return shown_message(test)
    kind = "clause" if test.get("clause") else KIND_NAMES.get(test["kind"], test["kind"])
    status = _(STATUS_PHRASES.get(test["status"], test["status"]))
    if kind not in HIDDEN_KINDS:
        return _("a hidden %(kind)s check %(status)s") % {"kind": kind, "status": status}
    return _("%(check)s %(status)s") % {"check": _(HIDDEN_KINDS[kind]), "status": status}


def waits_for(name: str, message: str, exercises: Iterable[str]) -> str:
    """Where an exercise's checks stopped at another exercise's NotImplementedError (cross_entropy
    calling log_softmax, as its docstring says): the dependency, named ("" when it is its own)."""
    found = re.search(r"(\w+)\(\) in \S+ still raises NotImplementedError", message)
    if found is None or found[1] == name or found[1] not in exercises:
        return ""  # its own stub, or a method of its own class (__init__, forward)
    return "\n  " + _("%(name)s calls it: it is judged once that function answers") % {"name": name}


def _diagnosis(
    name: str, checks: list[tuple[dict, float]], twin: str, hidden_text: bool, exercises: Iterable[str]
) -> str:
    """The first failing check's message (by :func:`rank`, then suite order) and a count of the rest."""
    open_checks = [t for t, _ in checks if t["status"] not in ("passed", "skipped")]
    if not open_checks:
        return ""
    if all(t["status"] == "not_started" for t in open_checks):
        return clean.text(open_checks[0]["message"]) + waits_for(name, open_checks[0]["message"], exercises)
    twins = [t for t in open_checks if t.get("cause") == "twin"]
    lines = []
    if twins and twin != "check":
        lines.append(
            _("off-limits function: this exercise earns nothing while it calls one.")
            if twin == "zero"
            else _("off-limits function: this exercise earns half its points while it calls one.")
        )
        first = twins[0]
    else:
        first = min(open_checks, key=rank)
    message = shown_message(first) if first.get("cause") == "twin" else _shown(first, hidden_text)
    marked = "\n  " + _("hint: ").strip() in message
    hint = error_hint(message) if first["status"] == "error" and not marked else ""
    lines.append(message + ("\n  " + _("hint: ") + hint if hint else ""))
    more = len(open_checks) - 1
    if more:
        lines.append(
            ngettext("and %(count)d more check of %(name)s", "and %(count)d more checks of %(name)s", more)
            % {"count": more, "name": name}
        )
    return "\n".join(lines)


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


def judge(tests: list[dict], twin: str = DEFAULT_TWIN, hidden_text: bool = True) -> list[Exercise]:
    """Each exercise of ``tests`` (JSON checks) with its points, status and diagnosis; without
    ``hidden_text`` a hidden check's message never enters a diagnosis (a student's feedback)."""
    if twin not in TWIN_RULES:
        raise ValueError(f"unknown twin rule {twin!r}; use one of {TWIN_RULES}")
    verdicts = []
    groups = _groups(tests)
    for name, checks in groups.items():
        max_points = _max_points(checks)
        points = _earned(checks, twin)
        status = _status(checks, points, max_points)
        verdicts.append(
            Exercise(
                name=name,
                points=points,
                max_points=max_points,
                status=status,
                diagnosis=""
                if status in ("passed", "skipped")
                else _diagnosis(name, checks, twin, hidden_text, groups),
            )
        )
    return verdicts
