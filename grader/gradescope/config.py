"""What both sides of the Gradescope autograder read: ``gradescope.json`` (:class:`Config`),
where the files lie in the container (:class:`Paths`), and what the zip ships."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any, cast, get_type_hints

from grader.base import defaults
from grader.base.keys import Kept, declared, default_of, off_choices, plain, typed
from grader.base.options import Leaderboard, Limits, Options, Selection, SubmissionLimits
from grader.base.topics import unknown_topic
from grader.course import keys as course_keys
from grader.course.keys import Assignment, LatePolicy

ROOT_VARIABLE = "TORCHGRADE_AUTOGRADER_ROOT"

DEFAULT_ROOT = "/autograder"

CONFIG_NAME = "gradescope.json"

RESULTS_NAME = "results.json"

METADATA_NAME = "submission_metadata.json"  # Gradescope's, beside source/ and submission/

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")

WORKER_READABLE = ("grader", "datasets")  # what the bubblewrap whitelist binds, too


class AutograderProblem(ValueError):
    """The autograder cannot be built or run as asked; the message says why."""


# what the zip carries of an assignment its own way, not in Config.assignment: the selection
# (topics, exercises), the language, and the due written with its zone's offset
BY_COMMAND = ("topics", "whole_topics", "language", "timezone")


def carried_fields() -> tuple[str, ...]:
    """The fields of a course's assignment (grader/course/keys.py ``Assignment``) that
    gradescope.json carries in :attr:`Config.assignment`: what its declaration says the zip carries."""
    return tuple(
        key.attribute
        for key in declared(course_keys.Assignment)
        if not isinstance(key.carried[1], Kept) and key.attribute not in BY_COMMAND
    )


@dataclass(frozen=True)
class Config:
    """What ``gradescope.json`` records: the grading options (the topics, empty: every shipped suite; a course
    assignment's exercises; the limits), the hidden checks' visibility, and the course's assignment as the zip
    carries it (:func:`carried_fields`: its points, twin rule, submission limits, leaderboards, due time, late
    policy, extensions), each by its field's name; a field not given is its declared default."""

    options: Options = field(default_factory=Options)
    hidden_visibility: str = defaults.HIDDEN_VISIBILITY
    hidden_messages: bool = False  # hidden checks' ids and messages shown (else exercise and kind only)
    language: str = ""  # the course's language, the zip's default (grader/base/i18n.py); "" for English
    # the course seed: each submitter's hidden checks draw their own inputs (grader/checks/inputs.py)
    course_seed: str | None = None
    assignment: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        limits = self.options.limits
        problem = unknown_topic(self.topics) or off_choices(course_keys.Assignment, self.assignment)
        if not problem and self.hidden_visibility not in VISIBILITIES:
            problem = (
                f"hidden visibility must be one of {', '.join(VISIBILITIES)}, not {self.hidden_visibility!r}"
            )
        if not problem and min(limits.timeout, limits.budget, limits.memory_mb) <= 0:
            problem = "timeout, budget and memory must be positive"
        if problem:
            raise AutograderProblem(problem)

    def carried(self, name: str) -> Any:
        """The assignment's field ``name``: as given, else its declared default."""
        return self.assignment[name] if name in self.assignment else default_of(course_keys.Assignment, name)

    exercise_points = property(lambda self: cast("dict[str, float]", self.carried("exercise_points")))
    kind_weights = property(lambda self: cast("dict[str, float]", self.carried("kind_weights")))
    twin = property(lambda self: cast(str, self.carried("twin")))
    submissions = property(lambda self: cast(SubmissionLimits, self.carried("submissions")))
    leaderboard = property(lambda self: cast("tuple[Leaderboard, ...]", self.carried("leaderboard")))
    due = property(lambda self: cast("datetime | None", self.carried("due")))
    late = property(lambda self: cast(LatePolicy, self.carried("late")))
    extensions = property(lambda self: cast("dict[str, datetime]", self.carried("extensions")))

    @property
    def topics(self) -> tuple[str, ...]:
        return self.options.selection.topics

    @property
    def exercises(self) -> tuple[str, ...]:
        return self.options.selection.exercises

    def to_json(self) -> dict[str, Any]:
        """gradescope.json: the limits, the selection's topics and exercises, this config's own
        fields and the assignment's carried ones, each by its name, as JSON holds them (:func:`plain`)."""
        own = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("options", "assignment")}
        chosen = {"topics": self.topics, "exercises": self.exercises}
        carried = {name: self.carried(name) for name in carried_fields()}
        return plain(self.options.limits) | plain(chosen | own | carried)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Config:
        """What :meth:`to_json` wrote, each field read back as its declaration types it (:func:`typed`)."""
        hints = get_type_hints(cls) | get_type_hints(course_keys.Assignment)
        selection = typed(Selection, {name: data[name] for name in ("topics", "exercises") if name in data})
        own = {f.name: typed(hints[f.name], data[f.name]) for f in fields(cls) if f.name in data}
        carried = {name: typed(hints[name], data[name]) for name in carried_fields() if name in data}
        options = Options(limits=typed(Limits, data), selection=selection)
        return cls(**own | {"options": options, "assignment": carried})


def assignment_fields(assignment: Assignment | None) -> dict[str, Any]:
    """What the zip carries of a course's assignment (:func:`carried_fields`), by field; none without one."""
    return {name: getattr(assignment, name) for name in carried_fields()} if assignment else {}


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
