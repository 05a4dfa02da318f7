"""A gradebook row as Gradescope's results.json (its tests: docs/instructors.md, "Gradescope"); the
autograder in the container builds its tests the same way."""

from __future__ import annotations

from grader.base import clean, defaults, grades
from grader.base.i18n import N_, _
from grader.batch.feedback import Shown, not_graded, shown_exercises
from grader.batch.gradebook import Row
from grader.checks.verdict.exercises import DEFAULT_TWIN, Exercise, judge
from grader.checks.verdict.scoring import HEADINGS
from grader.checks.verdict.shown import KIND_NAMES

# A Gradescope test of an exercise's hidden checks, beside the visible one of its public checks.
HIDDEN_PART = N_("%(exercise)s (hidden checks)")


def _check_label(test: dict, hidden_text: bool, seen: dict[str, int]) -> str:
    """A check as an exercise's list names it: its id where it may be shown, else
    "hidden gradient check 2" (kind, numbered per exercise: never the id, which may hold inputs)."""
    if hidden_text or test.get("visibility") == "public":
        return test["id"]
    base = _("hidden %(kind)s check") % {"kind": _(KIND_NAMES.get(test["kind"], test["kind"]))}
    seen[base] = seen.get(base, 0) + 1
    return f"{base} {seen[base]}"


def _judged(checks: list[dict], name: str, twin: str, hidden_text: bool = False) -> Exercise:
    """Exercise ``name`` judged on ``checks`` alone (a check shared by exercises names each)."""
    return next(e for e in judge(checks, twin, hidden_text=hidden_text) if e.name == name)


def _split_points(exercise: Shown, parts: list[list[dict]], twin: str) -> list[tuple[float, float]]:
    """(score, max) of each part of an exercise (its public checks, its hidden checks): the
    exercise's shown maximum split as the parts' own checks weigh, its shown points as they earn,
    in cents that add up to the exercise's (grader/base/grades.py), no part above its maximum."""
    judged = [_judged(part, exercise.name, twin) if part else None for part in parts]
    maxima = grades.apportion([j.max_points if j else 0.0 for j in judged], exercise.max_points)
    earned = [j.points if j else 0.0 for j in judged]
    scores = grades.split(grades.rounded(exercise.points), earned if any(earned) else maxima, maxima)
    return [(float(score), float(most)) for score, most in zip(scores, maxima)]


def _gradescope_test(
    topic: dict, name: str, checks: list[dict], points: tuple[float, float], hidden_text: bool, hidden: bool
) -> dict:
    """One Gradescope test: ``checks`` of exercise ``name``, judged and listed on their own."""
    alone = _judged(checks, name, topic.get("twin", DEFAULT_TWIN), hidden_text)
    seen: dict[str, int] = {}
    listed = [
        f"  {'✓' if t['status'] == 'passed' else '✗'} {_check_label(t, hidden_text, seen)}: "
        + _(HEADINGS.get(t["status"], t["status"]))
        for t in checks
    ]
    waiting = alone.status == "not_started" and "\n" not in alone.diagnosis
    said = _("not started") if waiting else alone.diagnosis
    passed = all(t["status"] == "passed" for t in checks) and points[0] >= points[1]
    return {
        "name": f"{topic['name']}: " + (_(HIDDEN_PART) % {"exercise": name} if hidden else name),
        "score": points[0],
        "max_score": points[1],
        "status": "passed" if passed else "failed",
        "output": clean.text("\n".join([*([said, ""] if said else []), "checks:", *listed])),
        "output_format": "text",
        "tags": [topic["name"], *sorted({t["kind"] for t in checks})],
    }


def exercise_tests(topic: dict, standing: dict, hidden_text: bool, hidden_visibility: str) -> list[dict]:
    """Gradescope tests for ``topic``: per exercise one visible test of its public checks and one
    of its hidden checks under ``hidden_visibility``, so that a hidden check's outcome and points
    show only when the instructor lets them; each with its share of the exercise's points."""
    tests = []
    twin = topic.get("twin", DEFAULT_TWIN)
    for exercise in shown_exercises(topic, standing, hidden_text):
        if exercise.status == "skipped":
            continue
        checks = [  # the exercise's checks that ran (a skipped check is no part of its tests)
            t
            for t in topic["tests"]
            if exercise.name in (t.get("exercises") or [t["id"]]) and t["status"] != "skipped"
        ]
        public = [t for t in checks if t.get("visibility") == "public"]
        hidden = [t for t in checks if t.get("visibility") != "public"]
        parts = [(part, secret) for part, secret in ((public, False), (hidden, True)) if part]
        shares = _split_points(exercise, [part for part, _ in parts], twin)
        for (part, secret), share in zip(parts, shares):
            test = _gradescope_test(topic, exercise.name, part, share, hidden_text, secret)
            tests.append({**test, "visibility": hidden_visibility if secret else "visible"})
    return tests


def gradescope_results(row: Row) -> dict:
    """A student's results.json (Gradescope's format): one test per exercise, hidden checks by kind
    and shown once grades are published (until then Gradescope holds the total back too: shown
    beside the visible tests, it would give away the hidden checks' points)."""
    standing = row.report.get("standing") or {}
    tests = [
        test
        for topic in row.report.get("topics", [])
        for test in exercise_tests(
            topic, standing, hidden_text=False, hidden_visibility=defaults.HIDDEN_VISIBILITY
        )
    ]
    results = {"score": grades.points(row.score), "tests": tests}
    if row.status != "graded":
        results["output"] = not_graded(row)
    return results
