"""The commented course file ``grade course init`` writes (:func:`example`): the course's own
topics and their exercises (grader/base/topics.py), two homeworks, and every key of every table with
its declaration's description and default (grader/course/keys.py), a key the homeworks leave out
commented; :func:`grader.course.toml.load_course` reads it back (tests/grader/test_course.py)."""

from __future__ import annotations

import json
import re
from typing import Any

from grader.base import defaults
from grader.base.keys import Table
from grader.base.topics import TOPICS
from grader.base.topics import exercises as stub_exercises
from grader.course.keys import course_keys

HEADER = """\
# course.toml: one file that says what the course is (read by `grade batch --course`,
# `grade release`, `grade gradescope` and `grade notebooks`; a flag on the command line wins).
# Every key is described beside it (docs/settings.md); a commented key takes its default.
# Its topics and their exercises (write an exercise as topic.exercise):
"""
BARE = re.compile(r"[A-Za-z0-9_-]+")


def _value(value: Any) -> str:
    """``value`` as TOML writes it."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{k if BARE.fullmatch(k) else json.dumps(k)} = {_value(v)}" for k, v in value.items())
        return "{ " + ", ".join(pairs) + " }"
    return json.dumps(value) if isinstance(value, str) else f"{value:g}"


def _table(heading: str, keys: Table, given: dict[str, Any]) -> list[str]:
    """``[heading]``: each key ``given`` with its value, the others commented with their
    default, each described; a heading of a table no homework gives, commented too."""
    lines = ["", f"[{heading}]" if given else f"# [{heading}]"]
    for key in keys:
        said = f"{key.name} = {_value(given[key.name])}" if key.name in given else f"# {key.name}"
        shown = key.default_text.replace("`", "")
        default = "" if key.name in given or shown == "—" else f" (default: {shown})"
        lines.append(f"{said:<30} # {key.described.replace('`', '')}{default}")
    return lines


def _homeworks() -> dict[str, dict[str, Any]]:
    """The example's homeworks, from the course's own topics: two topics each (the first four),
    two exercises of the fourth given their own points."""
    first = [TOPICS[i % len(TOPICS)] for i in range(4)]
    weighed = zip(stub_exercises(first[3]), (15, 10))
    return {
        "hw1": {
            "title": f"Homework 1: {first[0]} and {first[1]}",
            "topics": first[:2],
            "points": 100,
            "due": "2026-10-07 23:59",
            "lms_column": "Homework 1",
            "late": {"policy": "per_day", "penalty": 10, "cap": 50, "grace_minutes": 15},
        },
        "hw2": {
            "title": f"Homework 2: {first[2]} and {first[3]}",
            "topics": first[2:4],
            "points": 100,
            "due": "2026-10-14 23:59",
            "lms_column": "Homework 2",
            "twin": "zero",
            "exercise_points": {f"{first[3]}.{name}": points for name, points in weighed},
            "kind_weights": {"shape": 1, "gradient": 1, "convergence": 3, "device": 1},
            "late": {"policy": "per_hour", "penalty": 2, "cap": 40, "grace_minutes": 10},
        },
    }


def example() -> str:
    """The commented course file ``grade course init`` writes."""
    tables = course_keys()
    topics = "".join(f"#   {t}: {', '.join(stub_exercises(t))}\n" for t in TOPICS)
    limits = {
        "timeout": defaults.PROBE_TIMEOUT,
        "memory_mb": defaults.MEMORY_MB,
        "budget": defaults.SUBMISSION_BUDGET,
    }
    lines = _table(
        "course", tables["course"], {"name": "Deep learning with PyTorch", "timezone": "Europe/Berlin"}
    )
    lines += _table("limits", tables["limits"], limits)
    for name, given in _homeworks().items():
        lines += _table(f"assignments.{name}", tables["assignments.NAME"], given)
    for table in (t for t in tables if t.startswith("assignments.NAME.")):
        lines += _table(table.replace("NAME", "hw2"), tables[table], {})
    return HEADER + topics + "\n".join(lines) + "\n"
