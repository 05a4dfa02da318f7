"""``grade author validate TOPIC``: how good a topic's checks are, measured on mutants of its
reference (:mod:`grader.authoring.mutants`): the reference must score full, the stub nothing, and
each mutant is graded on the mutated exercise's checks alone; a survivor is listed with its edit,
or marked equivalent in the topic's file of equivalent mutants (docs/authors.md, "Proving the checks
on mutants", "A survivor": why our own operators and not mutmut or cosmic-ray).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader.authoring.mutants import Mutant, mutants
from grader.base.options import Options, Selection
from grader.checks.cases import grid
from grader.engine.runner import Task, TopicOutcome, run_tasks

TRAINING = "convergence"  # the training checks' marker in a check's name (-k)


@dataclass
class Score:
    """One exercise's mutants: how many were killed, and the survivors."""

    exercise: str
    killed: int = 0
    equivalent: int = 0
    survivors: list[Mutant] = field(default_factory=list)
    marked: list[tuple[Mutant, str]] = field(default_factory=list)  # (mutant, why it is marked)
    deaths: list[tuple[Mutant, str]] = field(default_factory=list)  # (mutant, the checks that killed it)

    @property
    def total(self) -> int:
        return self.killed + len(self.survivors)

    @property
    def rate(self) -> float:
        return self.killed / self.total if self.total else 1.0


@dataclass
class Validation:
    """What ``validate`` found: the reference's and the stub's scores, each exercise's mutants."""

    topic: str
    reference: tuple[float, float] = (0.0, 0.0)
    stub: tuple[float, float] = (0.0, 0.0)
    scores: dict[str, Score] = field(default_factory=dict)
    mistakes: list[Mistake] = field(default_factory=list)  # the author's own (``--mistakes``)
    broke: str = ""  # why the suite could not grade the reference (an undeclared read: the key to add)
    grid: dict[str, dict[str, str]] = field(default_factory=dict)  # grader/checks/cases/grid.py's matrix

    @property
    def killed(self) -> int:
        return sum(s.killed for s in self.scores.values())

    @property
    def total(self) -> int:
        return sum(s.total for s in self.scores.values())

    @property
    def rate(self) -> float:
        return self.killed / self.total if self.total else 1.0

    def failures(self, min_score: float = 0.0) -> list[str]:
        """Why this validation fails (none: it passes): the reference not full, the stub not zero, a mutation
        score below ``min_score`` (a fraction), an axis of the contract grid neither walked nor exempted."""
        found = [self.broke] if self.broke else []
        if not self.reference[0] >= self.reference[1] > 0:
            found.append("NOT FULL")
        if self.stub[0] != 0:
            found.append("NOT ZERO")
        if self.rate < min_score:
            found.append(f"mutation score below {min_score:.0%}")
        if holes := grid.holes(self.grid):
            found.append(f"axes neither walked nor exempted: {', '.join(holes)}")
        return found


@dataclass
class Mistake:
    """One of the author's own wrong implementations (``--mistakes DIR``), graded like a submission."""

    path: Path
    clause: str  # what it gets wrong, as its docstring's first line says
    points: tuple[float, float] = (0.0, 0.0)
    failed: tuple[str, ...] = ()  # the checks that did not pass

    @property
    def caught(self) -> bool:
        return self.points[0] < self.points[1]


def equivalent_reasons(path: Path | None) -> dict[str, str]:
    """{mutant id: why it is marked} of a file of equivalent mutants: the comment on its line."""
    if path is None or not path.is_file():
        return {}
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        mark, _, why = line.partition("#")
        if mark.strip():
            found[mark.strip()] = why.strip()
    return found


def _clause(path: Path) -> str:
    """What a mistake gets wrong: its module docstring's first line (else its file's name)."""
    import ast

    try:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    except (OSError, SyntaxError, ValueError):
        doc = None
    return doc.strip().splitlines()[0] if doc else path.stem


def _options(exercises: Iterable[str], training: bool) -> Options:
    selection = Selection(exercises=tuple(exercises), keyword="" if training else f"not {TRAINING}")
    return replace(Options(), device="cpu", selection=selection)


def _failed(outcome: TopicOutcome | Exception, exercise: str | None) -> tuple[str, ...]:
    """The ids of the checks of ``exercise`` (None: every one) that did not pass."""
    if isinstance(outcome, Exception):
        return ("(crashed)",)
    return tuple(
        t.id
        for t in outcome.result.tests
        if t.status not in ("passed", "skipped") and (exercise is None or exercise in t.exercises)
    )


def _points(outcome: TopicOutcome | Exception, exercise: str | None) -> tuple[float, float]:
    """(points, maximum) of ``exercise`` (None: the topic) in ``outcome``; a crash scores nothing."""
    if isinstance(outcome, Exception):
        return 0.0, 1.0
    result = outcome.result
    if exercise is None:
        return result.score, result.max_score
    found = [e for e in result.exercises if e.name == exercise]
    return (found[0].points, found[0].max_points) if found else (0.0, 1.0)


def validate(
    topic: str,
    reference: Path,
    stub: Path,
    exercises: tuple[str, ...],
    *,
    equivalent: dict[str, str] | None = None,
    jobs: int,
    training: bool = False,
    mistakes: tuple[Path, ...] = (),
) -> Validation:
    """Grade the reference, the stub, every mutant of ``exercises`` in the reference (those
    ``equivalent`` marks, {id: why}, are listed, not graded) and the author's ``mistakes``."""
    marks = equivalent or {}
    found = Validation(topic, scores={e: Score(e) for e in exercises}, grid=grid.matrix(topic))
    found.mistakes = [Mistake(path, _clause(path)) for path in mistakes]
    every = mutants(reference.read_text(encoding="utf-8"), exercises)
    with tempfile.TemporaryDirectory(prefix="torchgrade-mutants-") as folder:
        tasks = [
            Task(reference, topic, True, _options((), training), owner="reference"),
            Task(stub, topic, True, _options((), training), owner="stub"),
        ]
        for i, mistake in enumerate(found.mistakes):  # graded as the topic's own file
            path = Path(folder) / f"x{i}" / f"{topic}.py"
            path.parent.mkdir()
            path.write_bytes(mistake.path.read_bytes())
            tasks.append(Task(path, topic, True, _options((), training), owner=mistake))
        for i, mutant in enumerate(every):
            if mutant.id in marks:
                found.scores[mutant.exercise].equivalent += 1
                found.scores[mutant.exercise].marked.append((mutant, marks[mutant.id]))
                continue
            path = Path(folder) / f"m{i}" / f"{topic}.py"
            path.parent.mkdir()
            path.write_text(mutant.source, encoding="utf-8")
            tasks.append(Task(path, topic, True, _options((mutant.exercise,), training), owner=mutant))
        run_tasks(tasks, jobs, lambda task, outcome: _file(found, task.owner, outcome))
    return found


def _file(found: Validation, owner: object, outcome: TopicOutcome | Exception) -> None:
    """Record one graded task of :func:`validate` where it belongs."""
    if owner == "reference":
        found.reference = _points(outcome, None)
        found.broke = str(outcome) if isinstance(outcome, Exception) else ""
    elif owner == "stub":
        found.stub = _points(outcome, None)
    elif isinstance(owner, Mistake):
        owner.points, owner.failed = _points(outcome, None), _failed(outcome, None)
    elif isinstance(owner, Mutant):
        points, maximum = _points(outcome, owner.exercise)
        score = found.scores[owner.exercise]
        if points < maximum:
            score.killed += 1
            score.deaths.append((owner, ", ".join(_failed(outcome, owner.exercise)) or "?"))
        else:
            score.survivors.append(owner)


def report(found: Validation, min_score: float = 0.0) -> str:
    """The author's page: the reference and the stub, then each exercise's mutation score, how
    each mutant died (the checks that killed it), its survivors and its marked mutants with their
    edits, ids and reasons; the author's own mistakes, caught or missed; what fails it."""
    ref, stub = found.reference, found.stub
    lines = [
        f"{found.topic}: reference {ref[0]:g}/{ref[1]:g}" + ("" if ref[0] >= ref[1] > 0 else "  (NOT FULL)"),
        f"{found.topic}: stub {stub[0]:g}/{stub[1]:g}" + ("" if stub[0] == 0 else "  (NOT ZERO)"),
    ]
    for score in found.scores.values():
        marked = f", {score.equivalent} marked equivalent" if score.equivalent else ""
        lines.append(
            f"  {score.exercise}: {score.killed}/{score.total} mutants killed ({score.rate:.0%}){marked}"
        )
        lines += [f"    killed [{m.id}] {m.diff()}  by {checks}" for m, checks in score.deaths]
        lines += [f"    survived [{m.id}] {m.diff()}" for m in score.survivors]
        lines += [
            f"    marked equivalent [{m.id}] {m.diff()}  because {why or '(no reason given)'}"
            for m, why in score.marked
        ]
    lines += [f"{found.topic}: the contract grid (✓ walked, – not open, ✗ a hole)", grid.table(found.grid)]
    lines.append(f"{found.topic}: mutation score {found.killed}/{found.total} ({found.rate:.1%})")
    lines += _mistakes(found.mistakes)
    failures = found.failures(min_score)
    lines.append(f"{found.topic}: " + (f"FAILED ({'; '.join(failures)})" if failures else "passed"))
    return "\n".join(lines)


def _mistakes(mistakes: list[Mistake]) -> list[str]:
    """The author's own mistakes: each caught (by which checks) or missed (with its clause)."""
    if not mistakes:
        return []
    caught = sum(m.caught for m in mistakes)
    lines = [f"your mistakes: {caught}/{len(mistakes)} caught ({caught / len(mistakes):.0%})"]
    for m in mistakes:
        if m.caught:
            lines.append(
                f"  caught {m.path.name} ({m.clause}): {m.points[0]:g}/{m.points[1]:g} by {', '.join(m.failed)}"
            )
        else:
            lines.append(f"  MISSED {m.path.name}: the clause missed: {m.clause}")
    return lines
