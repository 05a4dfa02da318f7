"""What a hand-out carries of each declaration that decides points, field by field.

A student release (with its hand-out notebooks, whose ``check()`` grades in the release) and the
Gradescope zip are projections of the declarations: a suite module's fields the engine reads, a
pack's topic (grader/packs.py ``Topic``), a course and its assignment (grader/course.py). Each
field is either carried (:data:`CARRIED`: where the hand-out holds it) or kept by the instructor
(:data:`INSTRUCTOR_ONLY`: why). tests/grader/test_projections.py enumerates the fields from the
declarations themselves and fails on one that is in neither list, so a new clause cannot be
dropped from a hand-out silently. Light: names only, read by the release and the tests.
"""

from __future__ import annotations

# the fields of a suite module the engine reads (grader/engine/suites.py ``CollectedSuite``): the
# source reading judges a submission by them, so a release's public suite keeps each
# (grader/apps/release.py ``public_suite``), whatever its public checks name
SUITE_FIELDS = ("OFF_LIMITS", "VECTORISED", "DIMENSION_COUNTS")

HANDOUTS = ("release", "zip")

_TOPIC_FILES = {
    "name": "pack.toml (flattened_toml)",
    "seconds": "pack.toml (flattened_toml)",
    "exercises": "pack.toml (flattened_toml)",
    "probe_cpu_seconds": "pack.toml (flattened_toml)",
    "sympy_free": "pack.toml (flattened_toml)",
    "reads": "pack.toml and the files, beside the suite (packs.read_files)",
    "stub": "exercises/<topic>.py",
    "domains": "tests/suites/domains_<topic>.py",
}

CARRIED: dict[str, dict[str, dict[str, str]]] = {
    "release": {
        "suite": {name: "the public suite keeps it (public_suite)" for name in SUITE_FIELDS},
        "topic": {**_TOPIC_FILES, "answers": "tests/suites/answers_<topic>.pt, moved off (taught_answers)"},
        "assignment": {
            "name": "RELEASE.json points (course_points.split_of)",
            "topics": "the release's topics",
            "exercise_points": "RELEASE.json points",
            "total": "RELEASE.json points",
            "kind_weights": "RELEASE.json points",
            "twin": "RELEASE.json points",
            "language": "grader/locale/DEFAULT",
        },
        "course": {"language": "grader/locale/DEFAULT (the assignment's, else the course's)"},
    },
    "zip": {
        "suite": {name: "the whole suite ships" for name in SUITE_FIELDS},
        "topic": {**_TOPIC_FILES, "answers": "tests/suites/answers_<topic>.pt (exact)"},
        "assignment": {
            "topics": "gradescope.json topics",
            "whole_topics": "gradescope.json exercises",
            "exercise_points": "gradescope.json exercise_points",
            "kind_weights": "gradescope.json kind_weights",
            "twin": "gradescope.json twin",
            "language": "gradescope.json language",
            "submissions": "gradescope.json submissions",
            "leaderboard": "gradescope.json leaderboard",
            "due": "gradescope.json due (with its time zone)",
            "timezone": "gradescope.json due, written with its offset",
            "late": "gradescope.json late",
            "extensions": "gradescope.json extensions",
        },
        "course": {
            "seed": "gradescope.json course_seed",
            "limits": "gradescope.json timeout, budget, memory_mb",
            "language": "gradescope.json language",
        },
    },
}

_REFERENCE = "the reference: never handed out (grader/apps/leaks.py refuses it)"
_LMS = "the LMS's gradebook holds it: grade batch's exports, the instructor's"
_AT_HOME = "a release grades at home, before any submission: the official grade applies it"
_MANUAL = "graded by a person (grade batch mark; a manual question on Gradescope), not by code"

INSTRUCTOR_ONLY: dict[str, dict[str, dict[str, str]]] = {
    "release": {
        "suite": {},
        "topic": {
            "solution": _REFERENCE,
            "pack": "the author's folders: a release flattens them into its own",
        },
        "assignment": {
            "title": "a name for people: the LMS's column and grade batch's report",
            "whole_topics": "RELEASE.json's exercise_points name the exercises graded",
            "due": _AT_HOME,
            "timezone": _AT_HOME,
            "late": _AT_HOME,
            "extensions": _AT_HOME,
            "excused": _LMS,
            "lms_column": _LMS,
            "times": _LMS,
            "manual": _MANUAL,
            "anonymous": "the marking page's, the instructor's",
            "submissions": "limits of graded submissions on Gradescope: a release grades freely",
            "leaderboard": "held-out sets never leave the course (grader/held_out.py)",
        },
        "course": {
            "path": "where the instructor keeps the file",
            "name": "a name for people",
            "seed": "draws each student's hidden inputs: a secret (docs/instructors.md)",
            "roster": _LMS,
            "timezone": _AT_HOME,
            "limits": "a learner's machine is not the grader's: the official grade applies them",
            "assignments": "each its own release (--assignment)",
        },
    },
    "zip": {
        "suite": {},
        "topic": {"solution": _REFERENCE, "pack": "the author's folders: the zip flattens them into its own"},
        "assignment": {
            "name": "the zip is the assignment's own",
            "title": "Gradescope's assignment holds its title",
            "total": "exercise_points add up to what the code grades; manual items are Gradescope's",
            "excused": _LMS,
            "lms_column": _LMS,
            "times": "Gradescope gives the submission's time (submission_metadata.json created_at)",
            "manual": _MANUAL,
            "anonymous": "the marking page's, the instructor's",
        },
        "course": {
            "path": "where the instructor keeps the file",
            "name": "a name for people",
            "roster": "Gradescope's roster names the submitters (submission_metadata.json users)",
            "timezone": "an assignment's due is written with its offset",
            "assignments": "each its own zip (--assignment)",
        },
    },
}
