"""Which reading of a module's scopes (:class:`~grader.engine.subset.scopes.Scopes`) each
reader gets: one reading a source, parsed once (:func:`parsed.tree`), and one view of it for each
set of names called from outside the module (the exercises: :meth:`Scopes.seen_from`), kept for
the sources a grading process read last."""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable

from grader.engine.sources import parsed
from grader.engine.subset.scopes import Scopes

KEPT = 32  # the sources whose readings are kept
_BY_TREE: parsed.PerTree[Scopes | None] = parsed.PerTree(KEPT)  # the one store of readings


def of(source: str, outside: Iterable[str] = ()) -> Scopes | None:
    """The scopes of ``source``, ``outside`` the module-level names its callers outside it call
    (the exercises); None when it does not parse or the compiler refuses its scopes."""
    tree = parsed.tree(source)
    if tree is None:
        return None
    read, called = _read(source, tree), frozenset(outside)
    return _seen(read, called) if read is not None and called else read


def of_tree(tree: ast.Module) -> Scopes | None:
    """The reading of ``tree`` :func:`of` made (seen from no outside caller), None if none was."""
    return _BY_TREE.get(tree)


def _read(source: str, tree: ast.Module) -> Scopes | None:
    """``tree``'s reading (``tree`` is ``source``'s, :func:`parsed.tree`), kept for the last
    :data:`KEPT` trees."""

    def read() -> Scopes | None:
        try:
            return Scopes(source, tree)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None

    return _BY_TREE.of(tree, read)


@functools.lru_cache(maxsize=KEPT)
def _seen(read: Scopes, outside: frozenset[str]) -> Scopes:
    return read.seen_from(outside)
