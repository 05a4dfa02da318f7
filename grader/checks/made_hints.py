"""A dtype case's hint from what the learner's code made (the record of
:func:`grader.sandboxed.kit_steps.dtype_maker`, which ``probe_kit.dtype_noted`` runs): the first torch call that made a floating tensor
of another dtype than the inputs' from no tensor of that dtype, named with its line."""

from __future__ import annotations

import re
from typing import Any

from grader.checks import domains
from grader.i18n import N_, _

_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]{0,40}")
_DTYPES = frozenset({"float16", "bfloat16", "float32", "float64"})
MADE = N_(
    "line %(line)d: %(maker)s made a %(dtype)s tensor %(shape)s from no %(dtype)s input, and the "
    "result kept its dtype: give it dtype=x.dtype (and device=x.device), or make it from x "
    "(torch.zeros_like(x), x.new_zeros(...), x.new_tensor(...))"
)
CONVERTED = N_(
    "line %(line)d: %(maker)s turned a tensor into %(dtype)s %(shape)s, and the result kept that "
    "dtype: keep the input's dtype (no .float() or .to(torch.float32) on the way), or convert "
    "back with .to(x.dtype)"
)


def made(case: domains.Case, mine: Any) -> str:
    """A dtype case's hint naming the call that made the other dtype, "" where none was recorded
    (the record is the worker's: read as data, each field checked)."""
    record = mine.get("made") if case.dim == "dtype" and isinstance(mine, dict) else None
    if not isinstance(record, dict):
        return ""
    name, dtype, shape, line = (record.get(k) for k in ("name", "dtype", "shape", "line"))
    if not (isinstance(name, str) and _NAME.fullmatch(name) and dtype in _DTYPES and isinstance(line, int)):
        return ""
    if not (isinstance(shape, list) and all(isinstance(n, int) for n in shape)) or line <= 0:
        return ""
    method = record.get("method") is True
    said = CONVERTED if method and name in ("float", "to", "type", "half", "double") else MADE
    maker = f".{name}()" if method else f"torch.{name}"
    return _(said) % {"line": line, "maker": maker, "dtype": dtype, "shape": tuple(shape)}
