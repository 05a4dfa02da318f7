"""One parse of a submitted source per grading process: a task's stub test reads its topic
file twice and the subset check reads each file (``ast.parse`` of a ``losses`` solution:
~1 ms, 2026-11-24). The trees are shared: readers walk them and never change them.

Intake is bounded: the readers of a tree (the subset check's visitor, ``symtable``) recurse
once or more per level, so a source nested past :data:`MAX_DEPTH` levels is refused whole
(:func:`too_deep`) instead of being read; one that ``ast.parse`` itself cannot build (a
RecursionError or MemoryError: ``-`` written 100 000 times) counts as nested past it.
"""

from __future__ import annotations

import ast
import functools

from grader.defaults import SOURCE_MAX_DEPTH as MAX_DEPTH


@functools.lru_cache(maxsize=32)
def _parse(source: str | bytes) -> ast.Module | None | BaseException:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    except (RecursionError, MemoryError) as exc:  # the parser's own depth limits
        return exc


def tree(source: str | bytes) -> ast.Module | None:
    """``source``'s module tree, or None when it does not parse or is nested past
    :data:`MAX_DEPTH` (bytes honour a coding line)."""
    parsed = _parse(source)
    if isinstance(parsed, ast.Module) and depth(source) <= MAX_DEPTH:
        return parsed
    return None


@functools.lru_cache(maxsize=32)
def depth(source: str | bytes) -> int:
    """How many levels ``source``'s tree is nested (walked without recursion); past
    :data:`MAX_DEPTH` when the parser could not build it, 0 when it does not parse."""
    parsed = _parse(source)
    if isinstance(parsed, BaseException):
        return MAX_DEPTH + 1
    stack: list[tuple[ast.AST, int]] = [(parsed, 1)] if parsed is not None else []
    deepest = 0
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack += [(child, level + 1) for child in ast.iter_child_nodes(node)]
    return deepest


def too_deep(source: str | bytes) -> str | None:
    """Why ``source`` is not read (one sentence that teaches), or None when it may be."""
    found = depth(source)
    if found <= MAX_DEPTH:
        return None
    how = "too deep for Python to parse" if found == MAX_DEPTH + 1 else f"{found} levels deep"
    return f"its code is nested {how} (the grader reads code nested up to {MAX_DEPTH} levels)"
