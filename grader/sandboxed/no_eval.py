"""No string evaluated in a worker once the submission runs: an audit hook on the ``exec`` event
refuses running any code but by the callers reviewed here (``collections.namedtuple``,
``dataclasses``, torch's operator schemas, the worker's loaders), or a library module's own code
as it is imported (docs/sandbox.md, "The graded subset"; ``tests/grader/test_seal_evaluators.py``).
"""

from __future__ import annotations

import collections
import dataclasses
import sys
from collections.abc import Callable
from types import CodeType, FrameType, MappingProxyType
from typing import Any

from grader.sandboxed import descriptors, guarded


class EvaluationRefused(RuntimeError):
    """Library code was asked to evaluate a string while the submission runs."""


def _code(function: Any) -> CodeType:
    return function.__code__  # type: ignore[no-any-return]


# The code that may run code wherever it is called (install() fills it; trust() adds probes).
_TRUSTED: set[CodeType] = set()


def reviewed(*loaders: Callable[..., Any]) -> frozenset[CodeType]:
    """The callers that may run code wherever they are called: their text is their own
    (identifiers they check), or the submission's files and the suite's probes (``loaders``)."""
    from torch.fx import operator_schemas

    return frozenset(
        {
            _code(collections.namedtuple),
            _code(dataclasses._create_fn),  # type: ignore[attr-defined]
            # an operator schema's types (torch's own: graded code registers no operator), as
            # the second device's dispatch (grader/sandboxed/stand_in.py) normalises a call
            _code(operator_schemas._torchscript_type_to_python_type),
            *map(_code, loaders),
        }
    )


# What each module whose own code runs text compiles, and what keeps graded code's writes out of
# that text: the member list's review of each of its members says it (subset_members.COMPILES).
COMPILED = MappingProxyType(
    {
        "collections": "namedtuple's class, from names it checks are identifiers when called",
        "dataclasses": "a class's methods, from its fields' names; the fields it hands out are"
        " written by dataclasses alone (no_eval.TEXT_SOURCES)",
        "typing": "a string annotation's ForwardRef, which nothing evaluates once graded code runs",
    }
)
# What a reviewed caller makes its text from that graded code can hold: dataclasses pastes a
# Field's name into the methods it execs, and hands its Fields out (``fields(C)``, ``field()``).
TEXT_SOURCES: tuple[type, ...] = (dataclasses.Field,)


def _written_by_its_module(cls: type) -> None:
    """``cls``'s instances take writes from their own module's code only (graded code renaming
    a Field would write the text dataclasses execs for the next class)."""
    home = vars(sys.modules[cls.__module__])
    setter: Callable[..., None] = cls.__setattr__
    deleter: Callable[..., None] = cls.__delattr__

    def check(frame: FrameType) -> None:
        if frame.f_globals is not home:
            raise AttributeError(f"{cls.__name__} is read-only in graded code")

    def __setattr__(self: Any, name: str, value: Any) -> None:
        check(sys._getframe(1))
        setter(self, name, value)

    def __delattr__(self: Any, name: str) -> None:
        check(sys._getframe(1))
        deleter(self, name)

    cls.__setattr__, cls.__delattr__ = __setattr__, __delattr__  # type: ignore[method-assign,assignment]


def trust(code: CodeType) -> None:
    """Let ``code`` and every function it defines run code: a suite's probe, compiled by the
    worker (``costed_call`` evaluates the suite's reference expression)."""
    stack = [code]
    while stack:
        _TRUSTED.add(stack[-1])
        stack += [c for c in stack.pop().co_consts if isinstance(c, CodeType)]


def _importing(frame: FrameType | None) -> bool:
    """The code about to run is a library module's own, as it is imported (mpmath's operators,
    built at import): up the stack, an import running a module's file comes before any frame of
    graded code (whose builtins are the guarded ones)."""
    from importlib import _bootstrap

    running = _code(_bootstrap._call_with_frames_removed)  # type: ignore[attr-defined]
    while frame is not None:
        if frame.f_code is running:
            return True
        if guarded.graded(frame.f_builtins):
            return False
        frame = frame.f_back
    return False


_OPENERS = frozenset({"open", "os.listdir", "os.scandir"})  # the events that name a path opened or listed


def _audit(event: str, args: tuple[Any, ...]) -> None:
    """The audit hook: an ``exec`` event (code about to run) raises before the code runs unless
    its caller is trusted or a module is being imported; a path opened or listed for graded code,
    by whatever opener, is one it may name (:func:`descriptors.refuse_descriptor`)."""
    if event in _OPENERS:
        descriptors.refuse_descriptor(event, args[0] if args else None, sys._getframe(1))
        return
    if event != "exec":
        return
    caller = sys._getframe(1)
    if caller.f_code not in _TRUSTED and not _importing(caller):
        raise EvaluationRefused("evaluating a string is off limits in graded code")


def install(*loaders: Callable[..., Any]) -> None:
    """For good: an audit hook cannot be removed (sys.addaudithook is none of graded code's)."""
    _TRUSTED.update(reviewed(*loaders))
    for cls in TEXT_SOURCES:
        _written_by_its_module(cls)
    sys.addaudithook(_audit)
