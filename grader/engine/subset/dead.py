"""Code that cannot run: the branch of an ``if`` (or a conditional expression) whose test is a
constant, written as a literal (``if False:``) or as a module-level name bound once, to a
literal, and never bound again anywhere in the module (``DEBUG = False`` ... ``if DEBUG:``), or
``__name__ == "__main__"`` where the module never binds ``__name__`` (graded, a module runs under
its topic's name). The twin reader (:mod:`grader.engine.subset.twins`) charges no name
such a branch holds, and a refused line inside one costs nothing (:func:`never_runs`): a charge
only for code that runs."""

from __future__ import annotations

import ast
import functools

from grader.engine.sources import parsed
from grader.engine.subset.shapes import binds


def _bound_names(tree: ast.Module) -> list[str]:
    """Every name any statement or expression of ``tree`` binds or unbinds (one entry each):
    :func:`subset_shapes.binds`, and ``del``, imports, ``global`` and ``nonlocal``."""
    found: list[str] = []
    for node in parsed.walk(tree):
        if name := binds(node):
            found.append(name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Del):
            found.append(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found += [(a.asname or a.name).split(".")[0] for a in node.names]
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            found += list(node.names)
    return found


def constants(tree: ast.Module) -> dict[str, object]:
    """{name: its value} for each module-level name bound once, by ``NAME = literal``."""
    bound = _bound_names(tree)
    found: dict[str, object] = {}
    for statement in tree.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Constant)
            and bound.count(statement.targets[0].id) == 1
        ):
            found[statement.targets[0].id] = statement.value.value
    return found


def _main(test: ast.expr, known: dict[str, object]) -> bool | None:
    """``__name__ == "__main__"`` (either way round; ``!=`` too) where ``__name__`` is the
    module's own: False when graded; None for any other test."""
    if not (
        isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.NotEq))
    ):
        return None
    sides = {ast.dump(test.left), ast.dump(test.comparators[0])}
    if "__name__" not in known or sides != {
        ast.dump(ast.Name("__name__", ast.Load())),
        ast.dump(ast.Constant("__main__")),
    }:
        return None
    return isinstance(test.ops[0], ast.NotEq)


def _truth(test: ast.expr, known: dict[str, object]) -> bool | None:
    """The test's truth where it is a constant, None where it is not."""
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if (main := _main(test, known)) is not None:
        return main
    if isinstance(test, ast.Name) and test.id in known:
        return bool(known[test.id])
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _truth(test.operand, known)
        return None if inner is None else not inner
    return None


@functools.lru_cache(maxsize=32)
def dead(tree: ast.Module) -> frozenset[int]:
    """The ids of the nodes inside a branch that cannot run (once per tree: :func:`parsed.tree`'s,
    which no reader changes)."""
    known = constants(tree) | ({} if "__name__" in _bound_names(tree) else {"__name__": None})
    found: set[int] = set()
    for node in parsed.walk(tree):
        if isinstance(node, (ast.If, ast.IfExp)):
            truth = _truth(node.test, known)
            if truth is None:
                continue
            branch = node.orelse if truth else node.body
            parts = branch if isinstance(branch, list) else [branch]
            found |= {id(inner) for part in parts for inner in parsed.walk(part)}
    return frozenset(found)


def never_runs(statement: ast.stmt, tree: ast.Module) -> bool:
    """``statement`` (of ``tree``'s body) runs no code when graded: an ``if`` whose only branch
    cannot run (a ``__main__`` demo), its test a constant."""
    return isinstance(statement, ast.If) and not statement.orelse and id(statement.body[0]) in dead(tree)
