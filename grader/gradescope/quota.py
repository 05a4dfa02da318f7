"""Submission limits inside Gradescope's container, read from Gradescope's own
``/autograder/submission_metadata.json`` (by the submissions' ``created_at``; what a submission over
a limit gets: docs/instructors.md, "Submission limits").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from grader.base.options import SubmissionLimits
from grader.course import quota as policy
from grader.gradescope.config import METADATA_NAME

KEY = "torchgrade"  # our part of results.json's extra_data


@dataclass(frozen=True)
class Decision:
    counts: bool
    now: datetime
    counted: tuple[datetime, ...]  # the graded submissions before this one
    next_at: datetime | None = None  # when the next one counts (None: never, where counts is False)
    previous: dict[str, Any] | None = None  # the latest previous results (carried forward)


def zoned(value: Any) -> datetime | None:
    """An ISO time with its zone (``Z``, ``+00:00``, ``-05:00``); None without one (aware times
    compare as instants, whatever their zones)."""
    try:
        found = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return found if found.tzinfo is not None else None


def _order(submission: dict[str, Any]) -> tuple[bool, datetime]:
    """A submission's place in time: by the instant it was made, whatever zone wrote it (a
    fall-back hour's 01:10-05:00 is after its 01:50-04:00); one without a readable time first."""
    at = zoned(submission.get("submission_time"))
    return (at is not None, at.astimezone(timezone.utc) if at else datetime.min.replace(tzinfo=timezone.utc))


def _counted(metadata: dict[str, Any]) -> tuple[list[datetime], dict[str, Any] | None]:
    """The times of the graded submissions before this one, and the latest previous results:
    from our mark in those results where it is there, else every earlier submission that did
    not fail on Gradescope's side (the autograder ran without limits then)."""
    earlier = [s for s in metadata.get("previous_submissions") or [] if isinstance(s, dict)]
    earlier.sort(key=_order)
    latest = earlier[-1].get("results") if earlier else None
    latest = latest if isinstance(latest, dict) else None
    mark = ((latest or {}).get("extra_data") or {}).get(KEY) if latest else None
    if isinstance(mark, dict) and isinstance(mark.get("counted"), list):
        times = [zoned(t) for t in mark["counted"]]
    else:
        times = [zoned(s.get("submission_time")) for s in earlier if s.get("autograder_error") is not True]
    return sorted(t for t in times if t is not None), latest


def decide(limits: SubmissionLimits, metadata: dict[str, Any]) -> Decision:
    """Whether this submission counts under ``limits`` (the course's policy: grader/course/quota.py),
    and if not, when the next one does."""
    now = zoned(metadata.get("created_at")) or datetime.now().astimezone()
    counted, previous = _counted(metadata)
    verdict = policy.decide(limits, counted, now)
    return Decision(verdict.counts, now, tuple(counted), verdict.next_at, previous)


def read_metadata(root: Path) -> dict[str, Any]:
    """Gradescope's metadata for this submission ({} where there is none: a local run)."""
    try:
        data = json.loads((root / METADATA_NAME).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def counted_results(results: dict[str, Any], decision: Decision) -> dict[str, Any]:
    """A graded submission's results, marked as counted (with the earlier counted times)."""
    times = [t.isoformat() for t in (*decision.counted, decision.now)]
    return {**results, "extra_data": {**results.get("extra_data", {}), KEY: {"counted": times}}}


def refused_results(decision: Decision, limits: SubmissionLimits) -> dict[str, Any]:
    """The results of a submission over a limit: the last counted one's, and why this did not
    count (in the course's language)."""
    previous = dict(decision.previous or {"score": 0.0, "tests": []})
    why = policy.refusal(limits, policy.Verdict(False, decision.next_at), decision.now)
    said = str(previous.get("output", ""))
    times = [t.isoformat() for t in decision.counted]
    return {**previous, "output": why + ("\n\n" + said if said else ""), "output_format": "text",
            "extra_data": {**(previous.get("extra_data") or {}), KEY: {"counted": times}}}  # fmt: skip
