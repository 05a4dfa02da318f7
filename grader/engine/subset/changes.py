"""What a module-level statement may change besides the names it binds (a call made at import, a
function of the learner's run at import or by an exercise, names sharing one object), added to
what it binds (:func:`grader.engine.subset.units.units_of`), so that whatever reads a name
reaches every statement that may have changed its object (docs/engine.md, "Twins read from the
source"). A name changed is one the module binds plainly: a change of a module member is a dotted
path of its own.
"""

from __future__ import annotations

import ast
import collections
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

from grader.base.i18n import N_
from grader.engine.sources import parsed
from grader.engine.subset.shapes import chain

_TICK = 512  # units between two looks at the clock
_BODIES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)  # code not run where it stands
_IMPORTS = (ast.Import, ast.ImportFrom)


class Unit(Protocol):
    """A top-level statement of the module (``grader.engine.subset.units.Unit``)."""

    nodes: list[ast.stmt]
    binds: set[str]
    names: set[str]
    reads: set[str]
    inner: set[str]


def at_import(nodes: Sequence[ast.AST]) -> Iterator[ast.AST]:
    """Every node of ``nodes`` evaluated when the module runs: not a function's or a lambda's
    body, but its decorators and defaults; a class body and a comprehension whole."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, _BODIES):
            args = node.args
            stack += [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
            stack += getattr(node, "decorator_list", [])
        else:
            stack += ast.iter_child_nodes(node)


def _roots(node: ast.AST | None) -> set[str]:
    """The names whose objects ``node`` hands on as they are (``_T``, ``_T["a"].b``, ``*_T``)."""
    while isinstance(node, (ast.Starred, ast.keyword)):
        node = node.value
    if isinstance(node, (ast.Attribute, ast.Subscript)):
        root: ast.AST = node
        while isinstance(root, (ast.Attribute, ast.Subscript)):
            root = chain(root)[0] if isinstance(root, ast.Attribute) else root.value
        node = root
    return {node.id} if isinstance(node, ast.Name) else set()


def _names(node: ast.AST | None) -> set[str]:
    return {n.id for n in parsed.walk(node) if isinstance(n, ast.Name)} if node is not None else set()


def _shared(node: ast.AST) -> list[tuple[set[str], set[str]]]:
    """(the names ``node`` binds, the names whose objects they may share) where it binds some."""
    if isinstance(node, ast.Assign):
        return [(_names(t), _names(node.value)) for t in node.targets]
    if isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
        return [(_roots(node.target), _names(node.value))]
    if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
        return [(_names(node.target), _names(node.iter))]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return [(_names(i.optional_vars), _names(i.context_expr)) for i in node.items]
    return []


def _handed(node: ast.AST) -> tuple[bool, set[str]]:
    """(whether ``node`` runs code at import, the names whose objects it may change)."""
    if isinstance(node, ast.Call):
        receiver = _roots(node.func.value) if isinstance(node.func, ast.Attribute) else set()
        return True, receiver.union(*(_roots(a) for a in [*node.args, *node.keywords]))
    if isinstance(node, ast.AugAssign):
        return False, _roots(node.target)
    if isinstance(node, (ast.Attribute, ast.Subscript)) and not isinstance(node.ctx, ast.Load):
        return False, _roots(node)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return bool(node.decorator_list), set()
    return False, set()


class _Groups:
    """Names that may share objects (a union-find, each group's names kept by its root)."""

    def __init__(self) -> None:
        self.up: dict[str, str] = {}
        self.sets: dict[str, set[str]] = {}

    def find(self, name: str) -> str:
        while self.up.get(name, name) != name:
            name = self.up[name]
        return name

    def join(self, names: set[str]) -> None:
        tops = sorted({self.find(n) for n in names})
        if len(tops) < 2:
            return
        merged = self.sets.setdefault(tops[0], {tops[0]})
        for top in tops[1:]:
            self.up[top] = tops[0]
            merged |= self.sets.pop(top, {top})

    def closure(self, names: set[str], known: set[str]) -> set[str]:
        """The names of ``known`` sharing objects with some of ``names``."""
        return {m for n in names for m in self.sets.get(self.find(n), {n}) if m in known}


def _effects(nodes: Iterable[ast.AST], mine: set[str], groups: _Groups) -> tuple[set[str], bool]:
    """(the names among ``mine`` whose objects ``nodes`` may change; whether they run code: a
    call or a decorator), the names that share objects joined in ``groups``."""
    changed, runs = set[str](), False
    for node in nodes:
        for bound, values in _shared(node):
            groups.join((bound | values) & mine)
        run, names = _handed(node)
        runs, changed = runs or run, changed | names
    return changed & mine, runs


def spread(units: Sequence[Unit], clock: parsed.Clock | None = None) -> None:
    """Add to each unit's binds what it may change (the module docstring's routes)."""
    imported = {_bound(a) for u in units for n in u.nodes if isinstance(n, _IMPORTS) for a in n.names}
    mine = {n for u in units for n in u.binds if not n.startswith(".")} - imported  # the learner's
    here, later, groups = [], {}, _Groups()  # the module's names share objects across statements
    for i, unit in enumerate(units):
        if clock is not None and i % _TICK == 0:
            clock.check(N_("the module's changes"))
        here.append(_effects(at_import(unit.nodes), mine, groups))
        changed, module_level, runs = _when_run(unit.nodes, mine | unit.inner)
        for name in unit.names:
            later[name] = (changed & mine, unit.inner & mine if runs else set())
        unit.binds |= groups.closure(module_level, mine)
    wanted = {n for unit, (_, runs) in zip(units, here, strict=True) if runs for n in unit.reads & mine}
    latent = _latent(later, wanted, clock)
    for unit, (changed, runs) in zip(units, here, strict=True):
        if runs:  # what the functions it reads may change, run now
            changed = changed | set[str]().union(*(latent.get(n, set()) for n in unit.reads))
        unit.binds |= groups.closure(changed, mine)


def _when_run(nodes: Sequence[ast.AST], known: set[str]) -> tuple[set[str], set[str], bool]:
    """(the names among ``known`` that the functions among ``nodes`` may change when they run,
    those of them that are no local of the function changing them, whether they run code: a
    call), a function's local sharing a module-level name's object."""
    changed, module_level, runs, stack = set[str](), set[str](), False, list(nodes)
    while stack:
        node = stack.pop()
        if not isinstance(node, _BODIES):
            stack += ast.iter_child_nodes(node)
            continue
        body, local = list(parsed.walk(node)), _Groups()
        names = _locals(body)
        found, run = _effects(body, known | names, local)
        found = local.closure(found, known)
        changed, module_level, runs = changed | found, module_level | (found - names), runs or run
    return changed, module_level, runs


def _locals(body: list[ast.AST]) -> set[str]:
    """The names the nodes of functions' and lambdas' ``body`` bind (their parameters too)."""
    found = set[str]()
    for node in body:
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            found.add(node.id)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
    return found


def _bound(alias: ast.alias) -> str:
    return alias.asname or alias.name.split(".")[0]


def _latent(
    later: dict[str, tuple[set[str], set[str]]], wanted: set[str], clock: parsed.Clock | None
) -> dict[str, set[str]]:
    """{each of ``wanted``: the module-level names the functions bound to it may change when
    run}; ``later``: {name: (what its functions change, the names they call, if any)}."""
    found: dict[str, set[str]] = {}
    for step, name in enumerate(sorted(wanted)):  # each name's closure, each name in it visited once
        if clock is not None and step % _TICK == 0:
            clock.check(N_("the module's changes"))
        queue, seen, changed = collections.deque([name]), {name}, set[str]()
        while queue:
            mutated, called = later.get(queue.popleft(), (set(), set()))
            changed |= mutated
            for more in called - seen:
                seen.add(more)
                queue.append(more)
        found[name] = changed
    return found
