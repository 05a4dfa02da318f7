"""The ``check`` mark a suite puts on each test (read by the engine's plugin, :mod:`grader.engine.suites.plugin`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from grader.checks.verdict.scoring import CLAUSES, KINDS

Exercises = str | tuple[str, ...] | Callable[[dict[str, Any]], str]


def check(
    kind: str,
    points: float = 1,
    public: bool = False,
    cuda: bool = False,
    exercise: Exercises | None = None,
    clause: str | None = None,
    errors: dict[str, str] | None = None,
) -> pytest.MarkDecorator:
    """Mark a test: its kind (shape, gradient, convergence, device), points, visibility, CUDA,
    and the exercise(s) of the stub it judges: a name, a tuple of names, or a function of the
    test's parameters. Without ``exercise``, a parameter called ``name`` names it. ``clause``
    (one of :data:`~grader.checks.verdict.scoring.CLAUSES`) makes it a clause check, whose points the
    exercise earns only with its values right (grader/checks/verdict/exercises.py); a device check is
    the "device" clause unless it says otherwise. ``errors``: the kind of error the code raises
    (grader/checks/verdict/error_types.py ERRORS: "matmul-shapes"...) → what it means in this exercise, the
    hint the check would give (rnn_cell's mismatched product: the weights are not transposed)."""
    if kind not in KINDS:
        raise ValueError(f"unknown check kind {kind!r}; use one of {KINDS}")
    clause = clause or ("device" if kind == "device" else None)
    if clause is not None and clause not in CLAUSES:
        raise ValueError(f"unknown clause {clause!r}; use one of {CLAUSES}")
    return pytest.mark.check(
        kind=kind,
        points=points,
        public=public,
        cuda=cuda,
        exercise=exercise,
        clause=clause,
        errors=errors or {},
    )
