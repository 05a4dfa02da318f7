"""Course points in a student release: what the public checks give, in the course's terms.

``grade release --course --assignment`` writes the assignment's split of its points into the
release's marker (tests/suites/RELEASE.json ``points``: each exercise's points, the kind
weights, the twin rule, the total; :func:`split_of`), beside the kinds of each exercise's
public and hidden checks. The course's grader spreads an exercise's points over all its
checks by kind weight (grader/batch/standing.py :func:`weigh`); a release runs the public ones
only, so a check here weighs what it weighs there, and an exercise shows what its public
checks give out of their share, beside what it is worth. That share is all a learner is
shown as theirs: the hidden checks grade the rest and can take back what a public check gave
(a gradient or clause check pays only once every value check passes). A checkout, or a
release without a course, keeps one point per check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from grader import grades
from grader.batch.standing import weigh
from grader.checks.scoring import Report
from grader.i18n import _
from grader.topics import RELEASE_MARKER, suites_dir

if TYPE_CHECKING:
    from grader.course import Assignment

Kinds = dict[str, dict[str, dict[str, int]]]  # {topic: {exercise: {kind: count}}}


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
    """An assignment's points (:class:`grader.batch.standing.Points`) and its checks' kinds."""

    assignment: str
    total: float
    exercise_points: dict[str, float]  # "topic.exercise" -> what it is worth
    kind_weights: dict[str, float]
    twin: str
    kinds: tuple[Kinds, Kinds]  # the public checks', the hidden ones'

    def weight(self, kinds: dict[str, int]) -> float:
        return sum(self.kind_weights.get(kind, 1.0) * count for kind, count in kinds.items())

    def whole(self, topic: str, exercise: str) -> float:
        """The kind weight of all the exercise's checks, public and hidden."""
        return sum(self.weight(side.get(topic, {}).get(exercise, {})) for side in self.kinds)

    def share(self, key: str, ran: float) -> float:
        """The points of exercise ``key`` that its checks weighing ``ran`` carry."""
        topic, _, exercise = key.partition(".")
        whole = max(self.whole(topic, exercise), ran)
        return self.exercise_points.get(key, 0.0) * ran / whole if whole > 0 else 0.0


def released_split() -> Split | None:
    """The release's split of its assignment's points; None in a checkout or a release without one."""
    try:
        marker = json.loads((suites_dir() / RELEASE_MARKER).read_text())
        points = marker["points"]
        return Split(
            assignment=str(points["assignment"]),
            total=float(points["total"]),
            exercise_points={str(k): float(v) for k, v in points["exercise_points"].items()},
            kind_weights={str(k): float(v) for k, v in points["kind_weights"].items()},
            twin=str(points["twin"]),
            kinds=(marker.get("public_kinds", {}), marker.get("hidden_kinds", {})),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


@dataclass(frozen=True)
class _Shares:
    """The public checks' shares, as :func:`weigh` reads an assignment's points."""

    exercise_points: dict[str, float]
    kind_weights: dict[str, float]
    twin: str


def ran_weights(split: Split, topic: str, tests: list[dict]) -> dict[str, float]:
    """{"topic.exercise": kind weight of its checks that ran} among ``tests`` (JSON checks)."""
    ran: dict[str, float] = {}
    for test in tests:
        if test["status"] != "skipped":
            for name in test.get("exercises") or ():
                key = f"{topic}.{name}"
                ran[key] = ran.get(key, 0.0) + split.kind_weights.get(test["kind"], 1.0)
    return ran


def applied(report: Report, split: Split | None = None) -> Report:
    """``report`` in course points where the release has a split (:func:`released_split`), else
    as it is: each exercise's [earned, the public checks' share, what it is worth]."""
    split = split or released_split()
    if split is None:
        return report
    data = report.to_json()
    ran: dict[str, float] = {}
    for topic in data["topics"]:
        ran |= ran_weights(split, topic["name"], topic["tests"])
    shares = {key: split.share(key, weight) for key, weight in ran.items() if key in split.exercise_points}
    weighed, _totals = weigh(data, _Shares(shares, split.kind_weights, split.twin))
    topics = []
    for result, judged, topic in zip(report.topics, data["topics"], weighed["topics"]):
        earned = {e["name"]: [e["points"], e["max_points"]] for e in topic.get("exercises", [])}
        course = {  # every exercise judged here; one whose public checks were all skipped earns 0/0
            e["name"]: [
                *earned.get(e["name"], [0.0, 0.0]),
                split.exercise_points.get(f"{result.name}.{e['name']}", 0.0),
            ]
            for e in judged["exercises"]
        }
        topics.append(replace(result, twin=split.twin, course=course))
    return replace(report, topics=topics, course={"assignment": split.assignment, "total": split.total})


def worth_line(split: Split, topic: str, exercise: str, tests: list[dict]) -> str:
    """What ``grade next`` says of the exercise it names: its points and its public checks' share."""
    key = f"{topic}.{exercise}"
    if key not in split.exercise_points:
        return ""
    share = split.share(key, ran_weights(split, topic, tests).get(key, 0.0))
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
