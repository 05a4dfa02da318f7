"""The one bundle of grading settings: what ``grade`` reads from its command line once and
every command hands on (``check``, ``batch``, ``watch``, ``gradescope``, Dask's workers), down
to the per-task :class:`grader.engine.suites.collected.Run` that :func:`grader.engine.runner.grade_topic` builds.

Frozen and made of plain values, so it pickles (Dask) and compares (a task's key). Its
defaults are :mod:`grader.base.defaults`' and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from grader.base import defaults
from grader.base.keys import setting


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

    max_submissions: int = setting("whole number", "graded submissions in all (`0`: no limit)", 0)
    per_day: int = setting("whole number", "graded submissions in any 24 hours (`0`: no limit)", 0)
    cooldown_minutes: float = setting("number", "minutes between two graded submissions", 0.0)

    def __bool__(self) -> bool:
        return bool(self.max_submissions or self.per_day or self.cooldown_minutes)


@dataclass(frozen=True)
class Leaderboard:
    """One leaderboard of an assignment (course.toml ``[[assignments.NAME.leaderboard]]``): an
    exercise's metric on its held-out set (grader/checks/held_out.py), ranked in ``order``
    (``desc``: higher first). Its metric and order default to its held-out set's declared ones
    (grader/course/toml.py reads them). ``counts``: whether it earns points (never yet)."""

    topic: str
    exercise: str = setting("string", "an exercise of the assignment with a held-out set (required)")
    metric: str = setting("string", "the metric ranked", shown="the held-out set's declared one")
    order: str = setting(
        "string", "`desc`: higher ranks first; `asc`: lower", shown="the held-out set's declared one"
    )
    name: str = setting("string", "the column's title", "", shown="`<exercise> <metric>`")
    counts: bool = setting("boolean", "a leaderboard earns no points: only `false`", False)

    @property
    def title(self) -> str:
        return self.name or f"{self.exercise} {self.metric}"
