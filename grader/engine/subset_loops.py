""" "Vectorised" read from the source: a loop, a comprehension, recursion or an element callback in
the reachable code of an exercise its docstring says is vectorised (the suite's ``VECTORISED``),
decided on the trusted side from the text the subset checker reads.

Op counts and CPU cost measure what a call did on the inputs a probe chose: a numpy loop, a
loop used only below some size, work spread over earlier calls or a cheap ``.tolist()`` loop
passed them. The source says it whatever the inputs. Read as a loop over the data:
``for`` and comprehensions except over a literal tuple or list or ``range`` of a constant;
``while``; a function of the reachable code that calls itself; ``map``, ``filter``,
``functools.reduce``, ``itertools``; ``.tolist()``, ``.item()``, ``.apply_``, ``.map_``,
``.map2_``, ``.numpy()``; any use of numpy (a round trip out of torch). The measured checks stay
as backstops.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from grader.checks.judge import hinted, worded
from grader.checks.scoring import TopicResult
from grader.engine.subset_charge import reachable
from grader.engine.subset_shapes import bound_imports, chain
from grader.i18n import N_, _

CALLBACKS = frozenset({"tolist", "item", "apply_", "map_", "map2_", "numpy"})
LOOPING = frozenset({"map", "filter"})
MODULES = frozenset({"numpy", "itertools"})  # any use of them reads the data element-wise or out of torch
COMPREHENSION = N_("a comprehension")
RECURSION = N_("recursion in %(name)s")
HINT = N_(
    "a Python loop over rows, columns or elements runs more operations for bigger inputs; "
    "use broadcasting and reductions over whole tensors instead"
)


@dataclass(frozen=True)
class Loop:
    """Where an exercise that must be vectorised loops over its data, and how."""

    exercise: str
    what: str  # as the source writes it: "for", "while", ".tolist()", "numpy", ...
    line: int


def _literal(iterable: ast.expr) -> bool:
    """A loop over this is not over the data: a literal tuple, list or set, ``range(constant)``."""
    if isinstance(iterable, (ast.Tuple, ast.List, ast.Set)):
        return True
    return (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Name)
        and iterable.func.id == "range"
        and all(isinstance(a, ast.Constant) for a in iterable.args)
    )


def _modules(tree: ast.Module) -> dict[str, str]:
    """{name: module} for the names bound to numpy, itertools or functools (or their members)."""
    return {k: v for k, v in bound_imports(tree).items() if v.split(".")[0] in MODULES | {"functools"}}


def _loop(node: ast.AST, modules: dict[str, str]) -> str:
    """How ``node`` loops over the data ("" when it does not)."""
    if isinstance(node, (ast.For, ast.AsyncFor)) and not _literal(node.iter):
        return "for"
    if isinstance(node, ast.While):
        return "while"
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        return "" if all(_literal(g.iter) for g in node.generators) else COMPREHENSION
    if isinstance(node, ast.Attribute) and node.attr in CALLBACKS:
        return f".{node.attr}()"
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        found = modules.get(node.id, "")
        if found.split(".")[0] in MODULES or found == "functools.reduce":
            return found
        return node.id if node.id in LOOPING else ""
    if isinstance(node, ast.Attribute):
        root, attrs = chain(node)
        if isinstance(root, ast.Name) and modules.get(root.id) == "functools" and attrs[:1] == ["reduce"]:
            return "functools.reduce"
    return ""


def _recursive(nodes: Iterable[ast.AST]) -> list[tuple[int, str]]:
    """(line, name) of each function of ``nodes`` that reads its own name in its body."""
    found = []
    for node in nodes:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            calls = [
                n for stmt in node.body for n in ast.walk(stmt)
                if isinstance(n, ast.Name) and n.id == node.name and isinstance(n.ctx, ast.Load)
            ]  # fmt: skip
            found += [(n.lineno, _(RECURSION) % {"name": node.name}) for n in calls[:1]]
    return found


def loops(source: str, vectorised: Collection[str], exercises: Collection[str]) -> dict[str, Loop]:
    """{exercise: its first loop over the data} for the exercises of ``vectorised`` (raises
    :class:`parsed.OverBudget` past the reading's clock)."""
    read = reachable(source, vectorised, exercises) if vectorised else None
    return {} if read is None else loops_in(*read, vectorised)


def loops_in(
    tree: ast.Module, reached: Mapping[str, list[ast.AST]], vectorised: Collection[str]
) -> dict[str, Loop]:
    """:func:`loops` on a reading already made (:func:`subset_charge.reachable`)."""
    found: dict[str, Loop] = {}
    modules = _modules(tree)
    for exercise, nodes in reached.items():
        if exercise not in vectorised:
            continue
        hits = [(getattr(n, "lineno", 0), what) for n in nodes if (what := _loop(n, modules))]
        hits += _recursive(nodes)
        if hits:
            line, what = min(hits)
            found[exercise] = Loop(exercise, what, line)
    return found


def charge(result: TopicResult, found: Mapping[str, Loop], file: str) -> None:
    """Fail each passed "vectorised" check of an exercise of ``found``, naming the loop."""
    for test in result.tests:
        hits = [found[e] for e in test.exercises if e in found]
        if not hits or test.status != "passed" or test.clause != "vectorised":
            continue
        hit = hits[0]
        loop = _(hit.what) if hit.what == COMPREHENSION else hit.what
        got = _("%(loop)s in %(where)s") % {"loop": loop, "where": f"{file}, line {hit.line}"}
        what = _("%(exercise)s is vectorised") % {"exercise": hit.exercise}
        expected = _("no Python loop over the data")
        test.status, test.points, test.curve = "failed", 0.0, None
        test.message = worded(what, expected, got) + hinted(_(HINT))
        test.cause, test.blame, test.stub, test.form = "", hit.exercise, "", False
