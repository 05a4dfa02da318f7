"""Submission limits as a course policy (course.toml's ``[assignments.NAME.submissions]``): whether
a submission counts, from the graded submissions before it, whatever path graded them.

The Gradescope autograder knows each submission's time (grader/gradescope/quota.py) and applies
every limit; ``grade batch`` knows an LMS download's order of a student's uploads but not their
times, and applies the count (``max_submissions``). What a refused student reads (:func:`refusal`)
is in the catalogue.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from grader.base.i18n import _, ngettext
from grader.base.options import SubmissionLimits

DAY = timedelta(hours=24)


@dataclass(frozen=True)
class Verdict:
    counts: bool
    next_at: datetime | None = None  # when the next one counts (None: never, or not known)


def decide(limits: SubmissionLimits, counted: Sequence[datetime | None], now: datetime | None) -> Verdict:
    """Whether a submission made at ``now`` counts after the graded ones at ``counted`` (in
    order; None where a time is not known), and if not, when the next one does."""
    waits: list[datetime | None] = []
    if limits.max_submissions and len(counted) >= limits.max_submissions:
        waits.append(None)
    known = sorted(t for t in counted if t is not None)
    if now is not None:
        day = [t for t in known if now - DAY < t <= now]
        if limits.per_day and len(day) >= limits.per_day:
            waits.append(day[len(day) - limits.per_day] + DAY)
        cooldown = timedelta(minutes=limits.cooldown_minutes)
        if limits.cooldown_minutes and known and now < known[-1] + cooldown:
            waits.append(known[-1] + cooldown)
    if not waits:
        return Verdict(True)
    return Verdict(False, None if None in waits else max(w for w in waits if w is not None))


def refusal(limits: SubmissionLimits, verdict: Verdict, now: datetime) -> str:
    """What the student reads of a submission over a limit, in the current language."""
    if verdict.next_at is None:
        return ngettext(
            "This submission was not graded: the assignment grades {count} submission and you have used "
            "it. Your last graded submission's score stands.",
            "This submission was not graded: the assignment grades {count} submissions and you have used "
            "them all. Your last graded submission's score stands.",
            limits.max_submissions,
        ).format(count=limits.max_submissions)
    when = verdict.next_at.astimezone(now.tzinfo).isoformat(timespec="minutes")
    return _(
        "This submission was not graded: {rule}. Your last graded submission's score stands; the next "
        "submission that counts can be made from {when}."
    ).format(rule=rule(limits), when=when)


def rule(limits: SubmissionLimits) -> str:
    """The assignment's limits in words, in the current language."""
    parts = []
    if limits.per_day:
        parts.append(
            ngettext(
                "at most {count} graded submission in 24 hours",
                "at most {count} graded submissions in 24 hours",
                limits.per_day,
            ).format(count=limits.per_day)
        )
    if limits.cooldown_minutes:
        parts.append(
            _("at least {minutes} minutes between graded submissions").format(
                minutes=f"{limits.cooldown_minutes:g}"
            )
        )
    if limits.max_submissions:
        parts.append(
            ngettext(
                "at most {count} graded submission in all",
                "at most {count} graded submissions in all",
                limits.max_submissions,
            ).format(count=limits.max_submissions)
        )
    joined = functools.reduce(
        lambda first, second: _("{first} and {second}").format(first=first, second=second), parts
    )
    return _("the assignment allows {limits}").format(limits=joined)
