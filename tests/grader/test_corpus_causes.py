"""Causes over the one-mistake corpus (`tests/corpus/`): each mistake module's second line names
its cause, `# cause: EXERCISE CAUSE` (the exercise its edit touched and the cause in
grader/checks/exercises.py ``cause_of``'s words; modules that make the same mistake share it).

- The first diagnosis of a mistake module (its first exercise not full) names that exercise and
  cause for at least 90 % of them.
- The corpus as a class, grouped by cause (grader/batch/causes.py): the groups are at least 90 %
  pure and 90 % complete against the labels, and beat grouping by the diagnosis's text in the
  same run; no correct module lands in a group.

The modules are graded as in test_corpus.py's mistakes, without the training checks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import REPO

from grader.batch.causes import class_groups
from grader.batch.gradebook import Row
from grader.checks.exercises import judge

pytestmark = pytest.mark.e2e

CORPUS = REPO / "tests" / "corpus"
RATE = 0.9

GRADE = """
import json, sys
from pathlib import Path
from grader.options import Options, Selection
from grader.engine.runner import Task, run_tasks

options = Options(selection=Selection(keyword="not convergence"))
tasks = [Task(path=Path(p), topic=t, single_file=True, options=options) for t, p in json.loads(sys.argv[1])]
found = {}


def file(task, outcome):
    if isinstance(outcome, Exception):
        raise outcome
    found[str(task.path)] = [t.to_json() for t in outcome.result.tests]


run_tasks(tasks, 2, file)
print(json.dumps(found))
"""


def label(path: Path) -> tuple[str, str]:
    """(exercise, cause) from a mistake module's second line."""
    second = path.read_text().splitlines()[1]
    assert second.startswith("# cause: "), f"{path}: the second line must name the cause"
    exercise, cause = second.removeprefix("# cause: ").split(" ", 1)
    return exercise, cause


def modules(kind: str) -> list[Path]:
    return sorted(CORPUS.glob(f"*/{kind}/*.py"))


@pytest.fixture(scope="module")
def graded() -> dict[Path, list[dict]]:
    """{module: its checks (JSON)} for every mistake and correct module of the corpus."""
    tasks = [(path.parts[-3], str(path)) for kind in ("mistakes", "correct") for path in modules(kind)]
    done = subprocess.run(
        [sys.executable, "-c", GRADE, json.dumps(tasks)],
        capture_output=True,
        text=True,
        timeout=1500,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return {Path(p): tests for p, tests in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def row(path: Path, tests: list[dict]) -> Row:
    """A module as a class's row: one topic, its checks."""
    student = f"{path.parent.name}-{path.parts[-3]}-{path.stem}"
    return Row(
        student, student, "v", "graded", "", report={"topics": [{"name": path.parts[-3], "tests": tests}]}
    )


def test_the_first_diagnosis_names_the_labelled_cause(graded, record_property):
    missed = []
    paths = modules("mistakes")
    for path in paths:
        first = next(e for e in judge(graded[path]) if e.status not in ("passed", "skipped"))
        if (first.name, first.cause) != label(path):
            missed.append(f"{path.parts[-3]}/{path.name}: {label(path)}, first {(first.name, first.cause)}")
    rate = 1 - len(missed) / len(paths)
    record_property("cause_rate", round(rate, 3))
    print(
        f"the first diagnosis names the labelled cause: {len(paths) - len(missed)}/{len(paths)} = {rate:.3f}"
    )
    assert rate >= RATE, "\n".join(missed)


def scores(items: dict[str, tuple[str, str]], group_of: Callable[[str], object]) -> tuple[float, float]:
    """(purity, completeness) of grouping ``items`` (student → label) by ``group_of``."""
    groups: dict[object, Counter] = {}
    labels: dict[tuple[str, str], Counter] = {}
    for student, labelled in items.items():
        group = group_of(student)
        groups.setdefault(group, Counter())[labelled] += 1
        labels.setdefault(labelled, Counter())[group] += 1
    n = len(items)
    purity = sum(max(c.values()) for c in groups.values()) / n
    return purity, sum(max(c.values()) for c in labels.values()) / n


def test_groups_by_cause_are_pure_complete_and_beat_the_message_text(graded, record_property):
    rows = [row(path, tests) for path, tests in graded.items()]
    groups = class_groups(rows)
    assert not [s for g in groups for s in g.students if s.startswith("correct-")], (
        "a correct module in a group"
    )
    items = {row(p, []).student: label(p) for p in modules("mistakes")}
    by_cause = {(s, g.exercise.split(".", 1)[1]): g.cause for g in groups for s in g.students}
    # the text an instructor would group by: the first line of the exercise's diagnosis
    said = {
        r.student: {e.name: e.diagnosis.split("\n", 1)[0] for e in judge(r.report["topics"][0]["tests"])}
        for r in rows
        if r.student in items
    }

    def cause_group(student: str) -> object:
        exercise = items[student][0]
        return exercise, by_cause.get((student, exercise), f"full: {student}")

    def text_group(student: str) -> object:
        exercise = items[student][0]
        failing = (student, exercise) in by_cause
        return exercise, said[student][exercise] if failing else f"full: {student}"

    purity, completeness = scores(items, cause_group)
    text_purity, text_completeness = scores(items, text_group)
    for name, value in [("purity", purity), ("completeness", completeness), ("text_purity", text_purity),
                        ("text_completeness", text_completeness)]:  # fmt: skip
        record_property(name, round(value, 3))
    print(f"by cause: purity {purity:.3f}, completeness {completeness:.3f}; "
          f"by message text: purity {text_purity:.3f}, completeness {text_completeness:.3f}")  # fmt: skip
    assert purity >= RATE and completeness >= RATE
    # text groups are as fine as the messages, so nearly pure by construction: causes must be as
    # complete as they and better on the two together
    assert completeness >= text_completeness
    assert purity + completeness > text_purity + text_completeness
