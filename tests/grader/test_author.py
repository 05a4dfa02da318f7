"""`grade author validate`: mutants of a reference (grader/authoring/mutants.py) are whole modules
that parse, each one edit inside one exercise, none in a docstring or an annotation, their ids
stable while the code around them moves; graded, the reference scores full, the stub nothing,
and each exercise's mutation score and survivors are printed."""

from __future__ import annotations

import ast

import pytest
from helpers import run_grade

from grader.authoring.mutants import mutants
from grader.authoring.validate import equivalent_reasons

SOURCE = '''"""A module."""

import torch


def mse(y_hat, y, reduction="mean"):
    """Mean of (y_hat - y) ** 2 over 2 dims."""
    d = (y_hat - y) ** 2
    if reduction == "sum" and not False:
        return d.sum(dim=-1, keepdim=True)
    return -d.mean() if d.numel() < 0 else d.mean()


def helper(x: int = 3) -> int:
    return x + 1
'''


@pytest.mark.unit
def test_every_operator_makes_a_mutant_inside_the_exercise_only():
    found = mutants(SOURCE, ("mse",))
    assert {m.operator for m in found} == {
        "operator", "term", "sign", "comparison", "and/or", "condition", "number", "keyword", "mirror",
        "detach", "constant",
    }  # fmt: skip
    assert all(m.exercise == "mse" for m in found)
    for mutant in found:
        tree = ast.parse(mutant.source)
        assert ast.get_docstring(tree) == "A module."
        mse = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "mse")
        assert ast.get_docstring(mse) == "Mean of (y_hat - y) ** 2 over 2 dims."
        helper = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "helper")
        assert ast.unparse(helper) == "def helper(x: int=3) -> int:\n    return x + 1"
    assert len({m.source for m in found}) == len(found)
    assert any(m.diff() == "line 10: keepdim=True  →  keepdim=False" for m in found), [
        m.diff() for m in found
    ]


@pytest.mark.unit
def test_a_mutants_id_stays_while_the_code_around_it_moves(tmp_path):
    moved = SOURCE.replace("import torch\n", "import torch\nimport math\n\nTAU = 2 * math.pi\n")
    assert {m.id for m in mutants(SOURCE, ("mse",))} == {m.id for m in mutants(moved, ("mse",))}
    marks = tmp_path / "marks.txt"
    marks.write_text(
        "# equivalent: both branches agree at 0\nabc123  # x >= 0 -> x > 0\n\n", encoding="utf-8"
    )
    assert set(equivalent_reasons(marks)) == {"abc123"}


@pytest.mark.e2e
def test_validate_grades_the_reference_the_stub_and_each_mutant():
    done = run_grade("author", "validate", "losses", "--exercise", "mse")
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("losses: reference ") and "NOT FULL" not in lines[0]
    assert lines[1] == "losses: stub 0/" + lines[0].rsplit("/", 1)[1]
    assert lines[2].startswith("  mse: ") and "mutants killed (100%)" in lines[2], lines
    assert lines[-2].startswith("losses: mutation score ") and lines[-1] == "losses: passed", lines
    assert all(" by " in line for line in lines if line.startswith("    killed ["))  # how each died


@pytest.mark.engine  # every topic's mutants: seconds of CPU
def test_every_mutant_marked_equivalent_exists_in_its_reference():
    """A topic's mutants_TOPIC.txt marks mutants of its reference: a mark left behind by a change
    of the reference (its mutant gone) is stale."""
    from grader.base.topics import MANIFEST

    for topic in MANIFEST:
        marks = topic.equivalent_mutants
        if not marks.is_file():
            continue
        ids = {m.id for m in mutants(topic.solution.read_text(), topic.exercises)}
        assert set(equivalent_reasons(marks)) <= ids, (
            topic.name,
            sorted(set(equivalent_reasons(marks)) - ids),
        )
