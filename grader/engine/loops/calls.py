"""Calls, for the loop reader's reading of a function (:class:`grader.engine.loops.reader.Reader`):
a call of the learner's own function, class or instance goes on into its code (the loop reader
follows it); a builtin, functools, itertools or numpy call is judged by what it iterates over; a
tensor's method by what it reads out of the tensor."""

from __future__ import annotations

import abc
import ast
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from grader.engine.loops.values import (
    BUILTIN_CONSUMERS,
    CLEAN_BUILTINS,
    CONSTANT,
    STRUCTURAL,
    Args,
    Carried,
    Kwargs,
    derived,
    dotted,
    join,
)

if TYPE_CHECKING:
    from grader.engine.loops.flow import Flow
    from grader.engine.loops.values import Func

CALLBACKS = frozenset({"apply_", "map_", "map2_"})  # a Python function on each element
NUMPY_CALLBACKS = frozenset(
    {"vectorize", "frompyfunc", "apply_along_axis", "apply_over_axes", "piecewise", "fromiter", "nditer",
     "ndenumerate", "ndindex"}
)  # fmt: skip
CONTAINERS = frozenset({"list", "tuple", "set", "frozenset", "dict", "sorted"})
ADDS = frozenset({"append", "add", "insert", "setdefault", "appendleft"})  # one element more
EXTENDS = frozenset({"extend", "update", "extendleft"})
UNBOUNDED = frozenset({"count", "cycle", "repeat"})  # itertools' endless iterators


class Calls(abc.ABC):
    """The calls of a reading; mixed into the reader, which provides what is declared here."""

    flow: Flow
    f: Func | None
    file: str
    guards: list[str]

    @abc.abstractmethod
    def read(self) -> None: ...

    @abc.abstractmethod
    def expr(self, node: ast.expr | None) -> Carried: ...

    @abc.abstractmethod
    def found(self, node: ast.AST, what: str) -> None: ...

    @abc.abstractmethod
    def name(self, name: str, escape: bool) -> Carried: ...

    @abc.abstractmethod
    def attribute(self, owner: Carried, attr: str, node: ast.AST) -> Carried: ...

    @abc.abstractmethod
    def bind_root(self, target: ast.expr, value: Carried) -> None: ...

    def call(self, node: ast.Call) -> Carried:
        if isinstance(node.func, ast.Name):
            callee, receiver = self.name(node.func.id, escape=False), None
        elif isinstance(node.func, ast.Attribute):
            receiver = self.expr(node.func.value)
            callee = self.flow.member(self, receiver, node.func.attr)
            callee = join(callee, Carried(outside=dotted(receiver.outside, node.func.attr)))
        else:
            callee, receiver = self.expr(node.func), None
        args = [(self.expr(a), isinstance(a, ast.Starred)) for a in node.args]
        kwargs = [(k.arg, self.expr(k.value)) for k in node.keywords]
        return self.apply(callee, receiver, args, kwargs, node)

    def apply(
        self, callee: Carried, receiver: Carried | None, args: Args, kwargs: Kwargs, node: ast.AST
    ) -> Carried:
        """What calling ``callee`` (a method of ``receiver``, if any) gives."""
        parts = [self.flow.call(self, target, bound, args, kwargs, node) for target, bound in callee.funcs]
        parts += [self.flow.instantiate(self, cls, args, kwargs, node) for cls in callee.classes]
        for instance in callee.instances:
            for method in ("forward", "__call__"):
                targets = self.flow.program.methods(*instance).get(method, [])
                parts += [self.flow.call(self, target, True, args, kwargs, node) for target in targets]
        parts += [self.outside(dotted, node, args, kwargs) for dotted in sorted(callee.outside)]
        values = [v for v, _ in args] + [v for _, v in kwargs]
        tensor = replace(callee, methods=frozenset())
        parts += [self.method(tensor, attr, None, node, values) for attr in sorted(callee.methods)]
        mine = callee.funcs or callee.classes or callee.instances or callee.outside or callee.methods
        if receiver is not None and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if receiver.data or not mine:
                parts.append(self.method(receiver, node.func.attr, node.func.value, node, values))
        elif not mine or callee.data:
            parts.append(derived(callee, *values))
        return join(*parts)

    def method(
        self, receiver: Carried, attr: str, held: ast.expr | None, node: ast.AST, values: list[Carried]
    ) -> Carried:
        """``receiver.attr(*values)`` for a receiver not the learner's: a tensor, a list, a string
        (``held``: the expression that holds it, which a list's ``append`` changes)."""
        if attr in ADDS | EXTENDS and held is not None:
            added = join(*values)
            self.bind_root(held, added if attr in EXTENDS else added.element() if added.many else added)
            return CONSTANT
        if not receiver.data:
            return derived(*values) if any(v.data for v in values) else CONSTANT
        if attr in STRUCTURAL:
            return CONSTANT
        if attr == "size" and not values:
            return receiver.sized()
        if attr in ("tolist", "numpy") or attr in CALLBACKS:
            self.found(node, f".{attr}()")
        if attr == "item":
            return Carried(True, False, getattr(node, "lineno", 0))
        if attr in ("items", "keys", "values", "copy"):
            return receiver
        return derived(receiver, *values)

    def outside(self, dotted: str, node: ast.AST, args: Args, kwargs: Kwargs) -> Carried:
        """A call of a name from outside the learner's files."""
        values = [v for v, _ in args] + [v for _, v in kwargs]
        module, _, tail = dotted.partition(".")
        if module == "builtins":
            return self.builtin(tail, node, args, values)
        if dotted.startswith("torch.Tensor.") and values:  # torch.Tensor.tolist(x)
            return self.method(values[0], dotted.rpartition(".")[2], None, node, values[1:])
        if dotted == "functools.reduce":
            if len(values) > 1 and values[1].many:
                self.found(node, dotted)
            return derived(*values)
        if dotted in ("functools.partial", "functools.wraps", "functools.lru_cache", "functools.cache"):
            return join(*values)
        if module == "itertools":
            if any(v.many for v in values):
                self.found(node, dotted)
            endless = tail in UNBOUNDED and not (tail == "repeat" and len(values) > 1)
            return (
                Carried(True, False)
                if endless
                else Carried(any(v.data for v in values), not any(v.many for v in values))
            )
        if module == "numpy" and (tail in NUMPY_CALLBACKS or any(v.data for v in values)):
            self.found(node, "numpy")
        return derived(*values)

    def builtin(self, name: str, node: ast.AST, args: Args, values: list[Carried]) -> Carried:
        if name in _PURE:
            return _PURE[name](values)
        if name == "getattr" and isinstance(node, ast.Call) and len(node.args) > 1:
            attr = node.args[1]
            if isinstance(attr, ast.Constant) and isinstance(attr.value, str):  # a name written out
                return join(self.attribute(values[0], attr.value, node), *values[2:])
        if name in ("map", "filter"):
            over = values[1:]
            if over and all(v.many for v in over):
                self.found(node, name)
            return Carried(any(v.data for v in over), any(v.fixed for v in over) or not over)
        if name in BUILTIN_CONSUMERS and len(args) == 1 and not args[0][1]:
            if values[0].many:
                self.found(node, f"{name}()")
            return values[0] if name in CONTAINERS else derived(values[0])
        return derived(*values)


def _first(values: list[Carried]) -> Carried:
    return values[0] if values else CONSTANT


# builtins that iterate over nothing themselves: what they give
_PURE: dict[str, Callable[[list[Carried]], Carried]] = {
    "len": lambda vs: CONSTANT if _first(vs).fixed else derived(_first(vs)),  # len((a, b)), len(x.shape)
    "zip": lambda vs: Carried(any(v.data for v in vs), any(v.fixed for v in vs) or not vs),  # the shortest
    "enumerate": _first,
    "reversed": _first,
    "iter": _first,
    "next": lambda vs: _first(vs).element(),
    "staticmethod": _first,
    "classmethod": _first,
    "property": _first,
    **{name: lambda vs: CONSTANT for name in CLEAN_BUILTINS},
}
