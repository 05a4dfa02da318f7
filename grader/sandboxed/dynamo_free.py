"""A zygote without ``torch._dynamo``: most of a second less to boot, for the topics whose workers
step no optimizer (:data:`grader.topics.DYNAMO_FREE`).

torch wraps some of its own functions (an optimizer's ``add_param_group``, every
``TorchDispatchMode.__torch_dispatch__``, parts of ``torch.library``) with
``torch._disable_dynamo``, which imports ``torch._dynamo`` (~0.8 s of CPU, sympy with it) on the
wrapped function's first call, to build a twin that runs with the compiler off. Graded code runs
eagerly (the subset refuses ``torch.compile`` and ``torch.compiler``), so that twin does what the
function does: giving each wrapped function itself as its twin skips the import and changes
nothing a probe sees. Where some other path still imports ``torch._dynamo``, it is only slower.
An optimizer's ``step`` imports it outright: a topic whose workers step one gets the full zygote.
"""

from __future__ import annotations

import functools
import gc
import types
from collections.abc import Callable
from typing import Any

import torch
import torch._compile

TWIN = "__dynamo_disable"  # where torch._compile._disable_dynamo's wrapper keeps the twin


def _itself(fn: Callable[..., Any]) -> None:
    """Always set: a value there already was copied from another function by ``functools.wraps``
    (which copies ``__dict__``), and as the twin it would skip ``fn`` itself."""
    setattr(fn, TWIN, fn)


def skip_dynamo() -> int:
    """Every function torch has wrapped so far, and every one it wraps from now on, its own twin;
    returns how many were wrapped so far."""
    original = torch._compile._disable_dynamo
    code = original(lambda: None).__code__
    at = code.co_freevars.index("fn")  # the function it wraps: its ``__wrapped__`` may name another
    wrapped = [
        obj.__closure__[at].cell_contents
        for obj in gc.get_objects()
        if type(obj) is types.FunctionType and obj.__code__ is code and obj.__closure__
    ]
    for fn in wrapped:
        _itself(fn)

    def wrapping(fn: Callable[..., Any] | None = None, recursive: bool = True) -> Any:
        if fn is None:
            return functools.partial(wrapping, recursive=recursive)
        _itself(fn)
        return original(fn, recursive)

    torch._compile._disable_dynamo = wrapping
    torch._disable_dynamo = wrapping
    return len(wrapped)
