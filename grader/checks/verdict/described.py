"""What a check says it got, on one line: a tensor by its dtype and shape, plain data by the start
of its repr (never cut inside a number), and a (values, indices) pair, as
``x.max(dim)`` returns, by what it is and what to take from it."""

from __future__ import annotations

from typing import Any

import torch

from grader.base.i18n import N_, _

DESCRIBED = 120  # characters of a described value: its type, then the start of its repr
NUMBER = frozenset("0123456789.eE+-")  # what a number's repr is written with
SMALL = 8  # a tensor in a container with at most this many elements (0 or 1 dims) shows its values
PAIR_HINT = N_(
    "take its `.values` (x.max(dim).values), or use x.amax(dim), which returns the values alone: "
    "the indices are not the answer"
)

# a (values, indices) pair where the answer keeps its input's shape: a reduction where an
# element-wise op is asked (`.values` would keep the mistake)
REDUCED_PAIR = N_(
    "the answer has its input's shape, element by element, but torch.max(x, d) and x.max(d) reduce "
    "along dimension d (their second argument is a dimension, not a value to compare with): take "
    "the element-wise maximum, torch.clamp(x, min=c) or torch.maximum(x, y)"
)


def describe(value: Any) -> str:
    """``value`` as a check's "got": one line, at most :data:`DESCRIBED` characters and "…"."""
    if isinstance(value, torch.Tensor):
        return _("a %(dtype)s tensor of shape %(shape)s") % {
            "dtype": value.dtype,
            "shape": tuple(value.shape),
        }
    if isinstance(value, str) and value.startswith("<not plain data"):
        return _("an object that is not plain data (%(what)s)") % {"what": value[17:-1].strip(": ")}
    if value is None:
        return _("None (did you forget to return?)")
    if values_and_indices(value):
        return _(
            "a torch.return_types (values, indices), as x.max(dim) returns: %(values)s and its indices"
        ) % {"values": describe(value[0])}
    head = f"{type(value).__name__} "
    return _cut(head + _repr_head(value, DESCRIBED - len(head)), DESCRIBED)


def values_and_indices(value: Any) -> bool:
    """``value`` is a (values, indices) pair, as torch.return_types holds one (``x.max(dim)``,
    ``min``, ``sort``, ``topk``...): the worker sends it as its plain tuple."""
    return (
        type(value) is tuple
        and len(value) == 2
        and all(isinstance(v, torch.Tensor) for v in value)
        and value[1].dtype == torch.int64
        and value[0].shape == value[1].shape
    )


def _cut(said: str, limit: int) -> str:
    """``said`` whole where it fits, else its first ``limit`` characters and "…", backed off to
    before a number the cut would split (``0.24…`` of 0.246914 would read as another value)."""
    if len(said) <= limit:
        return said
    end = limit
    while end > 0 and said[end - 1] in NUMBER and said[end] in NUMBER:
        end -= 1
    return said[:end] + "…"


def _item(value: torch.Tensor) -> str:
    """A tensor inside a container: its values where they are few, else its dtype and shape."""
    if value.dim() <= 1 and value.numel() <= SMALL:
        return " ".join(repr(value).split())
    return describe(value)


def _repr_head(value: Any, budget: int) -> str:
    """The start of ``repr(value)``, at least ``budget`` characters of it (all of it when shorter),
    without the whole repr of a container of tensors: the suites call :func:`describe` before
    they know whether the check passed, and ``repr`` of a list of tensors cost `grade
    solutions/` ~0.1 s. Exact for the plain data a worker sends (lists, tuples, dicts), its
    tensors by :func:`_item`."""
    kind = type(value)
    if kind is float and budget > 0:
        return repr(float(f"{value:.6g}"))  # rounded for a reader, as a tensor's values are
    if isinstance(value, torch.Tensor) and budget > 0:
        return _item(value)
    if kind not in (list, tuple, dict) or budget <= 0:
        return repr(value) if budget > 0 else ""
    items = list(value.items()) if kind is dict else list(value)
    brackets = "[]" if kind is list else "()" if kind is tuple else "{}"
    out = brackets[0]
    for number, item in enumerate(items):
        out += ", " if number else ""
        if kind is dict:
            out += repr(item[0]) + ": "
            item = item[1]
        out += _repr_head(item, budget - len(out))
        if len(out) >= budget:
            return out
    return out + ("," if kind is tuple and len(items) == 1 else "") + brackets[1]
