"""The same code earns the same points in every language and path: a check that judges several
exercises charges the one its failure belongs to from the check's record (the stub, the raising
frame, the exercise the probe called: grader/engine/suites/plugin.py placed), never from its message,
which is in the learner's language. Two cases found from outside, each graded alone and in one
``grade batch``, in English and in Chinese (tests/grader/test_corpus.py holds the whole corpus
to it)."""

from __future__ import annotations

import ast
import json

import pytest
from helpers import REPO, run_grade

DIVIDED = """def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n + 2 * padding - k) / stride + 1
"""
# topic, {exercise: its source ("" the reference's)}, every other exercise left a stub, and
# {exercise: (points, cause)} as every run must find them
CASES = {
    # a correct rnn_cell beside an unstarted gru_cell: 5.34 in English, 3.0 in Chinese before
    "rnn_cell_beside_a_stub": (
        "rnn",
        {"rnn_cell": ""},
        {"rnn_cell": (5.34, ""), "gru_cell": (0.0, "not_started")},
    ),
    # conv_output_size with `/` beside a correct corr2d: the shared edge check is conv_output_size's
    "divided_conv_output_size": (
        "cnn",
        {"corr2d": "", "conv_output_size": DIVIDED},
        {"corr2d": (8.5, ""), "conv_output_size": (0.0, "conv_output_size:failed")},
    ),
}


def definition(source: str, name: str) -> str:
    """The source of ``source``'s top-level function ``name``."""
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == name)
    return "".join(source.splitlines(keepends=True)[node.lineno - 1 : node.end_lineno])


def module(topic: str, written: dict[str, str]) -> str:
    """The stub of ``topic`` with ``written``'s exercises filled in."""
    stub = (REPO / "exercises" / f"{topic}.py").read_text()
    reference = (REPO / "solutions" / f"{topic}.py").read_text()
    for name, source in written.items():
        stub = stub.replace(definition(stub, name), source or definition(reference, name))
    return stub


def points(report: dict) -> dict[str, tuple[float, str]]:
    return {e["name"]: (e["points"], e.get("cause", "")) for t in report["topics"] for e in t["exercises"]}


@pytest.mark.engine
@pytest.mark.parametrize("case", CASES)
def test_the_same_points_and_causes_alone_and_in_a_batch_in_english_and_chinese(tmp_path, case):
    topic, written, expected = CASES[case]
    (tmp_path / "class").mkdir()
    path = tmp_path / "class" / f"alice_{topic}.py"
    path.write_text(module(topic, written))
    found = {}
    for lang in ("en", "zh_CN"):
        done = run_grade(
            "--lang", lang, str(path), "--topic", topic, "-k", "not convergence", "--format", "json"
        )
        assert done.returncode == 1, done.stderr[-2000:]
        found[f"alone, {lang}"] = points(json.loads(done.stdout))
    out = tmp_path / "out"
    batch = ("batch", str(tmp_path / "class"), "--out", str(out), "-k", "not convergence", "--workers", "1")
    done = run_grade("--lang", "zh_CN", *batch)
    assert done.returncode == 0, done.stderr[-2000:]
    (row,) = json.loads((out / "gradebook.json").read_text())
    found["batch, zh_CN"] = points(row["report"])
    first = found["alone, en"]
    assert all(other == first for other in found.values()), found
    assert {name: first[name] for name in expected} == expected
