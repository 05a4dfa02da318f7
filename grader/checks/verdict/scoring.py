"""Statuses, points and totals: the data behind every report."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from grader.base import grades
from grader.base.i18n import N_, _, ngettext
from grader.checks.verdict.exercises import DEFAULT_TWIN, Exercise, judge
from grader.checks.verdict.shown import KIND_NAMES
from grader.sandboxed import OUTPUT_TAIL_CHARS

# How a person reads each status (the report's column headings, a check() table's status column)
HEADINGS = {
    "passed": N_("passed"),
    "failed": N_("failed"),
    "error": N_("error"),
    "timeout": N_("timeout"),
    "not_started": N_("not started"),
    "skipped": N_("skipped"),
}

STATUSES = ("passed", "failed", "error", "not_started", "timeout", "skipped")
KINDS = ("shape", "gradient", "convergence", "device")
# What a clause check holds (grader/checks/judging/mark.py): it pays only when the exercise's values are right.
CLAUSES = (N_("dtype"), N_("device"), N_("inputs"), N_("twin"), N_("vectorised"), N_("side effects"))


# A check's JSON form: these fields first, its visibility and exercises, then each optional one where set
FIELDS = ("id", "kind", "status", "points", "max_points", "message")
OPTIONAL = ("output", "clause", "cause", "blame", "stub", "form")


@dataclass
class TestResult:
    id: str
    kind: str
    status: str
    points: float
    max_points: float
    message: str = ""
    public: bool = False
    exercises: tuple[str, ...] = ()  # the stub's exercise(s) the check judges
    # a failed convergence check's training curve (grader/checks/judging/curves.py)
    curve: dict[str, Any] | None = None
    output: str = ""  # what an open check's code printed: its tail (grader/engine/worker/printed.py)
    clause: str = ""  # the clause it holds (CLAUSES), "" for a value check
    # why it did not pass, as the exercise verdict reads it (grader/checks/verdict/exercises.py cause_of):
    # "twin" (an off-limits function), a judging stage, "mistake:NAME", "error:KIND"
    cause: str = ""
    # Where a failure arose, as data (never read back out of ``message``, which is in the
    # learner's language): the exercise of ``exercises`` it belongs to ("" when it cannot be
    # told), the function that still raises NotImplementedError (not started), and whether the
    # answer's form (type, shape, dtype) rather than its values was wrong
    blame: str = ""
    stub: str = ""
    form: bool = False
    # the other exercises of its topic its run called (grader/checks/verdict/callees.py): where one of
    # them fails its own checks, the verdict leads with that one (grader/checks/verdict/exercises.py)
    calls: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Its fields in :data:`FIELDS`' order, then the optional ones where set (a curve first)."""
        out = {field: getattr(self, field) for field in FIELDS}
        out |= {"visibility": "public" if self.public else "hidden", "exercises": list(self.exercises)}
        if self.curve is not None:
            out["curve"] = self.curve
        optional = {field: getattr(self, field) for field in OPTIONAL}
        out.update((key, value) for key, value in {**optional, "calls": list(self.calls)}.items() if value)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TestResult:
        """The inverse of :meth:`to_json`, for results that crossed machines; checks every type."""
        fields = {name: data[name] for name in ("id", "kind", "status", "message")}
        exercises, output = data.get("exercises", []), data.get("output", "")
        clause, cause = data.get("clause", ""), data.get("cause", "")
        blame, stub, form = data.get("blame", ""), data.get("stub", ""), data.get("form", False)
        calls = data.get("calls", [])
        if (
            not all(isinstance(v, str) for v in (*fields.values(), output, clause, cause, blame, stub))
            or fields["status"] not in STATUSES
            or not (isinstance(exercises, list) and all(isinstance(e, str) for e in exercises))
            or not isinstance(form, bool)
            or not (isinstance(calls, list) and all(isinstance(c, str) for c in calls))
        ):
            raise ValueError(f"not a check result: {data!r:.200}")
        points, max_points = float(data["points"]), float(data["max_points"])
        return cls(
            **fields,
            points=points,
            max_points=max_points,
            public=data["visibility"] == "public",
            exercises=tuple(exercises),
            output=output[-OUTPUT_TAIL_CHARS:],
            clause=clause,
            cause=cause,
            blame=blame if blame in exercises else "",
            stub=stub,
            form=form,
            calls=tuple(c for c in calls if c not in exercises),
        )


@dataclass
class TopicResult:
    name: str
    tests: list[TestResult] = field(default_factory=list)
    note: str = ""
    # a public-only run: {exercise: {kind: count}} of the hidden checks it left out
    hidden: dict[str, dict[str, int]] = field(default_factory=dict)
    twin: str = DEFAULT_TWIN  # the course's rule for an off-limits twin (grader/checks/verdict/exercises.py)
    # a release made for a course: {exercise: [earned, the public checks' share, what it is
    # worth]} in the course's points (grader/apps/course_points.py); empty: one point per check
    course: dict[str, list[float]] = field(default_factory=dict)
    # the checks of exercises this run did not choose that its failing checks called, run for
    # the blame alone (grader/engine/suites/collected.py callees_of): they earn and show nothing
    called: list[TestResult] = field(default_factory=list)

    @property
    def exercises(self) -> list[Exercise]:
        """Each exercise's points and diagnosis: the score is theirs, not the checks' sum."""
        return self._judged([t.to_json() for t in self.tests])

    def _judged(self, tests: list[dict[str, Any]]) -> list[Exercise]:
        """The exercises judged from ``tests`` (the checks' JSON form), with the course's points
        where it gives them (an exercise it does not grade: 0/0)."""
        exercises = judge(tests, self.twin, called=[t.to_json() for t in self.called])
        if not self.course:
            return exercises
        points = {e.name: self.course.get(e.name, [0.0, 0.0, 0.0]) for e in exercises}
        return [replace(e, points=points[e.name][0], max_points=points[e.name][1]) for e in exercises]

    @property
    def worth(self) -> float:
        """What the topic's graded exercises are worth in the course (0 without a course)."""
        return grades.added(points[2] for points in self.course.values())

    @property
    def score(self) -> float:
        """The sum of the exercises' shown points (grader/base/grades.py: a whole is its parts' sum)."""
        return grades.added(e.points for e in self.exercises)

    @property
    def max_score(self) -> float:
        return grades.added(e.max_points for e in self.exercises)

    def count(self, status: str) -> int:
        return sum(t.status == status for t in self.tests)

    def to_json(self) -> dict[str, Any]:
        tests = [t.to_json() for t in self.tests]
        # once: a report's and a row's totals read these
        exercises = self._judged(tests)
        out: dict[str, Any] = {
            "name": self.name,
            "score": grades.added(e.points for e in exercises),
            "max_score": grades.added(e.max_points for e in exercises),
            "tests": tests,
            "exercises": [e.to_json() for e in exercises],
        }
        if self.course:  # what each exercise, and the topic, is worth in the course
            for exercise in out["exercises"]:
                exercise["course_points"] = self.course.get(exercise["name"], [0.0, 0.0, 0.0])[2]
            out["course_points"] = grades.added(e["course_points"] for e in out["exercises"])
        if self.note:
            out["note"] = self.note
        if self.hidden:
            out["hidden"] = self.hidden
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TopicResult:
        note, hidden = data.get("note", ""), data.get("hidden", {})
        if not isinstance(data["name"], str) or not isinstance(note, str) or not _is_hidden_table(hidden):
            raise ValueError(f"not a topic result: {data!r:.200}")
        return cls(
            name=data["name"],
            tests=[TestResult.from_json(t) for t in data["tests"]],
            note=note,
            hidden=hidden,
        )


def _is_hidden_table(value: object) -> bool:
    """``{exercise: {kind: count}}``, as :attr:`TopicResult.hidden` holds."""
    return isinstance(value, dict) and all(
        isinstance(name, str)
        and isinstance(kinds, dict)
        and all(isinstance(k, str) and isinstance(n, int) for k, n in kinds.items())
        for name, kinds in value.items()
    )


def hidden_wording(kinds: dict[str, int]) -> str:
    """``{"shape": 2, "gradient": 1}`` → "2 value checks and 1 gradient check"."""
    parts = [
        ngettext("%(count)d %(kind)s check", "%(count)d %(kind)s checks", n)
        % {"count": n, "kind": _(KIND_NAMES.get(k, k))}
        for k, n in sorted(kinds.items())
    ]
    return _(" and ").join([_(", ").join(parts[:-1]), parts[-1]]) if len(parts) > 1 else "".join(parts)


@dataclass
class Report:
    topics: list[TopicResult]
    sandbox: str
    device: str
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # wall, startup, probes
    selection: str = ""  # which checks --exercise / -k chose, when not all
    # a release made for a course: {"assignment": name, "total": its points}; the topics' scores
    # are then course points (grader/apps/course_points.py)
    course: dict[str, Any] = field(default_factory=dict)

    @property
    def worth(self) -> float:
        """What the graded exercises are worth in the course (0 without a course)."""
        return grades.added(t.worth for t in self.topics)

    @property
    def score(self) -> float:
        return grades.added(t.score for t in self.topics)

    @property
    def max_score(self) -> float:
        return grades.added(t.max_score for t in self.topics)

    @property
    def exit_code(self) -> int:
        """0 full score, 1 graded but not full (docs/architecture.md, "Contract for machines")."""
        return 0 if self.max_score > 0 and self.score == self.max_score else 1

    def to_json(self) -> dict[str, Any]:
        topics = [t.to_json() for t in self.topics]  # each topic judged once, its totals read here
        return {
            "score": grades.added(t["score"] for t in topics),
            "max_score": grades.added(t["max_score"] for t in topics),
            "topics": topics,
            "sandbox": self.sandbox,
            "device": self.device,
            "notes": self.notes,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            **({"selection": self.selection} if self.selection else {}),
            **(
                {
                    "course": {
                        **self.course,
                        "points": grades.added(t.get("course_points", 0.0) for t in topics),
                    }
                }
                if self.course
                else {}
            ),
        }


def make_result(
    test_id: str,
    kind: str,
    points: float,
    status: str,
    message: str,
    public: bool,
    exercises: tuple[str, ...] = (),
    curve: dict[str, Any] | None = None,
    output: str = "",
    clause: str = "",
    cause: str = "",
    place: dict[str, Any] | None = None,
) -> TestResult:
    """A skipped test drops out of the maximum; any other status keeps it; an open check keeps
    where its failure arose (``place``: :class:`TestResult`'s ``blame``, ``stub``, ``form``, ``calls``)."""
    place = place if place is not None and status not in ("passed", "skipped") else {}
    earned = points if status == "passed" else 0.0
    max_points = 0.0 if status == "skipped" else points
    return TestResult(
        id=test_id,
        kind=kind,
        status=status,
        points=earned,
        max_points=max_points,
        message=message,
        public=public,
        exercises=exercises,
        curve=curve,
        output=output,
        clause=clause,
        cause=cause if status in ("failed", "error") else "",
        **place,
    )
