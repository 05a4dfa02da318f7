"""What a refusal of the graded subset costs: only the exercises whose code holds the refused
lines, when that can be cut out of the module without running any of it.

A refused line inside a top-level ``def`` or ``class`` costs that definition; a refused
module-level statement that binds names (``ACTS = {n: globals()[n] ...}``, an import) costs the
definitions that read those names; and a definition that reads a charged one is charged too (a
helper's refusal costs the exercises that call it). The charged definitions are replaced, on the
same lines, by stand-ins that raise when called, and the new source is checked again: what runs
is inside the subset. Anything else (a refused statement that binds nothing, two statements on one
line) costs the whole topic, as before. Module-level code that calls a charged definition fails
when the module loads, so such a module scores as a refused one did: 0, with the stand-in's
message.

Every pass is linear in the source (a submission is at most ``parsed.MAX_BYTES``) and runs inside
the reading's clock (:class:`grader.engine.parsed.Clock`): the module's top-level statements are
read once each, what each binds and reads (the names its nested functions read found by the
compiler's own symbol table, :mod:`symtable`), and the charge spreads from the refused statements
to their readers one name at a time (each name's readers visited once).
"""

from __future__ import annotations

import ast
import bisect
import collections
import symtable
from dataclasses import dataclass, field

from grader.engine import parsed
from grader.engine.subset_check import Refusal, check
from grader.engine.subset_shapes import arguments, chain

STAND_IN = "raise NotImplementedError({message!r})"
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


@dataclass
class Unit:
    """One top-level statement, or the statements that share a line (``a = 1; b = 2``)."""

    first: int
    last: int
    nodes: list[ast.stmt]
    binds: set[str] = field(default_factory=set)  # names it binds or changes in the module
    names: set[str] = field(default_factory=set)  # of those, the plain names it assigns
    reads: set[str] = field(default_factory=set)  # module-level names it (or what it defines) reads

    @property
    def definition(self) -> ast.FunctionDef | ast.ClassDef | None:
        only = self.nodes[0] if len(self.nodes) == 1 else None
        return only if isinstance(only, (ast.FunctionDef, ast.ClassDef)) else None


def _span(node: ast.stmt) -> tuple[int, int]:
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


def _module_scope(unit: Unit, imported: set[str]) -> None:
    """What ``unit``'s statements bind and read in the module's own scope (not inside the
    functions, classes, lambdas and comprehensions they define: :func:`_nested` reads those)."""
    stack: list[ast.AST] = list(unit.nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPES):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                unit.binds.add(node.name)
                unit.names.add(node.name)
            stack += _outer(node)
            continue
        if isinstance(node, ast.Name):
            (unit.reads if isinstance(node.ctx, ast.Load) else unit.binds).add(node.id)
            if not isinstance(node.ctx, ast.Load):
                unit.names.add(node.id)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound = {a.asname or a.name.split(".")[0] for a in node.names}
            unit.binds |= bound
            unit.names |= bound
            imported |= bound
        elif isinstance(node, (ast.Attribute, ast.Subscript)) and not isinstance(node.ctx, ast.Load):
            root, _ = chain(node.value if isinstance(node, ast.Subscript) else node)
            while isinstance(root, ast.Subscript):  # x[0].y = ...: x changes
                root, _ = chain(root.value)
            if isinstance(root, ast.Name):
                unit.binds.add(root.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            unit.binds.add(node.name)
            unit.names.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            unit.binds.add(node.name)
            unit.names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            unit.binds.add(node.rest)
            unit.names.add(node.rest)
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                stack.append(value)
            elif isinstance(value, list):
                stack += [item for item in value if isinstance(item, ast.AST)]


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
        if clock is not None and seen % _TICK == 0:
            clock.check("the module's definitions")
        at = bisect.bisect_right(firsts, table.get_lineno()) - 1
        if at < 0 or units[at].last < table.get_lineno():
            return False
        unit = units[at]
        for symbol in table.get_symbols():
            if symbol.is_global():
                if symbol.is_referenced():
                    unit.reads.add(symbol.get_name())
                if symbol.is_declared_global() and symbol.is_assigned():
                    unit.binds.add(symbol.get_name())
        tables += table.get_children()
    return True


def units_of(source: str, tree: ast.Module, clock: parsed.Clock | None = None) -> list[Unit] | None:
    """The module's units in line order, with what each binds and reads; None when the compiler
    cannot read the source's scopes."""
    units: list[Unit] = []
    for node in tree.body:
        first, last = _span(node)
        if units and first <= units[-1].last:  # shares a line with the statement before
            units[-1].nodes.append(node)
            units[-1].last = max(units[-1].last, last)
        else:
            units.append(Unit(first, last, [node]))
    imported: set[str] = set()
    for i, unit in enumerate(units):
        if clock is not None and i % _TICK == 0:
            clock.check("the module's statements")
        _module_scope(unit, imported)
    if not _nested(source, units, clock):
        return None
    return units


def spread(units: list[Unit], start: list[int], through: list[bool], clock: parsed.Clock | None) -> set[int]:
    """The units ``start`` holds and, transitively, those of ``through`` that read a name one of
    them binds: each name's readers are visited once."""
    readers: dict[str, list[int]] = collections.defaultdict(list)
    for i, unit in enumerate(units):
        if through[i]:
            for name in unit.reads:
                readers[name].append(i)
    reached, names = set(start), set[str]()
    queue = collections.deque(start)
    while queue:
        i = queue.popleft()
        if clock is not None and len(reached) % _TICK == 0:
            clock.check("the module's charge")
        for name in units[i].binds - names:
            names.add(name)
            for reader in readers.get(name, ()):
                if reader not in reached:
                    reached.add(reader)
                    queue.append(reader)
    return reached


def charged(
    source: str,
    refusals: list[Refusal],
    local: dict[str, frozenset[str]],
    clock: parsed.Clock | None = None,
) -> tuple[frozenset[str], str] | None:
    """The definitions ``refusals`` cost and the source with them replaced by stand-ins, or None
    when the refusals cost the whole topic. Raises :class:`parsed.OverBudget` past ``clock``."""
    tree = parsed.tree(source)
    if tree is None or not refusals:
        return None
    units = units_of(source, tree, clock)
    if units is None:
        return None
    firsts = [unit.first for unit in units]
    hit: set[int] = set()
    for refusal in refusals:
        at = bisect.bisect_right(firsts, refusal.line) - 1
        if at < 0 or units[at].last < refusal.line or len(units[at].nodes) != 1:
            return None  # outside every statement, or on a line two statements share
        if not units[at].binds:
            return None  # binds nothing a definition could read (a call, a loop's body...)
        hit.add(at)
    definitions = [unit.definition is not None for unit in units]
    cost = spread(units, sorted(hit), definitions, clock)
    named = sorted(i for i in cost if units[i].definition is not None)
    if not named:
        return None
    replaced = _stand_ins(source, [units[i] for i in sorted(cost)])
    if replaced is None or check(replaced, local):
        return None
    return frozenset(units[i].nodes[0].name for i in named), replaced  # type: ignore[attr-defined]


def _lines(source: str) -> list[str]:
    """``source``'s lines as the parser numbers them (``\\n``, ``\\r\\n`` or ``\\r`` ends one; a
    form feed or a line separator inside a line does not, as ``str.splitlines`` would have it)."""
    return source.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _stand_ins(source: str, units: list[Unit]) -> str | None:
    """``source`` with each of ``units`` replaced on its own lines (the line numbers kept)."""
    lines = _lines(source)
    for unit in units:
        first, last = unit.first, unit.last
        message = f"not run: its code is outside the graded subset (line {first})"
        raise_it = STAND_IN.format(message=message)
        node = unit.definition
        if isinstance(node, ast.FunctionDef) or (isinstance(node, ast.ClassDef) and last == first):
            stand_in = [f"def {node.name}(*args, **kwargs): {raise_it}"]
        elif isinstance(node, ast.ClassDef):
            stand_in = [f"class {node.name}:", f"    def __init__(self, *args, **kwargs): {raise_it}"]
        else:
            stand_in = [" = ".join(sorted(unit.names)) + " = None" if unit.names else "pass"]
        lines[first - 1 : last] = stand_in + [""] * (last - first + 1 - len(stand_in))
    text = "\n".join(lines)
    return text if text.endswith("\n") else text + "\n"
