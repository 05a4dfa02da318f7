"""One reading of one of the learner's functions for the loop reader (:mod:`grader.engine.loops.flow`):
what each expression may be (:mod:`grader.engine.loops.values`), and where the function iterates
over the data (what is charged: docs/engine.md, "'Vectorised' read from the source"). Code on an
error path (a ``raise``'s arguments, a block that ends by raising) is not read: it runs only for
inputs the docstring does not allow."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from grader.engine.loops.calls import Calls
from grader.engine.loops.values import (
    COMPREHENSION,
    CONSTANT,
    SHAPES,
    STRUCTURAL,
    Carried,
    Func,
    derived,
    dotted,
    join,
)

if TYPE_CHECKING:
    from grader.engine.loops.flow import Flow

COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def raises(stmts: list[ast.stmt]) -> bool:
    """Every path through ``stmts`` ends by raising: an error path."""
    for stmt in stmts:
        if isinstance(stmt, ast.Raise):
            return True
        if isinstance(stmt, ast.If) and stmt.orelse and raises(stmt.body) and raises(stmt.orelse):
            return True
    return False


def _exits(stmts: list[ast.stmt]) -> bool:
    return any(isinstance(s, (ast.Return, ast.Raise, ast.Continue, ast.Break)) for s in stmts)


def _exit_tests(stmts: list[ast.stmt]) -> tuple[list[ast.expr], bool]:
    """The tests of the ``if`` statements of a loop's body that leave it (not those of inner loops);
    an ``except`` that leaves it counts as a test of the data (``next(rows)`` until StopIteration)."""
    tests: list[ast.expr] = []
    stack, raised = list(stmts), False
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, ast.If):
            if any(isinstance(n, (ast.Break, ast.Return)) for n in _flat(stmt.body + stmt.orelse)):
                tests.append(stmt.test)
            stack += stmt.body + stmt.orelse
        elif isinstance(stmt, (ast.Try, ast.TryStar)):
            leaves = (isinstance(n, (ast.Break, ast.Return)) for h in stmt.handlers for n in _flat(h.body))
            raised = raised or any(leaves)
            stack += [*stmt.body, *stmt.orelse, *stmt.finalbody, *(s for h in stmt.handlers for s in h.body)]
        elif isinstance(stmt, ast.With):
            stack += stmt.body
    return tests, raised


def _flat(stmts: list[ast.stmt]) -> list[ast.stmt]:
    """``stmts`` and the statements inside them, not inside loops or definitions."""
    out, stack = [], list(stmts)
    while stack:
        stmt = stack.pop()
        out.append(stmt)
        if isinstance(stmt, (ast.If, ast.With, ast.Try)):
            stack += [*stmt.body, *getattr(stmt, "orelse", []), *getattr(stmt, "finalbody", [])]
    return out


class Reader(Calls):
    """Reads ``f`` once (``f`` None: module-level expressions of ``file``), through ``flow``."""

    def __init__(self, flow: Flow, f: Func | None, file: str, escapes: bool = True) -> None:
        self.flow, self.f, self.file, self.escapes = flow, f, file, escapes
        self.guards: list[str] = []  # "data", "clean", "constant" or "try", innermost last

    def found(self, node: ast.AST, what: str) -> None:
        line = getattr(node, "lineno", 0)
        self.flow.found(self.f, self.file, line, what, switched="data" in self.guards)

    def read(self) -> None:
        node = self.f.node if self.f else None
        if isinstance(node, ast.Lambda):
            self.returned(self.expr(node.body))
        elif node is not None:
            self.block(node.body)

    def returned(self, value: Carried) -> None:
        if self.f is not None:
            self.flow.returns(self.f, value)
            if value.item and self.f.key in self.flow.entries:
                self.flow.found(self.f, self.file, value.item, ".item()")

    # statements

    def block(self, stmts: list[ast.stmt]) -> None:
        depth = len(self.guards)
        for stmt in stmts:
            self.stmt(stmt)
            if isinstance(stmt, ast.If) and _exits(stmt.body) and not stmt.orelse:
                self.guards.append(self.guard(stmt.test))  # the rest runs only when the test failed
        del self.guards[depth:]

    def guard(self, test: ast.expr) -> str:
        return "data" if self.expr(test).data else "constant" if isinstance(test, ast.Constant) else "clean"

    def stmt(self, stmt: ast.stmt) -> None:
        """One statement, by its kind (:data:`_STATEMENTS`); a ``raise`` and the like read nothing."""
        for kinds, read in _STATEMENTS:
            if isinstance(stmt, kinds):
                read(self, stmt)
                return

    def define(self, stmt: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        value = CONSTANT if isinstance(stmt, ast.ClassDef) else self.flow.defined(self, stmt)
        self.bind_name(stmt.name, value)

    def give_back(self, stmt: ast.Return) -> None:
        self.returned(self.expr(stmt.value) if stmt.value else CONSTANT)

    def within(self, stmt: ast.With | ast.AsyncWith) -> None:
        for item in stmt.items:
            value = self.expr(item.context_expr)
            if item.optional_vars is not None:
                self.bind(item.optional_vars, value)
        self.block(stmt.body)

    def match(self, stmt: ast.Match) -> None:
        subject = self.expr(stmt.subject)
        for case in stmt.cases:
            for node in ast.walk(case.pattern):
                if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
                    self.bind_name(node.name, subject)
            if not raises(case.body):
                self.block(case.body)

    def evaluated(self, stmt: ast.Assert | ast.Expr | ast.Delete) -> None:
        """What an assertion tests (its message is the error path), an expression, a ``del``."""
        parts = (
            [stmt.test]
            if isinstance(stmt, ast.Assert)
            else [stmt.value]
            if isinstance(stmt, ast.Expr)
            else stmt.targets
        )
        for part in parts:
            self.expr(part)

    def imported(self, stmt: ast.Import | ast.ImportFrom) -> None:
        """An import inside a function binds a local name, as at module level."""
        for alias in stmt.names:
            if isinstance(stmt, ast.Import):
                name = alias.asname or alias.name.split(".")[0]
                dotted = alias.name if alias.asname else name
            elif stmt.level == 0 and stmt.module:
                name, dotted = alias.asname or alias.name, f"{stmt.module}.{alias.name}"
            else:
                continue
            self.bind_name(name, self.flow.program.dotted(dotted))

    def branch(self, test: ast.expr, body: list[ast.stmt], orelse: list[ast.stmt]) -> None:
        self.guards.append(self.guard(test))
        for stmts in (body, orelse):
            if not raises(stmts):
                self.block(stmts)
        self.guards.pop()

    def attempt(self, stmt: ast.Try | ast.TryStar) -> None:
        self.guards.append("try")
        self.block(stmt.body)
        self.guards.pop()
        for handler in stmt.handlers:
            if handler.type is not None:
                self.expr(handler.type)
            if handler.name:
                self.bind_name(handler.name, CONSTANT)
            if not raises(handler.body):
                self.block(handler.body)
        self.block(stmt.orelse)
        self.block(stmt.finalbody)

    def loop_for(self, stmt: ast.For | ast.AsyncFor) -> None:
        over = self.expr(stmt.iter)
        if over.many:
            self.found(stmt, "for")
        self.bind(stmt.target, over.element())
        self.block(stmt.body)
        self.block(stmt.orelse)

    def loop_while(self, stmt: ast.While) -> None:
        tests, raised = _exit_tests(stmt.body)
        if raised or any(self.expr(test).data for test in [stmt.test, *tests]):
            self.found(stmt, "while")
        self.block(stmt.body)
        self.block(stmt.orelse)

    def assign(self, stmt: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        if stmt.value is None:
            return
        value = self.expr(stmt.value)
        if isinstance(stmt, ast.AugAssign):
            value = join(value, self.expr(stmt.target))
            value = derived(value) if value.data and not value.fixed else value
        for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
            self.bind(target, value)

    def bind(self, target: ast.expr, value: Carried) -> None:
        if isinstance(target, ast.Name):
            self.bind_name(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                starred = isinstance(elt, ast.Starred)
                self.bind(
                    elt.value if isinstance(elt, ast.Starred) else elt, value if starred else value.element()
                )
        elif isinstance(target, ast.Starred):
            self.bind(target.value, value)
        elif isinstance(target, (ast.Attribute, ast.Subscript)):
            owner = self.expr(target.value)
            if isinstance(target, ast.Subscript):
                self.expr(target.slice)
            if isinstance(target, ast.Attribute) and (owner.instances or owner.classes):
                self.flow.write(("field", target.attr), value)
            elif owner.data or not owner.outside:  # out[i] = v, out.data = v (not a module patched)
                self.bind_root(target, value)

    def bind_root(self, target: ast.expr, value: Carried) -> None:
        """``out[i] = v``, ``out.data = v``: out may now hold v."""
        root = target
        while isinstance(root, (ast.Attribute, ast.Subscript)):
            root = root.value
        if isinstance(root, ast.Name):
            self.bind_name(root.id, value)

    def bind_name(self, name: str, value: Carried) -> None:
        self.flow.bind(self.f, self.file, name, value)

    # expressions

    def expr(self, node: ast.expr | None) -> Carried:
        """What ``node`` may be, by its kind (:data:`_EXPRESSIONS`); an operator joins its operands."""
        if node is None or isinstance(node, ast.Constant):
            return CONSTANT
        for kinds, read in _EXPRESSIONS:
            if isinstance(node, kinds):
                return read(self, node)
        parts = [self.expr(child) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr)]
        if isinstance(node, ast.BinOp) and all(p.fixed for p in parts):
            return join(*parts)  # (a, b) + (c,), x.shape[:-1] + (d,): still fixed
        return derived(*parts) if any(p.data for p in parts) else join(*parts)

    def lambda_(self, node: ast.Lambda) -> Carried:
        value = self.flow.defined(self, node)
        if self.escapes:
            self.flow.escape(value)
        return value

    def either(self, node: ast.IfExp) -> Carried:
        self.guards.append(self.guard(node.test))
        value = join(self.expr(node.body), self.expr(node.orelse))
        self.guards.pop()
        return value

    def walrus(self, node: ast.NamedExpr) -> Carried:
        value = self.expr(node.value)
        self.bind(node.target, value)
        return value

    def mapping(self, node: ast.Dict) -> Carried:
        return join(
            self.written([k for k in node.keys if k is not None], node), self.written(node.values, node)
        )

    def compare(self, node: ast.Compare) -> Carried:
        parts = [self.expr(node.left), *(self.expr(c) for c in node.comparators)]
        nones = [isinstance(c, ast.Constant) and c.value is None for c in [node.left, *node.comparators]]
        if all(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops) and any(nones):
            return CONSTANT  # ``b is None``: what was passed, not how big it is
        return derived(*parts)

    def written(self, elts: list[ast.expr], node: ast.AST) -> Carried:
        """A tuple, list or set written out: fixed, unless a ``*`` unpacks something as long as the data."""
        parts, many = [], False
        for elt in elts:
            value = self.expr(elt)
            if isinstance(elt, ast.Starred) and value.many:
                self.found(node, "*")
                many = True
            parts.append(value)
        return replace(join(*parts), fixed=not many)

    def subscript(self, node: ast.Subscript) -> Carried:
        value, index = self.expr(node.value), self.expr(node.slice)
        if value.fixed and value.data and not isinstance(node.slice, ast.Slice):
            return derived(value)  # an element of a tuple of tensors, a size of the shape
        if value.fixed and isinstance(node.slice, ast.Slice):
            return join(value, Carried(index.data, True))
        return derived(value, index) if value.data or index.data else join(value, index)

    def comprehension(self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp) -> Carried:
        many = fixed = False
        data = False
        for generator in node.generators:
            over = self.expr(generator.iter)
            many, data = many or over.many, data or over.data
            fixed = fixed or (over.fixed and not over.data)
            self.bind(generator.target, over.element())
            for test in generator.ifs:
                self.expr(test)
        if many:
            self.found(node, COMPREHENSION)
        parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        value = join(*(self.expr(p) for p in parts))
        return Carried(value.data or data, not many, value.item, value.funcs, value.classes, value.instances)

    def name(self, name: str, escape: bool) -> Carried:
        value = self.flow.lookup(self, name)
        if escape and self.escapes and value.funcs:
            self.flow.escape(value)
        return value

    def attribute(self, owner: Carried, attr: str, node: ast.AST) -> Carried:
        """``owner.attr``: a learner's file's or class's member, a field, an outside name, a tensor's."""
        parts = [self.flow.member(self, owner, attr)]
        if owner.outside:
            parts.append(Carried(outside=dotted(owner.outside, attr)))
        if owner.data and attr in STRUCTURAL:
            parts.append(CONSTANT)
        elif owner.data and attr in SHAPES:
            parts.append(owner.sized())
        elif owner.data:  # a tensor's method, if it is called: getattr(x, "tolist")()
            parts.append(replace(derived(owner), methods=frozenset({attr})))
        return join(*parts)


_STATEMENTS: list[tuple[type | tuple[type, ...], Callable[[Reader, Any], None]]] = [
    ((ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef), Reader.define),
    (ast.Return, Reader.give_back),
    ((ast.Assign, ast.AnnAssign, ast.AugAssign), Reader.assign),
    ((ast.For, ast.AsyncFor), Reader.loop_for),
    (ast.While, Reader.loop_while),
    (ast.If, lambda reader, stmt: reader.branch(stmt.test, stmt.body, stmt.orelse)),
    ((ast.Try, ast.TryStar), Reader.attempt),
    ((ast.With, ast.AsyncWith), Reader.within),
    (ast.Match, Reader.match),
    ((ast.Assert, ast.Expr, ast.Delete), Reader.evaluated),
    ((ast.Import, ast.ImportFrom), Reader.imported),
]  # not read: raise (the error path), global, nonlocal, pass, break, continue
_EXPRESSIONS: list[tuple[type | tuple[type, ...], Callable[[Reader, Any], Carried]]] = [
    (ast.Name, lambda reader, node: reader.name(node.id, escape=True)),
    (ast.Attribute, lambda reader, node: reader.attribute(reader.expr(node.value), node.attr, node)),
    (ast.Call, Reader.call),
    (ast.Subscript, Reader.subscript),
    ((ast.Tuple, ast.List, ast.Set), lambda reader, node: reader.written(node.elts, node)),
    (ast.Dict, Reader.mapping),
    (COMPREHENSIONS, Reader.comprehension),
    (ast.Lambda, Reader.lambda_),
    (ast.IfExp, Reader.either),
    (ast.Compare, Reader.compare),
    (ast.NamedExpr, Reader.walrus),
    (ast.Starred, lambda reader, node: reader.expr(node.value)),
]
