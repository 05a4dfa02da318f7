"""``grade author validate TOPIC``: how good a topic's checks are, measured on mutants of its
reference (:mod:`grader.authoring.mutants`): the reference must score full, the stub nothing, and
each mutant is graded on the mutated exercise's checks alone (without the training checks unless
asked). A mutant is killed when its exercise scores below full; the survivors are listed with
their edit so the author adds a case or a check, or marks the mutant equivalent (its id in the
topic's file of equivalent mutants, one id a line, ``#`` comments).

Why our own operators and not mutmut or cosmic-ray: both mutate a project and run its test
command once per mutant (mutmut 3 through its own pytest plugin and a trampoline in every
function); a grade runs the topic's suite in the sandboxed engine, one warm grading process for
many submissions, and judges an exercise's points, not a test command's exit status. Their
operators are Python's; the ones a tensor exercise needs (``keepdim``, ``dim``, a reduction's
mirror, ``detach``) are not among them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader.authoring.mutants import Mutant, mutants
from grader.engine.runner import Task, TopicOutcome, run_tasks
from grader.options import Options, Selection

TRAINING = "convergence"  # the training checks' marker in a check's name (-k)


@dataclass
class Score:
    """One exercise's mutants: how many were killed, and the survivors."""

    exercise: str
    killed: int = 0
    equivalent: int = 0
    survivors: list[Mutant] = field(default_factory=list)

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

    @property
    def killed(self) -> int:
        return sum(s.killed for s in self.scores.values())

    @property
    def total(self) -> int:
        return sum(s.total for s in self.scores.values())


def read_equivalent(path: Path | None) -> set[str]:
    """The mutant ids a file marks equivalent (one a line; ``#`` starts a comment)."""
    if path is None or not path.is_file():
        return set()
    ids = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {i for i in ids if i}


def _options(exercises: Iterable[str], training: bool) -> Options:
    selection = Selection(exercises=tuple(exercises), keyword="" if training else f"not {TRAINING}")
    return replace(Options(), device="cpu", selection=selection)


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
    equivalent: set[str] = frozenset(),  # type: ignore[assignment]
    jobs: int,
    training: bool = False,
) -> Validation:
    """Grade the reference, the stub and every mutant of ``exercises`` in the reference."""
    found = Validation(topic, scores={e: Score(e) for e in exercises})
    every = mutants(reference.read_text(encoding="utf-8"), exercises)
    with tempfile.TemporaryDirectory(prefix="torchgrade-mutants-") as folder:
        tasks = [
            Task(reference, topic, True, _options((), training), owner="reference"),
            Task(stub, topic, True, _options((), training), owner="stub"),
        ]
        for i, mutant in enumerate(every):
            if mutant.id in equivalent:
                found.scores[mutant.exercise].equivalent += 1
                continue
            path = Path(folder) / f"m{i}" / f"{topic}.py"
            path.parent.mkdir()
            path.write_text(mutant.source, encoding="utf-8")
            tasks.append(Task(path, topic, True, _options((mutant.exercise,), training), owner=mutant))

        def filed(task: Task, outcome: TopicOutcome | Exception) -> None:
            if task.owner == "reference":
                found.reference = _points(outcome, None)
            elif task.owner == "stub":
                found.stub = _points(outcome, None)
            else:
                mutant: Mutant = task.owner
                points, maximum = _points(outcome, mutant.exercise)
                score = found.scores[mutant.exercise]
                if points < maximum:
                    score.killed += 1
                else:
                    score.survivors.append(mutant)

        run_tasks(tasks, jobs, filed)
    return found


def report(found: Validation) -> str:
    """The author's page: the reference and the stub, then each exercise's mutation score and
    its survivors with their edits and ids."""
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
        lines += [f"    survived [{m.id}] {m.diff()}" for m in score.survivors]
    total = found.total
    rate = found.killed / total if total else 1.0
    lines.append(f"{found.topic}: mutation score {found.killed}/{total} ({rate:.1%})")
    return "\n".join(lines)
