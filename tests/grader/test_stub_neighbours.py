"""A check shared by two exercises while one of them is still a stub: the stub's
NotImplementedError is placed by the frame's qualified name (a class's ``__init__`` is the
class's, a nested function its outer function's), so the shared check is the stub's and the
finished exercise keeps its points. A correct train_epoch beside the MLP stub scored 0/6 (the
training check, MLP's and train_epoch's, read as not started for both)."""

from __future__ import annotations

import ast

import pytest
from helpers import REPO, grade_json

pytestmark = pytest.mark.engine


def spliced(topic: str, names: set[str]) -> str:
    """The stub of ``topic`` with the top-level definitions ``names`` taken from the reference."""
    stub, reference = (REPO / folder / f"{topic}.py" for folder in ("exercises", "solutions"))
    lines, taken = stub.read_text().splitlines(), reference.read_text().splitlines()
    found = {
        node.name: taken[(node.decorator_list or [node])[0].lineno - 1 : node.end_lineno]
        for node in ast.parse(reference.read_text()).body
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name in names
    }
    stub_nodes = [n for n in ast.parse(stub.read_text()).body if getattr(n, "name", None) in names]
    for node in sorted(stub_nodes, key=lambda n: -n.lineno):
        lines[node.lineno - 1 : node.end_lineno] = found[node.name]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("exercise", [("train_epoch",), ()])
def test_a_finished_exercise_beside_a_class_stub_keeps_its_points(tmp_path, exercise):
    path = tmp_path / "mlp.py"
    path.write_text(spliced("mlp", {"train_epoch"}))
    selected = [arg for name in exercise for arg in ("--exercise", name)]
    _, report = grade_json(str(path), *selected, "-k", "not convergence or mlp_learns")
    exercises = {e["name"]: e for e in report["topics"][0]["exercises"]}
    trained = exercises["train_epoch"]
    assert trained["points"] == trained["max_points"] > 0, trained["diagnosis"]
    if not exercise:
        assert exercises["MLP"]["status"] == "not_started"
