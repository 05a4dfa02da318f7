"""What a refusal of the graded subset costs: only the exercises whose code holds the refused
lines, when that can be cut out of the module without running any of it.

A refused line inside a top-level ``def`` or ``class`` costs that definition; a refused
module-level statement that binds names (``ACTS = {n: globals()[n] ...}``, an import) costs the
definitions that read those names; and a definition that reads a charged one is charged too (a
helper's refusal costs the exercises that call it). The charged definitions are replaced, on the
same lines, by stand-ins that raise when called, and the new source is checked again: what runs
is inside the subset. Anything else (a refused statement that binds nothing, two statements on one
line, a one-line class) costs the whole topic, as before. Module-level code that calls a charged
definition fails when the module loads, so such a module scores as a refused one did: 0, with the
stand-in's message.
"""

from __future__ import annotations

import ast

from grader.engine import parsed
from grader.engine.subset_check import Refusal, check

STAND_IN = "raise NotImplementedError({message!r})"


def _span(node: ast.stmt) -> tuple[int, int]:
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return first, node.end_lineno or node.lineno


def _binds(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {a.asname or a.name.split(".")[0] for a in node.names}
    if isinstance(node, ast.Assign):
        targets: list[ast.AST] = list(node.targets)
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For)):
        targets = [node.target]
    elif isinstance(node, ast.With):
        targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
    else:
        return set()  # binds nothing a definition could read (a call, a loop's body...)
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _reads(node: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def charged(
    source: str, refusals: list[Refusal], local: dict[str, frozenset[str]]
) -> tuple[frozenset[str], str] | None:
    """The definitions ``refusals`` cost and the source with them replaced by stand-ins, or None
    when the refusals cost the whole topic."""
    tree = parsed.tree(source)
    if tree is None or not refusals:
        return None
    spans = [(_span(node), node) for node in tree.body]
    hit: list[ast.stmt] = []
    for refusal in refusals:
        owners = [node for (first, last), node in spans if first <= refusal.line <= last]
        if len(owners) != 1:
            return None
        hit += [owners[0]] if owners[0] not in hit else []
    names = set().union(*(_binds(node) for node in hit))
    if any(not _binds(node) for node in hit):
        return None
    definitions = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    cost = {n.name for n in hit if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    while True:  # whatever reads a charged name is charged
        more = {d.name for d in definitions if d.name not in cost and _reads(d) & (names | cost)}
        if not more:
            break
        cost |= more
    if not cost:
        return None
    replaced = _stand_ins(source, spans, hit + [d for d in definitions if d.name in cost and d not in hit])
    if replaced is None or check(replaced, local):
        return None
    return frozenset(cost), replaced


def _stand_ins(
    source: str, spans: list[tuple[tuple[int, int], ast.stmt]], nodes: list[ast.stmt]
) -> str | None:
    """``source`` with each of ``nodes`` replaced on its own lines (the line numbers kept)."""
    lines = source.splitlines()
    for node in nodes:
        first, last = _span(node)
        if any(other is not node and f <= last and first <= end for (f, end), other in spans):
            return None  # shares a line with another statement
        message = f"not run: its code is outside the graded subset (line {first})"
        raise_it = STAND_IN.format(message=message)
        if isinstance(node, ast.FunctionDef):
            stand_in = [f"def {node.name}(*args, **kwargs): {raise_it}"]
        elif isinstance(node, ast.ClassDef) and last > first:
            stand_in = [f"class {node.name}:", f"    def __init__(self, *args, **kwargs): {raise_it}"]
        elif isinstance(node, ast.ClassDef):
            return None
        else:
            stand_in = [" = ".join(sorted(_binds(node))) + " = None"]
        lines[first - 1 : last] = stand_in + [""] * (last - first + 1 - len(stand_in))
    return "\n".join(lines) + "\n"
