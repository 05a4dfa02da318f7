"""The contract grid: for each exercise, each axis of its contract walked by its input domain's
cases (grader/checks/domains.py: the dimensions those cases name, declared or derived) or not
open to it, with the reason its declaration gives (``Domain.exempt``) or its signature shows
(no floating input, nothing written, no generator). A cell that is neither is an unexplained
hole: ``grade author validate`` prints the matrix and names each; docs/checks.md shows the
built-in pack's."""

from __future__ import annotations

import ast
from typing import Any

import torch

from grader.base.packs import all_topics
from grader.checks.cases import domain_cases
from grader.checks.domains import AXES, Case, Domain, _leaves

# What every case of a kind walks by construction (grader/checks/cases/battery_walks.py records it)
BUILT_IN = {
    "types": ("call", "value", "optimiser", "module", "loop", "dataset"),  # a module's output is detached
    "untouched": ("call", "module"),
}
# What every case of a kind walks of the axes, by construction: a Value's grad after backward is judged
BY_KIND = {"value": {"gradient"}}
WALKED = "walked"


def _floating(case: Case) -> bool:
    leaves = list(case.args) + list(case.kwargs.values())
    return any(isinstance(a, torch.Tensor) and a.is_floating_point() for a in leaves)


def defaults(topic: str) -> dict[str, bool]:
    """{exercise: whether its signature (a class's ``__init__`` and methods) has a default}, from the stub."""
    stub = next(t.stub for t in all_topics() if t.name == topic)  # a pack's read from the environment now
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            functions = [node] if isinstance(node, ast.FunctionDef) else node.body
            found[node.name] = any(
                f.args.defaults or any(f.args.kw_defaults)
                for f in functions
                if isinstance(f, ast.FunctionDef)
            )
    return found


def _shown(domain: Domain, axis: str, cases: list[Case], defaulted: bool) -> str:
    """Why ``axis`` is not open to the exercise, from its declaration, cases and signature; "" if it is."""
    kind = cases[0].kind
    floating = any(_floating(c) for c in cases)
    tensors = any(isinstance(a, torch.Tensor) for c in cases for a in c.args)
    if axis == "defaults" and not defaulted:
        return "no argument has a default"
    if axis == "defaults" and kind == "module":
        return WALKED  # every module case calls forward(x) alone: its other arguments at their defaults
    if axis in ("dtype", "magnitude", "gradient", "layout") and not tensors and kind != "module":
        return "no tensor input"
    if axis in ("dtype", "magnitude", "gradient") and not floating and kind == "call":
        return "no floating tensor input"
    if axis == "layout" and domain.contiguous:
        return "the docstring asks for contiguous inputs"
    if axis == "prior" and not domain.writes:
        return "writes no argument"
    if axis == "calls" and kind == "call":
        return "a function: no object kept across calls"
    if axis == "rng" and not any(c.seed is not None or "generator" in c.kwargs for c in cases):
        return "draws nothing at random"
    return ""


def row(domain: Domain, defaulted: bool = True) -> dict[str, str]:
    """{axis: "walked", or the reason it is not open, or "" (a hole)} for one exercise."""
    cases = domain.cases()
    dims = {c.dim for c in cases} | BY_KIND.get(cases[0].kind, set())
    dims |= {"gradient"} if domain.learns or any(c.wrt for c in cases) else set()
    held = {a.dtype for c in cases for a in _leaves((c.args, c.kwargs)) if isinstance(a, torch.Tensor)}
    dims |= {"dtype"} if {torch.float32, torch.float64} <= held else set()  # both, whatever the dimension
    found = {}
    for axis, walking in AXES.items():
        if dims & set(walking):
            found[axis] = WALKED
        else:
            found[axis] = domain.exempt.get(axis) or _shown(domain, axis, cases, defaulted)
    for axis, kinds in BUILT_IN.items():
        found[axis] = WALKED if cases[0].kind in kinds else domain.exempt.get(axis, "")
    return found


def matrix(topic: str) -> dict[str, dict[str, str]]:
    """{exercise: its row} for every exercise of ``topic`` with a declared domain."""
    domain_cases.load(topic)
    signed = defaults(topic)
    return {
        name: row(d, signed.get(name, True))
        for (t, name), d in sorted(domain_cases.REGISTRY.items())
        if t == topic
    }


def holes(found: dict[str, dict[str, str]]) -> list[str]:
    """Each unexplained empty cell, as ``exercise: axis``."""
    return [f"{name}: {axis}" for name, cells in found.items() for axis, cell in cells.items() if not cell]


def table(found: dict[str, dict[str, Any]]) -> str:
    """The matrix as a Markdown table: ✓ walked, – not open (its reason in the notes), ✗ a hole."""
    axes = [*AXES, *BUILT_IN]
    lines = ["| exercise | " + " | ".join(axes) + " |", "|---" * (len(axes) + 1) + "|"]
    for name, cells in found.items():
        marks = ["✓" if cells[a] == WALKED else "–" if cells[a] else "✗" for a in axes]
        lines.append(f"| {name} | " + " | ".join(marks) + " |")
    return "\n".join(lines)


def section(topics: list[str]) -> str:
    """docs/checks.md's grid of ``topics``: each topic's table, then its holes."""
    parts = []
    for topic in topics:
        found = matrix(topic)
        hole = holes(found)
        parts += [f"**{topic}**", "", table(found), "", f"holes: {', '.join(hole) if hole else 'none'}", ""]
    return "\n".join(parts).rstrip() + "\n"
