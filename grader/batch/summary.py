"""The class at a glance: what ``grade batch`` prints at its end and ``report.html`` shows.

Built from the exported rows (course points, overrides and late penalties applied). Hidden
checks are named by exercise and kind only, never by their id or message.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from grader.base import clean, defaults, grades
from grader.base.i18n import _
from grader.batch.causes import Edit, Group, class_groups
from grader.batch.gradebook import Row
from grader.batch.lms.base import lms_grade
from grader.batch.roster import known_as
from grader.checks.verdict.shown import KIND_NAMES
from grader.engine.subset.refusal import REFUSED
from grader.engine.subset.submission import NOT_ALLOWED

BINS = 10
BAR_WIDTH = 30  # characters of the longest histogram bar


# The discrimination index compares the top and the bottom 27 % of the class (Kelley, 1939);
# below 4 graded students the groups are one student each and say nothing.
DISCRIMINATION_SHARE = 0.27
DISCRIMINATION_MIN = 4


@dataclass
class CheckStats:
    name: str  # a public check's id, or "exercise, hidden <kind> check"
    runs: int = 0
    failures: int = 0
    messages: Counter = field(default_factory=Counter)


@dataclass
class ClassStats:
    graded: int = 0
    not_graded: list[tuple[str, str]] = field(default_factory=list)  # (student, why)
    missing: int = 0
    excused: int = 0
    totals: list[float] = field(default_factory=list)
    maximum: float = 0.0
    timeouts: list[str] = field(default_factory=list)  # a check timed out, or the grading crashed
    late: list[tuple[str, str]] = field(default_factory=list)  # (student, "3 h late, −10 %")
    refused: list[tuple[str, str]] = field(default_factory=list)  # (student, "losses.py, line 3: ...")
    exercises: dict[str, Counter] = field(default_factory=dict)  # exercise -> full/partial/zero
    # exercise -> (its points, its possible points, the student's total) of each graded student
    exercise_points: dict[str, list[tuple[float, float, float]]] = field(default_factory=dict)
    checks: dict[str, CheckStats] = field(default_factory=dict)
    manual: dict[str, Counter] = field(default_factory=dict)  # item -> full/partial/zero/not marked
    retotalled: Counter = field(default_factory=Counter)  # item -> marks an edited rubric re-totalled
    non_answers: Counter = field(default_factory=Counter)  # "losses.py: not started" -> students
    # student, item, state, text, reply
    inquiries: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    causes: list[Group] = field(default_factory=list)  # failing exercises grouped by cause
    names: dict[str, str] = field(default_factory=dict)  # student key -> the roster's full name

    def who(self, student: str) -> str:
        """The student as the instructor reads them: full name and key (grader/batch/roster.py)."""
        return known_as(student, self.names)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.totals) if self.totals else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.totals) if self.totals else 0.0

    def exercise_mean(self, name: str) -> float:
        """The class's mean points of exercise ``name``."""
        found = self.exercise_points.get(name, [])
        return statistics.fmean(earned for earned, _, _ in found) if found else 0.0

    def discrimination(self, name: str) -> float | None:
        """Kelley's upper-lower index of exercise ``name``: its mean share of points among the top
        27 % of the class by total, less among the bottom 27 % (−1 to 1; near 0 or below: it
        does not tell strong students from weak ones). None for fewer than DISCRIMINATION_MIN."""
        found = sorted(self.exercise_points.get(name, []), key=lambda entry: entry[2])
        if len(found) < DISCRIMINATION_MIN:
            return None
        size = max(1, round(DISCRIMINATION_SHARE * len(found)))

        def share(group: list[tuple[float, float, float]]) -> float:
            return statistics.fmean(earned / possible for earned, possible, _ in group)

        return share(found[-size:]) - share(found[:size])

    def histogram(self) -> list[tuple[float, float, int]]:
        """(low, high, count) over [0, maximum] in BINS bins; the last bin holds the maximum."""
        width = (self.maximum or max(self.totals, default=0.0) or 1.0) / BINS
        counts = [0] * BINS
        for total in self.totals:
            counts[min(BINS - 1, max(0, int(total / width)))] += 1
        return [(i * width, (i + 1) * width, n) for i, n in enumerate(counts)]


def _check_name(topic: str, test: dict) -> str:
    if test.get("visibility") == "public":
        return f"{topic}: {test['id']}"
    exercises = ", ".join(test.get("exercises") or []) or "exercise not recorded"
    return f"{topic}: {exercises}, hidden {KIND_NAMES.get(test['kind'], test['kind'])} check"


def _what_failed(test: dict) -> str:
    if test.get("visibility") == "public":
        lines = (test.get("message") or "").strip().splitlines()
        return lines[0][:200] if lines else test["status"]
    return test["status"].replace("_", " ")  # a hidden check's message may hold its inputs


def _refused(student: str, topic: dict) -> list[tuple[str, str]]:
    """The topic's module refused before it ran (grader/engine/subset/submission.py), with the reason."""
    for test in topic["tests"]:
        message = test.get("message") or ""
        if NOT_ALLOWED in message or (_(REFUSED) % {"what": ""}).strip() in message:
            return [(student, message.split(", so ")[0][:200])]
    return []


def _non_answer(topic: dict) -> str:
    """What a topic's module is when it answers nothing ("not started", "refused before running",
    "did not import": every check failed alike); "" when it answers."""
    tests = [t for t in topic["tests"] if t["status"] != "skipped"]
    messages = {t.get("message") or "" for t in tests}
    if not tests:
        return ""
    if all(t["status"] == "not_started" for t in tests):
        return "not started"
    if _refused("", topic) and all(t["status"] != "passed" for t in tests):
        return "refused before running"
    if all(t["status"] == "error" for t in tests) and len(messages) == 1:
        return "did not import"
    return ""


def _count_checks(stats: ClassStats, topic: dict) -> bool:
    """Count ``topic``'s checks into the class's (a module answering nothing on one line of
    its kind, not as a failure of each check); whether one timed out."""
    kind = _non_answer(topic)
    if kind:
        stats.non_answers[f"{topic['name']}.py: {kind}"] += 1
        return False
    stalled = False
    for test in topic["tests"]:
        if test["status"] == "skipped":
            continue
        name = _check_name(topic["name"], test)
        check = stats.checks.setdefault(name, CheckStats(name))
        check.runs += 1
        if test["status"] != "passed":
            check.failures += 1
            check.messages[_what_failed(test)] += 1
        stalled = stalled or test["status"] == "timeout"
    return stalled


def _people(stats: ClassStats, student: str, standing: dict) -> None:
    """What people decided for ``student``: their manual items' marks, their inquiries."""
    for item, shown in standing.get("manual", {}).items():
        earned, possible = shown["points"], shown["max_points"]
        share = "full" if earned >= possible else "partial" if earned > 0 else "zero"
        stats.manual.setdefault(item, Counter())[share if shown["marked"] else "not marked"] += 1
        stats.retotalled[item] += bool(shown.get("retotalled"))
    for asked in standing.get("inquiries", []):
        stats.inquiries.append((student, asked["item"], asked["state"], asked["text"], asked["reply"]))


def class_stats(
    rows: list[Row],
    missing: str = defaults.LMS_MISSING,
    edits: Sequence[Edit] = (),
    names: dict[str, str] | None = None,
) -> ClassStats:
    """The class as the LMS files give it: a total counts where the LMS file holds a number
    (:func:`grader.batch.lms.base.lms_grade`), so excused, blank missing and crashed rows do not;
    ``edits``: the instructor's merges and splits of the groups by cause; ``names``: the
    roster's full names, shown beside each key."""
    stats = ClassStats(names=names or {})
    for row in rows:
        row = replace(row, student=stats.who(row.student))
        standing = row.report.get("standing") or {}
        stats.missing += row.status == "missing"
        stats.excused += row.status == "excused"
        _people(stats, row.student, standing)
        grade = lms_grade(row, missing)
        if isinstance(grade, float):
            stats.totals.append(grade)
            stats.maximum = max(stats.maximum, row.max_score)
        if row.status not in ("graded", "missing", "excused"):
            stats.not_graded.append((row.student, row.reason or row.status))
            stats.timeouts += [row.student] if row.status == "crashed" else []
        if row.status != "graded":
            continue
        stats.graded += 1
        if standing.get("late"):
            stats.late.append((row.student, standing["late"]))
        for name, (earned, possible) in standing.get("exercises", {}).items():
            if possible > 0:
                share = "full" if earned >= possible else "partial" if earned > 0 else "zero"
                stats.exercises.setdefault(name, Counter())[share] += 1
                stats.exercise_points.setdefault(name, []).append((earned, possible, row.score))
        stalled = False
        for topic in row.report.get("topics", []):
            stats.refused += _refused(row.student, topic)
            stalled = _count_checks(stats, topic) or stalled
        if stalled:
            stats.timeouts.append(row.student)
    stats.causes = [
        replace(group, students=[stats.who(s) for s in group.students])
        for group in class_groups(rows, hidden_text=False, edits=edits)
    ]  # report.html quotes no hidden check
    return stats


def summary_text(stats: ClassStats) -> str:
    """The stdout summary: counts, mean and median, a text histogram, who timed out."""
    lines = [
        f"graded {stats.graded}, failed to grade {len(stats.not_graded)}, no submission {stats.missing}, "
        f"excused {stats.excused}, timeouts or crashes {len(stats.timeouts)}",
    ]
    if stats.totals:
        lines.append(f"mean {stats.mean:.2f}, median {stats.median:.2f} (of {grades.text(stats.maximum)})")
        histogram = stats.histogram()
        most = max(n for _, _, n in histogram) or 1
        for low, high, count in histogram:
            bar = "#" * round(BAR_WIDTH * count / most)
            lines.append(f"  {low:7.2f} – {high:7.2f} | {bar} {count}")
    if stats.timeouts:
        lines.append("timeouts or crashes: " + ", ".join(clean.name(s) for s in stats.timeouts))
    if stats.refused:
        lines.append(
            "refused before running (code outside the graded subset): "
            + "; ".join(f"{clean.name(s)}: {clean.text(why)}" for s, why in stats.refused)
        )
    unmarked = [f"{item} {c['not marked']}" for item, c in stats.manual.items() if c["not marked"]]
    if unmarked:
        lines.append("not marked yet (grade batch mark): " + ", ".join(unmarked))
    retotalled = [f"{item} {n}" for item, n in stats.retotalled.items() if n]
    if retotalled:
        lines.append(
            "re-totalled since the rubric changed (each student's feedback says so once): "
            + ", ".join(retotalled)
        )
    asked = sum(state == "open" for _, _, state, _, _ in stats.inquiries)
    if asked:
        lines.append(f"open grade inquiries: {asked} (grade batch inquiry --list)")
    if stats.late:
        lines.append("late: " + "; ".join(f"{clean.name(s)}: {why}" for s, why in stats.late))
    lines += [f"failed to grade: {clean.name(s)}: {clean.text(why)[:200]}" for s, why in stats.not_graded]
    return "\n".join(lines)
