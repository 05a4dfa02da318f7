"""Course points in a student release (what the public checks give, in the course's terms:
docs/instructors.md, "A release for students"), and in ``grade FILE --course --assignment``
(what every check gives, as ``grade batch`` does). :func:`split_of` is the release marker's
``points``; ``whole``, each exercise's maximum when every check passes, is what they scale."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from grader.base import grades
from grader.base.i18n import _
from grader.base.keys import typed
from grader.base.topics import RELEASE_MARKER, suites_dir
from grader.checks.verdict.exercises import Exercise, judge
from grader.checks.verdict.scoring import Report
from grader.checks.verdict.weighing import kind_weighed, scaled

if TYPE_CHECKING:
    from grader.course.keys import Assignment


def split_of(assignment: Assignment) -> dict[str, Any]:
    """The assignment's split of its points as a release's marker holds it."""
    return {
        "assignment": assignment.name,
        "total": assignment.total,
        "exercise_points": dict(assignment.exercise_points),
        "kind_weights": dict(assignment.kind_weights),
        "twin": assignment.twin,
    }


@dataclass(frozen=True)
class Split:
    """An assignment's points (:class:`grader.batch.standing.Points`) and each exercise's whole."""

    assignment: str
    total: float
    exercise_points: dict[str, float]  # "topic.exercise" -> what it is worth
    kind_weights: dict[str, float]
    twin: str
    whole: dict[str, dict[str, float]]  # {topic: {exercise: its maximum, all its checks passing}}
    released: bool = True  # a release's public checks; False: every check of a checkout ran

    def in_course(self, topic: str, exercise: Exercise) -> tuple[float, float]:
        """``exercise`` judged on the checks that ran here: (earned, their share) of its points."""
        worth = self.exercise_points.get(f"{topic}.{exercise.name}", 0.0)
        whole = self.whole.get(topic, {}).get(exercise.name, exercise.max_points)
        return scaled(exercise, worth, max(whole, exercise.max_points))


def assignment_split(assignment: Assignment, whole: dict[str, dict[str, float]] | None = None) -> Split:
    """The assignment's points for a grade of every check (``grade FILE --course --assignment``):
    each exercise scaled from the checks that ran, as ``grade batch`` weighs a row
    (grader/batch/standing.py :func:`weigh`); with ``whole`` (each exercise's maximum, every check
    passing: ``--public-only``), the public checks' share of them, as the course's release shows it."""
    return Split(
        assignment.name,
        assignment.total,
        dict(assignment.exercise_points),
        dict(assignment.kind_weights),
        assignment.twin,
        whole=whole or {},
        released=whole is not None,
    )


def released_split() -> Split | None:
    """The release's split of its assignment's points; None in a checkout or a release without one."""
    try:
        return typed(Split, json.loads((suites_dir() / RELEASE_MARKER).read_text())["points"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def judged(split: Split, tests: list[dict]) -> list[Exercise]:
    """The exercises of ``tests`` (JSON checks) as the course's grader judges them: its kind
    weights, its twin rule."""
    return judge(kind_weighed(tests, split.kind_weights), split.twin)


def applied(report: Report, split: Split | None = None) -> Report:
    """``report`` in course points where ``split`` is given (:func:`assignment_split`) or the release has one
    (:func:`released_split`), else as it is: each exercise's [earned, the checks' share, what it is worth]."""
    split = split or released_split()
    if split is None:
        return report
    topics = []
    for result in report.topics:
        course = {}  # every exercise judged here; one whose public checks were all skipped earns 0/0
        for exercise in judged(split, [t.to_json() for t in result.tests]):
            earned, share = split.in_course(result.name, exercise)
            course[exercise.name] = [
                earned,
                share,
                split.exercise_points.get(f"{result.name}.{exercise.name}", 0.0),
            ]
        topics.append(replace(result, twin=split.twin, course=course))
    graded = {"assignment": split.assignment, "total": split.total}
    return replace(report, topics=topics, course=graded if split.released else {**graded, "checks": "all"})


def worth_line(split: Split, topic: str, exercise: str, tests: list[dict]) -> str:
    """What ``grade next`` says of the exercise it names: its points and its public checks' share."""
    key = f"{topic}.{exercise}"
    if key not in split.exercise_points:
        return ""
    mine = [e for e in judged(split, tests) if e.name == exercise]
    share = split.in_course(topic, mine[0])[1] if mine else 0.0
    worth = split.exercise_points[key]
    said = _("%(exercise)s is worth %(worth)s of %(assignment)s's %(total)s points") % {
        "exercise": exercise,
        "worth": grades.text(worth),
        "assignment": split.assignment,
        "total": grades.text(split.total),
    }
    if grades.rounded(share) >= grades.rounded(worth):
        return said + _("; its public checks here carry them all")
    return said + _("; its public checks here carry %(share)s of them, the hidden checks the rest") % {
        "share": grades.text(share)
    }
