"""Mutants of a reference solution: the same module with one small edit inside one exercise, the
way a learner's mistake differs from a right answer (Clegg, McMinn and Fraser; Perretta and Guha:
mutants of the model solution stand in for students' mistakes).

Read from the syntax tree, so every mutant parses and is the reference's own code elsewhere; the
operators are docs/authors.md's table, "The edits".
"""

from __future__ import annotations

import ast
import copy
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

MIRRORS = {
    "sum": "mean", "mean": "sum", "max": "min", "min": "max", "amax": "amin", "amin": "amax",
    "argmax": "argmin", "argmin": "argmax", "log1p": "log", "expm1": "exp", "cumsum": "cumprod",
    "relu": "sigmoid", "tanh": "sigmoid", "sqrt": "exp", "clamp_min": "clamp_max",
}  # fmt: skip
OPERATORS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult,
    ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv,
}  # fmt: skip
COMPARISONS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
}  # fmt: skip


@dataclass(frozen=True)
class Mutant:
    """One edit of the reference inside ``exercise``: where, what it was, what it became."""

    exercise: str
    line: int
    operator: str
    before: str
    after: str
    source: str  # the whole module with the edit
    nth: int = 0  # among the exercise's mutants of the same edit, in line order

    @property
    def id(self) -> str:
        """Stable while the code around it changes (no line number): what an author marks."""
        text = "\0".join((self.exercise, self.operator, self.before, self.after, str(self.nth)))
        return hashlib.sha1(text.encode()).hexdigest()[:10]

    def diff(self) -> str:
        return f"line {self.line}: {self.before}  →  {self.after}"


def _swap(table: dict, attr: str) -> Callable[[ast.AST], bool]:
    def change(node: ast.AST) -> bool:
        new = table.get(type(getattr(node, attr)))
        if new is None:
            return False
        setattr(node, attr, new())
        return True

    return change


def _drop_term(node: ast.AST) -> bool:
    assert isinstance(node, ast.BinOp)
    return _replace_with(node, node.left)


def _drop_sign(node: ast.AST) -> bool:
    assert isinstance(node, ast.UnaryOp)
    return _replace_with(node, node.operand)


def _comparison(node: ast.AST) -> bool:
    assert isinstance(node, ast.Compare)
    node.ops = [COMPARISONS[type(node.ops[0])]()]
    return True


def _and_or(node: ast.AST) -> bool:
    assert isinstance(node, ast.BoolOp)
    node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    return True


def _negate(node: ast.AST) -> bool:
    assert isinstance(node, (ast.If, ast.IfExp, ast.While))
    node.test = ast.UnaryOp(ast.Not(), node.test)
    return True


def _mirror(node: ast.AST) -> bool:
    assert isinstance(node, ast.Attribute)
    node.attr = MIRRORS[node.attr]
    return True


def _replace_with(node: ast.AST, other: ast.AST) -> bool:
    node.__class__ = other.__class__
    node.__dict__.update(copy.deepcopy(other.__dict__))
    return True


def _number(node: ast.AST) -> bool:
    assert isinstance(node, ast.Constant)
    value = node.value
    if isinstance(value, bool):
        node.value = not value
    elif isinstance(value, int):
        node.value = value + 1
    elif isinstance(value, float):
        node.value = value * 2 if value else 1.0
    return True


def _keyword(node: ast.AST) -> bool:
    assert isinstance(node, ast.keyword)
    value = node.value
    if node.arg == "keepdim" and isinstance(value, ast.Constant) and isinstance(value.value, bool):
        value.value = not value.value
        return True
    if node.arg == "dim" and isinstance(value, ast.Constant) and type(value.value) is int:
        value.value = 0 if value.value != 0 else 1
        return True
    if node.arg == "dim" and isinstance(value, ast.UnaryOp) and isinstance(value.operand, ast.Constant):
        node.value = ast.Constant(0)
        return True
    return False


def _detach(node: ast.AST) -> bool:
    """``return e`` → ``return e.detach()`` (a tensor result cut from autograd)."""
    assert isinstance(node, ast.Return) and node.value is not None
    if isinstance(node.value, (ast.Tuple, ast.Constant, ast.JoinedStr)):
        return False
    node.value = ast.Call(ast.Attribute(node.value, "detach", ast.Load()), [], [])
    return True


def _constant(node: ast.AST) -> bool:
    """``return e`` → ``return 0 * e`` (a tensor of e's shape, dtype and device, all zeros)."""
    assert isinstance(node, ast.Return) and node.value is not None
    if isinstance(node.value, (ast.Tuple, ast.Constant, ast.JoinedStr)):
        return False
    node.value = ast.BinOp(ast.Constant(0), ast.Mult(), node.value)
    return True


def _sites(tree: ast.Module, exercises: tuple[str, ...]) -> Iterator[tuple[str, int, ast.AST]]:
    """(exercise, its index in a walk of the module, node) for every node inside an exercise's
    definition (its body; not decorators or annotations)."""
    index = 0
    for top in tree.body:
        name = getattr(top, "name", "")
        for node in ast.walk(top):
            if name in exercises and node is not top and not isinstance(node, ast.arg):
                yield name, index, node
            index += 1


def _walk_at(tree: ast.Module, at: int) -> ast.AST:
    index = 0
    for top in tree.body:
        for node in ast.walk(top):
            if index == at:
                return node
            index += 1
    raise IndexError(at)


def mutants(source: str, exercises: tuple[str, ...]) -> list[Mutant]:
    """Every mutant of ``source`` inside ``exercises``, each a whole module that parses and
    differs from the reference's code."""
    tree = ast.parse(source)
    original = ast.unparse(tree)
    found: list[Mutant] = []
    annotations = {id(a) for n in ast.walk(tree) if isinstance(n, ast.arg) for a in ast.walk(n)}
    for exercise, at, node in _sites(tree, exercises):
        if id(node) in annotations:
            continue
        for operator, edit in [(name, edit) for name, applies, edit in RULES if applies(node)]:
            copied = copy.deepcopy(tree)
            target = _walk_at(copied, at)
            before = ast.unparse(target)
            if not edit(target):
                continue
            text = ast.unparse(copied)
            if text == original:
                continue
            line = getattr(node, "lineno", 0) or getattr(getattr(node, "value", None), "lineno", 0)
            after = ast.unparse(target)
            if isinstance(node, ast.Return):
                before, after = before.removeprefix("return "), after.removeprefix("return ")
            found.append(Mutant(exercise, line, operator, _short(before), _short(after), text + "\n"))
    return _unique(found)


def _short(text: str) -> str:
    one = " ".join(text.split())
    return one if len(one) <= 80 else one[:77] + "..."


def _unique(found: list[Mutant]) -> list[Mutant]:
    """Each module once; the same edit's occurrences in one exercise numbered apart."""
    seen: set[str] = set()
    count: dict[tuple[str, str, str, str], int] = {}
    kept = []
    for mutant in found:
        if mutant.source not in seen:
            seen.add(mutant.source)
            key = (mutant.exercise, mutant.operator, mutant.before, mutant.after)
            count[key] = count.get(key, -1) + 1
            kept.append(replace(mutant, nth=count[key]))
    return kept


# (name, where it applies, the edit: changes the node in place, says it did); a node's edits in this order
RULES: tuple[tuple[str, Callable[[ast.AST], bool], Callable[[ast.AST], bool]], ...] = (
    ("operator", lambda n: isinstance(n, ast.BinOp) and type(n.op) in OPERATORS, _swap(OPERATORS, "op")),
    ("term", lambda n: isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Add, ast.Sub)), _drop_term),
    ("sign", lambda n: isinstance(n, ast.UnaryOp) and isinstance(n.op, (ast.USub, ast.Not)), _drop_sign),
    (
        "comparison",
        lambda n: isinstance(n, ast.Compare) and len(n.ops) == 1 and type(n.ops[0]) in COMPARISONS,
        _comparison,
    ),
    ("and/or", lambda n: isinstance(n, ast.BoolOp), _and_or),
    ("condition", lambda n: isinstance(n, (ast.If, ast.IfExp, ast.While)), _negate),
    ("number", lambda n: isinstance(n, ast.Constant) and type(n.value) in (int, float, bool), _number),
    ("keyword", lambda n: isinstance(n, ast.keyword) and n.arg in ("keepdim", "dim"), _keyword),
    ("mirror", lambda n: isinstance(n, ast.Attribute) and n.attr in MIRRORS, _mirror),
    ("detach", lambda n: isinstance(n, ast.Return) and n.value is not None, _detach),
    ("constant", lambda n: isinstance(n, ast.Return) and n.value is not None, _constant),
)
