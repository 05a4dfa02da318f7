"""A dtype failure's hint from what the learner's code made (the record of
:func:`grader.sandboxed.kit_steps.dtype_maker`: the battery's walker runs it through
``probe_kit.dtype_noted``, a suite check through :data:`REMAKER`): the torch call that made the
answer's tensor, or its first ancestor of that dtype, from no tensor of it, named with its line."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

import torch

from grader.base.i18n import N_, _
from grader.checks import domains
from grader.sandboxed.kit_steps import MADE_DTYPES

_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]{0,40}")
MADE = N_(
    "line %(line)d: %(maker)s made a %(dtype)s tensor %(shape)s from no %(dtype)s input, and the "
    "result kept its dtype: give it dtype=x.dtype (and device=x.device), or make it from x "
    "(torch.zeros_like(x), x.new_zeros(...), x.new_tensor(...))"
)
CONVERTED = N_(
    "line %(line)d: %(maker)s turned a tensor into %(dtype)s %(shape)s, and the result kept that "
    "dtype where %(want)s is asked: where the docstring keeps the input's dtype, drop the conversion "
    "(or convert with .to(x.dtype)); where it asks a fixed one, convert to that"
)
PYTHON_FLOAT = N_(
    "line %(line)d: %(maker)s with Python's float turned a tensor into float64 %(shape)s (Python's "
    "float is a double: torch.float64), and the result kept that dtype where %(want)s is asked: "
    "convert with .to(torch.%(want)s)"
)
NUMPY = N_(
    "line %(line)d: the values went through NumPy, whose arrays are float64 unless told otherwise "
    "(np.eye, np.zeros, np.array of floats), and %(maker)s kept that dtype: %(dtype)s %(shape)s; "
    "stay with torch's own functions (torch.eye, comparisons, x.new_zeros), or convert what comes "
    "back to the dtype asked"
)

# the running check's session's :func:`grader.engine.worker.remaking.made_by` (set by the plugin's ``sub``)
REMAKER: ContextVar[Callable[[Any, str], Any] | None] = ContextVar("remaker", default=None)


@contextlib.contextmanager
def unasked() -> Iterator[None]:
    """Judging whose dtype hints are its own (the battery's: its walker recorded each case's
    maker): no probe call is made again for one."""
    token = REMAKER.set(None)
    try:
        yield
    finally:
        REMAKER.reset(token)


def made(case: domains.Case, mine: Any) -> str:
    """A dtype case's hint naming the call that made the other dtype, "" where none was recorded
    (the record is the worker's: read as data, each field checked)."""
    return worded(mine.get("made") if case.dim == "dtype" and isinstance(mine, dict) else None)


def told(value: Any, want: torch.dtype) -> str:
    """A suite check's dtype failure told as the battery's is: where ``value``, a floating tensor,
    came back in another floating dtype than ``want``, the call that made its dtype, asked of
    the probe call that answered it (:data:`REMAKER`); "" otherwise."""
    remake = REMAKER.get()
    wanted = str(want).removeprefix("torch.")
    if remake is None or wanted not in MADE_DTYPES:
        return ""
    if not (isinstance(value, torch.Tensor) and value.is_floating_point()):
        return ""
    return worded(remake(value, wanted))


def worded(record: Any) -> str:
    """The hint of a maker's record, "" where there is none (read as data, each field checked)."""
    if not isinstance(record, dict):
        return ""
    name, dtype, shape, line = (record.get(k) for k in ("name", "dtype", "shape", "line"))
    if not (
        isinstance(name, str) and _NAME.fullmatch(name) and dtype in MADE_DTYPES and isinstance(line, int)
    ):
        return ""
    if not (isinstance(shape, list) and all(isinstance(n, int) for n in shape)) or line <= 0:
        return ""
    method = record.get("method") is True
    want = record.get("want")
    said = CONVERTED if method and name in ("float", "to", "type", "half", "double") else MADE
    said = PYTHON_FLOAT if said is CONVERTED and record.get("python_float") is True else said
    said = NUMPY if record.get("numpy") is True and dtype == "float64" else said
    if said in (CONVERTED, PYTHON_FLOAT) and want not in MADE_DTYPES:
        return ""  # no dtype asked on record: no conversion to advise
    maker = f".{name}()" if method else f"torch.{name}"
    return _(said) % {"line": line, "maker": maker, "dtype": dtype, "shape": tuple(shape), "want": want}
