"""Python indices as torch reads them, their sequences made CPU index tensors for the stand-in,
whose ``meta`` device would give an index tensor made below the dispatcher no data:
:func:`on_the_cpu` gives the index as torch parses it with each list, range or array already a CPU
index tensor, the same values as the CPU's (docs/engine.md, "Device checks: the second device").
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from typing import Any

import torch

from grader.sandboxed.plain import ReadOnlyModule

# CPython's own test, the one torch asks of an index (a type with sq_item, not a dict): numpy's
# scalars answer no, though they have __getitem__
_IS_SEQUENCE = ctypes.pythonapi.PySequence_Check
_IS_SEQUENCE.argtypes = [ctypes.py_object]
_IS_SEQUENCE.restype = ctypes.c_int
_LONGEST_TUPLE = 32  # numpy's rule, torch's too: a longer list is one index, never a tuple of them
_KEPT = (torch.bool, torch.uint8)  # a mask keeps its type; any other sequence becomes int64


def _is_sequence(obj: Any) -> bool:
    return bool(_IS_SEQUENCE(obj))


def _made_a_tensor(obj: Any) -> bool:
    """Whether torch makes ``obj``, one index of a tuple, an index tensor (``applySlicing``):
    a sequence, after ints, slices, ``...``, ``None``, bools and tensors (none a sequence but
    a tensor)."""
    return not isinstance(obj, torch.Tensor) and _is_sequence(obj)


def _as_tuple(index: Any) -> bool:
    """torch's ``treatSequenceAsTuple``: a tuple, or a short sequence holding a tensor, a sequence,
    a slice, ``...`` or ``None`` is a tuple of indices; anything else is one index."""
    if isinstance(index, tuple):
        return True
    if isinstance(index, torch.Tensor) or not _is_sequence(index):
        return False
    try:
        size = len(index)
        items = [index[i] for i in range(size)] if size < _LONGEST_TUPLE else []
    except Exception:  # torch clears the error and reads one index
        return False
    return any(
        isinstance(i, (torch.Tensor, slice)) or i is Ellipsis or i is None or _is_sequence(i) for i in items
    )


def _index_tensor(seq: Any, read: Callable[[Any], Any]) -> torch.Tensor:
    """torch's ``indexing_tensor_from_data`` on the CPU: the type inferred if bool or uint8,
    else int64 (``read(seq)``: its tensors read on the CPU)."""
    data = read(seq)
    inferred = torch.tensor(data)
    if inferred.dtype in _KEPT or inferred.dtype == torch.int64:
        return inferred
    return torch.tensor(data, dtype=torch.int64)


def on_the_cpu(index: Any, read: Callable[[Any], Any]) -> Any:
    """``index`` as torch reads it, each sequence it would make an index tensor made one on the
    CPU (its values as ``read`` gives them: nested lists of the second device's tensors read on
    the CPU); ``index`` itself where it has none (an int, a slice, a tensor, a tuple of those)."""
    if isinstance(index, torch.Tensor) or not _is_sequence(index):
        return index
    several = _as_tuple(index)
    items = tuple(index) if several else (index,)
    if not any(_made_a_tensor(i) for i in items):
        return index
    try:
        made = [_index_tensor(i, read) if _made_a_tensor(i) else i for i in items]
    except Exception:  # torch's own words for an index it refuses (or, past them, the stand-in's)
        return index
    # a list read as a tuple stays a list: torch warns of it (deprecated), on a GPU too
    return made if several and not isinstance(index, tuple) else tuple(made)


sys.modules[__name__].__class__ = ReadOnlyModule
