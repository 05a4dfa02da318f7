"""One parse of a submitted source per grading process: a task's stub test reads its topic
file twice and the tamper scan reads each file twice (``ast.parse`` of a ``losses`` solution:
~1 ms, 2026-11-24). The trees are shared: readers walk them and never change them."""

from __future__ import annotations

import ast
import functools


@functools.lru_cache(maxsize=32)
def tree(source: str | bytes) -> ast.Module | None:
    """``source``'s module tree, or None when it does not parse (bytes honour a coding line)."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None
