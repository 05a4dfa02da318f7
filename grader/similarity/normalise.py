"""Source text → one exercise's normalised token stream, each token with its source line.

Parsed with :mod:`ast`, never imported or run. A *unit* is an exercise's top-level definition
plus the module-level helpers it reaches by name; what is dropped, renamed (``V``, ``G``,
``self.A``, ``S``) and kept is docs/architecture.md's, "Similarity of submissions".
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from grader.engine.stubs import is_bare_string

DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Token:
    text: str
    line: int  # 1-based line of the submitted file


@dataclass(frozen=True)
class Unit:
    """One exercise in one file: its tokens and the source lines they come from."""

    tokens: tuple[Token, ...]
    lines: tuple[int, ...]  # the file's line numbers the unit spans (exercise and helpers), sorted


def _top_level_name(node: ast.stmt) -> list[str]:
    if isinstance(node, DEFINITIONS):
        return [node.name]
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return []


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Every import's local name → the full dotted name it stands for."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                found[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return found


def _bound_names(node: ast.AST) -> set[str]:
    """Names a definition binds inside itself: parameters, assignments, loop targets, nested defs."""
    bound: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)):
            bound.add(child.id)
        elif isinstance(child, ast.arg):
            bound.add(child.arg)
        elif isinstance(child, DEFINITIONS) and child is not node:
            bound.add(child.name)
        elif isinstance(child, ast.ExceptHandler) and child.name:
            bound.add(child.name)
        elif isinstance(child, (ast.Import, ast.ImportFrom)):
            bound.update(a.asname or a.name.split(".")[0] for a in child.names)
    return bound


class _Walker:
    def __init__(self, local: set[str], learner: set[str], aliases: dict[str, str]) -> None:
        self.local, self.learner, self.aliases = local, learner, aliases
        self.out: list[Token] = []

    def emit(self, text: str, line: int) -> None:
        self.out.append(Token(text, line))

    def name(self, identifier: str) -> str:
        if identifier in self.local:
            return "V"
        if identifier in self.learner:
            return "G"
        return self.aliases.get(identifier, identifier)

    def walk(self, node: ast.AST, line: int) -> None:
        line = getattr(node, "lineno", line)
        if isinstance(node, (ast.expr_context, ast.Import, ast.ImportFrom)) or is_bare_string(node):
            return
        leaf = self.leaf(node)
        if leaf is not None:
            self.emit(leaf, line)
        elif isinstance(node, ast.Attribute):
            self.walk(node.value, line)
            self.emit("." + node.attr, line)
        elif isinstance(node, ast.keyword):
            self.emit(f"{node.arg or '**'}=", line)
            self.walk(node.value, line)
        elif isinstance(node, (*DEFINITIONS, ast.AnnAssign)):
            self.statement(node, line)
        else:
            self.emit(type(node).__name__, line)
            for _, value in ast.iter_fields(node):
                for child in value if isinstance(value, list) else [value]:
                    if isinstance(child, ast.AST):
                        self.walk(child, line)

    def leaf(self, node: ast.AST) -> str | None:
        """The one token a name, a constant, a parameter or an attribute of self stands for."""
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.Constant):
            return "S" if isinstance(node.value, (str, bytes)) else repr(node.value)
        if isinstance(node, ast.arg):
            return "V"  # its annotation is dropped
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            return "self.A"
        return None

    def statement(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.AnnAssign, line: int
    ) -> None:
        """A definition's tokens (its name and annotations dropped), or an annotated assignment's."""
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.emit("def", line)
            self.walk(node.args, line)
            for child in [*node.decorator_list, *node.body]:
                self.walk(child, line)
        elif isinstance(node, ast.ClassDef):
            self.emit("class", line)
            for child in [*node.bases, *node.keywords, *node.decorator_list, *node.body]:
                self.walk(child, line)
        else:
            self.emit("Assign", line)
            self.walk(node.target, line)
            if node.value is not None:
                self.walk(node.value, line)


def _reached(start: ast.stmt, helpers: dict[str, list[ast.stmt]]) -> list[ast.stmt]:
    """``start`` and the helpers it names, transitively, in source order."""
    seen: list[ast.stmt] = [start]
    todo = [start]
    while todo:
        node = todo.pop()
        for child in ast.walk(node):
            if isinstance(child, ast.Name) and child.id in helpers:
                for helper in helpers[child.id]:
                    if helper not in seen:
                        seen.append(helper)
                        todo.append(helper)
    return sorted(seen, key=lambda n: n.lineno)


def units(tree: ast.Module, exercises: tuple[str, ...]) -> dict[str, Unit]:
    """Each exercise the module defines (the last definition wins, as at import) → its unit."""
    aliases = _aliases(tree)
    defined: dict[str, ast.stmt] = {}
    helpers: dict[str, list[ast.stmt]] = {}
    for node in tree.body:
        for name in _top_level_name(node):
            if name in exercises and isinstance(node, DEFINITIONS):
                defined[name] = node
            elif name not in exercises:
                helpers.setdefault(name, []).append(node)
    learner = set(helpers) | set(defined)
    found = {}
    for exercise, node in defined.items():
        walker = _Walker(set(), learner, aliases)
        spans: set[int] = set()
        for part in _reached(node, helpers):
            walker.local = _bound_names(part) - (set(helpers) if part is not node else set())
            if isinstance(part, DEFINITIONS):
                walker.local.discard(part.name)
            walker.walk(part, part.lineno)
            start = min([part.lineno, *(d.lineno for d in getattr(part, "decorator_list", []))])
            spans.update(range(start, (part.end_lineno or part.lineno) + 1))
        found[exercise] = Unit(tuple(walker.out), tuple(sorted(spans)))
    return found


def exercise_names(stub: ast.Module) -> tuple[str, ...]:
    """The exercises of a topic: the stub's top-level functions and classes, in order."""
    return tuple(node.name for node in stub.body if isinstance(node, DEFINITIONS))
