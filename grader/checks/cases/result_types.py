"""The exact types of a result, judged: a tensor where a docstring says a tensor (not a numpy
array), a Python float where it says a float (not an int, not a 0-dim tensor). Values cannot tell
them apart on this side: numpy's arrays and scalars reach it as tensors, and an int passes where
a float is compared, so the worker names each type (probe_kit.type_names) beside the values and
the reference's answers record its own."""

from __future__ import annotations

from typing import Any

from grader.base.i18n import N_
from grader.checks.verdict.failed import TYPE, fail

TYPES = N_(
    "return the types the docstring states: a tensor where it says a tensor (not a numpy array), "
    "a Python float where it says a float (not an int or a 0-dim tensor)"
)


def judge(mine: Any, want: Any, what: str) -> None:
    """``mine``, the type names of a result, as the reference's ``want`` where its answer
    recorded them."""
    if want is not None and mine != want:
        fail(what, text(want), text(mine), TYPES, cause=TYPE)


def text(names: Any) -> str:
    """Type names as a reader writes them: ``[Tensor, Tensor]``, ``float``."""
    if isinstance(names, list):
        return "[" + ", ".join(text(n) for n in names) + "]"
    if isinstance(names, dict):
        return "{" + ", ".join(f"{k}: {text(v)}" for k, v in names.items()) + "}"
    return str(names)[:120]
