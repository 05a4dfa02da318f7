"""Each default lives once, in grader/base/defaults.py, and each grading setting is declared once, in
grader/base/options.py: read from the source's syntax trees, so a second home fails here
before it drifts from the first."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import syntax
from helpers import REPO

from grader.base import defaults, options

pytestmark = pytest.mark.engine  # a sweep over the repository (tests/grader/tiers.py)

GRADER = REPO / "grader"
# The sandboxed side imports nothing of grader, so it keeps its own.
NOT_SCANNED = ("defaults.py", "sandboxed")
# Literals in a default position that equal a value of defaults.py by coincidence: (file, name of
# the parameter, field or keyword, value) and why it is another quantity.
COINCIDENCES = {
    ("main.py", "--repeat", 3): "runs per benchmark figure, not SIMILARITY_REFERENCE_EXERCISES",
    ("progress.py", "timeout", 1.0): "how long a progress thread's join waits, not a probe's CPU seconds",
    ("probes.py", "batch_size", 64): "a training batch, not FILE_SIZE_MB",
    ("mark.py", "points", 1): "a check's points, not a count of seconds",
}


# A grading setting is a field of grader/base/options.py's dataclasses.
SETTINGS = {
    field
    for kind in (options.Options, options.Limits, options.Selection)
    for field in kind.__dataclass_fields__
    if field not in ("limits", "selection")
}


def numeric_defaults() -> dict[float, list[str]]:
    """{value: the names in defaults.py that hold it} for its int and float constants."""
    found: dict[float, list[str]] = {}
    for name, value in vars(defaults).items():
        if name.isupper() and isinstance(value, (int, float)) and not isinstance(value, bool):
            found.setdefault(value, []).append(name)
    return found


def _number(node: ast.AST | None) -> float | None:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    return None


def declarations(nodes: Iterable[ast.AST]) -> Iterator[tuple[str, str, ast.AST]]:
    """(owner, name, default) of every parameter of a function and field of a class that has a
    default, among a module's ``nodes``: where a setting is declared."""
    for node in nodes:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            positional = args.posonlyargs + args.args
            for arg, value in zip(positional[len(positional) - len(args.defaults) :], args.defaults):
                yield node.name, arg.arg, value
            for arg, default in zip(args.kwonlyargs, args.kw_defaults):
                if default is not None:
                    yield node.name, arg.arg, default
        elif isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, ast.AnnAssign) and statement.value is not None:
                    yield node.name, ast.unparse(statement.target), statement.value


def default_positions(nodes: Iterable[ast.AST]) -> Iterator[tuple[str, ast.AST]]:
    """(name, value) of every place a default is written: a declaration's default, a call's
    ``default=`` (Click, argparse) and a setting given to a call (``timeout=10.0``)."""
    for _, name, value in declarations(nodes):
        yield name, value
    for node in nodes:
        if isinstance(node, ast.Call):
            flags = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            for keyword in node.keywords:
                if keyword.arg == "default":  # a command-line option's: named by its flag
                    yield (flags[0] if flags else "default"), keyword.value
                elif keyword.arg in SETTINGS:
                    yield keyword.arg, keyword.value


def scanned(root: Path) -> Iterator[tuple[str, tuple[ast.AST, ...]]]:
    """(path relative to ``root``, its syntax tree's nodes) of the grader's modules this test reads
    (tests/grader/syntax.py parses each once a run)."""
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if not set(relative.parts) & set(NOT_SCANNED):
            yield relative.as_posix(), syntax.nodes(path)


def literal_defaults(root: Path) -> list[str]:
    """Where a value of defaults.py is written as a literal default instead of read from it."""
    values = numeric_defaults()
    found = []
    for relative, nodes in scanned(root):
        for name, node in default_positions(nodes):
            number = _number(node)
            if number in values and (Path(relative).name, name, number) not in COINCIDENCES:
                found.append(f"{relative}:{node.lineno} {name}={number!r} (defaults.{values[number][0]}?)")
    return found


# Declarations of a setting's name with a default that are another thing: (file, class or
# function, name) and why.
OTHER_SETTINGS = {
    ("sandbox.py", "Limits", "memory_mb"): "a worker's RLIMIT_DATA, set by each task from Options",
}


def has_value(node: ast.AST) -> bool:
    """A default with a value of its own: a non-empty literal or one read from defaults.py
    (None, "", (), False and empty factories say "not given" or "none")."""
    if isinstance(node, ast.Attribute):
        return ast.unparse(node).startswith("defaults.")
    try:
        return bool(ast.literal_eval(node))
    except ValueError:
        return False


def setting_declarations(root: Path) -> list[str]:
    """Where a grading setting is declared with a default (not None) outside grader/base/options.py."""
    found = []
    for relative, nodes in scanned(root):
        if relative == "base/options.py":
            continue
        for owner, name, value in declarations(nodes):
            if name not in SETTINGS or not has_value(value):
                continue
            if (Path(relative).name, owner, name) not in OTHER_SETTINGS:
                found.append(f"{relative}:{value.lineno} {owner}.{name}")
    return found


def test_no_numeric_default_is_written_twice():
    assert literal_defaults(GRADER) == []


def test_each_grading_setting_is_declared_once():
    assert setting_declarations(GRADER) == []


@pytest.mark.parametrize(
    "planted, caught",
    [
        ("def grade(path, budget=300.0):\n    return path\n", literal_defaults),
        ("import click\nOPTION = click.option('--memory', default=4096)\n", literal_defaults),
        ("def probe(session):\n    return session.run(timeout=10.0)\n", literal_defaults),
        (
            "from dataclasses import dataclass\n\n@dataclass\nclass Settings:\n    device: str = 'auto'\n    keyword: str = ''\n",
            setting_declarations,
        ),
        (
            "from grader import defaults\n\ndef grade(path, budget=defaults.SUBMISSION_BUDGET):\n    pass\n",
            setting_declarations,
        ),
    ],
)
def test_a_planted_second_home_is_found(tmp_path, planted, caught):
    (tmp_path / "clean.py").write_text("from grader import defaults\n\nLIMIT = defaults.MEMORY_MB\n")
    assert caught(tmp_path) == []
    (tmp_path / "planted.py").write_text(planted)
    assert len(caught(tmp_path)) == 1


def test_every_exemption_is_still_needed():
    """An exemption whose code is gone would hide the next duplicate of that name."""
    values = numeric_defaults()
    written = {
        (Path(relative).name, name, _number(node))
        for relative, nodes in scanned(GRADER)
        for name, node in default_positions(nodes)
        if _number(node) in values
    }
    declared = {
        (Path(relative).name, owner, name)
        for relative, nodes in scanned(GRADER)
        for owner, name, value in declarations(nodes)
        if name in SETTINGS and has_value(value)
    }
    assert set(COINCIDENCES) - written == set()
    assert set(OTHER_SETTINGS) - declared == set()
