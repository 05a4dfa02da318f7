"""The shapes of code the subset check (:mod:`grader.engine.subset.check`) recognises by their
syntax alone: dunder and private names, attribute chains, calls that make a class or write a file,
a method's ``self``, the imported module a chain names."""

from __future__ import annotations

import ast
import re
import string

from grader.base.i18n import N_
from grader.engine.sources import parsed
from grader.engine.subset import aliases as subset_aliases
from grader.engine.subset import rules
from grader.sandboxed import subset_members as members


def dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__") and len(name) > 4


def private(name: str) -> bool:
    return name.startswith("_") and not dunder(name)


def chain(node: ast.expr) -> tuple[ast.expr, list[str]]:
    """``torch``, ["nn", "functional"] for ``torch.nn.functional``."""
    attrs = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    return node, attrs[::-1]


arguments = parsed.arguments  # the readers of the subset import it from here


def makes_a_class(call: ast.Call) -> bool:
    """``type(name, bases, namespace)`` or ``type(x)(name, bases, namespace)`` (x's metaclass)
    whose namespace is not a dict written out without dunder keys: a class whose special methods
    would be computed strings."""
    func = call.func
    metaclass = isinstance(func, ast.Call) and isinstance(func.func, ast.Name) and func.func.id == "type"
    if not (metaclass or (isinstance(func, ast.Name) and func.id == "type")):
        return False
    if len(call.args) + len(call.keywords) < 3 or any(isinstance(a, ast.Starred) for a in call.args):
        return any(isinstance(a, ast.Starred) for a in call.args) or bool(call.keywords)
    namespace = call.args[2] if len(call.args) == 3 and not call.keywords else None
    return not (
        isinstance(namespace, ast.Dict)
        and all(
            isinstance(k, ast.Constant) and isinstance(k.value, str) and not dunder(k.value)
            for k in namespace.keys
        )
    )


def plain_names(node: ast.expr) -> bool:
    """A literal of names none of which is a dunder, as enum's functional API takes them:
    ``"A B"``, ``["A", ("B", 2)]``, ``{"A": 1}`` (a value may be anything, a name only written)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and not any(
            dunder(w) for w in node.value.replace(",", " ").split()
        )
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(plain_names(e.elts[0] if isinstance(e, ast.Tuple) and e.elts else e) for e in node.elts)
    return isinstance(node, ast.Dict) and all(k is not None and plain_names(k) for k in node.keys)


def named(func: ast.expr, *names: str) -> bool:
    return isinstance(func, ast.Name) and func.id in names


def writes_a_file(call: ast.Call, imported: dict[str, str], openers: frozenset[str] = frozenset()) -> bool:
    """``open(...)`` or ``x.open(...)`` (or a name of ``openers``, bound to an open function) with a
    mode that is not a literal read mode: a file opened for writing can seek (``/proc/self/mem``)."""
    func, dotted = call.func, dotted_name(call.func, imported)
    written = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    written = "open" if written in openers and isinstance(func, ast.Name) else written
    if "open" not in (written, (dotted or "").rsplit(".", 1)[-1]):  # by any name: from gzip import open as g
        return False
    position = 1 if isinstance(func, ast.Name) or dotted is not None else 0  # Path.open(mode)
    modes = [k.value for k in call.keywords if k.arg == "mode"] + call.args[position : position + 1]
    if any(k.arg is None for k in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args):
        return True
    return any(
        not (isinstance(m, ast.Constant) and isinstance(m.value, str) and set(m.value) <= set("rbt"))
        for m in modes
    )


def handed_on(node: ast.expr, parents: dict[ast.AST, ast.AST]) -> bool:
    """``node`` (``type``, a member of ``rules.CALLED_ONLY``) handed on as a value (``t = type``,
    ``f(type)``, a base class): called elsewhere, no rule reads its arguments. Called, compared, the
    class of isinstance or issubclass, or an annotation's part, it is not handed on."""
    child: ast.AST = node
    parent = parents.get(node)
    parts = (ast.Subscript, ast.Tuple, ast.List, ast.BinOp)  # type | None, (int, type), Callable[[type], int]
    while isinstance(parent, parts):
        child, parent = parent, parents.get(parent)
    if isinstance(parent, ast.Call):
        return not (
            parent.func is node or (named(parent.func, "isinstance", "issubclass") and child in parent.args)
        )
    annotated = isinstance(parent, (ast.arg, ast.AnnAssign)) and parent.annotation is child
    returned = isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)) and parent.returns is child
    return not (annotated or returned or isinstance(parent, (ast.Compare, ast.MatchClass)))


def first_is_self(call: ast.Call | None) -> bool:
    return (
        call is not None
        and bool(call.args)
        and isinstance(call.args[0], ast.Name)
        and call.args[0].id == "self"
    )


def reaches_class(root: ast.expr, classes: set[str]) -> bool:
    """``root`` is one of the module's classes, ``type(...)`` or ``super(A, b)`` with b not self."""
    if isinstance(root, ast.Name):
        return root.id in classes
    if isinstance(root, ast.Call) and isinstance(root.func, ast.Name):
        return root.func.id == "type" or (
            root.func.id == "super"
            and len(root.args) == 2
            and not first_is_self(ast.Call(root.func, root.args[1:], []))
        )
    return False


def binds(node: ast.AST) -> str | None:
    """The name ``node`` binds by itself, if any: a def's or class's, an assigned name, a
    parameter, an except's ``as``, a match capture (imports and ``global`` aside)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        return node.id
    if isinstance(node, ast.arg):
        return node.arg
    if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
        return node.name
    if isinstance(node, ast.MatchMapping):
        return node.rest
    return None


def bound_imports(tree: ast.Module) -> dict[str, str]:
    """{name: the dotted name it is bound to} for every absolute import in ``tree``: ``import a.b``
    binds ``a`` to ``a``, ``import a.b as c`` binds ``c`` to ``a.b``, ``from a.b import c as d``
    binds ``d`` to ``a.b.c``."""
    bound: dict[str, str] = {}
    for node in parsed.nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                bound[name] = alias.name if alias.asname else name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            bound |= {a.asname or a.name: aliased(f"{node.module}.{a.name}") for a in node.names}
    return bound


def aliased(dotted: str) -> str:
    """``dotted`` as the allowed name of what it names (``torch.optim.optimizer.Optimizer`` is
    ``torch.optim.Optimizer``: :mod:`grader.engine.subset.aliases`), or as written."""
    return subset_aliases.canonical(dotted) or dotted


def dotted_name(node: ast.expr, imported: dict[str, str]) -> str | None:
    root, attrs = chain(node)
    if isinstance(root, ast.Name) and root.id in imported:
        return aliased(".".join([imported[root.id], *attrs]))
    return None


def holds_refused(dotted: str) -> bool:
    """A reviewed module (``from torch import utils``), or the module of members allowed by their
    full names (``from torch import func``): only as a chain's root, since a module as a value
    could be read by names no check sees."""
    return dotted in members.modules() or dotted in rules.REFUSED_PARENTS


def format_path(receiver: ast.expr | None) -> str:
    """What ``receiver.format`` would evaluate that no check reads: "a string computed at run time"
    unless it is a literal; "a field's path" where a field names an attribute or index (``{0.a}``,
    ``{0[a]}``, nested specs too); "" for a literal of plain fields."""
    if not (isinstance(receiver, ast.Constant) and isinstance(receiver.value, str)):
        return N_("a string computed at run time")
    return N_("a field's path") if _format_paths(receiver.value) else ""


def _format_paths(text: str, depth: int = 0) -> bool:
    """The format string ``text`` has a field with an attribute or index path, in a nested spec
    too; a string that is no format string has none (``format`` raises on it)."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return False
    return any(
        bool(re.search(r"[.\[]", field or "")) or (depth < 2 and _format_paths(spec or "", depth + 1))
        for _literal, field, spec, _conversion in parts
    )
