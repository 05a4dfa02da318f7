"""``grade batch``'s rules before grading: what a course file fills in, and what is refused.

A setting the caller gave wins over the course file (grader/course/toml.py), which wins over the
default: the course seed, the topics (the assignment's), the roster, the limits. Then the run
is refused, with a message that teaches, when its folders, topics or LMS column cannot work.
:func:`grader.batch.run.run_batch` applies :func:`prepared` first, so the Python API with a
course makes the same run as ``grade batch --course``; the CLI only parses and prints.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from grader.base import defaults
from grader.base.options import Limits, Options

if TYPE_CHECKING:  # imported where used: the CLI runs these rules before it starts the zygote
    from grader.batch.lms.base import LmsSettings
    from grader.batch.roster import Roster
    from grader.course.keys import Assignment, Course


def _lms_settings() -> LmsSettings:
    from grader.batch.lms.base import LmsSettings

    return LmsSettings()


@dataclass
class BatchOptions:
    """``grade batch``'s own settings around the grading options every command shares
    (limits, topics, -k, the course seed: each student's hidden inputs, grader/checks/inputs.py)."""

    grading: Options = field(default_factory=Options)
    workers: int = field(default_factory=defaults.cores)
    roster: Roster | None = None
    scheduler: str | None = None  # a Dask scheduler's address: grade on its workers
    allow_no_sandbox: bool = False  # what Dask workers without bubblewrap may do
    lms: LmsSettings = field(default_factory=_lms_settings)  # how the LMS file is filled
    course: Course | None = None  # with assignment: points, deadlines (grader/course/toml.py)
    assignment: str = ""
    times: Path | None = None  # a CSV of student,submitted_at
    # limits the caller gave: they win over the course even at their default
    given: frozenset[str] = frozenset()


class Refused(ValueError):
    """A batch run that cannot start; the message says why in one line."""


def course_topics(assignment: Assignment | None, topics: tuple[str, ...]) -> tuple[str, ...]:
    """--topic where given, else the assignment's topics and its single exercises' topics."""
    if topics or assignment is None:
        return topics
    return tuple(dict.fromkeys(name.split(".", 1)[0] for name in assignment.exercise_points))


def course_limits(limits: Limits, course: Course | None, given: Collection[str] = ()) -> Limits:
    """--timeout, --memory and --budget: each as given (named in ``given``, or not the default),
    else from the course file where it says, else the default."""
    if course is None:
        return limits
    default = Limits()
    chosen = {}
    for name in (f.name for f in fields(Limits)):
        value = getattr(limits, name)
        if name not in given and value == getattr(default, name):
            value = getattr(course.limits, name) or value
        chosen[name] = value
    return Limits(**chosen)


def with_course(options: BatchOptions) -> BatchOptions:
    """``options`` with what its course file says where the caller said nothing: the seed, the
    topics, the roster, the limits."""
    course = options.course
    if course is None:
        return options
    from grader.batch.roster import RosterError, read_roster
    from grader.course.keys import CourseError

    try:
        chosen = course.assignment(options.assignment) if options.assignment else None
    except CourseError as exc:
        raise Refused(str(exc)) from None
    grading = options.grading
    roster = options.roster
    if roster is None and course.roster is not None:
        try:
            roster = read_roster(course.roster)
        except RosterError as exc:
            raise Refused(f"{course.path.name}: course.roster: {exc}") from None
    grading = replace(
        grading,
        course_seed=grading.course_seed if grading.course_seed is not None else course.seed,
        selection=replace(grading.selection, topics=course_topics(chosen, grading.selection.topics)),
        limits=course_limits(grading.limits, course, options.given),
    )
    return replace(options, grading=grading, roster=roster)


def refusal(submissions: Path, out: Path, options: BatchOptions) -> str:
    """Why a run of ``options`` from ``submissions`` into ``out`` cannot start, or ''."""
    from grader.base.topics import unknown_topic

    if not submissions.is_dir():
        return f"no such folder: {submissions}"
    if out.resolve() == submissions.resolve() or out.resolve().is_relative_to(submissions.resolve()):
        return "--out must not lie inside the submissions folder"
    if unknown_topic(options.grading.selection.topics):
        return unknown_topic(options.grading.selection.topics)
    lms_column, roster = options.lms.column, options.roster
    if lms_column is not None and roster is None:
        return "--lms-column needs --roster (a Canvas gradebook export)"
    elif lms_column is not None and roster is not None:
        from grader.batch.lms import lms_named
        from grader.batch.roster import RosterError

        try:
            lms_named(roster.lms).check_column(roster, lms_column)
        except RosterError as exc:
            return str(exc)
    return ""


def checked(submissions: Path, out: Path, options: BatchOptions) -> tuple[BatchOptions, str]:
    """``options`` with its course applied (:func:`with_course`), and why the run cannot start
    (or ''). Imports nothing of the engine: the CLI asks before it starts the zygote."""
    try:
        options = with_course(options)
    except Refused as exc:
        return options, str(exc)
    return options, refusal(submissions, out, options)


def prepared(submissions: Path, out: Path, options: BatchOptions) -> BatchOptions:
    """``options`` with its course applied, or :class:`UsageProblem` saying why the run cannot
    start (:func:`checked`)."""
    options, problem = checked(submissions, out, options)
    if problem:
        from grader.engine.selection import UsageProblem

        raise UsageProblem(problem)
    return options
