"""What a submission's code can cause, as the trusted side says it: the exceptions a
:class:`~grader.engine.worker.client.TopicSession` raises (the pytest plugin turns each into a check's
status), their words (capped and cleaned here: the worker's own cap is within the submission's
reach), where each arose as data, and their sealed form for a hidden check."""

from __future__ import annotations

from typing import Any, TypeVar

from grader.base import clean
from grader.base.i18n import N_, _
from grader.checks.hints import blamed
from grader.checks.verdict import places


class SubmissionProblem(Exception):
    """Base of what a submission's code can cause; ``message`` teaches. Where it arose travels
    beside the words, as data the exercise verdict reads (grader/engine/suites/plugin.py's
    :func:`~grader.engine.suites.plugin.placed`): never parsed back out of the (translated) message."""

    functions: tuple[str, ...] = ()  # the submission's frames' functions, innermost last (names)
    subject: str = ""  # the exercise the probe called ("" for a probe's own label)
    error_type: str = ""  # the exception's type, as the worker named it ("" when none raised)
    error_text: str = ""  # the exception's own message (torch's words), capped and cleaned


class NotStarted(SubmissionProblem):
    """The stub still raises NotImplementedError, or the topic's file is missing."""


class Missing(NotStarted):
    """A check runs another exercise of the topic that the learner's file does not define (deleted,
    not left as its stub): its words are the trusted side's, the name one of the topic's."""


def missing(topic: str, name: str, exercises: tuple[str, ...]) -> Missing:
    """The problem of a check of ``exercises`` that found ``name``, one of the topic's exercises,
    missing from the learner's file: said in the learner's terms, charged to ``name`` (as its stub
    would be), whether the check is public or hidden."""
    others = ", ".join(e for e in exercises if e != name)
    words = {"file": f"{topic}.py", "name": name, "others": others}
    if others:
        text = _(
            "%(file)s has no %(name)s, which the checks of %(others)s run: write it, or put its stub back (`grade reset %(name)s`)"
        )
    else:
        text = _(
            "%(file)s has no %(name)s, which this check runs: write it, or put its stub back (`grade reset %(name)s`)"
        )
    problem = Missing(text % words)
    problem.functions = (name,)
    return problem


class ProbeTimeout(SubmissionProblem):
    """Submitted code did not answer before the deadline, or used up its CPU time; the worker
    was killed."""

    cpu: float | None = None  # the CPU limit it ran past, if that is what stopped it


class SubmissionError(SubmissionProblem):
    """Submitted code raised, ran out of memory, failed to import, or killed the worker."""


class EngineProblem(SubmissionError):
    """The grading machine could not start Python and torch, twice: its problem, not the
    submission's (no submitted code runs before a worker reports ``booted``)."""


# What a hidden check's problem says: the worker that ran the hidden probes could have put their
# source in an exception's text, a stalled function's name or where it stalled.
SEALED = {
    NotStarted: N_("an exercise this hidden check calls still raises NotImplementedError"),
    ProbeTimeout: N_("the submitted code ran past its time in this hidden check; the worker was stopped"),
    SubmissionError: N_(
        "the submitted code raised, crashed or answered with what is not plain data in "
        "this hidden check (a hidden check shows no message: the public checks and your own tests do)"
    ),
}


def sealed(problem: SubmissionProblem, asked: tuple[str, ...] = ()) -> SubmissionProblem:
    """``problem`` of the same kind, in words of the trusted side only, where it arose told by
    the names in ``asked`` alone (the check's exercises: a hidden worker chooses among them, it
    writes nothing); the grading machine's own problem (:class:`EngineProblem`, no submitted
    code had run) is kept."""
    if isinstance(problem, (EngineProblem, Missing)):  # Missing: the trusted side's words only
        return problem
    kind = next((k for k in (NotStarted, ProbeTimeout) if isinstance(problem, k)), SubmissionError)
    seal = kind(_(SEALED[kind]))
    seal.functions = tuple(name for name in problem.functions if exercise_of(name) in asked)
    seal.subject = problem.subject if problem.subject in asked else ""
    if isinstance(problem, ProbeTimeout) and isinstance(seal, ProbeTimeout):
        seal.cpu = problem.cpu
    return seal


Problem = TypeVar("Problem", bound=SubmissionProblem)


def with_place(problem: Problem, error: dict[str, Any]) -> Problem:
    """``problem`` with where it arose, from the worker's account of it (names and the
    exception's own words, capped and cleaned here)."""
    functions = error.get("functions")
    if isinstance(functions, list):
        problem.functions = tuple(clean.name(f) for f in functions[-MAX_FRAMES:] if isinstance(f, str))
    problem.error_type = clean.name(error.get("type")) if error.get("type") else ""
    problem.error_text = clean.text(error.get("message") or "")
    return problem


MAX_FRAMES = 20  # the submission's frames an error's place is read from, innermost last


def exercise_of(function: str) -> str:
    """The exercise a frame's qualified name is in: a method's class, a nested function's outer
    function (``MLP.__init__``: MLP; ``train_epoch.<locals>.step``: train_epoch)."""
    return function.split(".", 1)[0]


def error_text(error: dict[str, Any], action: str) -> str:
    """The worker's account of an exception, every part of it capped and cleaned here: the
    worker's own cap is within the submission's reach."""
    kind, message = clean.name(error.get("type")), clean.text(error.get("message"))
    if error.get("kind") == "out_of_memory":
        head = _("ran out of memory while %(action)s (%(kind)s: %(message)s)")
    else:
        head = _("%(kind)s while %(action)s: %(message)s")
    head %= {"kind": kind, "action": action, "message": message}
    head += "".join("\n  " + _("at %(where)s") % {"where": w} for w in places.frames(error.get("where")))
    return head + "".join(f"\n  {line}" for line in blamed.lines(error))
