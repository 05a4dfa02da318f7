"""No function of grader/ over 100 lines (the house style aims at ~60): a long one is split by step."""

from __future__ import annotations

import ast

import pytest
import syntax
from helpers import REPO

pytestmark = pytest.mark.engine  # a sweep over the repository (tests/grader/tiers.py)

LIMIT = 100


def lengths() -> dict[str, int]:
    """{path:line name: its lines from ``def`` on, docstring included} for every function of grader/
    (a command's option decorators are declarations, not its body)."""
    found = {}
    for path in sorted((REPO / "grader").rglob("*.py")):
        for node in syntax.nodes(path):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                end = node.end_lineno or node.lineno
                found[f"{path.relative_to(REPO)}:{node.lineno} {node.name}"] = end - node.lineno + 1
    return found


def test_no_function_over_100_lines():
    over = {name: n for name, n in lengths().items() if n > LIMIT}
    assert not over, "split by step: " + ", ".join(f"{name} ({n} lines)" for name, n in sorted(over.items()))


def test_the_counter_sees_a_long_function(tmp_path, monkeypatch):
    monkeypatch.setattr("test_function_size.REPO", tmp_path)
    (tmp_path / "grader").mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(LIMIT))
    (tmp_path / "grader" / "long.py").write_text(f"@staticmethod\ndef long():\n{body}\n")
    assert lengths() == {"grader/long.py:2 long": LIMIT + 1}
