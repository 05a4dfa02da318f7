"""What a hand-out carries of each declaration that decides points, field by field.

A student release (with its hand-out notebooks, whose ``check()`` grades in the release) and the
Gradescope zip are projections of the declarations: a suite module's fields the engine reads, a
pack's topic (grader/packs.py ``Topic``), a course and its assignment (grader/course/toml.py). Each
field is either carried (:data:`CARRIED`: where the hand-out holds it) or kept by the instructor
(:data:`INSTRUCTOR_ONLY`: why), both drawn from :data:`FIELDS`, which names each field once with
its word for every hand-out. tests/grader/test_projections.py enumerates the fields from the
declarations themselves and fails on one that is in neither list, so a new clause cannot be
dropped from a hand-out silently. Light: names only, read by the release and the tests.
"""

from __future__ import annotations

# the fields of a suite module the engine reads (grader/engine/suites/collected.py ``CollectedSuite``): the
# source reading judges a submission by them, so a release's public suite keeps each
# (grader/apps/release.py ``public_suite``), whatever its public checks name
SUITE_FIELDS = ("OFF_LIMITS", "VECTORISED", "DIMENSION_COUNTS")

HANDOUTS = ("release", "zip")


class Kept(str):
    """Why the instructor keeps a field off a hand-out; a plain string says where the hand-out
    carries it."""


_FLAT = "pack.toml (flattened_toml)"
_REFERENCE = Kept("the reference: never handed out (grader/apps/leaks.py refuses it)")
_LMS = Kept("the LMS's gradebook holds it: grade batch's exports, the instructor's")
_AT_HOME = Kept("a release grades at home, before any submission: the official grade applies it")
_MANUAL = Kept("graded by a person (grade batch mark; a manual question on Gradescope), not by code")
_MARKING = Kept("the marking page's, the instructor's")


def _same(word: str) -> tuple[str, str]:
    """The same word for both hand-outs."""
    return (word, word)


# {declaration: {field: (the release's word, the zip's)}}, in the order of HANDOUTS
FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "suite": {
        name: ("the public suite keeps it (public_suite)", "the whole suite ships") for name in SUITE_FIELDS
    },
    "topic": {
        "name": _same(_FLAT),
        "seconds": _same(_FLAT),
        "exercises": _same(_FLAT),
        "probe_cpu_seconds": _same(_FLAT),
        "sympy_free": _same(_FLAT),
        "reads": _same("pack.toml and the files, beside the suite (packs.read_files)"),
        "stub": _same("exercises/<topic>.py"),
        "domains": _same("tests/suites/domains_<topic>.py"),
        "answers": (
            "tests/suites/answers_<topic>.pt, moved off (taught_answers)",
            "tests/suites/answers_<topic>.pt (exact)",
        ),
        "solution": _same(_REFERENCE),
        "pack": (
            Kept("the author's folders: a release flattens them into its own"),
            Kept("the author's folders: the zip flattens them into its own"),
        ),
    },
    "assignment": {
        "name": ("RELEASE.json points (course_points.split_of)", Kept("the zip is the assignment's own")),
        "title": (
            Kept("a name for people: the LMS's column and grade batch's report"),
            Kept("Gradescope's assignment holds its title"),
        ),
        "topics": ("the release's topics", "gradescope.json topics"),
        "whole_topics": (
            Kept("RELEASE.json's exercise_points name the exercises graded"),
            "gradescope.json exercises",
        ),
        "exercise_points": ("RELEASE.json points", "gradescope.json exercise_points"),
        "total": (
            "RELEASE.json points",
            Kept("exercise_points add up to what the code grades; manual items are Gradescope's"),
        ),
        "kind_weights": ("RELEASE.json points", "gradescope.json kind_weights"),
        "twin": ("RELEASE.json points", "gradescope.json twin"),
        "language": ("grader/locale/DEFAULT", "gradescope.json language"),
        "due": (_AT_HOME, "gradescope.json due (with its time zone)"),
        "timezone": (_AT_HOME, "gradescope.json due, written with its offset"),
        "late": (_AT_HOME, "gradescope.json late"),
        "extensions": (_AT_HOME, "gradescope.json extensions"),
        "excused": _same(_LMS),
        "lms_column": _same(_LMS),
        "times": (_LMS, Kept("Gradescope gives the submission's time (submission_metadata.json created_at)")),
        "manual": _same(_MANUAL),
        "anonymous": _same(_MARKING),
        "submissions": (
            Kept("limits of graded submissions on Gradescope: a release grades freely"),
            "gradescope.json submissions",
        ),
        "leaderboard": (
            Kept("held-out sets never leave the course (grader/course/held_out.py)"),
            "gradescope.json leaderboard",
        ),
    },
    "course": {
        "path": _same(Kept("where the instructor keeps the file")),
        "name": _same(Kept("a name for people")),
        "language": (
            "grader/locale/DEFAULT (the assignment's, else the course's)",
            "gradescope.json language",
        ),
        "seed": (
            Kept("draws each student's hidden inputs: a secret (docs/instructors.md)"),
            "gradescope.json course_seed",
        ),
        "roster": (_LMS, Kept("Gradescope's roster names the submitters (submission_metadata.json users)")),
        "timezone": (_AT_HOME, Kept("an assignment's due is written with its offset")),
        "limits": (
            Kept("a learner's machine is not the grader's: the official grade applies them"),
            "gradescope.json timeout, budget, memory_mb",
        ),
        "assignments": (Kept("each its own release (--assignment)"), Kept("each its own zip (--assignment)")),
    },
}


def _words(column: int, kept: bool) -> dict[str, dict[str, str]]:
    """One hand-out's words by declaration: where it carries each field, or (``kept``) why the
    instructor keeps it."""
    return {
        declaration: {
            name: str(words[column])
            for name, words in fields.items()
            if isinstance(words[column], Kept) == kept
        }
        for declaration, fields in FIELDS.items()
    }


CARRIED = {handout: _words(column, kept=False) for column, handout in enumerate(HANDOUTS)}
INSTRUCTOR_ONLY = {handout: _words(column, kept=True) for column, handout in enumerate(HANDOUTS)}
