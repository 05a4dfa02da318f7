"""What a hand-out carries of each declaration that decides points, field by field.

A student release (with its hand-out notebooks, whose ``check()`` grades in the release) and the
Gradescope zip are projections of the declarations: a suite module's fields the engine reads, a
pack's topic (grader/packs.py ``Topic``), a course and its assignment (grader/course/toml.py). Each
field is either carried (:func:`carried`: where the hand-out holds it) or kept by the instructor
(:func:`instructor_only`: why), both drawn from :func:`fields`, which names each field once with
its word for every hand-out (a course's, in its keys' declaration). tests/grader/test_projections.py enumerates the fields from the
declarations themselves and fails on one that is in neither list, so a new clause cannot be
dropped from a hand-out silently. Light: names only, read by the release and the tests.
"""

from __future__ import annotations

from grader.course import keys as course_keys
from grader.keys import Kept, both, declared

# the fields of a suite module the engine reads (grader/engine/suites/collected.py ``CollectedSuite``): the
# source reading judges a submission by them, so a release's public suite keeps each
# (grader/apps/release.py ``public_suite``), whatever its public checks name
SUITE_FIELDS = ("OFF_LIMITS", "VECTORISED", "DIMENSION_COUNTS")

HANDOUTS = ("release", "zip")


_FLAT = "pack.toml (flattened_toml)"


# {field: (the release's word, the zip's)} of a pack's topic (grader/packs.py ``Topic``)
TOPIC_FIELDS: dict[str, tuple[str, str]] = {
    "name": both(_FLAT),
    "seconds": both(_FLAT),
    "exercises": both(_FLAT),
    "probe_cpu_seconds": both(_FLAT),
    "sympy_free": both(_FLAT),
    "reads": both("pack.toml and the files, beside the suite (packs.read_files)"),
    "stub": both("exercises/<topic>.py"),
    "domains": both("tests/suites/domains_<topic>.py"),
    "answers": (
        "tests/suites/answers_<topic>.pt, moved off (taught_answers)",
        "tests/suites/answers_<topic>.pt (exact)",
    ),
    "solution": both(Kept("the reference: never handed out (grader/apps/leaks.py refuses it)")),
    "pack": (
        Kept("the author's folders: a release flattens them into its own"),
        Kept("the author's folders: the zip flattens them into its own"),
    ),
}


def fields() -> dict[str, dict[str, tuple[str, str]]]:
    """{declaration: {field: (the release's word, the zip's)}}, in the order of HANDOUTS: a
    course's and its assignment's are their keys' declaration's (grader/course/keys.py)."""
    course = course_keys.COURSE_TABLES[""] + course_keys.COURSE_TABLES["course"]
    return {
        "suite": {
            name: ("the public suite keeps it (public_suite)", "the whole suite ships")
            for name in SUITE_FIELDS
        },
        "topic": TOPIC_FIELDS,
        "assignment": {k.attribute: k.carried for k in declared(course_keys.Assignment)}
        | course_keys.UNKEYED["assignment"],
        "course": {k.attribute: k.carried for k in course if any(k.carried)} | course_keys.UNKEYED["course"],
    }


def _words(handout: str, kept: bool) -> dict[str, dict[str, str]]:
    """One hand-out's words by declaration: where it carries each field, or (``kept``) why the
    instructor keeps it."""
    column = HANDOUTS.index(handout)
    return {
        declaration: {
            name: str(words[column])
            for name, words in found.items()
            if isinstance(words[column], Kept) == kept
        }
        for declaration, found in fields().items()
    }


def carried(handout: str) -> dict[str, dict[str, str]]:
    """{declaration: {field: where ``handout`` carries it}}."""
    return _words(handout, kept=False)


def instructor_only(handout: str) -> dict[str, dict[str, str]]:
    """{declaration: {field: why the instructor keeps it off ``handout``}}."""
    return _words(handout, kept=True)
