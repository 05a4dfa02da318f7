"""The off-limits backstop on every call of an exercise, whatever probe makes it: while a probe
runs, each exercise of its check whose docstring puts functions off limits (the suite's
``OFF_LIMITS``, sent with the request) is reached through a trusted wrapper, a function's name in
the submitted module or each method of a class, that runs the learner's own code with those ops
replaced at the dispatcher for every thread (:func:`grader.sandboxed.probe_kit.window`), and notes
the ones it ran. The recorders of a check's recorded calls see what the code writes; this sees
what the exercise runs, in probes that record nothing (gradients, devices, training, a pack's
checks), by any route: a computed name, an alias, a branch taken only when nothing records."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from grader.sandboxed import probe_kit

_MODULE_DICT: Any = vars(ModuleType)["__dict__"]
_SET_TYPE_ATTRIBUTE = type.__setattr__


@contextmanager
def exercise_calls(module: ModuleType | None, twins: Any) -> Iterator[dict[str, set[str]]]:
    """Inside: the calls of each exercise of ``twins`` ({exercise: its off-limits names}) in
    ``module`` run with its twins replaced; yields {exercise: the names its calls ran}. Each name
    is restored at the end, whatever the probe did."""
    seen: dict[str, set[str]] = {}
    undo: list[Callable[[], None]] = []
    try:
        if module is not None and isinstance(twins, dict):
            for name, names in twins.items():
                if isinstance(name, str) and isinstance(names, list):
                    wanted = frozenset(n for n in names if isinstance(n, str))
                    undo += _wrapped(module, name, wanted, seen.setdefault(name, set()))
        yield seen
    finally:
        for step in reversed(undo):
            step()


def _wrapped(
    module: ModuleType, name: str, names: frozenset[str], seen: set[str]
) -> list[Callable[[], None]]:
    """Put the wrapper in place of exercise ``name`` (a class: of each function of its own);
    the steps that undo it."""
    namespace = _MODULE_DICT.__get__(module)
    value = namespace.get(name)
    if isinstance(value, type):
        undo: list[Callable[[], None]] = []
        for attribute, member in list(vars(value).items()):
            replaced = _member(member, names, seen)
            try:
                if replaced is not None:
                    _SET_TYPE_ATTRIBUTE(value, attribute, replaced)
                    undo.append(functools.partial(_SET_TYPE_ATTRIBUTE, value, attribute, member))
            except TypeError:  # a built-in class (an alias of torch's): its calls are the recorders'
                break
        return undo
    if not callable(value):
        return []
    namespace[name] = _through_window(value, names, seen)
    return [functools.partial(namespace.__setitem__, name, value)]


def _member(member: Any, names: frozenset[str], seen: set[str]) -> Any:
    """A class member's wrapped form (a function, a static or class method), or None to leave it."""
    if isinstance(member, staticmethod):
        return staticmethod(_through_window(member.__func__, names, seen))
    if isinstance(member, classmethod):
        return classmethod(_through_window(member.__func__, names, seen))
    if callable(member) and not isinstance(member, type):
        return _through_window(member, names, seen)
    return None


def _through_window(
    function: Callable[..., Any], names: frozenset[str], seen: set[str]
) -> Callable[..., Any]:
    depth = [0]  # a call inside a call of the same exercise (recursion) is in its window already

    def call(*args: Any, **kwargs: Any) -> Any:
        if depth[0]:
            return function(*args, **kwargs)
        depth[0] += 1
        try:
            with probe_kit.window(names) as refused:
                try:
                    return function(*args, **kwargs)
                finally:
                    seen.update(refused)
        finally:
            depth[0] -= 1

    return functools.wraps(function)(call)
