"""The learner's program as the loop reader sees it: the topic's file and the helper files beside
it, each with its module-level functions, classes, imports and assignments, and what a
module-level name or a dotted import denotes (one of the learner's functions, classes or files, or
a name from outside: ``numpy.newaxis``, ``functools.reduce``, ``builtins.map``)."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Mapping
from dataclasses import dataclass, field

from grader.engine.loops.values import CONSTANT, Carried, Func, Node, func, join
from grader.engine.sources import parsed
from grader.engine.subset.shapes import bound_imports

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


MODULE = "<module>"  # the class name of a module-level assignment, read as a function


def _assignments(file: str, tree: ast.Module) -> dict[str, list[Func]]:
    """{name: each module-level assignment that binds it, as the body of a function of its own
    (:data:`MODULE`)}, read like any other: what the module-level name may be."""
    found: dict[str, list[Func]] = {}
    arguments = ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[])
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            node = ast.FunctionDef(name=MODULE, args=arguments, body=[stmt], decorator_list=[])
            one = func(file, node, MODULE)
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            for name in sorted(names):
                found.setdefault(name, []).append(one)
    return found


class Program:
    """The files of a submission the topic's file may import, by file name (``tensors.py``)."""

    def __init__(self, trees: Mapping[str, ast.Module]) -> None:
        self.modules = {name: _module(name, tree) for name, tree in trees.items()}
        self._methods: dict[tuple[str, str], dict[str, list[Func]]] = {}
        self.assignments = {name: _assignments(name, tree) for name, tree in trees.items()}

    @classmethod
    def read(cls, sources: Mapping[str, str], own: str) -> Program | None:
        """The topic's file ``own`` and the files of ``sources`` it imports, directly or not (each
        parsed once); None when ``own`` does not parse (the subset check refused it already). A
        helper file that does not parse is left out (importing it fails)."""
        trees: dict[str, ast.Module] = {}
        queue = [own]
        while queue:
            name = queue.pop()
            tree = parsed.tree(sources[name]) if name not in trees else None
            if tree is None:
                continue
            trees[name] = tree
            found = [parsed.module_file(dotted, sources) for dotted in bound_imports(tree).values()]
            queue += sorted({f[0] for f in found if f is not None and f[0] not in trees})
        return cls(trees) if own in trees else None

    def top(
        self, file: str, name: str, seen: frozenset[tuple[str, str]] = frozenset()
    ) -> tuple[Carried, list[ast.expr]]:
        """What module-level ``name`` of ``file`` is bound to, and the expressions assigned to it
        at module level (for the caller to evaluate); ``seen``: the names an import chain has
        passed (files may import each other)."""
        module = self.modules.get(file)
        if module is None:
            return CONSTANT, []
        value = Carried(funcs=frozenset((f, False) for f in module.functions.get(name, [])))
        if name in module.classes:
            value = join(value, Carried(classes=frozenset({(file, name)})))
        if name in module.imports and (file, name) not in seen:
            value = join(value, self.dotted(module.imports[name], seen | {(file, name)}))
        assigned = module.assigned.get(name, [])
        if value == CONSTANT and not assigned and name in _BUILTINS:
            value = Carried(outside=frozenset({f"builtins.{name}"}))
        return value, assigned

    def dotted(self, dotted: str, seen: frozenset[tuple[str, str]] = frozenset()) -> Carried:
        """An imported dotted name: one of the learner's files or what it defines, else outside."""
        found = parsed.module_file(dotted, self.modules)
        if found is None:
            return Carried(outside=frozenset({dotted}))
        file, rest = found
        if not rest:
            return Carried(modules=frozenset({file}))
        return self.top(file, rest[0], seen)[0]

    def methods(self, file: str, cls: str) -> dict[str, list[Func]]:
        """{name: its definitions} of a learner's class and of its bases written in the same file
        (the class's own first)."""
        key = (file, cls)
        if key not in self._methods:
            classes = self.modules[file].classes if file in self.modules else {}
            found: dict[str, list[Func]] = {}
            order, queue = [], [cls]
            while queue:  # the class, then its bases, breadth first (a base named twice, once)
                name = queue.pop(0)
                if name in order or name not in classes:
                    continue
                order.append(name)
                queue += [b.id for b in classes[name].bases if isinstance(b, ast.Name)]
            for name in order:
                for stmt in classes[name].body:
                    if isinstance(stmt, _DEFS) and stmt.name not in found:
                        found[stmt.name] = [func(file, stmt, name)]
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
