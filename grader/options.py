"""The one bundle of grading settings: what ``grade`` reads from its command line once and
every command hands on (``check``, ``batch``, ``watch``, ``gradescope``, Dask's workers), down
to the per-task :class:`grader.engine.suites.collected.Run` that :func:`grader.engine.runner.grade_topic` builds.

Frozen and made of plain values, so it pickles (Dask) and compares (a task's key). Its
defaults are :mod:`grader.defaults`' and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from grader import defaults


@dataclass(frozen=True)
class Limits:
    """How long and how large: ``--timeout``, ``--memory``, ``--budget``."""

    timeout: float = defaults.PROBE_TIMEOUT  # seconds per probe (convergence checks get more)
    memory_mb: int = defaults.MEMORY_MB  # per worker
    budget: float = defaults.SUBMISSION_BUDGET  # seconds for one submission, every topic


@dataclass(frozen=True)
class Selection:
    """Which checks: ``--topic``, ``--exercise``, ``-k`` and ``--public-only``."""

    topics: tuple[str, ...] = ()  # all when empty
    exercises: tuple[str, ...] = ()  # only these exercises' checks; all when empty
    keyword: str = ""  # pytest's -k EXPR: it matches check names and the exercises they judge
    public_only: bool = False


@dataclass(frozen=True)
class Options:
    """What one run of ``grade`` grades with. ``device`` is ``auto``, ``cpu`` or ``cuda`` as
    asked; a task's is resolved (``cpu`` or ``cuda``). With ``course_seed`` and ``student`` the
    hidden checks draw that student's inputs (:mod:`grader.checks.inputs`)."""

    limits: Limits = field(default_factory=Limits)
    device: str = defaults.DEVICE
    selection: Selection = field(default_factory=Selection)
    course_seed: str | None = None
    student: str | None = None

    def with_topics(self, topics: Iterable[str]) -> Options:
        """The same options for ``topics`` (all when empty)."""
        return replace(self, selection=replace(self.selection, topics=tuple(topics)))


@dataclass(frozen=True)
class SubmissionLimits:
    """An assignment's limits (course.toml ``[assignments.NAME.submissions]``); 0: none."""

    max_submissions: int = 0  # graded submissions in all
    per_day: int = 0  # graded submissions in any 24 hours
    cooldown_minutes: float = 0.0  # between two graded submissions

    def __bool__(self) -> bool:
        return bool(self.max_submissions or self.per_day or self.cooldown_minutes)

    def to_json(self) -> dict[str, Any]:
        return {"max_submissions": self.max_submissions, "per_day": self.per_day,
                "cooldown_minutes": self.cooldown_minutes}  # fmt: skip

    @classmethod
    def from_json(cls, data: Any) -> SubmissionLimits:
        data = data if isinstance(data, dict) else {}
        return cls(int(data.get("max_submissions", 0)), int(data.get("per_day", 0)),
                   float(data.get("cooldown_minutes", 0.0)))  # fmt: skip


@dataclass(frozen=True)
class Leaderboard:
    """One leaderboard of an assignment (course.toml ``[[assignments.NAME.leaderboard]]``): an
    exercise's metric on its held-out set (grader/checks/held_out.py), ranked in ``order``
    (``desc``: higher first). Its metric and order default to its held-out set's declared ones
    (grader/course/toml.py reads them). ``counts``: whether it earns points (never yet)."""

    topic: str
    exercise: str
    metric: str
    order: str
    name: str = ""  # its column's title; "" for "<exercise> <metric>"
    counts: bool = False

    @property
    def title(self) -> str:
        return self.name or f"{self.exercise} {self.metric}"

    def to_json(self) -> dict[str, Any]:
        return {"topic": self.topic, "exercise": self.exercise, "metric": self.metric,
                "order": self.order, "name": self.name, "counts": self.counts}  # fmt: skip

    @classmethod
    def from_json(cls, data: Any) -> Leaderboard:
        data = data if isinstance(data, dict) else {}
        return cls(str(data.get("topic", "")), str(data.get("exercise", "")), str(data.get("metric", "")),
                   str(data.get("order", "")), str(data.get("name", "")), data.get("counts") is True)  # fmt: skip
