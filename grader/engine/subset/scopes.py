"""What the learner's names denote, read from the module's own bindings (docs/design.md, "Resolve,
don't match"; docs/engine.md, "Twins read from the source"): the readers of "how" ask it what a
name or an attribute is, never how it is spelt. What the module cannot tell (a parameter's value,
a call's result) is :data:`UNKNOWN`: a tensor perhaps. Why not astroid's inference (on disk,
4.3.3): it infers through torch's own source, seconds a module where this reads one in
milliseconds, and answers an unresolved value with ``Uninferable`` just the same.
"""

from __future__ import annotations

import ast
import collections
import copy
import symtable
from collections.abc import Iterator
from dataclasses import dataclass, field

from grader.engine.sources import parsed
from grader.engine.subset.binds import (
    COMPREHENSIONS,
    FUNCTIONS,
    OWN,
    UNKNOWN,
    Meaning,
    Value,
    argument_passed,
    arguments,
    as_attribute,
    assigned,
    bindings,
    declared_global,
    decorated,
    default_of,
    literal_name,
    lookup,
    named_call,
    own_nodes,
    parts,
    static,
)

_TABLE_NAMES = {ast.ListComp: "listcomp", ast.SetComp: "setcomp", ast.DictComp: "dictcomp"}
_TABLE_NAMES |= {ast.GeneratorExp: "genexpr", ast.Lambda: "lambda"}
# Bases under which a class of the learner's stays plain: nothing but its own code answers for it.
PLAIN_BASES = frozenset({"typing.NamedTuple", "typing.Generic", "typing.Protocol", "abc.ABC"})
_DEPTH = 40  # nested resolutions (a value through a value...) before a value is UNKNOWN


@dataclass
class OwnClass:
    """A class of the learner's: what it defines (attribute -> the values bound to it) and its bases."""

    node: ast.AST
    name: str
    values: dict[str, list[tuple[Value, ast.AST]]]  # attr -> [(value or def, the scope it is read in)]
    bases: list[tuple[ast.expr, ast.AST]]  # (base, the scope it is read in)
    methods: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = field(default_factory=dict)


class Scopes:
    """The module's scopes and bindings, and what its expressions denote (:meth:`meanings`)."""

    def __init__(self, source: str, tree: ast.Module) -> None:
        self.tree = tree
        # module-level names called from outside the module (the exercises: :meth:`seen_from`)
        self.outside: frozenset[str] = frozenset()
        self._callers: dict[ast.AST, list[tuple[ast.Call, int]]] | None = None
        self._escaped: set[ast.AST] = set()
        self.scope_of: dict[ast.AST, ast.AST] = {}  # node -> the scope node it is read in
        self.tables: dict[ast.AST, symtable.SymbolTable] = {}
        self.enclosing: dict[ast.AST, ast.AST] = {}  # scope node -> the scope around it
        self.binds: dict[tuple[ast.AST, str], list[tuple[Value, ast.AST, int]]] = {}
        self.classes: dict[ast.AST, OwnClass] = {}
        self.method_class: dict[ast.AST, ast.ClassDef] = {}  # a method -> its class statement
        self.last_plain: dict[str, int] = {}  # a module-level name -> its last unconditional binding
        self._memo: dict[tuple[int, int], frozenset[Meaning]] = {}
        self._busy: set[tuple[int, int]] = set()
        self._pending: dict[int, dict[tuple[str, int], collections.deque[symtable.SymbolTable]]] = {}
        top = symtable.symtable(source, "<submission>", "exec")
        self.tables[tree] = top
        self._order = 0
        self._read(tree, top)

    # -- reading the module ----------------------------------------------------------------
    def _read(self, tree: ast.Module, top: symtable.SymbolTable) -> None:
        """Every node with its scope, in the order the compiler reads them (a scope's own parts,
        decorators and defaults, before its body), and every binding with its value."""
        Step = tuple[bool, ast.AST, ast.AST, symtable.SymbolTable, bool]  # (open?, node, scope, table, plain)
        stack: list[Step] = [(False, stmt, tree, top, True) for stmt in reversed(tree.body)]
        while stack:
            opening, node, scope, table, plain = stack.pop()
            if opening:
                stack += self._open(node, scope, table)
                continue
            if scope is self.tree and plain:
                self._order += 1
            self.scope_of[node] = scope
            self._bind(node, scope, table)
            conditional = isinstance(node, (ast.If, ast.For, ast.While, ast.Try, ast.With, ast.Match))
            if plain and not conditional and isinstance(node, ast.stmt):  # a top-level statement
                self.last_plain.update({name: self._order for name, _ in bindings(node)})
            if isinstance(node, (*FUNCTIONS, ast.ClassDef, *COMPREHENSIONS)):
                outer, _inner = parts(node)
                stack.append((True, node, scope, table, False))
                stack += [(False, part, scope, table, False) for part in reversed(outer)]
                continue
            children = list(ast.iter_child_nodes(node))
            stack += [(False, c, scope, table, False) for c in reversed(children)]

    def _child_table(self, table: symtable.SymbolTable, node: ast.AST) -> symtable.SymbolTable | None:
        """The compiler's table of the scope ``node`` opens (by name and line, in order)."""
        if id(table) not in self._pending:
            pending: dict[tuple[str, int], collections.deque[symtable.SymbolTable]] = {}
            for child in table.get_children():
                pending.setdefault((child.get_name(), child.get_lineno()), collections.deque()).append(child)
            self._pending[id(table)] = pending
        name = getattr(node, "name", None) or _TABLE_NAMES.get(type(node), "")
        found = self._pending[id(table)].get((name, getattr(node, "lineno", -1)))
        return found.popleft() if found else None

    def _open(
        self, node: ast.AST, scope: ast.AST, table: symtable.SymbolTable
    ) -> list[tuple[bool, ast.AST, ast.AST, symtable.SymbolTable, bool]]:
        """The steps that read the inside of the scope ``node`` opens."""
        _outer, inner = parts(node)
        child = self._child_table(table, node)
        if child is None:  # not a scope of the compiler's (a newer Python inlines comprehensions)
            return [(False, part, scope, table, False) for part in reversed(inner)]
        self.tables[node] = child
        self.enclosing[node] = scope
        if isinstance(node, ast.ClassDef):
            self._class(node, scope)
        return [(False, part, node, child, False) for part in reversed(inner)]

    def _class(self, node: ast.ClassDef, scope: ast.AST) -> None:
        own = OwnClass(node, node.name, {}, [(b, scope) for b in node.bases])
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                own.values.setdefault(stmt.name, []).append((stmt, node))
                own.methods.setdefault(stmt.name, []).append(stmt)
                self.method_class[stmt] = node
                self._self_attributes(stmt, own)
            elif isinstance(stmt, ast.ClassDef):
                own.values.setdefault(stmt.name, []).append((stmt, node))
            for target, value in assigned(stmt):
                if isinstance(target, ast.Name):
                    own.values.setdefault(target.id, []).append((value or target, node))
        self.classes[node] = own

    def _self_attributes(self, method: ast.FunctionDef | ast.AsyncFunctionDef, own: OwnClass) -> None:
        """``self.x = value`` in a method: x is the instance's own, bound to value."""
        if not method.args.args or static(method):
            return
        me = method.args.args[0].arg
        for stmt in parsed.walk(method):
            for target, value in assigned(stmt):
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == me
                ):
                    own.values.setdefault(target.attr, []).append((value or target, method))

    def _bind(self, node: ast.AST, scope: ast.AST, table: symtable.SymbolTable) -> None:
        for name, value in bindings(node):
            where = scope
            if scope is not self.tree and declared_global(table, name):
                where = self.tree
            self.binds.setdefault((where, name), []).append((value, scope, self._order))

    # -- what expressions denote -------------------------------------------------------------
    def meanings(self, node: Value, scope: ast.AST | None = None, depth: int = 0) -> frozenset[Meaning]:
        """What ``node`` (read in ``scope``, by default where it stands) may denote."""
        if isinstance(node, Meaning):
            return frozenset({node})
        scope = self.scope_of.get(node, self.tree) if scope is None else scope
        key = (id(node), id(scope))
        if key in self._memo:
            return self._memo[key]
        if key in self._busy or depth > _DEPTH:
            return frozenset({UNKNOWN})
        self._busy.add(key)
        try:
            found = frozenset(self._meanings(node, scope, depth + 1)) or frozenset({UNKNOWN})
        finally:
            self._busy.discard(key)
        self._memo[key] = found
        return found

    def _meanings(self, node: Value, scope: ast.AST, depth: int) -> Iterator[Meaning]:
        if isinstance(node, Meaning):
            yield node
        elif isinstance(node, ast.Name):
            yield from self.name(node.id, scope, depth)
        elif isinstance(node, ast.Attribute):
            for base in self.meanings(node.value, scope, depth):
                yield from self.attribute(base, node.attr, depth)
        elif isinstance(node, ast.Call):
            yield from self._called(node, scope, depth)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield Meaning("function", node=node)
        elif isinstance(node, ast.ClassDef):
            yield Meaning("class", node=node)
        else:
            yield from self._either(node, scope, depth)

    def _either(self, node: ast.AST, scope: ast.AST, depth: int) -> Iterator[Meaning]:
        """What a value that is one of its parts denotes (``a if c else b``, ``a or b``, a
        walrus): what any of them may; anything else is :data:`UNKNOWN`."""
        if isinstance(node, ast.IfExp):
            parts: list[ast.expr] = [node.body, node.orelse]
        elif isinstance(node, ast.BoolOp):
            parts = node.values
        elif isinstance(node, ast.NamedExpr):
            parts = [node.value]
        else:
            yield UNKNOWN
            return
        for part in parts:
            yield from self.meanings(part, scope, depth)

    def name(self, name: str, scope: ast.AST, depth: int) -> Iterator[Meaning]:
        """What ``name`` read in ``scope`` may denote."""
        table = self.tables.get(scope)
        symbol = lookup(table, name)
        if symbol is not None and symbol.is_parameter():
            yield from self._parameter(name, scope, depth)
            return
        if symbol is not None and (symbol.is_local() or symbol.is_imported()) and scope is not self.tree:
            if not declared_global(table, name):
                yield from self._bound(scope, name, depth)
                return
        if symbol is not None and symbol.is_free():
            outer = self.enclosing.get(scope)
            while outer is not None and isinstance(outer, ast.ClassDef):
                outer = self.enclosing.get(outer)
            if outer is not None:
                yield from self.name(name, outer, depth)
                return
        yield from self._module_name(name, from_function=scope is not self.tree, depth=depth)

    def module_level(self, node: ast.Name) -> bool:
        """Whether the name ``node`` reads is the module's (not a local's, a parameter's or an
        enclosing function's)."""
        scope = self.scope_of.get(node, self.tree)
        while True:
            if scope is self.tree:
                return True
            symbol = lookup(self.tables.get(scope), node.id)
            if symbol is None or symbol.is_global() or symbol.is_declared_global():
                return True
            if not symbol.is_free():
                return False
            scope = self.enclosing.get(scope, self.tree)
            while isinstance(scope, ast.ClassDef):
                scope = self.enclosing.get(scope, self.tree)

    def _module_name(self, name: str, from_function: bool, depth: int) -> Iterator[Meaning]:
        bound = self.binds.get((self.tree, name), [])
        if not bound:
            yield Meaning("builtin", name)
            return
        last = self.last_plain.get(name, 0) if from_function else 0
        for value, where, order in bound:
            if order >= last or where is not self.tree:
                yield from self.meanings(value, where, depth)

    def _bound(self, scope: ast.AST, name: str, depth: int) -> Iterator[Meaning]:
        bound = self.binds.get((scope, name), [])
        if not bound:
            yield UNKNOWN
        for value, where, _order in bound:
            yield from self.meanings(value, where, depth)

    def _parameter(self, name: str, scope: ast.AST, depth: int) -> Iterator[Meaning]:
        """A parameter: the instance (or class) of a method's first one; the learner's class
        its annotation names; anything else (a tensor perhaps)."""
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            cls = self.method_class.get(scope)
            first = scope.args.args[0].arg if scope.args.args else None
            if cls is not None and name == first and not static(scope):
                yield Meaning("class" if decorated(scope, "classmethod") else "instance", node=cls)
                return
            arg = next((a for a in arguments(scope.args) if a.arg == name), None)
            if arg is not None and arg.annotation is not None:
                named = self.meanings(arg.annotation, self.enclosing.get(scope, self.tree), depth)
                own = [Meaning("instance", node=m.node) for m in named if m.kind == "class"]
                if own:
                    yield from own
                    return
            if cls is None or static(scope):
                yield from self._passed(scope, name, depth)
                return
        yield UNKNOWN

    def _passed(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str, depth: int
    ) -> Iterator[Meaning]:
        """What the calls of the learner's ``function`` pass as its parameter ``name``: anything
        where it is called from outside the module, handed on as a value or called with ``*``."""
        callers = self.callers()
        if function in self._escaped or function not in callers or self._outside(function):
            yield UNKNOWN
            return
        params = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
        for call, offset in callers[function]:
            value = argument_passed(call, params, name, offset)
            if value is None:
                default = default_of(function, name)
                if default is None:
                    yield UNKNOWN
                    continue
                yield from self.meanings(default, self.enclosing.get(function, self.tree), depth)
            else:
                yield from self.meanings(value, self.scope_of.get(call, self.tree), depth)

    def _outside(self, function: ast.AST) -> bool:
        """A module-level function named like one the module is called by (an exercise)."""
        return (
            isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
            and (self.enclosing.get(function) is self.tree or function not in self.enclosing)
            and function.name in self.outside
        )

    def callers(self) -> dict[ast.AST, list[tuple[ast.Call, int]]]:
        """{a function of the learner's: (each call of it, how many arguments its binding passes)},
        once; a function read but not called (handed on) is :attr:`_escaped`."""
        if self._callers is not None:
            return self._callers
        self._callers = {}  # meanwhile a parameter is anything, and what is read so is forgotten after
        kept, self._memo = self._memo, {}
        try:
            self._callers = self._calls()
        finally:
            self._memo = kept
        return self._callers

    def _calls(self) -> dict[ast.AST, list[tuple[ast.Call, int]]]:
        found: dict[ast.AST, list[tuple[ast.Call, int]]] = {}
        parents = parsed.parents(self.tree)
        for node in parsed.nodes(self.tree):
            if not isinstance(node, (ast.Name, ast.Attribute)) or not isinstance(node.ctx, ast.Load):
                continue
            functions = [m.node for m in self.meanings(node) if m.kind == "function" and m.node is not None]
            if not functions:
                continue
            parent = parents.get(node)
            if (
                not isinstance(parent, ast.Call)
                or parent.func is not node
                or any(isinstance(a, ast.Starred) for a in parent.args)
                or any(k.arg is None for k in parent.keywords)
            ):
                self._escaped.update(functions)
                continue
            bound = isinstance(node, ast.Attribute) and any(
                m.kind == "instance" for m in self.meanings(node.value)
            )
            for function in functions:
                found.setdefault(function, []).append((parent, 1 if bound else 0))
        return found

    def _called(self, call: ast.Call, scope: ast.AST, depth: int) -> Iterator[Meaning]:
        if named_call(call, "getattr") and literal_name(call):
            yield from self.meanings(as_attribute(call), scope, depth)
            return
        for func in self.meanings(call.func, scope, depth):
            if func.kind == "class":
                yield Meaning("instance", node=func.node)
            elif func.kind == "function" and isinstance(func.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield from self._returned(func.node, depth)
            elif func.kind == "path" and func.path in ("collections.namedtuple", "typing.NamedTuple"):
                yield Meaning("class", node=self._named_tuple(call))
            else:
                yield UNKNOWN

    def _returned(self, function: ast.FunctionDef | ast.AsyncFunctionDef, depth: int) -> Iterator[Meaning]:
        """What a call of the learner's function gives: the learner's class its return annotation
        names, else what its return statements give."""
        if function.returns is not None:
            named = self.meanings(function.returns, self.enclosing.get(function, self.tree), depth)
            own = [Meaning("instance", node=m.node) for m in named if m.kind == "class"]
            if own:
                yield from own
                return
        returns = [n for n in own_nodes(function) if isinstance(n, ast.Return)]
        if not returns or any(r.value is None for r in returns):
            yield UNKNOWN
        for r in returns:
            if r.value is not None:
                yield from self.meanings(r.value, function, depth)

    def _named_tuple(self, call: ast.Call) -> ast.AST:
        """``namedtuple("P", "x y")`` or ``NamedTuple("P", [("x", int)])``: a class of the learner's."""
        if call not in self.classes:
            names: list[str] = []
            fields = call.args[1] if len(call.args) > 1 else None
            if isinstance(fields, ast.Constant) and isinstance(fields.value, str):
                names = fields.value.replace(",", " ").split()
            elif isinstance(fields, (ast.List, ast.Tuple)):
                for item in fields.elts:
                    item = item.elts[0] if isinstance(item, ast.Tuple) and item.elts else item
                    if isinstance(item, ast.Constant) and isinstance(item.value, str):
                        names.append(item.value)
            values: dict[str, list[tuple[Value, ast.AST]]] = {n: [(UNKNOWN, self.tree)] for n in names}
            self.classes[call] = OwnClass(call, "namedtuple", values, [])
        return call

    def attribute(self, base: Meaning, attr: str, depth: int = 0) -> Iterator[Meaning]:
        """What ``attr`` of something that denotes ``base`` may denote."""
        if base.kind == "path":
            yield Meaning("path", f"{base.path}.{attr}")
        elif base.kind in ("class", "instance") and base.node in self.classes:
            yield from self.class_attribute(self.classes[base.node], attr, base.kind == "instance", depth)
        elif base.kind in ("function", "own"):
            yield OWN
        else:
            yield UNKNOWN

    def class_attribute(
        self, own: OwnClass, attr: str, instance: bool, depth: int, seen: frozenset[int] = frozenset()
    ) -> Iterator[Meaning]:
        """``attr`` of the learner's class (or of its instance): what it defines, else its bases'."""
        if id(own.node) in seen:
            return
        if attr in own.values:
            for value, where in own.values[attr]:
                yield from self.meanings(value, where, depth)
            return
        found = False
        for base, where in own.bases:
            for meaning in self.meanings(base, where, depth):
                if meaning.kind == "class" and meaning.node in self.classes:
                    found = True
                    yield from self.class_attribute(
                        self.classes[meaning.node], attr, instance, depth, seen | {id(own.node)}
                    )
                elif meaning.kind == "path" and meaning.path not in PLAIN_BASES:
                    found = True
                    yield Meaning("path", f"{meaning.path}.{attr}")
        if not found:
            yield OWN

    def methods_named(self, attr: str) -> list[ast.AST]:
        return [m for own in self.classes.values() for m in own.methods.get(attr, [])]

    def seen_from(self, outside: frozenset[str]) -> Scopes:
        """This reading with ``outside`` the names called from outside the module: its scopes,
        bindings and calls shared (none depends on them), what its expressions denote read afresh
        (a parameter of a function called from outside is anything)."""
        self.callers()  # the view's too: read with every parameter anything, whoever calls
        view = copy.copy(self)
        view.outside = outside
        view.forget()
        return view

    def forget(self) -> None:
        """Forget what the expressions were read to denote (:meth:`seen_from`)."""
        self._memo, self._busy = {}, set()
