"""The learner's program as the loop reader sees it: the topic's file and the helper files beside
it, each with its module-level functions, classes, imports and assignments, and what a
module-level name or a dotted import denotes (one of the learner's functions, classes or files, or
a name from outside: ``numpy.newaxis``, ``functools.reduce``, ``builtins.map``)."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Mapping
from dataclasses import dataclass, field

from grader.engine import parsed
from grader.engine.loop_values import CONSTANT, Func, Node, Value, func, join
from grader.engine.subset_shapes import bound_imports

_BUILTINS = frozenset(dir(builtins))
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass
class Module:
    """One file of the learner's: what its module-level names are bound to."""

    file: str
    functions: dict[str, list[Func]] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)
    assigned: dict[str, list[ast.expr]] = field(default_factory=dict)


def _module(file: str, tree: ast.Module) -> Module:
    module = Module(file, imports=bound_imports(tree))
    for node in tree.body:
        if isinstance(node, _DEFS):  # the last definition of a name is the one that runs
            module.functions[node.name] = [func(file, node)]
        elif isinstance(node, ast.ClassDef):
            module.classes[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    module.assigned.setdefault(target.id, []).append(node.value)
    return module


class Program:
    """The files of a submission the topic's file may import, by file name (``tensors.py``)."""

    def __init__(self, trees: Mapping[str, ast.Module]) -> None:
        self.modules = {name: _module(name, tree) for name, tree in trees.items()}
        self._methods: dict[tuple[str, str], dict[str, list[Func]]] = {}

    @classmethod
    def read(cls, sources: Mapping[str, str], own: str) -> Program | None:
        """None when the topic's file ``own`` does not parse (the subset check refused it already);
        a helper file that does not parse is left out (importing it fails)."""
        trees = {name: parsed.tree(source) for name, source in sources.items()}
        if trees.get(own) is None:
            return None
        return cls({name: tree for name, tree in trees.items() if tree is not None})

    def top(self, file: str, name: str) -> tuple[Value, list[ast.expr]]:
        """What module-level ``name`` of ``file`` is bound to, and the expressions assigned to it
        at module level (for the caller to evaluate)."""
        module = self.modules.get(file)
        if module is None:
            return CONSTANT, []
        value = Value(funcs=frozenset((f, False) for f in module.functions.get(name, [])))
        if name in module.classes:
            value = join(value, Value(classes=frozenset({(file, name)})))
        if name in module.imports:
            value = join(value, self.dotted(module.imports[name]))
        assigned = module.assigned.get(name, [])
        if value == CONSTANT and not assigned and name in _BUILTINS:
            value = Value(outside=frozenset({f"builtins.{name}"}))
        return value, assigned

    def dotted(self, dotted: str) -> Value:
        """An imported dotted name: one of the learner's files or what it defines, else outside."""
        head, *rest = dotted.split(".")
        if f"{head}.py" not in self.modules:
            return Value(outside=frozenset({dotted}))
        if not rest:
            return Value(modules=frozenset({f"{head}.py"}))
        return self.top(f"{head}.py", rest[0])[0]  # what a helper file imports is resolved once

    def methods(self, file: str, cls: str) -> dict[str, list[Func]]:
        """{name: its definitions} of a learner's class and of its bases written in the same file."""
        key = (file, cls)
        if key not in self._methods:
            self._methods[key] = {}  # a class that names itself as a base stops here
            node = self.modules[file].classes.get(cls) if file in self.modules else None
            found: dict[str, list[Func]] = {}
            for base in node.bases if node else []:
                if isinstance(base, ast.Name) and base.id != cls:
                    for name, defs in self.methods(file, base.id).items():
                        found.setdefault(name, []).extend(defs)
            for stmt in node.body if node else []:
                if isinstance(stmt, _DEFS):
                    found[stmt.name] = [func(file, stmt, cls)]
            self._methods[key] = found
        return self._methods[key]

    def class_assigned(self, file: str, cls: str, attr: str) -> list[ast.expr]:
        """What ``cls``'s body assigns to ``attr`` (``op = staticmethod(helper)``)."""
        node = self.modules[file].classes.get(cls) if file in self.modules else None
        found = []
        for stmt in node.body if node else []:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == attr for t in stmt.targets
            ):
                found.append(stmt.value)
        return found


def kind(node: Node) -> str:
    """ "static", "class", "property" or "" for a plain function or method."""
    for decorator in getattr(node, "decorator_list", []):
        if isinstance(decorator, ast.Name) and decorator.id in ("staticmethod", "classmethod", "property"):
            return decorator.id.removesuffix("method")
    return ""
