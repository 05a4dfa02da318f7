"""Code that cannot run: the branch of an ``if`` (or a conditional expression) whose test is a
constant, written as a literal (``if False:``) or as a module-level name bound once, to a
literal, and never bound again anywhere in the module (``DEBUG = False`` ... ``if DEBUG:``).
The twin reader (:mod:`grader.engine.subset.subset_twins`) charges no name such a branch holds:
a charge only for code that runs."""

from __future__ import annotations

import ast
import functools

from grader.engine import parsed
from grader.engine.subset.subset_shapes import binds


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


def _truth(test: ast.expr, known: dict[str, object]) -> bool | None:
    """The test's truth where it is a constant, None where it is not."""
    if isinstance(test, ast.Constant):
        return bool(test.value)
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
    known = constants(tree)
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
