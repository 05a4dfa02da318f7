"""Intake bounded in depth: a notebook or a source nested far past what the grader reads ends in
a clear status per topic (and valid JSON), never a RecursionError. Seen failing on the main of
2026-11-24: the 600-deep notebook stopped `grade` with "not a valid notebook (RecursionError…)"
and no JSON, the 600-deep source with a RecursionError traceback from the old source scan."""

from __future__ import annotations

import json

import pytest
from helpers import REPO, grade_json

from grader.checks.scoring import TopicResult, make_result
from grader.engine import notebooks, parsed, subset

DEPTH = 600
DEEP_CODE = "X = " + "-" * DEPTH + "1\n"


def nested(depth: int) -> dict:
    top: dict = {}
    inner = top
    for _ in range(depth):
        inner["a"] = {}
        inner = inner["a"]
    return top


def deep_notebook(path, cells: list[str]):
    code = [
        {
            "cell_type": "code",
            "id": f"c{i}",
            "metadata": {"deep": nested(DEPTH)},
            "source": source,
            "execution_count": 1,
            "outputs": [
                {
                    "output_type": "execute_result",
                    "execution_count": 1,
                    "metadata": {},
                    "data": {"application/json": nested(DEPTH)},
                }
            ],
        }
        for i, source in enumerate(cells)
    ]
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "cells": code,
        "metadata": {"deep": nested(DEPTH), "torchgrade": {"topic": "losses"}},
    }
    path.write_text(json.dumps(notebook))
    return path


@pytest.mark.e2e
def test_a_notebook_nested_600_deep_is_graded_with_its_deep_cell_named(tmp_path):
    solution = (REPO / "solutions" / "losses.py").read_text()
    path = deep_notebook(tmp_path / "homework.ipynb", [solution, DEEP_CODE])
    _, report = grade_json(str(path))
    (topic,) = report["topics"]
    assert topic["name"] == "losses" and topic["score"] == topic["max_score"] > 0
    assert "cell 2" in topic["note"] and f"nested {DEPTH + 3} levels deep" in topic["note"]


@pytest.mark.unit
def test_a_notebook_too_deep_for_json_is_one_clear_error(tmp_path):
    path = tmp_path / "losses.ipynb"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(notebooks.NotebookError, match="nested too deep to read"):
        notebooks.read(path)


@pytest.mark.unit
@pytest.mark.parametrize(
    "source", [DEEP_CODE, "X = " + "-" * 100_000 + "1\n", "X = " + "+".join("1" * 100_000)]
)
def test_a_source_nested_too_deep_is_refused_whole(tmp_path, source):
    path = tmp_path / "losses.py"
    path.write_text((REPO / "solutions" / "losses.py").read_text() + source)
    result = TopicResult("losses", [make_result("mse_shape", "shape", 2.0, "passed", "", public=True)])
    refusal = subset.refusal(path, "losses", single_file=True)
    assert refusal is not None
    subset.refuse(result, refusal)
    assert result.tests[0].status == "failed" and result.score == 0
    assert (
        "nested" in result.tests[0].message and f"up to {parsed.MAX_DEPTH} levels" in result.tests[0].message
    )


@pytest.mark.unit
def test_the_bound_leaves_room_for_every_solution():
    deepest = max(parsed.depth(p.read_text()) for p in (REPO / "solutions").glob("*.py"))
    assert deepest * 3 < parsed.MAX_DEPTH


@pytest.mark.unit
def test_the_inlined_walks_match_ast_s_own():
    """parsed's depth and parents walk each node's fields by hand: the same depth as a walk over
    ``ast.iter_child_nodes``, the same {node: parent} in the same order as one over ``ast.walk``."""
    import ast

    for path in sorted((REPO / "solutions").glob("*.py")) + [REPO / "grader" / "engine" / "subset_check.py"]:
        tree = ast.parse(path.read_text())
        expected = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        assert list(parsed.parents(tree).items()) == list(expected.items())
        stack, deepest = [(tree, 1)], 0
        while stack:
            node, level = stack.pop()
            deepest = max(deepest, level)
            stack += [(child, level + 1) for child in ast.iter_child_nodes(node)]
        assert parsed.depth(path.read_text()) == deepest
    assert parsed.depth(DEEP_CODE) > parsed.MAX_DEPTH
