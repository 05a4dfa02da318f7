"""course.toml's keys, table by table, each declared once (grader/base/keys.py): a table read into a
dataclass is declared by that dataclass's fields (:func:`grader.base.keys.setting`: each field's type,
default, description and where the hand-outs carry it), the others as :class:`Key` tuples.
grader/course/toml.py reads the file against them, grader/course/projections.py and the Gradescope
config (grader/gradescope/config.py) take from them what each hand-out carries, and
docs/settings.md's key tables are drawn from them (:func:`course_keys`). A table's name is as the
docs write it: ``assignments.NAME`` is every assignment's table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from grader.base import defaults
from grader.base.keys import Kept, Key, Table, both, declared, setting
from grader.base.options import Leaderboard, SubmissionLimits
from grader.checks.verdict.exercises import DEFAULT_TWIN, TWIN_RULES
from grader.checks.verdict.scoring import KINDS

LATE_POLICIES = ("none", "per_day", "per_hour", "not_accepted")

# why the instructor keeps a field off both hand-outs
_LMS = Kept("the LMS's gradebook holds it: grade batch's exports, the instructor's")
_AT_HOME = Kept("a release grades at home, before any submission: the official grade applies it")
_MANUAL = Kept("graded by a person (grade batch mark; a manual question on Gradescope), not by code")
_MARKING = Kept("the marking page's, the instructor's")


class CourseError(ValueError):
    """The course file cannot be used; the message names the file and the key, on one line."""


@dataclass(frozen=True)
class LatePolicy:
    """``[assignments.NAME.late]``: an assignment's late policy."""

    policy: str = setting("string", "how a late submission is charged", "none", choices=LATE_POLICIES)
    penalty: float = setting(
        "number", "percent per started day or hour (`per_day`, `per_hour`: required)", 0.0
    )
    cap: float = setting("number", "percent at most", 100.0)
    grace_minutes: float = setting("number", "a submission this close after the due time is on time", 0.0)


@dataclass(frozen=True)
class RubricItem:
    """A line of a manual item's rubric (``rubric = [{ id, points, text }]``)."""

    id: str = setting("string", "a unique id of letters, digits, `_` or `-` (required)")
    points: float = setting("number", "its points, at most the item's (required)")
    text: str = setting("string", "what it awards", "")


@dataclass(frozen=True)
class ManualItem:
    """``[assignments.NAME.manual.ID]``: a part of an assignment a person grades (``grade batch
    mark``): an explanation, a plot. Where a notebook answers it: cells tagged ``tag``, else those
    under a heading ``heading``."""

    id: str  # the table's key: explain
    title: str = setting("string", "what the marker and the student read", "", shown="its id")
    points: float = setting("number", "its points, counted inside the assignment's (required)")
    rubric: tuple[RubricItem, ...] = setting(
        "array of tables", "its rubric's lines: `{ id, points, text }`", ()
    )
    tag: str = setting("string", "in a notebook, the cells tagged so answer it", "", shown="its id")
    heading: str = setting(
        "string", "in a notebook, the cells under this heading answer it", "", shown="its title"
    )

    def rubric_item(self, id: str) -> RubricItem | None:
        return next((r for r in self.rubric if r.id == id), None)


@dataclass(frozen=True)
class Assignment:
    """``[assignments.NAME]``: an assignment, its fields made by :func:`setting` its keys."""

    name: str  # the table's key: hw2
    title: str = setting(
        "string",
        "its title",
        "",
        shown="its key",
        carried=(
            Kept("a name for people: the LMS's column and grade batch's report"),
            Kept("Gradescope's assignment holds its title"),
        ),
    )
    topics: tuple[str, ...] = setting(
        "list of strings",
        "the topics it grades whole",
        (),
        carried=("the release's topics", "gradescope.json topics"),
    )
    # "topic.exercise" -> points, every exercise graded
    exercise_points: dict[str, float] = setting(
        "table",
        'points of single exercises (`"topic.exercise" = 15`); the rest share what is left',
        {},
        shown="shared equally",
        carried=("RELEASE.json points", "gradescope.json exercise_points"),
    )
    total: float = setting(
        "number",
        "its total points (required)",
        key="points",
        carried=(
            "RELEASE.json points",
            Kept("exercise_points add up to what the code grades; manual items are Gradescope's"),
        ),
    )
    kind_weights: dict[str, float] = setting(
        "table",
        f"how an exercise's points spread over its checks' kinds ({', '.join(f'`{k}`' for k in KINDS)})",
        {},
        shown="`1` each",
        carried=("RELEASE.json points", "gradescope.json kind_weights"),
    )
    due: datetime | None = setting(  # aware
        "date",
        "its due time (`2026-10-14 23:59`, ISO 8601 with or without an offset)",
        carried=(_AT_HOME, "gradescope.json due (with its time zone)"),
    )
    late: LatePolicy = setting(
        "table", "its late policy", LatePolicy(), carried=(_AT_HOME, "gradescope.json late")
    )
    extensions: dict[str, datetime] = setting(  # student -> aware due time
        "table",
        "a student's own due time (id, login, email or full name = date)",
        {},
        carried=(_AT_HOME, "gradescope.json extensions"),
    )
    excused: tuple[str, ...] = setting(
        "list of strings", "excused students (Canvas: EX), by any name the LMS uses", (), carried=both(_LMS)
    )
    lms_column: str = setting("string", "the LMS's column it fills", "", carried=both(_LMS))
    times: Path | None = setting(
        "string",
        "a CSV of `student,submitted_at`, relative to this file (`--times`)",
        carried=(_LMS, Kept("Gradescope gives the submission's time (submission_metadata.json created_at)")),
    )
    timezone: ZoneInfo = setting(
        "string",
        "the zone of its dates and arrival times",
        ZoneInfo("UTC"),
        shown="the course's",
        carried=(_AT_HOME, "gradescope.json due, written with its offset"),
    )
    # False: only the listed exercises' checks are graded
    whole_topics: bool = setting(
        "list of strings",
        "single exercises (`topic.exercise`), beside or instead of topics",
        True,
        key="exercises",
        shown="`[]`",
        carried=(
            Kept("RELEASE.json's exercise_points name the exercises graded"),
            "gradescope.json exercises",
        ),
    )
    twin: str = setting(
        "string",
        "what calling an off-limits function costs",
        DEFAULT_TWIN,
        choices=tuple(TWIN_RULES),
        carried=("RELEASE.json points", "gradescope.json twin"),
    )
    manual: dict[str, ManualItem] = setting(  # id -> item, in the file's order
        "table",
        "the parts a person grades (`grade batch mark`), one table each by id",
        {},
        carried=both(_MANUAL),
    )
    language: str | None = setting(
        "string",
        "its feedback's, release's and Gradescope zip's language",
        shown="the course's",
        choices=defaults.LANGUAGES,
        carried=("grader/locale/DEFAULT", "gradescope.json language"),
    )
    anonymous: bool = setting(
        "boolean",
        "marking in the browser names no student until set false again",
        False,
        carried=both(_MARKING),
    )
    submissions: SubmissionLimits = setting(
        "table",
        "its submission limits, applied by `grade batch` and the Gradescope autograder",
        SubmissionLimits(),
        carried=(
            Kept("limits of graded submissions on Gradescope: a release grades freely"),
            "gradescope.json submissions",
        ),
    )
    leaderboard: tuple[Leaderboard, ...] = setting(
        "array of tables",
        "its leaderboards: held-out metrics ranked (no points)",
        (),
        carried=(
            Kept("held-out sets never leave the course (grader/course/held_out.py)"),
            "gradescope.json leaderboard",
        ),
    )

    @property
    def automatic_total(self) -> float:
        """What the exercises share: the points the manual items leave."""
        return self.total - sum(item.points for item in self.manual.values())

    @property
    def exercises(self) -> tuple[str, ...]:
        """The bare exercise names graded (``--exercise``), empty when whole topics are."""
        return () if self.whole_topics else tuple(sorted({e.split(".", 1)[1] for e in self.exercise_points}))


@dataclass(frozen=True)
class Limits:
    """``[limits]``: the grading limits, as the command line's."""

    timeout: float | None = setting(
        "number", "seconds one probe may run", shown=f"`{defaults.PROBE_TIMEOUT:g}`"
    )
    memory_mb: int | None = setting(
        "whole number", "megabytes a worker may use", shown=f"`{defaults.MEMORY_MB}`"
    )
    budget: float | None = setting(
        "number", "seconds one submission's grading may take", shown=f"`{defaults.SUBMISSION_BUDGET:g}`"
    )


@dataclass(frozen=True)
class Course:
    path: Path
    name: str
    seed: str | None
    roster: Path | None
    timezone: ZoneInfo
    limits: Limits
    assignments: dict[str, Assignment]
    language: str | None = None  # the release's and Gradescope zip's default language (grader/base/i18n.py)

    def language_of(self, assignment: Assignment | None) -> str | None:
        """The language of what ``assignment`` gives students: its own, else the course's."""
        return (assignment.language if assignment else None) or self.language

    def assignment(self, name: str) -> Assignment:
        if name not in self.assignments:
            known = ", ".join(self.assignments) or "none"
            raise CourseError(f"{self.path.name}: no assignment {name!r} (assignments: {known})")
        return self.assignments[name]


# The course's own fields that are no key: where each hand-out carries them, or why not
UNKEYED: dict[str, dict[str, tuple[str, str]]] = {
    "assignment": {
        "name": ("RELEASE.json points (course_points.split_of)", Kept("the zip is the assignment's own"))
    },
    "course": {"path": both(Kept("where the instructor keeps the file"))},
}

COURSE_TABLES: dict[str, Table] = {
    "": (
        Key("course", "table", "what the course is: its name, seed, roster, zone, language, packs"),
        Key(
            "limits",
            "table",
            "the grading limits, as `--timeout`, `--memory` and `--budget`",
            carried=(
                Kept("a learner's machine is not the grader's: the official grade applies them"),
                "gradescope.json timeout, budget, memory_mb",
            ),
        ),
        Key(
            "assignments",
            "table",
            "one table per assignment, named by its key (`[assignments.hw1]`)",
            carried=(Kept("each its own release (--assignment)"), Kept("each its own zip (--assignment)")),
        ),
    ),
    "course": (
        Key(
            "name",
            "string",
            "the course's name",
            shown="the file's name",
            carried=both(Kept("a name for people")),
        ),
        Key(
            "seed",
            "string or whole number",
            "hidden checks draw each student's own inputs (`--course-seed`)",
            carried=(
                Kept("draws each student's hidden inputs: a secret (docs/instructors.md)"),
                "gradescope.json course_seed",
            ),
        ),
        Key(
            "roster",
            "string",
            "the LMS's class list, relative to this file (`--roster`)",
            carried=(_LMS, Kept("Gradescope's roster names the submitters (submission_metadata.json users)")),
        ),
        Key(
            "timezone",
            "string",
            "the zone of dates and arrival times without an offset (an IANA name)",
            "UTC",
            carried=(_AT_HOME, Kept("an assignment's due is written with its offset")),
        ),
        Key(
            "language",
            "string",
            "the release's, Gradescope zip's and batch feedback's messages",
            shown="the learner's",
            choices=defaults.LANGUAGES,
            carried=(
                "grader/locale/DEFAULT (the assignment's, else the course's)",
                "gradescope.json language",
            ),
        ),
        Key("packs", "list of strings", "the course's own packs, folders relative to this file", []),
    ),
}


def course_keys() -> dict[str, Table]:
    """{table: its keys}, every table of course.toml, as the docs write their names."""
    return COURSE_TABLES | {
        "limits": declared(Limits),
        "assignments.NAME": declared(Assignment),
        "assignments.NAME.late": declared(LatePolicy),
        "assignments.NAME.submissions": declared(SubmissionLimits),
        "assignments.NAME.leaderboard": declared(Leaderboard),
        "assignments.NAME.manual.ID": declared(ManualItem),
        "assignments.NAME.manual.ID.rubric": declared(RubricItem),
    }
