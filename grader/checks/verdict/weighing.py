"""A course's weighing of the verdict (docs/design.md, "One weighing"): each check's points
times its kind's weight, and an exercise's shown points on the course's scale."""

from __future__ import annotations

from grader.base import grades
from grader.checks.verdict.exercises import Exercise
from grader.checks.verdict.shown import CheckRow


def kind_weighed(tests: list[CheckRow], kind_weights: dict[str, float]) -> list[CheckRow]:
    """The checks with each one's points times its kind's weight (a course's ``kind_weights``;
    1, the default, leaves the report's own points: a training check's 2, a clause's 0.5)."""
    if all(kind_weights.get(t["kind"], 1.0) == 1.0 for t in tests):
        return tests
    return [
        {
            **t,
            "points": t["points"] * kind_weights.get(t["kind"], 1.0),
            "max_points": t["max_points"] * kind_weights.get(t["kind"], 1.0),
        }
        for t in tests
    ]


def scaled(exercise: Exercise, worth: float, whole: float | None = None) -> tuple[float, float]:
    """The one weighing (docs/design.md): ``exercise``'s shown (points, maximum) on a scale where
    ``whole`` (its maximum in the report, all its checks; by default the ones judged here) is
    worth ``worth``: the verdict decides who is charged and what is earned, a course only the
    scale. Given the report's own maximum, the report's numbers come back unchanged."""
    whole = exercise.max_points if whole is None else whole
    if whole <= 0:
        return 0.0, 0.0
    ratio = grades.exact(worth) / grades.exact(whole)
    most = min(grades.exact(exercise.max_points) * ratio, grades.exact(worth))
    earned, shown = grades.exercise_points(grades.exact(exercise.points) * ratio, most)
    return float(earned), float(shown)
