"""The syntax trees of the code the tests read (grader/'s modules), parsed and walked once per
run: the tests that check the code's shape (one home per default, functions' lengths, pytest's
internals) read every module of grader/, and each parse of it costs ~0.45 s of CPU, each walk of
its trees ~0.13 s. Shared: a caller never changes a tree."""

from __future__ import annotations

import ast
import functools
from pathlib import Path


@functools.cache
def _parsed(path: Path, stamp: tuple[int, int]) -> tuple[ast.Module, tuple[ast.AST, ...]]:
    """``path``'s tree and its nodes, once per version (``stamp``: its mtime and size)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return tree, tuple(ast.walk(tree))


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_mtime_ns, status.st_size


def tree(path: Path) -> ast.Module:
    return _parsed(path, _stamp(path))[0]


def nodes(path: Path) -> tuple[ast.AST, ...]:
    """Every node of ``path``'s tree, in ``ast.walk``'s order."""
    return _parsed(path, _stamp(path))[1]
