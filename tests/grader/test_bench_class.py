"""The benchmark's synthetic class is graded as its kinds say: the bench's speed figures are
only worth reading if the class it times was graded right (`python -m grader.bench`)."""

from __future__ import annotations

import json
import sys

import pytest
from helpers import REPO, run_grade

pytestmark = pytest.mark.e2e

sys.path.insert(0, str(REPO / "tests" / "bench"))
from bench_class import TOPIC, write_class  # noqa: E402


def test_every_kind_of_the_bench_class_scores_as_it_should(tmp_path):
    kinds = write_class(tmp_path / "class")
    done = run_grade("batch", str(tmp_path / "class"), "--out", str(tmp_path / "out"), "--workers", "2")
    assert done.returncode == 0, done.stderr[-2000:]
    rows = json.loads((tmp_path / "out" / "gradebook.json").read_text())
    totals = {r["student"].removesuffix(f"_{TOPIC}"): (r["total"], r["max"]) for r in rows}
    assert set(totals) == set(kinds)
    for student, kind in kinds.items():
        total, most = totals[student]
        if kind == "correct":  # each one a formulation the docstrings allow, float64 tails included
            assert total == most, student
        elif kind in ("stub", "forger"):
            assert total == 0, student
        else:  # one mistake, or one function that never returns
            assert 0 < total < most, student
