"""Every test of the grader sits in exactly one tier (a pytest marker), checked at collection.

- ``unit``: no worker, no grading in a subprocess, no sandbox (`pytest -m unit`: the loop while
  changing a judge);
- ``engine``: the grading engine in this process (a TopicSession, workers, the zygote, the pool),
  the sweeps of an engine function over the whole corpus, and the sweeps over the repository's
  own sources (house rules, the message catalogue, the documents: a file's worth of CPU each,
  not the loop while changing a judge; the unit tier has a goal of 20 s of CPU,
  tests/grader/cpu_budget.py);
- ``e2e``: through ``python -m grader`` or another process that grades.

The check runs before ``-m``/``-k`` deselect, so that a test without a tier fails every run.
A run of ``-m unit`` does not import a file whose module ``pytestmark`` names the engine or
end-to-end tier and that names no other tier anywhere: each of its tests has that one tier, so the
check could not fail there and ``-m unit`` would deselect them all, while importing it costs the
unit tier CPU and wall (a zygote started by a ``skipif``, its assertions rewritten; the figures:
docs/benchmark.md, "CI").
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

TIERS = ("unit", "engine", "e2e")
NAMED = re.compile(r"\bmark\.(unit|engine|e2e)\b")  # a tier marker, however it is applied


def tiers_of(item: pytest.Item) -> list[str]:
    """The tier markers on ``item`` (from the test, its class and its module's ``pytestmark``)."""
    return [mark.name for mark in item.iter_markers() if mark.name in TIERS]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    wrong = [
        f"{item.nodeid}: {', '.join(found) or 'none'}" for item in items if len(found := tiers_of(item)) != 1
    ]
    if wrong:
        raise pytest.UsageError(
            f"each test needs exactly one tier marker of {', '.join(TIERS)}; these have:\n" + "\n".join(wrong)
        )


def module_tier(source: str) -> str | None:
    """The one tier every test of this test file has, read from its text where that is certain: its
    module ``pytestmark`` names it, and the file names no other tier (a test's or a class's own
    marker, a ``pytest.param``'s) anywhere."""
    if len(named := set(NAMED.findall(source))) != 1:
        return None
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "pytestmark" for target in node.targets
        ):
            if set(NAMED.findall(ast.unparse(node.value))) == named:
                return named.pop()
    return None


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Under ``-m unit``, skip a test file whose tests are all of another tier (module docstring)."""
    if config.getoption("markexpr") != "unit" or not collection_path.name.startswith("test_"):
        return None
    if collection_path.suffix != ".py" or not collection_path.is_file():
        return None
    source = collection_path.read_text()
    if "mark.unit" in source:
        return None  # without parsing it: most files
    return True if module_tier(source) is not None else None
