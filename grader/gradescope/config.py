"""What both sides of the Gradescope autograder read: ``gradescope.json`` (:class:`Config`),
where the files lie in the container (:class:`Paths`), and what the zip ships."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader import defaults
from grader.checks.verdict.exercises import DEFAULT_TWIN, TWIN_RULES
from grader.course.toml import LATE_POLICIES, LatePolicy
from grader.options import Leaderboard, Limits, Options, Selection, SubmissionLimits
from grader.topics import (
    unknown_topic,
)

if TYPE_CHECKING:
    from grader.course.toml import Assignment

ROOT_VARIABLE = "TORCHGRADE_AUTOGRADER_ROOT"

DEFAULT_ROOT = "/autograder"

CONFIG_NAME = "gradescope.json"

RESULTS_NAME = "results.json"

METADATA_NAME = "submission_metadata.json"  # Gradescope's, beside source/ and submission/

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")

SHIPPED_FOLDERS = ("grader", "exercises", "datasets")

WORKER_READABLE = ("grader", "datasets")  # what the bubblewrap whitelist binds, too


class AutograderProblem(ValueError):
    """The autograder cannot be built or run as asked; the message says why."""


@dataclass(frozen=True)
class Config:
    """What ``gradescope.json`` records: the grading options (the topics, empty: every shipped
    suite; a course assignment's exercises; the limits), the hidden checks' visibility and the
    assignment's points."""

    options: Options = field(default_factory=Options)
    hidden_visibility: str = defaults.HIDDEN_VISIBILITY
    exercise_points: dict[str, float] = field(default_factory=dict)
    kind_weights: dict[str, float] = field(default_factory=dict)
    hidden_messages: bool = False  # hidden checks' ids and messages shown (else exercise and kind only)
    twin: str = (
        DEFAULT_TWIN  # the assignment's rule for an off-limits function (grader/checks/verdict/exercises.py)
    )
    language: str = ""  # the course's language, the zip's default (grader/i18n.py); "" for English
    submissions: SubmissionLimits = field(default_factory=SubmissionLimits)  # graded submissions allowed
    leaderboard: tuple[Leaderboard, ...] = ()  # results.json's "leaderboard": held-out metrics
    # the course seed: each submitter's hidden checks draw their own inputs (grader/checks/inputs.py)
    course_seed: str | None = None
    # the assignment's due time, late policy and extensions (by any name the course file gives
    # a student): the container applies them as grade batch does (grader/gradescope/late.py)
    due: datetime | None = None
    late: LatePolicy = field(default_factory=LatePolicy)
    extensions: dict[str, datetime] = field(default_factory=dict)

    def __post_init__(self) -> None:
        limits = self.options.limits
        problem = unknown_topic(self.topics)
        if not problem and self.hidden_visibility not in VISIBILITIES:
            problem = (
                f"hidden visibility must be one of {', '.join(VISIBILITIES)}, not {self.hidden_visibility!r}"
            )
        if not problem and self.twin not in TWIN_RULES:
            problem = f"twin must be one of {', '.join(TWIN_RULES)}, not {self.twin!r}"
        if not problem and self.late.kind not in LATE_POLICIES:
            problem = f"late policy must be one of {', '.join(LATE_POLICIES)}, not {self.late.kind!r}"
        if not problem and min(limits.timeout, limits.budget, limits.memory_mb) <= 0:
            problem = "timeout, budget and memory must be positive"
        if problem:
            raise AutograderProblem(problem)

    @property
    def topics(self) -> tuple[str, ...]:
        return self.options.selection.topics

    @property
    def exercises(self) -> tuple[str, ...]:
        return self.options.selection.exercises

    def to_json(self) -> dict[str, Any]:
        limits = self.options.limits
        return {
            "topics": list(self.topics),
            "hidden_visibility": self.hidden_visibility,
            "timeout": float(limits.timeout),
            "budget": float(limits.budget),
            "memory_mb": int(limits.memory_mb),
            "exercises": list(self.exercises),
            "exercise_points": self.exercise_points,
            "kind_weights": self.kind_weights,
            "hidden_messages": self.hidden_messages,
            "twin": self.twin,
            "language": self.language,
            "submissions": self.submissions.to_json(),
            "leaderboard": [board.to_json() for board in self.leaderboard],
            "course_seed": self.course_seed,
            "due": self.due.isoformat() if self.due else None,
            "late": {
                "policy": self.late.kind,
                "penalty": self.late.penalty,
                "cap": self.late.cap,
                "grace_minutes": self.late.grace.total_seconds() / 60,
            },
            "extensions": {student: due.isoformat() for student, due in self.extensions.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Config:
        limits = Limits(
            timeout=float(data.get("timeout", Limits.timeout)),
            memory_mb=int(data.get("memory_mb", Limits.memory_mb)),
            budget=float(data.get("budget", Limits.budget)),
        )
        selection = Selection(
            topics=tuple(data.get("topics", ())), exercises=tuple(data.get("exercises", ()))
        )
        return cls(
            options=Options(limits=limits, selection=selection),
            hidden_visibility=str(data.get("hidden_visibility", cls.hidden_visibility)),
            exercise_points={str(k): float(v) for k, v in data.get("exercise_points", {}).items()},
            kind_weights={str(k): float(v) for k, v in data.get("kind_weights", {}).items()},
            hidden_messages=data.get("hidden_messages", cls.hidden_messages) is True,
            twin=str(data.get("twin", DEFAULT_TWIN)),
            language=str(data.get("language", "")),
            submissions=SubmissionLimits.from_json(data.get("submissions")),
            leaderboard=tuple(Leaderboard.from_json(b) for b in data.get("leaderboard") or ()),
            course_seed=None if data.get("course_seed") is None else str(data["course_seed"]),
            due=_time(data.get("due")),
            late=_late(data.get("late") or {}),
            extensions={str(k): t for k, v in (data.get("extensions") or {}).items() if (t := _time(v))},
        )


def _time(value: Any) -> datetime | None:
    """An ISO time with its offset, as :meth:`Config.to_json` writes it (None: none)."""
    found = datetime.fromisoformat(value) if isinstance(value, str) and value else None
    if found is not None and found.tzinfo is None:
        raise ValueError(f"a time without its offset: {value!r}")
    return found


def _late(data: dict[str, Any]) -> LatePolicy:
    return LatePolicy(
        kind=str(data.get("policy", "none")),
        penalty=float(data.get("penalty", 0.0)),
        cap=float(data.get("cap", 100.0)),
        grace=timedelta(minutes=float(data.get("grace_minutes", 0.0))),
    )


def assignment_fields(assignment: Assignment | None) -> dict[str, Any]:
    """The :class:`Config` fields a course assignment gives the zip (grader/projections.py
    ``CARRIED["zip"]``); none without one."""
    if assignment is None:
        return {}
    return {
        "exercise_points": dict(assignment.exercise_points),
        "kind_weights": dict(assignment.kind_weights),
        "twin": assignment.twin,
        "submissions": assignment.submissions,
        "leaderboard": assignment.leaderboard,
        "due": assignment.due,
        "late": assignment.late,
        "extensions": dict(assignment.extensions),
    }


@dataclass(frozen=True)
class Paths:
    """Gradescope's folders: ``root/source``, ``root/submission``, ``root/results``."""

    root: Path

    @classmethod
    def from_environment(cls) -> Paths:
        return cls(Path(os.environ.get(ROOT_VARIABLE, DEFAULT_ROOT)))

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def submission(self) -> Path:
        return self.root / "submission"

    @property
    def results(self) -> Path:
        return self.root / "results"
