"""A refusal's words are the catalogue's by construction (a Chinese refusal is
Chinese whole): every text that can reach a :class:`~grader.engine.subset.refusal.Refusal`'s ``what`` or
``instead`` is code or a catalogue message with a zh_CN translation.

The places a refusal is worded are drawn, not listed: every call in grader/ of ``Refusal`` and of
a function whose parameters are named as its fields (``what``, ``instead``: the checker's
``refuse``). From each such argument the texts it may evaluate to are followed through the source
(by ast): literals, f-strings (as the catalogue's templates, ``{0}`` for a value), ``N_(...)`` and
``.format`` on one, the names and tables they come from (a module's constant, ``rules.KEYWORDS[k]``,
a local variable's assignments) and the values the functions they call return. A text is code
(shown as it is) where it holds no word of prose or parses as Python with names for its values
(``from {0} import *``).
"""

from __future__ import annotations

import ast
import functools
import re

import pytest
from helpers import REPO

from grader.base import i18n

pytestmark = pytest.mark.unit

GRADER = REPO / "grader"
REFUSAL = "grader.engine.subset.refusal"
_PLACE = re.compile(r"\{\d+\}")
_WORD = re.compile(r"[A-Za-z][a-z']+[,:;.]?")  # as tests/grader/catalogue.py counts a word of prose


@functools.cache
def tree(module: str) -> ast.Module | None:
    path = REPO / f"{module.replace('.', '/')}.py"
    return ast.parse(path.read_text(encoding="utf-8")) if path.is_file() else None


def modules(*words: str) -> list[str]:
    """grader/'s modules whose text holds every one of ``words`` (the others are not parsed)."""
    texts = {path: path.read_text(encoding="utf-8") for path in sorted(GRADER.rglob("*.py"))}
    return [
        ".".join(path.relative_to(REPO).with_suffix("").parts)
        for path, text in texts.items()
        if all(word in text for word in words)
    ]


def fields() -> list[str]:
    """Refusal's fields in order (its constructor's parameters)."""
    (cls,) = [n for n in ast.walk(tree(REFUSAL)) if isinstance(n, ast.ClassDef) and n.name == "Refusal"]
    return [n.target.id for n in cls.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)]


WORDS = ("what", "instead")


@functools.cache
def sayers() -> dict[tuple[str, str], tuple[bool, dict[int, str]]]:
    """{(module, callable's name): (a method, {position of an argument: "what" or "instead"})}:
    Refusal, and every function of grader/ with parameters of both names (``self`` not counted)."""
    found = {(REFUSAL, "Refusal"): (False, {i: f for i, f in enumerate(fields()) if f in WORDS})}
    for module in modules(*WORDS):
        for node in [tree(module), *(n for n in ast.walk(tree(module)) if isinstance(n, ast.ClassDef))]:
            for function in node.body:
                if isinstance(function, ast.FunctionDef):
                    params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
                    method = isinstance(node, ast.ClassDef) and params[:1] == ["self"]
                    places = {i: p for i, p in enumerate(params[method:]) if p in WORDS}
                    if set(places.values()) == set(WORDS):
                        found[module, function.name] = (method, places)
    return found


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def said(call: ast.Call, module: str) -> dict[int, str] | None:
    """Where ``call`` (in ``module``) gives a refusal's words, if it calls a sayer: by its name
    there or imported, as an attribute of its module, or on ``self`` (a method)."""
    func, names = call.func, imported(module)
    for (home, name), (method, places) in sayers().items():
        if isinstance(func, ast.Name):
            called = names.get(func.id, f"{module}.{func.id}") == f"{home}.{name}"
        elif isinstance(func, ast.Attribute) and func.attr == name and isinstance(func.value, ast.Name):
            called = (method and func.value.id == "self") or names.get(func.value.id) == home
        else:
            called = False
        if called:
            return places
    return None


def sites() -> list[tuple[str, ast.FunctionDef | None, ast.expr]]:
    """(module, enclosing function, argument) of every refusal's words given in grader/."""
    found = []
    for module in {m for _home, name in sayers() for m in modules(f"{name}(")}:
        for scope in [tree(module), *(n for n in ast.walk(tree(module)) if isinstance(n, ast.FunctionDef))]:
            for node in _own_nodes(scope):
                if isinstance(node, ast.Call) and (places := said(node, module)) is not None:
                    starred = any(isinstance(a, ast.Starred) for a in node.args)
                    chosen = (
                        list(node.args) if starred else [a for i, a in enumerate(node.args) if i in places]
                    )
                    chosen += [k.value for k in node.keywords if k.arg in WORDS]
                    fn = scope if isinstance(scope, ast.FunctionDef) else None
                    found += [(module, fn, a) for a in dict.fromkeys(chosen)]
    return found


def _own_nodes(scope: ast.AST) -> list[ast.AST]:
    """The nodes of ``scope`` outside the functions it defines."""
    found, stack = [], list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        found.append(node)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            stack += ast.iter_child_nodes(node)
    return found


class Texts:
    """The texts an expression may evaluate to, followed through grader/'s source."""

    def __init__(self) -> None:
        self.seen: set[tuple[int, int]] = set()

    def of(self, node: ast.AST | None, module: str, scope: ast.FunctionDef | None) -> list[str]:
        key = (id(node), id(scope))
        if node is None or key in self.seen:
            return []
        self.seen.add(key)
        if isinstance(node, ast.Constant):
            return [node.value] if isinstance(node.value, str) else []
        if isinstance(node, ast.JoinedStr):
            return [
                template(node),
                *self.all([v for v in node.values if isinstance(v, ast.FormattedValue)], module, scope),
            ]
        if isinstance(node, ast.FormattedValue):
            return self.of(node.value, module, scope)
        if isinstance(node, ast.Call):
            return self.call(node, module, scope)
        if isinstance(node, ast.Name):
            return self.name(node.id, module, scope)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            target = imported(module).get(node.value.id)
            return self.constant(node.attr, target) if target and tree(target) else []
        parts: list[ast.AST | None] = []
        if isinstance(node, (ast.Subscript, ast.Starred)):
            parts = [node.value]
        elif isinstance(node, ast.IfExp):
            parts = [node.body, node.orelse]
        elif isinstance(node, ast.BoolOp):
            parts = list(node.values)
        elif isinstance(node, ast.BinOp):
            parts = [node.left, node.right]
        elif isinstance(node, (ast.Tuple, ast.List)):
            parts = list(node.elts)
        elif isinstance(node, ast.Dict):
            parts = list(node.values)
        return self.all(parts, module, scope)

    def all(self, nodes: list, module: str, scope: ast.FunctionDef | None) -> list[str]:
        return [t for n in nodes for t in self.of(n, module, scope)]

    def call(self, node: ast.Call, module: str, scope: ast.FunctionDef | None) -> list[str]:
        func, name = node.func, _name(node.func)
        if name in ("N_", "_", "text"):
            return self.all(node.args[:1], module, scope)
        if name in ("format", "get", "fromkeys") and isinstance(func, ast.Attribute):
            return self.all([func.value, *node.args], module, scope)
        found = self.function(func, module)
        if found is None:
            return []  # not grader/'s (str(exc), ", ".join(...)): no text of its own
        where, function = found
        returns = [n.value for n in _own_nodes(function) if isinstance(n, ast.Return)]
        return self.all(returns, where, function)

    def function(self, func: ast.expr, module: str) -> tuple[str, ast.FunctionDef] | None:
        """The function of grader/ that ``func`` names: the module's own (a method of its classes
        by ``self.name``, those of the modules it imports from: a base class's), or imported."""
        name = _name(func)
        if isinstance(func, ast.Name) and name in imported(module):
            module, name = imported(module)[name].rsplit(".", 1)
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id != "self":
            module = imported(module).get(func.value.id, "")
        for where in [module, *({t.rsplit(".", 1)[0] for t in imported(module).values()} - {module})]:
            for node in ast.walk(tree(where) or ast.Module(body=[])):
                if isinstance(node, ast.FunctionDef) and node.name == name:
                    return where, node
            if (
                not isinstance(func, ast.Attribute)
                or not isinstance(func.value, ast.Name)
                or func.value.id != "self"
            ):
                break
        return None

    def name(self, name: str, module: str, scope: ast.FunctionDef | None) -> list[str]:
        if scope is not None:
            values = [v for n in _own_nodes(scope) if (v := _assigned(n, name)) is not None]
            if values:
                return self.all(values, module, scope)
            if name in {a.arg for a in ast.walk(scope.args) if isinstance(a, ast.arg)}:
                return []  # a parameter: its texts are the callers' (checked where they call)
        if name in imported(module):
            target, _, attr = imported(module)[name].rpartition(".")
            return self.constant(attr, target)
        return self.constant(name, module)

    def constant(self, name: str, module: str) -> list[str]:
        """A module-level name's texts."""
        body = tree(module).body if tree(module) else []
        values = [v for n in body if (v := _assigned(n, name)) is not None]
        return self.all(values, module, None)


def _assigned(node: ast.AST, name: str) -> ast.expr | None:
    """The value ``node`` assigns to ``name`` (in a tuple too), if it does."""
    if isinstance(node, ast.Assign):
        targets = [t for target in node.targets for t in ast.walk(target)]
    elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)):
        targets = [node.target]
    else:
        return None
    return node.value if any(isinstance(t, ast.Name) and t.id == name for t in targets) else None


@functools.cache
def imported(module: str) -> dict[str, str]:
    """{name bound by an import in ``module``: the dotted name it stands for}."""
    found = {}
    for node in ast.walk(tree(module) or ast.Module(body=[])):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {a.asname or a.name: f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.asname or a.name: a.name for a in node.names}
    return found


def template(node: ast.JoinedStr) -> str:
    """An f-string as the catalogue would hold it (tests/grader/catalogue.py's template)."""
    parts, values = [], 0
    for part in node.values:
        if isinstance(part, ast.Constant):
            parts.append(str(part.value))
        else:
            parts.append(f"{{{values}}}")
            values += 1
    return "".join(parts)


def is_code(text: str) -> bool:
    """Shown as it is: no word of prose outside its places, or Python with names for them."""
    if not any(_WORD.fullmatch(t) for t in _PLACE.sub(" ", text).split()):
        return True
    try:
        ast.parse(_PLACE.sub("x", text))
    except SyntaxError:
        return False
    return True


@functools.cache
def words() -> dict[str, list[str]]:
    """{text: where it is given} of every refusal's words that is not code."""
    found: dict[str, list[str]] = {}
    texts = Texts()
    for module, scope, arg in sites():
        for text in texts.of(arg, module, scope):
            if not is_code(text):
                found.setdefault(text, []).append(f"{module}:{arg.lineno}")
    return found


def test_the_walk_finds_the_checkers_words():
    """The sites and tables are drawn: the checker's refuse, a table's entry, a returned pair."""
    assert {"Refusal", "refuse"} <= {name for _module, name in sayers()}
    assert len({(module, arg.lineno) for module, _scope, arg in sites()}) >= 40
    found = words()
    rules = Texts().constant("VALUE_METHODS", "grader.engine.subset.rules")
    assert set(rules) <= set(found) and len(rules) >= 3
    assert "use the names your module defines" in found  # check._unbound_problem's return
    assert "use the public name" in found  # names._attribute_problem's, through member_problem
    assert is_code("from {0} import *") and is_code("{0}=") and not is_code("the syntax {0}")


def test_every_refusals_words_are_a_translated_catalogue_message():
    untranslated = {text: where for text, where in words().items() if i18n.in_language("zh_CN", text) == text}
    assert untranslated == {}
