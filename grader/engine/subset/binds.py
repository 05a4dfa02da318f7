"""What each statement of the learner's module binds, and the other shapes the resolution of
:mod:`grader.engine.subset.scopes` reads by syntax alone: a scope's parts read where it stands,
assignments unpacked, a call's argument for a parameter, a method's decorators."""

from __future__ import annotations

import ast
import symtable
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeAlias

from grader.engine.subset.shapes import arguments as arguments  # scopes and facts read it here

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass(frozen=True)
class Meaning:
    """What an expression denotes: ``path`` (an imported module or a member reached from one:
    ``torch.nn.functional.relu``), ``class`` / ``instance`` (of the learner's class ``node``),
    ``function`` (the learner's ``node``), ``own`` (an attribute of the learner's that no import
    names), ``builtin`` (``path``) or ``unknown``."""

    kind: str
    path: str = ""
    node: ast.AST | None = field(default=None, compare=True, hash=True)


UNKNOWN = Meaning("unknown")
OWN = Meaning("own")
# what a binding gives: an expression (or a statement) to read, or a meaning
Value: TypeAlias = ast.AST | Meaning


def parts(node: ast.AST) -> tuple[list[ast.AST], list[ast.AST]]:
    """(the parts of a scope's node read where it stands, the parts read inside it)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        outer = [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults, node.returns]
        outer += [a.annotation for a in arguments(node.args)]
        inner: list[ast.AST] = [node.args, *node.body]
    elif isinstance(node, ast.Lambda):
        outer, inner = [*node.args.defaults, *node.args.kw_defaults], [node.args, node.body]
    elif isinstance(node, ast.ClassDef):
        outer, inner = [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)], list(node.body)
    else:
        assert isinstance(node, COMPREHENSIONS)
        first = node.generators[0]
        outer = [first.iter]
        inner = [first.target, *first.ifs, *node.generators[1:]]
        inner += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
    return [p for p in outer if p is not None], [p for p in inner if p is not None]


def assigned(stmt: ast.AST) -> Iterator[tuple[ast.expr, ast.expr | None]]:
    """(target, value) of an assignment statement; value None where it is not one expression."""
    if isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            yield from _unpacked(target, stmt.value)
    elif isinstance(stmt, ast.AnnAssign):
        yield stmt.target, stmt.value
    elif isinstance(stmt, ast.AugAssign):
        yield stmt.target, None


def _unpacked(target: ast.expr, value: ast.expr | None) -> Iterator[tuple[ast.expr, ast.expr | None]]:
    if isinstance(target, (ast.Tuple, ast.List)):
        values = value.elts if isinstance(value, (ast.Tuple, ast.List)) else None
        same = values is not None and len(values) == len(target.elts)
        for i, element in enumerate(target.elts):
            element = element.value if isinstance(element, ast.Starred) else element
            yield from _unpacked(element, values[i] if same and values is not None else None)
    else:
        yield target, value


def bindings(node: ast.AST) -> Iterator[tuple[str, Value]]:
    """(name, what it is bound to) for each name ``node`` binds where it stands."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield node.name, node
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        yield from _imported(node)
    elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        for target, value in assigned(node):
            if isinstance(target, ast.Name):
                plain = value is not None and not isinstance(node, ast.AugAssign)
                yield target.id, value if plain and value is not None else UNKNOWN
    elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
        yield node.target.id, node.value
    else:
        yield from ((name, UNKNOWN) for name in _other_names(node))


def _imported(node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, Value]]:
    """``import a.b`` binds a to the module a, ``import a.b as c`` c to a.b, ``from m import n``
    n to m.n (a relative import's to what the module cannot tell)."""
    for alias in node.names:
        if isinstance(node, ast.Import):
            dotted = alias.name if alias.asname else alias.name.split(".")[0]
            yield alias.asname or alias.name.split(".")[0], Meaning("path", dotted)
        elif node.module and not node.level:
            yield alias.asname or alias.name, Meaning("path", f"{node.module}.{alias.name}")
        else:
            yield alias.asname or alias.name, UNKNOWN


def _other_names(node: ast.AST) -> Iterator[str]:
    """The names a loop, a ``with``, an ``except`` or a pattern binds (to what it cannot tell)."""
    if isinstance(node, (ast.For, ast.comprehension)):
        yield from (n.id for n in ast.walk(node.target) if isinstance(n, ast.Name))
    elif isinstance(node, ast.withitem) and node.optional_vars is not None:
        yield from (n.id for n in ast.walk(node.optional_vars) if isinstance(n, ast.Name))
    elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
        yield node.name
    elif isinstance(node, ast.MatchMapping) and node.rest:
        yield node.rest


def argument_passed(call: ast.Call, params: list[str], name: str, offset: int) -> ast.expr | None:
    """The argument ``call`` passes as the parameter ``name`` (None: its default)."""
    keyword = next((k.value for k in call.keywords if k.arg == name), None)
    if keyword is not None:
        return keyword
    at = params.index(name) - offset if name in params else -1
    return call.args[at] if 0 <= at < len(call.args) else None


def default_of(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> ast.expr | None:
    positional = [*function.args.posonlyargs, *function.args.args]
    defaults = dict(
        zip(
            [a.arg for a in positional[len(positional) - len(function.args.defaults) :]],
            function.args.defaults,
        )
    )
    defaults |= {
        a.arg: d for a, d in zip(function.args.kwonlyargs, function.args.kw_defaults) if d is not None
    }
    return defaults.get(name)


def lookup(table: symtable.SymbolTable | None, name: str) -> symtable.Symbol | None:
    if table is None:
        return None
    try:
        return table.lookup(name)
    except KeyError:
        return None


def declared_global(table: symtable.SymbolTable | None, name: str) -> bool:
    symbol = lookup(table, name)
    return symbol is not None and symbol.is_declared_global()


def decorated(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    return any(isinstance(d, ast.Name) and d.id == name for d in function.decorator_list)


def static(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return decorated(function, "staticmethod")


def named_call(call: ast.Call, name: str) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id == name


def literal_name(call: ast.Call) -> bool:
    return (
        len(call.args) >= 2 and isinstance(call.args[1], ast.Constant) and isinstance(call.args[1].value, str)
    )


def as_attribute(call: ast.Call) -> ast.Attribute:
    """``getattr(x, "name")`` as the attribute ``x.name`` it reads."""
    name = call.args[1]
    assert isinstance(name, ast.Constant)
    return ast.Attribute(call.args[0], str(name.value), ast.Load(), lineno=call.lineno)


def own_nodes(function: ast.AST) -> Iterator[ast.AST]:
    """The nodes of ``function``'s own body, not of the functions and classes it defines."""
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            stack += ast.iter_child_nodes(node)
