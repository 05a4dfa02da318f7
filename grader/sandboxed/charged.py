"""Where the learner's code made an op the recorder sees (:mod:`grader.sandboxed.probe_kit`):
charged by the code that runs, not by who is on the stack. The ops of a helper the docstring tells
the learner to use are its own body's, charged to nobody, whoever runs that body; its body is the code it names (its
nested code, the module's functions and classes its code calls by the name their statement bound,
a partial's function: :func:`body`). Code the helper was handed and runs (a function of the
module passed as an argument, a lambda of its caller) is its caller's, charged as such."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import CodeType, FrameType, FunctionType
from typing import Any

import torch


class Answers:
    """A helper's body is its own in a call of it (:meth:`call`) that answers what torch's function
    of its name does, where torch has one (docs/engine.md, "No-twin checks"); else its ops are its caller's."""

    def __init__(self, helpers: Iterable[str]) -> None:
        self.helpers = tuple(helpers)
        found = ((name, getattr(torch, name, None)) for name in self.helpers)
        self.references = {name: f for name, f in found if callable(f)}
        self.frames = {through.__code__, self.call.__code__}  # ours, between a caller and a helper
        self.pending: list[dict[str, tuple[bool, dict[str, Any]]]] = []  # a helper's call in flight: its ops

    asking = False  # a reference runs: nothing notes it (a replaced kernel raises: not answered)

    def call(self, name: str, helper: Callable[..., Any], charge: Charge, *args: Any, **kwargs: Any) -> Any:
        self.pending.append({})
        try:
            out = helper(*args, **kwargs)
        finally:
            made = self.pending.pop()
        if made and not self._gives(name, args, kwargs, out):
            for op, (written, where) in made.items():
                charge(op, written, where)
        return out

    @contextlib.contextmanager
    def framed(self, mod: Any, charge: Charge) -> Iterator[None]:
        """Inside: ``mod``'s helpers called through :meth:`call` (a partial through :func:`through`)."""
        found = ((name, getattr(mod, name, None)) for name in self.helpers)
        swapped = {name: value for name, value in found if callable(value)}
        for name, value in swapped.items():
            called = value if hasattr(value, "__code__") else functools.partial(through, value)
            swap = functools.partial(self.call, name, called, charge)
            swap.helper = value  # type: ignore[attr-defined]  # what a recorder within reads as the helper
            setattr(mod, name, swap)
        try:
            yield
        finally:
            for name, value in swapped.items():
                setattr(mod, name, value)

    def _gives(self, name: str, args: Sequence[Any], kwargs: dict[str, Any], out: Any) -> bool:
        reference = self.references.get(name)
        if reference is None:  # torch has no function of it (rnn_cell): its body stays its own
            return True
        if not isinstance(out, torch.Tensor):
            return False
        Answers.asking = True
        try:
            want = reference(*args, **kwargs)
            got = out.detach()
            return want.shape == got.shape and bool(torch.allclose(got, want, 1e-5, 1e-6, equal_nan=True))
        except Exception:  # a call torch's function does not take: not its answer
            return False
        finally:
            Answers.asking = False


def through(helper: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:  # a frame of its own
    return helper(*args, **kwargs)


Charge = Callable[[str, bool, dict[str, Any]], None]  # (op, written by name, where): the caller's own


def body(module_globals: dict[str, Any] | None, helpers: Iterable[object]) -> frozenset[CodeType]:
    """The code ``helpers`` (functions of the module whose namespace is ``module_globals``) run
    as their own: theirs, and what it names, transitively."""
    helpers = [getattr(h, "helper", h) if isinstance(h, functools.partial) else h for h in helpers]
    todo = [_code(h.func if isinstance(h, functools.partial) else h) for h in helpers]
    found: set[CodeType] = set()
    while todo:
        code = todo.pop()
        if code is None or code in found:
            continue
        found.add(code)
        todo += [c for c in code.co_consts if isinstance(c, CodeType)]
        for name in code.co_names if module_globals is not None else ():
            value = module_globals.get(name)  # type: ignore[union-attr]  # not None: the loop's test
            methods = vars(value).values() if isinstance(value, type) and value.__name__ == name else ()
            todo += [_code(m) for m in methods] + [_code(value) if _code(value, name) else None]
    return frozenset(found)


def _code(value: object, name: str | None = None) -> CodeType | None:
    """The code of a function (a static or class method's), where its def bound it as ``name``."""
    function = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
    code = function.__code__ if isinstance(function, FunctionType) else None
    return code if code is not None and name in (None, code.co_name) else None


def caller(code: Any, helpers: set[Any], own: frozenset[CodeType]) -> dict[str, Any] | None:
    """Where the learner's code made the op in flight: ``{"function": name, "line": N}`` of the
    innermost frame whose globals are the submitted module's (grader/checks/verdict/places.py words it);
    None where that frame runs the helpers' ``own`` body, whoever called it (how it was called is the
    reading's to judge), or a frame of ``helpers`` with no module code of its own (a partial's,
    :func:`through`) came first. A frame of a lambda, nested function or
    comprehension is the code that defined it: a helper running its caller's lambda runs its
    caller's code; ``{"function": "", "line": 0}`` outside."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code in helpers:
            return None
        if frame.f_globals is code:
            return (
                None
                if frame.f_code in own
                else {"function": frame.f_code.co_qualname, "line": frame.f_lineno}
            )
        frame = _next(frame, code)
    return {"function": "", "line": 0}


def _next(frame: FrameType, code: Any) -> FrameType | None:
    """The frame to look at after ``frame``: for nested code of the module's, the nearest frame out
    that runs the code defining it (where there is one), else its caller."""
    outer = frame.f_back
    if frame.f_globals is code and "<locals>" in frame.f_code.co_qualname:
        while outer is not None and not any(c is frame.f_code for c in outer.f_code.co_consts):
            outer = outer.f_back
    return outer or frame.f_back
