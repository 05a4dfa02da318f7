"""course.toml's keys, table by table, each declared once (grader/keys.py): grader/course/toml.py reads
the file against them and docs/instructors.md's key tables are drawn from them. A table's
name is as the docs write it: ``assignments.NAME`` is every assignment's table."""

from __future__ import annotations

from grader import defaults
from grader.checks.verdict.exercises import DEFAULT_TWIN, TWIN_RULES
from grader.checks.verdict.scoring import KINDS
from grader.keys import Key, Table

LATE_POLICIES = ("none", "per_day", "per_hour", "not_accepted")


def _choices(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"`{v}`" for v in values)


COURSE_KEYS: dict[str, Table] = {
    "": (
        Key("course", "table", "what the course is: its name, seed, roster, zone, language, packs"),
        Key("limits", "table", "the grading limits, as `--timeout`, `--memory` and `--budget`"),
        Key("assignments", "table", "one table per assignment, named by its key (`[assignments.hw1]`)"),
    ),
    "course": (
        Key("name", "string", "the course's name", shown="the file's name"),
        Key(
            "seed", "string or whole number", "hidden checks draw each student's own inputs (`--course-seed`)"
        ),
        Key("roster", "string", "the LMS's class list, relative to this file (`--roster`)"),
        Key(
            "timezone",
            "string",
            "the zone of dates and arrival times without an offset (an IANA name)",
            "UTC",
        ),
        Key(
            "language",
            "string",
            f"the release's, Gradescope zip's and batch feedback's messages: one of {_choices(defaults.LANGUAGES)}",
            shown="the learner's",
        ),
        Key("packs", "list of strings", "the course's own packs, folders relative to this file", []),
    ),
    "limits": (
        Key("timeout", "number", "seconds one probe may run", shown=f"`{defaults.PROBE_TIMEOUT:g}`"),
        Key("memory_mb", "whole number", "megabytes a worker may use", shown=f"`{defaults.MEMORY_MB}`"),
        Key(
            "budget",
            "number",
            "seconds one submission's grading may take",
            shown=f"`{defaults.SUBMISSION_BUDGET:g}`",
        ),
    ),
    "assignments.NAME": (
        Key("title", "string", "its title", shown="its key"),
        Key("topics", "list of strings", "the topics it grades whole", []),
        Key(
            "exercises",
            "list of strings",
            "single exercises (`topic.exercise`), beside or instead of topics",
            [],
        ),
        Key("points", "number", "its total points (required)"),
        Key(
            "exercise_points",
            "table",
            'points of single exercises (`"topic.exercise" = 15`); the rest share what is left',
            shown="shared equally",
        ),
        Key(
            "kind_weights",
            "table",
            f"how an exercise's points spread over its checks' kinds ({_choices(KINDS)})",
            shown="`1` each",
        ),
        Key("due", "date", "its due time (`2026-10-14 23:59`, ISO 8601 with or without an offset)"),
        Key("timezone", "string", "the zone of its dates and arrival times", shown="the course's"),
        Key("late", "table", "its late policy"),
        Key(
            "extensions",
            "table",
            "a student's own due time (id, login, email or full name = date)",
            {},
        ),
        Key(
            "excused",
            "list of strings",
            "excused students (Canvas: EX), by any name the LMS uses",
            [],
        ),
        Key("lms_column", "string", "the LMS's column it fills", ""),
        Key("times", "string", "a CSV of `student,submitted_at`, relative to this file (`--times`)"),
        Key(
            "twin",
            "string",
            f"what calling an off-limits function costs: one of {_choices(list(TWIN_RULES))}",
            DEFAULT_TWIN,
        ),
        Key(
            "manual",
            "table",
            "the parts a person grades (`grade batch mark`), one table each by id",
            {},
        ),
        Key(
            "language",
            "string",
            "its feedback's, release's and Gradescope zip's language",
            shown="the course's",
        ),
        Key("anonymous", "boolean", "marking in the browser names no student until set false again", False),
        Key(
            "submissions",
            "table",
            "its submission limits, applied by `grade batch` and the Gradescope autograder",
        ),
        Key(
            "leaderboard",
            "array of tables",
            "its leaderboards: held-out metrics ranked (no points)",
            [],
        ),
    ),
    "assignments.NAME.late": (
        Key("policy", "string", f"one of {_choices(LATE_POLICIES)}", "none"),
        Key("penalty", "number", "percent per started day or hour (`per_day`, `per_hour`: required)", 0.0),
        Key("cap", "number", "percent at most", 100.0),
        Key("grace_minutes", "number", "a submission this close after the due time is on time", 0.0),
    ),
    "assignments.NAME.submissions": (
        Key("max_submissions", "whole number", "graded submissions in all (`0`: no limit)", 0),
        Key("per_day", "whole number", "graded submissions in any 24 hours (`0`: no limit)", 0),
        Key("cooldown_minutes", "number", "minutes between two graded submissions", 0.0),
    ),
    "assignments.NAME.leaderboard": (
        Key("exercise", "string", "an exercise of the assignment with a held-out set (required)"),
        Key("metric", "string", "the metric ranked", shown="the held-out set's declared one"),
        Key(
            "order",
            "string",
            "`desc`: higher ranks first; `asc`: lower",
            shown="the held-out set's declared one",
        ),
        Key("name", "string", "the column's title", shown="`<exercise> <metric>`"),
        Key("counts", "boolean", "a leaderboard earns no points: only `false`", False),
    ),
    "assignments.NAME.manual.ID": (
        Key("points", "number", "its points, counted inside the assignment's (required)"),
        Key("title", "string", "what the marker and the student read", shown="its id"),
        Key("rubric", "array of tables", "its rubric's lines: `{ id, points, text }`", []),
        Key("tag", "string", "in a notebook, the cells tagged so answer it", shown="its id"),
        Key("heading", "string", "in a notebook, the cells under this heading answer it", shown="its title"),
    ),
    "assignments.NAME.manual.ID.rubric": (
        Key("id", "string", "a unique id of letters, digits, `_` or `-` (required)"),
        Key("points", "number", "its points, at most the item's (required)"),
        Key("text", "string", "what it awards", ""),
    ),
}
