"""Scores for every pair of students of one topic, and of each student against the reference
(``REFERENCE``, one more member of the class): the weights, the score and the rule that flags a
row (:class:`Settings`) are docs/architecture.md's, "Similarity of submissions"."""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from grader.base import defaults
from grader.batch.intake import one_line
from grader.engine.sources import parsed
from grader.similarity.fingerprint import Fingerprint, fingerprints, kgram_hashes
from grader.similarity.normalise import Unit, exercise_names, units
from grader.similarity.sources import TopicSource

WHOLE_TOPIC = "whole topic"
REFERENCE = "(reference)"  # the reference solution's name in pairs; a student of that name is left out


@dataclass(frozen=True)
class Settings:
    k: int = defaults.SIMILARITY_K
    window: int = defaults.SIMILARITY_WINDOW
    min_fingerprints: int = defaults.SIMILARITY_MIN_FINGERPRINTS
    min_evidence: float = defaults.SIMILARITY_MIN_EVIDENCE
    size_floor: int = defaults.SIMILARITY_SIZE_FLOOR
    reference_exercises: int = defaults.SIMILARITY_REFERENCE_EXERCISES
    threshold: float = defaults.SIMILARITY_THRESHOLD


@dataclass(frozen=True)
class Pair:
    topic: str
    exercise: str  # an exercise's name, or WHOLE_TOPIC
    a: str
    b: str  # a student, or REFERENCE
    score: float
    shared: int  # fingerprints the two share
    evidence: float  # their summed weight
    flagged: bool


@dataclass
class Student:
    """One topic file: its lines, its units, and its fingerprints (stub removed) per exercise."""

    name: str
    lines: list[str]
    units: dict[str, Unit]
    own: dict[str, list[Fingerprint]] = field(default_factory=dict)
    _sets: dict[str, set[int]] = field(default_factory=dict)

    def keep(self, own: dict[str, list[Fingerprint]]) -> None:
        self.own = own
        self._sets = {e: {f.hash for f in prints} for e, prints in own.items()}
        self._sets[WHOLE_TOPIC] = set().union(*self._sets.values())

    def hashes(self, exercise: str) -> set[int]:
        return self._sets.get(exercise, set())


@dataclass
class TopicResult:
    topic: str
    exercises: tuple[str, ...]
    students: dict[str, Student]
    pairs: list[Pair]
    reference: list[Pair]  # each student against REFERENCE (b), whole topic and each exercise
    _whole: dict[tuple[str, str], Pair] = field(default_factory=dict)
    _against: dict[tuple[str, str], Pair] = field(default_factory=dict)

    def whole(self, a: str, b: str) -> Pair:
        """The whole-topic row of ``a`` and ``b`` (``b`` may be REFERENCE)."""
        if not self._whole:
            self._whole = {(p.a, p.b): p for p in [*self.pairs, *self.reference] if p.exercise == WHOLE_TOPIC}
        return self._whole[(a, b)]

    def matches_reference(self, student: str, exercise: str) -> Pair | None:
        """``student``'s row against the reference for ``exercise``; None where they share nothing."""
        if not self._against:
            self._against = {(p.a, p.exercise): p for p in self.reference}
        return self._against.get((student, exercise))


def parse(text: str) -> ast.Module:
    """The module's tree; SyntaxError (with a one-line reason) for anything that does not parse
    or is past what the grader reads (its size and depth: tokens and units are read recursively)."""
    unread = parsed.unreadable(text)
    if unread:
        raise SyntaxError(f"is not read ({unread})")
    try:
        return ast.parse(text)
    except SyntaxError as exc:
        raise SyntaxError(f"does not parse (line {exc.lineno}: {exc.msg})") from None
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        raise SyntaxError(f"does not parse ({type(exc).__name__}: {exc})") from None


def _member(name: str, text: str, exercises: tuple[str, ...], known: set[int], settings: Settings) -> Student:
    member = Student(name, text.splitlines(), units(parse(text), exercises))
    member.keep(
        {
            exercise: [
                f for f in fingerprints(unit.tokens, settings.k, settings.window) if f.hash not in known
            ]
            for exercise, unit in member.units.items()
        }
    )
    return member


class _Scorer:
    """Weights fingerprints by how many members hold them, and scores and flags pairs."""

    def __init__(self, topic: str, members: Iterable[Student], settings: Settings) -> None:
        self.topic, self.settings = topic, settings
        holders = Counter(h for m in members for h in m.hashes(WHOLE_TOPIC))
        self.weight = {h: 1 / max(n - 1, 1) for h, n in holders.items()}
        self._own: dict[tuple[str, str], float] = {}

    def total(self, hashes: set[int]) -> float:
        return sum(self.weight[h] for h in hashes)

    def own(self, member: Student, exercise: str) -> float:
        """The summed weight of ``member``'s fingerprints of ``exercise`` (computed once)."""
        key = (member.name, exercise)
        if key not in self._own:
            self._own[key] = self.total(member.hashes(exercise))
        return self._own[key]

    def rows(self, a: Student, b: Student, exercises: tuple[str, ...], reference: bool = False) -> list[Pair]:
        """Their whole-topic row and a row for each exercise in which they share a fingerprint;
        ``reference``: ``b`` is the reference solution."""
        rows = [row for exercise in exercises if (row := self._row(a, b, exercise)).shared]
        similar = [r for r in rows if r.score >= self.settings.threshold]
        several = (
            reference
            and len(similar) >= self.settings.reference_exercises
            and sum(r.evidence for r in similar) >= self.settings.min_evidence
        )
        return [self._row(a=a, b=b, exercise=WHOLE_TOPIC, several=several), *rows]

    def _row(self, a: Student, b: Student, exercise: str, several: bool = False) -> Pair:
        mine, theirs = a.hashes(exercise), b.hashes(exercise)
        common = mine & theirs
        floor, threshold = self.settings.min_fingerprints, self.settings.threshold
        smaller = min(len(mine), len(theirs))
        evidence = self.total(common)
        share = evidence / min(self.own(a, exercise), self.own(b, exercise)) if common else 0.0
        score = share * min(1.0, smaller / floor)
        plain = len(common) / max(smaller, floor)
        large = exercise == WHOLE_TOPIC and len(common) >= self.settings.size_floor and plain >= threshold
        flagged = (score >= threshold and evidence >= self.settings.min_evidence) or large or several
        return Pair(
            topic=self.topic,
            exercise=exercise,
            a=a.name,
            b=b.name,
            score=round(score, 4),
            shared=len(common),
            evidence=round(evidence, 2),
            flagged=flagged,
        )


def ranked(pairs: Iterable[Pair]) -> list[Pair]:
    """Flagged first, then by score, evidence and names."""
    return sorted(pairs, key=lambda p: (not p.flagged, -p.score, -p.evidence, p.topic, p.exercise, p.a, p.b))


def compare_topic(
    topic: str,
    stub: str,
    reference: str,
    submitted: list[TopicSource],
    settings: Settings | None = None,
) -> tuple[TopicResult, list[str]]:
    """Every pair's rows and every student's rows against ``reference`` (ranked), and notes on files left out."""
    settings = settings or Settings()
    exercises = exercise_names(parse(stub))
    known = {  # every k-gram hash of the stub's exercise units
        g.hash
        for unit in units(parse(stub), exercises).values()
        for g in kgram_hashes(unit.tokens, settings.k)
    }
    students: dict[str, Student] = {}
    notes: list[str] = []
    for source in submitted:
        if source.student == REFERENCE:
            notes.append(
                f"{REFERENCE}: {topic}.py left out: the name is the reference solution's; rename the submission"
            )
            continue
        try:
            students[source.student] = _member(
                name=source.student, text=source.text, exercises=exercises, known=known, settings=settings
            )
        except SyntaxError as exc:
            notes.append(one_line(f"{source.student}: {topic}.py {exc.msg}; left out of the comparison"))
    answer = (
        _member(name=REFERENCE, text=reference, exercises=exercises, known=known, settings=settings)
        if reference
        else None
    )
    scorer = _Scorer(topic, [*students.values(), *([answer] if answer else [])], settings)
    pairs = [
        row
        for a, b in combinations(sorted(students), 2)
        for row in scorer.rows(students[a], students[b], exercises)
    ]
    against = [
        row
        for name in sorted(students)
        if answer
        for row in scorer.rows(students[name], answer, exercises, reference=True)
    ]
    return TopicResult(
        topic=topic, exercises=exercises, students=students, pairs=ranked(pairs), reference=ranked(against)
    ), notes


def matching_lines(result: TopicResult, pair: Pair, exercise: str) -> tuple[set[int], set[int]]:
    """The lines of A's and of B's file covered by the fingerprints they share in ``exercise``."""
    a, b = result.students[pair.a], result.students[pair.b]
    shared = a.hashes(exercise) & b.hashes(exercise)

    def lines(student: Student) -> set[int]:
        prints = [f for e in student.own if exercise in (e, WHOLE_TOPIC) for f in student.own[e]]
        return {n for f in prints if f.hash in shared for n in range(f.first_line, f.last_line + 1)}

    return lines(a), lines(b)


def clusters(pairs: Iterable[Pair]) -> list[tuple[str, list[str]]]:
    """(topic, students) of each group of three or more linked by flagged pairs."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(node: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for pair in pairs:
        if pair.flagged:
            parent[root((pair.topic, pair.a))] = root((pair.topic, pair.b))
    groups: dict[tuple[str, str], list[str]] = {}
    for node in list(parent):
        groups.setdefault(root(node), []).append(node[1])
    return sorted(
        ((top[0], sorted(members)) for top, members in groups.items() if len(members) >= 3),
        key=lambda c: (c[0], -len(c[1]), c[1]),
    )
