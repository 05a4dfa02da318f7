"""What a probe's answer other than a result raises in the suite (:func:`raised`): the worker's
account of an exception, a stub not started, an exercise the file does not define, a function that
stalled before, or an off-limits op the exercise's call ran (:func:`twin_used`)."""

from __future__ import annotations

from typing import Any

from grader import clean, topics
from grader.checks.failed import TwinUsed, hinted, worded
from grader.checks.judge import TWIN_HINT
from grader.engine import probe_words
from grader.engine.check_table import still_raises
from grader.engine.problems import NotStarted, ProbeTimeout, SubmissionError, error_text, missing, with_place
from grader.i18n import N_, _

Twins = dict[str, dict[str, str]]  # {exercise: {aten op or torch name: as a learner writes it}}


def raised(
    subject: str,
    event: dict[str, Any],
    action: str,
    stalls: dict[str, str],
    topic: str,
    exercises: tuple[str, ...],
) -> Exception:
    """The exception a probe's answer other than a result (and other than a twin) raises."""
    error = event.get("error", {}) if event["event"] == "raised" else {}
    name = error.get("missing")
    if name in topics.exercises(topic) and exercises != (name,):
        return missing(topic, name, exercises)  # its own check: "did you mean" (renamed.py)
    if error.get("kind") == "not_started":
        return with_place(NotStarted(still_raises(probe_words.raiser(error))), error)
    if error.get("kind") == "known_stall":
        stalled = clean.name(error.get("function"))
        before = stalls.get(stalled) or _("it ran past its deadline before")
        return ProbeTimeout(
            _("%(name)s() calls %(stalled)s(): %(before)s; this check was not run")
            % {"name": subject, "stalled": stalled, "before": before}
        )
    return with_place(SubmissionError(error_text(error, action)), error)


def twins_asked(twins: Twins, exercises: tuple[str, ...]) -> dict[str, list[str]]:
    """What a probe's request carries: {exercise of the check: its off-limits names}, replaced at
    the dispatcher while that exercise's own calls run (grader/sandboxed/twin_calls.py)."""
    return {e: sorted(twins[e]) for e in exercises if twins.get(e)}


def twin_used(event: dict[str, Any], twins: Twins, exercises: tuple[str, ...]) -> TwinUsed:
    """The worker's word that an exercise's call ran one of its off-limits ops: the twin rule's
    failure, said by the trusted side from the suite's spellings (the worker chooses among them)."""
    named = event.get("exercise")
    exercise = named if isinstance(named, str) and named in exercises and twins.get(named) else ""
    listed = twins.get(exercise) or {k: v for e in exercises for k, v in twins.get(e, {}).items()}
    found = event.get("names")
    names = found if isinstance(found, list) else []
    said = sorted({listed[n] for n in names if isinstance(n, str) and n in listed}) or sorted(
        set(listed.values())
    )
    got = _("a call of %(twin)s, off limits here") % {"twin": ", ".join(said)}
    what = exercise or ", ".join(exercises)
    return TwinUsed(worded(what, N_("a hand-written computation"), got) + hinted(_(TWIN_HINT)))
