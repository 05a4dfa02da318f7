"""A notebook cell's code as plain Python (IPython's own ``TransformerManager``: magics, ``!``
commands, ``?`` help; the body of a ``%%time`` or ``%%capture`` cell), each line mapped back to
its line in the cell (grader/engine/sources/notebooks.py reads the cells through it)."""

from __future__ import annotations

import ast
import bisect
from collections.abc import Callable
from typing import cast

from grader.engine.sources import parsed

PYTHON_CELL_MAGICS = ("time", "capture")  # cell magics whose body is Python like any other cell's


def _align(original: list[str], transformed: list[str], offset: int) -> list[int]:
    """For each transformed line, its line in the cell (1-based). IPython's transforms keep
    lines in place except leading blank lines (dropped) and magics continued with ``\\``
    (joined): match lines by text, walking forward (each text's places are looked up, never
    searched for: a cell of many changed lines would make a search quadratic)."""
    places: dict[str, list[int]] = {}
    for i, text in enumerate(original):
        places.setdefault(text.strip(), []).append(i)
    lines, at = [], 0
    for text in transformed:
        candidates = places.get(text.strip(), [])
        index = bisect.bisect_left(candidates, at)
        found = candidates[index] if index < len(candidates) else min(at, len(original) - 1)
        lines.append(found + 1 + offset)
        at = found + 1
    return lines


def _cell_magic(code: str) -> tuple[str, str] | None:
    """(magic name, body) when ``code`` is one ``get_ipython().run_cell_magic(...)`` call."""
    if not code.lstrip().startswith("get_ipython().run_cell_magic("):  # no parse of every cell
        return None
    tree = parsed.tree(code)  # the same parse _collect_cell reads next
    if tree is None or len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = tree.body[0].value
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "run_cell_magic"
        and len(call.args) == 3
        and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args)
    ):
        return None
    name, _, body = (a.value for a in call.args)  # type: ignore[attr-defined]
    return name, body


def _transformed(source: str) -> str:
    """IPython's ``transform_cell``. Its token transforms (magics, ``!`` commands, ``?`` help)
    only rewrite what is not Python, and tokenising a cell costs ~10 ms per 100 lines: a cell
    that parses as Python once its line transforms ran (prompts, indentation, ``%%``) is left
    as they left it."""
    from IPython.core.inputtransformer2 import TransformerManager

    manager = TransformerManager()
    lines = (source if source.endswith("\n") else source + "\n").splitlines(keepends=True)
    # IPython's two lists infer as list[object]: each transform takes and gives the cell's lines
    transforms = cast(
        "list[Callable[[list[str]], list[str]]]", manager.cleanup_transforms + manager.line_transforms
    )
    for transform in transforms:
        lines = transform(lines)
    cleaned = "".join(lines)
    if parsed.tree(cleaned) is not None:
        return cleaned
    return "".join(manager.do_token_transforms(lines))


def python_of(source: str, offset: int = 0) -> tuple[str, list[int]]:
    """A cell's code as plain Python (IPython's transforms) and, per line, its line in the cell."""
    code = _transformed(source)
    magic = _cell_magic(code)
    if magic is not None:
        name, body = magic
        blank = next((i for i, line in enumerate(source.splitlines()) if line.strip()), 0)
        return python_of(body, offset + blank + 1) if name in PYTHON_CELL_MAGICS else ("", [])
    return code, _align(source.splitlines(), code.splitlines(), offset)
