"""Intake bounded in depth: a notebook or a source nested far past what the grader reads ends in
a clear status per topic (and valid JSON), never a RecursionError. Seen failing on the main of
2026-11-24: the 600-deep notebook stopped `grade` with "not a valid notebook (RecursionError…)"
and no JSON, the 600-deep source with a RecursionError traceback from the old source scan."""

from __future__ import annotations

import ast
import json
import shutil
import time

import pytest
from helpers import REPO, grade_json, run_grade

from grader.checks.verdict.scoring import TopicResult, make_result
from grader.engine.sources import notebooks, parsed
from grader.engine.subset import submission as subset

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


# A hostile notebook: a 600-deep expression, a 400-deep lambda chain and a cell of 5 MB of
# one-line statements kept `grade` busy ~6 minutes (ast.get_source_segment split the whole cell
# again for every statement: quadratic). Seen failing on the main of 2026-11-24: a 68 kB cell of
# such statements alone took 34 s of CPU to read (4 000 statements), the 5 MB one hours.
LAMBDAS = "F = " + "lambda: " * 400 + "1\n"


def statements(size: int) -> str:
    line = "value_{:07d} = 1\n"
    return "".join(line.format(i) for i in range(size // len(line.format(0))))


def big_notebook(path, size: int):
    solution = (REPO / "solutions" / "losses.py").read_text()
    return deep_notebook(path, [solution, DEEP_CODE, LAMBDAS, statements(size)])


@pytest.mark.engine  # CPU-heavy for the unit tier's budget
def test_a_notebook_with_5_mb_of_code_is_refused_at_once(tmp_path):
    path = big_notebook(tmp_path / "losses.ipynb", 5 << 20)
    started = time.process_time()
    with pytest.raises(
        notebooks.NotebookError, match=r"its code cells hold \d+ kB \(the grader reads up to 256 kB"
    ):
        notebooks.read(path)
    assert time.process_time() - started < 5.0


@pytest.mark.engine  # the engine's reading of the largest notebook it takes: 1.5 s of CPU on purpose
def test_a_cell_of_many_statements_is_read_in_linear_time(tmp_path):
    """Just under the size budget, the deep cells skipped and the solution graded: seconds, not hours."""
    path = big_notebook(tmp_path / "losses.ipynb", parsed.MAX_BYTES - 20_000)
    started = time.process_time()
    module = notebooks.to_module(notebooks.read(path))
    assert time.process_time() - started < 15.0
    assert "def mse" in module.source and "value_0000099 = 1" in module.source
    assert [note[:6] for note in module.notes()] == ["cell 2", "cell 3"]
    assert subset.refusal(path, "losses", single_file=True) is None


@pytest.mark.unit
def test_segments_are_the_parsers_own():
    source = 'a = 1; b = "é\\f"\r\nc = (1,\r 2)\nif x:\n    pass\nd = "ü"; e = [\n  3]  # ü\n'
    lines = notebooks._LINE.findall(source)
    for node in ast.parse(source).body:
        assert notebooks._segment(lines, node) == ast.get_source_segment(source, node)


@pytest.mark.unit
def test_a_source_past_the_size_budget_is_refused_in_one_line(tmp_path):
    path = tmp_path / "losses.py"
    path.write_text((REPO / "solutions" / "losses.py").read_text() + statements(parsed.MAX_BYTES))
    refusal = subset.refusal(path, "losses", single_file=True)
    assert refusal is not None and "kB (the grader reads up to 256 kB of code)" in refusal.what


@pytest.mark.unit
def test_cells_past_the_time_budget_are_skipped_with_a_note(tmp_path, monkeypatch):
    path = big_notebook(tmp_path / "losses.ipynb", 10_000)
    monkeypatch.setattr(parsed, "READ_SECONDS", 0.0)
    module = notebooks.to_module(notebooks.read(path))
    (note,) = module.notes()
    assert (
        note.startswith("cell 1") and "took more than 0 s of CPU" in note and "def mse" not in module.source
    )


@pytest.mark.e2e
def test_a_class_of_20_such_notebooks_ends_in_seconds_with_a_row_each(tmp_path):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    first = big_notebook(submissions / "student00_losses.ipynb", 5 << 20)
    for i in range(1, 20):
        shutil.copy(first, submissions / f"student{i:02d}_losses.ipynb")
    run_grade("--version")  # the session's warm helper started, not timed
    started = time.monotonic()
    done = run_grade("batch", str(submissions), "--out", str(tmp_path / "out"), "--workers", "2", timeout=120)
    assert time.monotonic() - started <= 30.0, "the class waited on its notebooks"
    assert done.returncode in (0, 1), done.stderr[-2000:]
    rows = json.loads((tmp_path / "out" / "gradebook.json").read_text())
    assert len(rows) == 20
    assert all(r["status"] == "rejected" and "its code cells hold 5126 kB" in r["reason"] for r in rows)


@pytest.mark.unit
def test_the_inlined_walks_match_ast_s_own():
    """parsed's depth and parents walk each node's fields by hand: the same depth as a walk over
    ``ast.iter_child_nodes``, the same {node: parent} in the same order as one over ``ast.walk``."""
    import ast

    for path in sorted((REPO / "solutions").glob("*.py")) + [
        REPO / "grader" / "engine" / "subset" / "check.py"
    ]:
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


@pytest.mark.unit
def test_the_kept_walks_are_ast_s_own_and_stay_within_their_budget(monkeypatch):
    """parsed.walk: every node's walk the same nodes in the same order as ``ast.walk``'s (a
    shared ``Load`` as often), the same tuple when asked again, and the walks it keeps never
    more than WALKS_KEPT nodes in all (a large source does not pin every walk of it)."""
    import ast

    monkeypatch.setattr(parsed, "WALKS_KEPT", 5_000)
    for topic in ("losses", "resnet"):
        tree = ast.parse((REPO / "solutions" / f"{topic}.py").read_text())
        for node in ast.walk(tree):
            assert [id(n) for n in parsed.walk(node)] == [id(n) for n in ast.walk(node)]
            assert parsed.walk(node) is parsed.walk(node)
            assert parsed.walk.size <= 5_000 or len(parsed.walk.kept) == 1
