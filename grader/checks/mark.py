"""The ``check`` mark a suite puts on each test (read by the engine's plugin, :mod:`grader.engine.plugin`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from grader.checks.scoring import KINDS

Exercises = str | tuple[str, ...] | Callable[[dict[str, Any]], str]


def check(
    kind: str,
    points: float = 1,
    public: bool = False,
    cuda: bool = False,
    exercise: Exercises | None = None,
) -> pytest.MarkDecorator:
    """Mark a test: its kind (shape, gradient, convergence, device), points, visibility, CUDA,
    and the exercise(s) of the stub it judges: a name, a tuple of names, or a function of the
    test's parameters. Without ``exercise``, a parameter called ``name`` names it."""
    if kind not in KINDS:
        raise ValueError(f"unknown check kind {kind!r}; use one of {KINDS}")
    return pytest.mark.check(kind=kind, points=points, public=public, cuda=cuda, exercise=exercise)
