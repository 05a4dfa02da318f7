"""How a probe's events are told to the learner: how a worker ended, what a probe passed the
learner's function, which function still raises, and a timeout's words (grader/engine/worker/client.py)."""

from __future__ import annotations

import signal
from typing import Any

from grader.base import clean, topics
from grader.base.i18n import _, ngettext
from grader.checks.judging.judge import twin_used
from grader.checks.verdict import places
from grader.engine.check_table import still_raises
from grader.engine.worker.problems import (
    NotStarted,
    ProbeTimeout,
    SubmissionError,
    error_text,
    missing,
    with_place,
)


def exit_text(returncode: int | None) -> str:
    """bwrap passes a worker's death by signal N on as status 128 + N."""
    if returncode is None:
        return _("still running")
    number = -returncode if returncode < 0 else returncode - 128 if 128 < returncode < 160 else 0
    if number:
        try:
            return _("was killed by %(signal)s") % {"signal": signal.Signals(number).name}
        except ValueError:
            return _("was killed by signal %(number)d") % {"number": number}
    return _("exited with status %(code)d") % {"code": returncode}


def inputs(args: object) -> str:
    """ " on a (4, 3) float32 tensor" and the like: what a probe's call passes the learner's
    function (its positional arguments), tensors only; a small one with its values."""
    if not isinstance(args, (tuple, list)):
        return ""
    shown = []
    for arg in args[:4]:
        shape, dtype = getattr(arg, "shape", None), getattr(arg, "dtype", None)
        if shape is None or dtype is None or not hasattr(arg, "tolist"):
            continue
        text = f"{tuple(shape)} {str(dtype).removeprefix('torch.')}"
        if 0 < arg.numel() <= 6:
            values = arg.detach().cpu().flatten().tolist()
            text += " [" + ", ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in values) + "]"
        shown.append(text)
    if not shown:
        return ""
    return " " + ngettext("on a %(shown)s tensor", "on %(shown)s tensors", len(shown)) % {
        "shown": ", ".join(shown)
    }


def raiser(error: dict[str, Any]) -> str:
    """The function of the learner's file that still raises NotImplementedError, as the worker named it."""
    function, file = clean.name(error.get("function") or ""), clean.name(error.get("file") or "")
    if not function:
        return _("the exercise")
    return places.function_in(function, file) if file else function


def stalled_first(function: str, cpu: float | None, wait: float, check: str) -> str:
    """A timeout's first words: the CPU limit reached, or no answer within the wall clock."""
    first = (
        _(
            "%(name)s() reached its CPU limit of %(seconds)s s (over ten times a correct answer's) without answering"
        )
        if cpu
        else _("%(name)s() did not answer within %(seconds)s s")
    ) % {"name": function, "seconds": f"{cpu or wait:g}"}
    if check:
        first += _(" in %(check)s") % {"check": check}
    return first


def stalled_message(
    first: str, where: list[str], subject: str, slowest: float, answers: int, tensors: bool = True
) -> str:
    """A timeout's message: where the code was at the deadline, and whether it is slow (it
    answered ``answers`` earlier checks, the slowest in ``slowest`` s) or stuck; a loop over
    elements is named only where the code at the deadline holds ``tensors``."""
    message = first + _("; the worker was stopped.")
    if where:
        message += "\n  " + _("at the deadline it was in %(where)s") % {"where": where[0]}
    if answers:
        message += "\n  " + ngettext(
            "%(name)s() answered %(count)d earlier check, the slowest in %(seconds)s s: it is slow rather than stuck.",
            "%(name)s() answered %(count)d earlier checks, the slowest in %(seconds)s s: it is slow rather than stuck.",
            answers,
        ) % {"name": subject, "count": answers, "seconds": f"{slowest:.1f}"}
        if tensors:
            message += _(
                " A Python loop over elements is the usual cause; whole-tensor operations are much faster."
            )
    else:
        message += (
            "\n  "
            + _("hint: ")
            + _(
                "an endless loop (a condition that never changes?) or a very slow "
                "Python loop over elements; whole-tensor operations are much faster."
            )
        )
    return message


def raised(
    topic: str,
    exercises: tuple[str, ...],
    stalls: dict[str, str],
    subject: str,
    event: dict[str, Any],
    action: str,
) -> Exception:
    """The exception a probe's answer other than a result raises in the suite (``exercises``: those the
    running check judges; ``stalls``: what its lane's earlier timeouts said of each function)."""
    error = event.get("error", {}) if event["event"] == "raised" else {}
    name = error.get("missing")
    if name in topics.exercises(topic) and exercises != (name,):
        return missing(topic, name, exercises)  # its own check: "did you mean" (renamed.py)
    if error.get("kind") == "off_limits":  # a twin reached by a computed name (guarded.watching)
        return twin_used(action, ", ".join(error.get("names", ())))
    if error.get("kind") == "not_started":
        return with_place(NotStarted(still_raises(raiser(error))), error)
    if error.get("kind") == "known_stall":
        stalled = clean.name(error.get("function"))
        before = stalls.get(stalled) or _("it ran past its deadline before")
        return ProbeTimeout(
            _("%(name)s() calls %(stalled)s(): %(before)s; this check was not run")
            % {"name": subject, "stalled": stalled, "before": before}
        )
    return with_place(SubmissionError(error_text(error, action)), error)
