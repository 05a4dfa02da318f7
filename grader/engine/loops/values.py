"""The values the loop reader (:mod:`grader.engine.loops.flow`) follows through a learner's code: for
each expression, whether it comes from an exercise's inputs (``data``), whether iterating it runs
a fixed number of times whatever the inputs (``fixed``: a tuple written out, a shape), whether a
Python scalar read out of a tensor (``.item()``) went into it, and which of the learner's
functions, classes, instances and modules, or which outside names (``numpy.newaxis``,
``functools.reduce``), it may be."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from grader.base.i18n import N_

COMPREHENSION = N_("a comprehension")
RECURSION = N_("recursion in %(name)s")
Node = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda

# a tensor's attributes and methods that say what it is, not how big: a rank, a dtype, a device
STRUCTURAL = frozenset(
    {"dtype", "device", "ndim", "is_cuda", "is_sparse", "is_quantized", "is_meta", "layout", "requires_grad",
     "is_leaf", "grad_fn", "dim", "ndimension", "is_floating_point", "is_complex", "is_contiguous",
     "element_size", "get_device", "is_signed", "is_nested"}
)  # fmt: skip
SHAPES = frozenset({"shape"})  # a tuple as long as the rank: iterating it is not a loop over the data
BUILTIN_CONSUMERS = frozenset(
    {"sum", "min", "max", "any", "all", "sorted", "list", "tuple", "set", "frozenset", "dict"}
)  # called on one iterable, they iterate it in Python
CLEAN_BUILTINS = frozenset(
    {"isinstance", "issubclass", "type", "callable", "hasattr", "id", "print", "repr", "super"}
)  # fmt: skip


@dataclass(frozen=True)
class Func:
    """One of the learner's functions or lambdas, in ``file``; ``cls`` the class it is a method of."""

    file: str
    node: Node = field(compare=False)
    cls: str = ""
    outer: Func | None = field(default=None, compare=False)
    key: int = 0  # id(node): functions compare by their node

    @property
    def name(self) -> str:
        return getattr(self.node, "name", "<lambda>")


def func(file: str, node: Node, cls: str = "", outer: Func | None = None) -> Func:
    return Func(file, node, cls, outer, id(node))


@dataclass(frozen=True)
class Carried:
    """What an expression may be (see the module's docstring); the empty value is a constant."""

    data: bool = False
    fixed: bool = True
    item: int = 0  # the line of a ``.item()`` read that went into it (0: none)
    funcs: frozenset[tuple[Func, bool]] = frozenset()  # (function, bound to an instance)
    classes: frozenset[tuple[str, str]] = frozenset()  # (file, class)
    instances: frozenset[tuple[str, str]] = frozenset()
    modules: frozenset[str] = frozenset()  # the learner's files
    outside: frozenset[str] = frozenset()  # dotted names: "numpy.newaxis", "builtins.map"
    methods: frozenset[str] = frozenset()  # a tensor's methods taken as values: getattr(x, "tolist")

    @property
    def many(self) -> bool:
        """Iterating it runs as often as the data is big."""
        return self.data and not self.fixed

    def element(self) -> Carried:
        """What iterating it gives: an element of a tuple of tensors is a tensor."""
        return replace(self, fixed=not self.data)

    def sized(self) -> Carried:
        """A tuple as long as its rank (``x.shape``), of sizes that grow with the data."""
        return Carried(self.data, True, self.item)


CONSTANT = Carried()
DATA = Carried(data=True, fixed=False)


def join(*values: Carried) -> Carried:
    if not values:
        return CONSTANT
    items = [v.item for v in values if v.item]
    return Carried(
        any(v.data for v in values),
        all(v.fixed for v in values),
        min(items) if items else 0,
        frozenset().union(*(v.funcs for v in values)),
        frozenset().union(*(v.classes for v in values)),
        frozenset().union(*(v.instances for v in values)),
        frozenset().union(*(v.modules for v in values)),
        frozenset().union(*(v.outside for v in values)),
        frozenset().union(*(v.methods for v in values)),
    )


def derived(*values: Carried) -> Carried:
    """What an operation on ``values`` gives: data if any is, a tensor (not fixed) if so."""
    data = any(v.data for v in values)
    items = [v.item for v in values if v.item]
    return Carried(data, not data, min(items) if items else 0)


MAX_DOTS = 6  # torch.nn.functional.x.y.z: an outside name's chain is followed no deeper


def dotted(names: frozenset[str], attr: str) -> frozenset[str]:
    """``name.attr`` for each outside name, as long as a module could hold the chain (so a value
    has finitely many forms and the reading reaches its fixed point)."""
    return frozenset(f"{d}.{attr}" for d in names if d.count(".") < MAX_DOTS)


Args = list[tuple[Carried, bool]]  # each positional argument, and whether it is ``*``-unpacked
Kwargs = list[tuple[str | None, Carried]]  # None: a ``**`` mapping


class Reading(Protocol):
    """What the data flow asks of one reading of a function (``f`` None: module-level code)."""

    f: Func | None
    file: str
    guards: list[str]

    def expr(self, node: ast.expr | None) -> Carried: ...

    def apply(
        self, callee: Carried, receiver: Carried | None, args: Args, kwargs: Kwargs, node: ast.AST
    ) -> Carried: ...

    def read(self) -> None: ...


NewReading = Callable[..., Reading]  # (flow, f, file, escapes=True): a new reading
