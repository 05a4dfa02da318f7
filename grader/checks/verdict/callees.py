"""Which other exercises a check's run calls, decided by what the code calls through the
learner's bindings, never by spelling (docs/checks.md, "The exercise verdict"). Trusted side
only: the source is parsed, never run."""

from __future__ import annotations

import ast
import dis
import functools
import types
from collections.abc import Iterable

# what a top-level name is bound to: ("def", its statement's name) or ("other", "")
Binding = tuple[str, str]
_OTHER: Binding = ("other", "")


def _bindings(tree: ast.Module) -> dict[str, Binding]:
    """Each top-level name's last binding, in statement order (an alias follows its target)."""
    bound: dict[str, Binding] = {}
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound[statement.name] = ("def", statement.name)
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            for alias in statement.names:
                bound[(alias.asname or alias.name).split(".")[0]] = _OTHER
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            value = statement.value
            target = bound.get(value.id, _OTHER) if isinstance(value, ast.Name) else _OTHER
            for name in (n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)):
                bound[name] = target
    return bound


def _own_names(scope: ast.AST) -> set[str]:
    """The names a function binds itself (parameters, assignments, imports, nested defs)."""
    own: set[str] = set()
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        own |= {a.arg for a in ast.walk(scope.args) if isinstance(a, ast.arg)}
    for node in ast.walk(scope):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            own.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            own |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif node is not scope and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            own.add(node.name)
    return own - _globals(scope)


def _globals(scope: ast.AST) -> set[str]:
    return {n for node in ast.walk(scope) if isinstance(node, ast.Global) for n in node.names}


def _loads(statement: ast.AST) -> set[str]:
    """The free names ``statement`` (a top-level def or class) loads: each function's own
    names left out for that function (a class body's names are not its methods' scope)."""
    found: set[str] = set()
    functions = [
        n for n in ast.walk(statement) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
    ]
    inside: set[int] = set()
    for function in functions:
        own = _own_names(function)
        for node in ast.walk(function):
            inside.add(id(node))
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in own:
                found.add(node.id)
    for node in ast.walk(statement):  # a class body, decorators, defaults: the module's scope
        if id(node) not in inside and isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            found.add(node.id)
    return found


def graph(source: str) -> dict[str, set[str]]:
    """{top-level def or class: the top-level defs and classes it calls, through the module's
    bindings}; {} for a source that does not parse (its checks say so)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    bound = _bindings(tree)
    edges: dict[str, set[str]] = {}
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            targets = {bound.get(n, _OTHER) for n in _loads(statement)}
            edges.setdefault(statement.name, set()).update(t[1] for t in targets if t[0] == "def")
    # a def shadowed by a later binding of its name is not what the name calls
    return {name: {c for c in calls if bound.get(c) == ("def", c)} for name, calls in edges.items()}


def reached(edges: dict[str, set[str]], start: Iterable[str], exercises: Iterable[str]) -> set[str]:
    """The exercises among ``exercises`` that ``start`` calls, directly or through helpers."""
    wanted, seen = set(exercises), set()
    todo = [c for s in start for c in edges.get(s, ())]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(edges.get(name, ()))
    return seen & wanted


@functools.lru_cache(maxsize=1024)  # a probe's code is the suite's: read once per process
def probe_names(code: types.CodeType, module: str | None = None) -> frozenset[str]:
    """The attributes a trusted probe's code loads of the learner's module, its first parameter
    (``mod.encode_chars``; not ``torch.optim.SGD``), nested functions included."""
    module = module if module is not None else (code.co_varnames[0] if code.co_argcount else None)
    names: set[str] = set()
    before = None
    for instruction in dis.get_instructions(code):
        if (
            before is not None
            and before.opname in ("LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE")
            and before.argval == module
            and instruction.opname in ("LOAD_ATTR", "LOAD_METHOD")
        ):
            names.add(instruction.argval)
        before = instruction
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= probe_names(const, module)
    return frozenset(names)
