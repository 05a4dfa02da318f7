"""Scores for every pair of students of one topic, per exercise and for the whole topic.

A student's fingerprints of an exercise are its unit's winnowed fingerprints
(:mod:`grader.similarity.normalise`, :mod:`grader.similarity.fingerprint`) minus

- every k-gram of the stub's and the reference solution's units (what the starter code
  holds, and the idioms a correct solution shares: ``x - x.amax(...)`` in a softmax);
- the class's common fingerprints: those held by at least ``COMMON_MIN_STUDENTS`` students
  and by more than ``COMMON_SHARE`` of the students who submitted the topic (MOSS's cut).

For students A and B, with F the fingerprint sets of one exercise (or, for the whole
topic, the union over its exercises):

    score = |F_A ∩ F_B| / max(min(|F_A|, |F_B|), MIN_FINGERPRINTS)

the share of the smaller solution's own code found in the other, a number in [0, 1]; the
floor keeps a solution with two or three own fingerprints from scoring 1 on one chance
match. A pair with nothing of its own (a stub, an empty file) scores 0.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from grader import defaults
from grader.batch.intake import one_line
from grader.similarity.fingerprint import Fingerprint, fingerprints, kgram_hashes
from grader.similarity.normalise import Unit, exercise_names, units
from grader.similarity.sources import TopicSource

WHOLE_TOPIC = "whole topic"


@dataclass(frozen=True)
class Settings:
    k: int = defaults.SIMILARITY_K
    window: int = defaults.SIMILARITY_WINDOW
    min_fingerprints: int = defaults.SIMILARITY_MIN_FINGERPRINTS
    common_share: float = defaults.SIMILARITY_COMMON_SHARE
    common_min_students: int = defaults.SIMILARITY_COMMON_MIN_STUDENTS


@dataclass(frozen=True)
class Pair:
    topic: str
    exercise: str  # an exercise's name, or WHOLE_TOPIC
    a: str
    b: str
    score: float
    shared: int


@dataclass
class Student:
    """One student's topic file: its lines, its units, and its own fingerprints per exercise."""

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
    _whole: dict[tuple[str, str], Pair] = field(default_factory=dict)

    def whole(self, a: str, b: str) -> Pair:
        """The whole-topic row of students ``a`` and ``b``."""
        if not self._whole:
            self._whole = {(p.a, p.b): p for p in self.pairs if p.exercise == WHOLE_TOPIC}
        return self._whole[(a, b)]


def parse(text: str) -> ast.Module:
    """The module's tree; SyntaxError (with a one-line reason) for anything that does not parse."""
    try:
        return ast.parse(text)
    except SyntaxError as exc:
        raise SyntaxError(f"does not parse (line {exc.lineno}: {exc.msg})") from None
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        raise SyntaxError(f"does not parse ({type(exc).__name__}: {exc})") from None


def boilerplate(sources: Iterable[str], exercises: tuple[str, ...], k: int) -> set[int]:
    """Every k-gram hash of the stub's and the reference solution's exercise units."""
    found: set[int] = set()
    for text in sources:
        for unit in units(parse(text), exercises).values():
            found.update(g.hash for g in kgram_hashes(unit.tokens, k))
    return found


def _score(a: set[int], b: set[int], floor: int) -> tuple[float, int]:
    shared = len(a & b)
    return (shared / max(min(len(a), len(b)), floor) if shared else 0.0), shared


def compare_topic(
    topic: str,
    stub: str,
    reference: str,
    submitted: list[TopicSource],
    settings: Settings | None = None,
) -> tuple[TopicResult, list[str]]:
    """Every pair's scores for ``topic`` (ranked, best first) and notes on files left out."""
    settings = settings or Settings()
    exercises = exercise_names(parse(stub))
    known = boilerplate([stub, reference], exercises, settings.k)
    students: dict[str, Student] = {}
    notes: list[str] = []
    for source in submitted:
        try:
            tree = parse(source.text)
        except SyntaxError as exc:
            notes.append(one_line(f"{source.student}: {topic}.py {exc.msg}; left out of the comparison"))
            continue
        student = Student(source.student, source.text.splitlines(), units(tree, exercises))
        student.keep(
            {
                exercise: [
                    f for f in fingerprints(unit.tokens, settings.k, settings.window) if f.hash not in known
                ]
                for exercise, unit in student.units.items()
            }
        )
        students[source.student] = student

    holders = Counter(h for s in students.values() for h in s.hashes(WHOLE_TOPIC))
    cut = max(settings.common_min_students, int(settings.common_share * len(students)) + 1)
    common = {h for h, n in holders.items() if n >= cut}
    for student in students.values():
        student.keep({e: [f for f in prints if f.hash not in common] for e, prints in student.own.items()})

    pairs = []
    for a, b in combinations(sorted(students), 2):
        for exercise in (WHOLE_TOPIC, *exercises):
            score, shared = _score(
                students[a].hashes(exercise), students[b].hashes(exercise), settings.min_fingerprints
            )
            if shared or exercise == WHOLE_TOPIC:
                pairs.append(Pair(topic, exercise, a, b, round(score, 4), shared))
    pairs.sort(key=lambda p: (-p.score, -p.shared, p.topic, p.exercise, p.a, p.b))
    return TopicResult(topic, exercises, students, pairs), notes


def matching_lines(result: TopicResult, pair: Pair, exercise: str) -> tuple[set[int], set[int]]:
    """The lines of A's and of B's file covered by the fingerprints they share in ``exercise``."""
    a, b = result.students[pair.a], result.students[pair.b]
    shared = a.hashes(exercise) & b.hashes(exercise)

    def lines(student: Student) -> set[int]:
        prints = [f for e in student.own if exercise in (e, WHOLE_TOPIC) for f in student.own[e]]
        return {n for f in prints if f.hash in shared for n in range(f.first_line, f.last_line + 1)}

    return lines(a), lines(b)


def clusters(pairs: Iterable[Pair], threshold: float) -> list[tuple[str, list[str]]]:
    """(topic, students) of each group of three or more linked by pairs at or above ``threshold``."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(node: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for pair in pairs:
        if pair.score >= threshold:
            parent[root((pair.topic, pair.a))] = root((pair.topic, pair.b))
    groups: dict[tuple[str, str], list[str]] = {}
    for node in list(parent):
        groups.setdefault(root(node), []).append(node[1])
    return sorted(
        ((top[0], sorted(members)) for top, members in groups.items() if len(members) >= 3),
        key=lambda c: (c[0], -len(c[1]), c[1]),
    )
