"""A module's top-level statements (those that share a line taken together: :class:`Unit`) and
what each binds and reads in the module's scope (the compiler's own symbol table, :mod:`symtable`),
an assignment to an attribute or an item changing a dotted path (:data:`PATH`): the graph
:mod:`grader.engine.subset.charge` and :mod:`grader.engine.subset.reach` walk (docs/sandbox.md,
"The graded subset")."""

from __future__ import annotations

import ast
import bisect
import symtable
from dataclasses import dataclass, field, replace

from grader.base.i18n import N_
from grader.engine.sources import parsed
from grader.engine.subset import changes as subset_changes
from grader.engine.subset import dead as subset_dead
from grader.engine.subset.shapes import arguments, binds, bound_imports, chain

# Nodes whose body is a scope of its own: only the parts listed by _outer are read where they stand.
_SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Lambda,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)
_TICK = 512  # statements or names between two looks at the clock
PATH = "."  # the first character of a key that is a dotted path read or changed (``.torch.backends``)


def tick(clock: parsed.Clock | None, step: int, what: str) -> None:
    """A look at the reading's clock (if any) every :data:`_TICK` steps of a loop over ``what``."""
    if clock is not None and step % _TICK == 0:
        clock.check(what)


@dataclass
class Unit:
    """One top-level statement, or the statements that share a line (``a = 1; b = 2``)."""

    first: int
    last: int
    nodes: list[ast.stmt]
    binds: set[str] = field(default_factory=set)  # names it binds or changes in the module
    names: set[str] = field(default_factory=set)  # of those, the plain names it assigns
    reads: set[str] = field(default_factory=set)  # module-level names it (or what it defines) reads
    inner: set[str] = field(default_factory=set)  # of those, the names its nested scopes read

    def copy(self) -> Unit:
        """The same statements, with sets of its own."""
        return replace(
            self, nodes=list(self.nodes), binds=set(self.binds), names=set(self.names), reads=set(self.reads),
            inner=set(self.inner),
        )  # fmt: skip

    @property
    def definition(self) -> ast.FunctionDef | ast.ClassDef | None:
        only = self.nodes[0] if len(self.nodes) == 1 else None
        return only if isinstance(only, (ast.FunctionDef, ast.ClassDef)) else None


def span(node: ast.stmt) -> tuple[int, int]:
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return first, node.end_lineno or node.lineno


def _outer(node: ast.AST) -> list[ast.AST]:
    """The parts of a scope's node evaluated where the node stands (decorators, defaults,
    annotations, bases, a comprehension's first iterable)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        parts = [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults, node.returns]
        parts += [a.annotation for a in arguments(node.args)]
    elif isinstance(node, ast.ClassDef):
        parts = [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
    elif isinstance(node, ast.Lambda):
        parts = [*node.args.defaults, *node.args.kw_defaults]
    else:
        assert isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp))
        parts = [node.generators[0].iter]
    return [p for p in parts if p is not None]


def _module_scope(unit: Unit, imported: set[str], paths: dict[str, str], up: dict[ast.AST, ast.AST]) -> None:
    """What ``unit``'s statements bind and read in the module's own scope (not inside the
    functions, classes, lambdas and comprehensions they define: :func:`_nested` reads those),
    and the members of imported modules it reads anywhere (``paths``: name -> the module bound)."""
    unit.reads |= _paths_read(unit.nodes, paths, up)
    stack: list[ast.AST] = list(unit.nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPES):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                _bind(unit, node.name)
            stack += _outer(node)
        elif isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                unit.reads.add(node.id)
            else:
                _bind(unit, node.id)
        else:
            _binding(unit, node, imported, paths)
            stack += ast.iter_child_nodes(node)


def _bind(unit: Unit, name: str) -> None:
    unit.binds.add(name)
    unit.names.add(name)


def _binding(unit: Unit, node: ast.AST, imported: set[str], paths: dict[str, str]) -> None:
    """What ``node`` (no scope, no name) binds or changes in the module: an import's names, an
    attribute's or item's object (a module's member by its dotted path), a handler's or pattern's name."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        bound = {a.asname or a.name.split(".")[0] for a in node.names}
        unit.binds |= bound
        unit.names |= bound
        imported |= bound
    elif isinstance(node, (ast.Attribute, ast.Subscript)) and not isinstance(node.ctx, ast.Load):
        changed = _changed_root(node)
        if changed in paths:  # torch.x.y = ...: that member, for what reads it or above or below it
            unit.binds.add(PATH + _changed_path(node, paths[changed]))
        elif changed:
            unit.binds.add(changed)
    elif named := binds(node):  # a handler's or pattern's name: no scope, no Name, no arg reaches here
        _bind(unit, named)


def _paths_read(nodes: list[ast.stmt], paths: dict[str, str], up: dict[ast.AST, ast.AST]) -> set[str]:
    """The members of imported modules ``nodes`` read (``F.relu``: ``.torch.nn.functional.relu``),
    an attribute chain's longest, in any scope (a local of an imported module's name too); ``up``
    the module's {node: parent} (:func:`parsed.parents`)."""
    found: set[str] = set()
    for stmt in nodes:
        for node in parsed.walk(stmt):
            if not (isinstance(node, ast.Name) and node.id in paths and isinstance(node.ctx, ast.Load)):
                continue
            top: ast.AST = node
            while isinstance(up.get(top), ast.Attribute):
                top = up[top]
            root, attrs = chain(top) if isinstance(top, ast.Attribute) else (node, [])
            if isinstance(root, ast.Name):
                found.add(PATH + ".".join([paths[node.id], *attrs]))
    return found


def _changed_root(node: ast.Attribute | ast.Subscript) -> str | None:
    """The name whose value an assignment to ``node`` changes (``x[0].y = ...``: x), if any."""
    root, _ = chain(node.value if isinstance(node, ast.Subscript) else node)
    while isinstance(root, ast.Subscript):
        root, _ = chain(root.value)
    return root.id if isinstance(root, ast.Name) else None


def _changed_path(node: ast.Attribute | ast.Subscript, module: str) -> str:
    """The dotted path an assignment to ``node`` changes, from the module its root name binds
    (``torch.backends.cuda.matmul.x = ...``: ``torch.backends.cuda.matmul.x``; an item's
    container for ``m.table[k] = ...``: ``m.table``)."""
    attrs: list[str] = []
    target: ast.expr = node
    while isinstance(target, (ast.Attribute, ast.Subscript)):
        attrs = [] if isinstance(target, ast.Subscript) else [*attrs, target.attr]
        target = target.value
    return ".".join([module, *reversed(attrs)])


def _nested(source: str, units: list[Unit], clock: parsed.Clock | None) -> bool:
    """Add to each unit the module-level names its nested scopes read (and bind with ``global``),
    from the compiler's symbol table; False when the compiler refuses the source."""
    try:
        top = symtable.symtable(source, "<submission>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    firsts = [unit.first for unit in units]
    tables = list(top.get_children())
    seen = 0
    while tables:
        table = tables.pop()
        seen += 1
        tick(clock, seen, N_("the module's definitions"))
        at = bisect.bisect_right(firsts, table.get_lineno()) - 1
        if at < 0 or units[at].last < table.get_lineno():
            return False
        unit = units[at]
        for symbol in table.get_symbols():
            if symbol.is_global():
                if symbol.is_referenced():
                    unit.reads.add(symbol.get_name())
                    unit.inner.add(symbol.get_name())
                if symbol.is_declared_global() and symbol.is_assigned():
                    unit.binds.add(symbol.get_name())
        tables += table.get_children()
    return True


def units_of(source: str, tree: ast.Module, clock: parsed.Clock | None = None) -> list[Unit] | None:
    """The module's units in line order, with what each binds and reads; None when the compiler
    cannot read the source's scopes. Each call has units of its own (a charge adds to their
    binds), copied from the one reading of ``tree`` kept (``tree`` is ``source``'s: :func:`parsed.tree`)."""
    units = _READ.of(tree, lambda: _read(source, tree, clock))
    return None if units is None else [unit.copy() for unit in units]


_READ: parsed.PerTree[list[Unit] | None] = parsed.PerTree()


def _read(source: str, tree: ast.Module, clock: parsed.Clock | None) -> list[Unit] | None:
    """:func:`units_of`'s reading (raises :class:`parsed.OverBudget` past ``clock``: none kept)."""
    units: list[Unit] = []
    for node in tree.body:
        first, last = span(node)
        if units and first <= units[-1].last:  # shares a line with the statement before
            units[-1].nodes.append(node)
            units[-1].last = max(units[-1].last, last)
        else:
            units.append(Unit(first, last, [node]))
    imported: set[str] = set()
    paths = {name: dotted for name, dotted in bound_imports(tree).items() if name not in _local_names(tree)}
    up = parsed.parents(tree)
    dead = [all(subset_dead.never_runs(node, tree) for node in unit.nodes) for unit in units]
    for i, unit in enumerate(units):
        tick(clock, i, N_("the module's statements"))
        if not dead[i]:
            _module_scope(unit, imported, paths, up)
    if not _nested(source, units, clock):
        return None
    for unit, gone in zip(units, dead, strict=True):
        if gone:  # a __main__ demo: binds, reads and changes nothing when graded
            unit.binds, unit.names, unit.reads, unit.inner = set(), set(), set(), set()
    subset_changes.spread([unit for unit, gone in zip(units, dead, strict=True) if not gone], clock)
    return units


def _local_names(tree: ast.Module) -> set[str]:
    """Names the module binds otherwise than by importing (a class named F): not a module's."""
    found = set()
    for node in parsed.nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            found.add(node.id)
    return found
