"""The off-limits backstop on every call of an exercise, whatever probe makes it: while a probe
runs, the topic's exercises in the submitted module (a function's name, each method of a class)
are reached through trusted wrappers. A call of one of the check's exercises whose docstring puts
functions off limits (the suite's ``OFF_LIMITS``, sent with the request) runs with those ops
replaced at the dispatcher for every thread and refused by a computed name, each noted as it runs
(:func:`grader.sandboxed.probe_kit.replace_ops`); inside it, a call of another exercise of the
learner's runs with what both lists put off limits (``hard_sigmoid_from_relus`` calling the
learner's ``relu``, which may use ``torch.clamp``), as the source reader charges a caller
(grader/engine/subset/subset_twins.py). The recorders of a check's recorded calls see what the code
writes; this sees what the exercise runs, in probes that record nothing (gradients, devices,
training, a pack's checks), by any route: a computed name, an alias, a branch taken only when
nothing records."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FunctionType, ModuleType
from typing import Any

from grader.sandboxed import guarded, probe_kit

_MODULE_DICT: Any = vars(ModuleType)["__dict__"]
_SET_TYPE_ATTRIBUTE = type.__setattr__


class _Open:
    """The twins replaced now (None: no checked exercise's call is in flight), where they are
    noted (the set of that exercise), and the library that replaces them."""

    def __init__(self) -> None:
        self.names: frozenset[str] | None = None
        self.noted: set[str] = set()
        self.library: Any = None


_OPEN = _Open()


@contextmanager
def exercise_calls(module: ModuleType | None, twins: Any) -> Iterator[dict[str, set[str]]]:
    """Inside: the topic's exercises in ``module`` wrapped (``twins``: {"lists": {exercise: its
    off-limits names}, "checked": the check's exercises, "topic": every exercise of the topic});
    yields {checked exercise: the names its calls ran}. Each name is restored at the end."""
    seen: dict[str, set[str]] = {}
    undo: list[Callable[[], None]] = []
    lists, checked, topic = _read(twins)
    try:
        if module is not None:
            for name in topic:
                own = lists.get(name, frozenset())
                noted = seen.setdefault(name, set()) if name in checked and own else None
                undo += _wrapped(module, name, functools.partial(_call, own, noted))
        yield seen
    finally:
        for step in reversed(undo):
            step()


def _read(twins: Any) -> tuple[dict[str, frozenset[str]], frozenset[str], tuple[str, ...]]:
    """The request's declaration as plain sets (whatever came, nothing of it trusted to be well formed)."""
    if not isinstance(twins, dict):
        return {}, frozenset(), ()
    given = twins.get("lists")
    lists = {
        e: frozenset(n for n in names if isinstance(n, str))
        for e, names in (given.items() if isinstance(given, dict) else ())
        if isinstance(e, str) and isinstance(names, list)
    }
    checked = frozenset(e for e in twins.get("checked") or () if isinstance(e, str))
    topic = tuple(e for e in twins.get("topic") or () if isinstance(e, str))
    return lists, checked, topic


def _call(
    own: frozenset[str], noted: set[str] | None, function: Callable[..., Any], *args: Any, **kwargs: Any
) -> Any:
    """Call an exercise: a checked one with its twins replaced (none open yet), any inside an open
    call with what both lists put off limits (the caller's call notes them)."""
    if _OPEN.names is None:
        if noted is None:
            return function(*args, **kwargs)
        names = own
    else:
        names, noted = _OPEN.names & own, _OPEN.noted
        if names == _OPEN.names:
            return function(*args, **kwargs)
    with _switched(names, noted):
        return function(*args, **kwargs)


@contextmanager
def _switched(names: frozenset[str], noted: set[str]) -> Iterator[None]:
    before = (_OPEN.names, _OPEN.noted)
    probe_kit.restore_ops(_OPEN.library)
    _OPEN.library = probe_kit.replace_ops(names, noted) if names else None
    _OPEN.names, _OPEN.noted = names, noted
    try:
        with guarded.watching(names, noted):
            yield
    finally:
        probe_kit.restore_ops(_OPEN.library)
        _OPEN.names, _OPEN.noted = before
        _OPEN.library = probe_kit.replace_ops(before[0], before[1]) if before[0] else None


def _wrapped(module: ModuleType, name: str, call: Callable[..., Any]) -> list[Callable[[], None]]:
    """Put the wrapper in place of exercise ``name`` (a class: of each function of its own);
    the steps that undo it."""
    namespace = _MODULE_DICT.__get__(module)
    value = namespace.get(name)
    if isinstance(value, type):
        undo: list[Callable[[], None]] = []
        for attribute, member in list(vars(value).items()):
            replaced = _member(member, call)
            try:
                if replaced is not None:
                    _SET_TYPE_ATTRIBUTE(value, attribute, replaced)
                    undo.append(functools.partial(_SET_TYPE_ATTRIBUTE, value, attribute, member))
            except TypeError:  # a built-in class (an alias of torch's): its calls are the recorders'
                break
        return undo
    if not callable(value):
        return []
    namespace[name] = _through(value, call)
    return [functools.partial(namespace.__setitem__, name, value)]


def _member(member: Any, call: Callable[..., Any]) -> Any:
    """A class member's wrapped form, called as it was: a function (a method), a static or class
    method, a callable that binds to nothing (``act = torch.tanh``: static); None to leave it (a
    class, a property, another descriptor)."""
    if isinstance(member, staticmethod):
        return staticmethod(_through(member.__func__, call))
    if isinstance(member, classmethod):
        return classmethod(_through(member.__func__, call))
    if isinstance(member, FunctionType):
        return _through(member, call)
    if callable(member) and not isinstance(member, type) and not hasattr(type(member), "__get__"):
        return staticmethod(_through(member, call))
    return None


def _through(function: Callable[..., Any], call: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return call(function, *args, **kwargs)

    return functools.wraps(function)(wrapper)
