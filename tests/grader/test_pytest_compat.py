"""pytest's private API, one module (grader/engine/pytest_compat.py), pinned: a moved name is named.

The engine reaches pytest's internals (and pytest-timeout's) only through ``pytest_compat``;
pyproject.toml pins both to the tested minor release, and Gradescope's image installs them
through that pin. A release that renames one of the names fails here with that name, not as a
grading that breaks in a worker.
"""

from __future__ import annotations

import ast
import dataclasses
from importlib.metadata import version

import pytest
import syntax
import tomllib
from helpers import REPO
from packaging.requirements import Requirement

from grader.engine import pytest_compat

pytestmark = pytest.mark.engine  # a sweep over the repository (tests/grader/tiers.py)

SAMPLE = """
import pytest

@pytest.fixture(scope="module")
def value():
    return 1

@pytest.mark.parametrize("n", [1])
def test_sample(value, n):
    assert value == n
"""


@pytest.fixture
def sample(pytester: pytest.Pytester) -> pytest.Item:
    return pytester.getitem(SAMPLE, "test_sample[1]")


def test_every_private_name_is_there_and_a_planted_rename_is_named(sample, monkeypatch):
    """Each private name deleted from where it lives (as a release renaming it would leave it):
    the check names that one, and only that one. Put back before the next is planted: this pytest
    runs on the same classes. One sample item for all of them, and for the check that every name
    is there first (a pytester session costs ~0.3 s of CPU)."""
    gone = pytest_compat.missing(sample)
    assert not gone, (
        f"not in pytest {version('pytest')} / pytest-timeout {version('pytest-timeout')}: "
        f"{', '.join(gone)} (grader/engine/pytest_compat.py reaches them)"
    )
    unnamed = []
    for symbol in pytest_compat.SYMBOLS:
        owner, name = symbol.owner(sample), symbol.attribute
        if dataclasses.is_dataclass(owner) and not isinstance(owner, type):  # a frozen instance
            value = getattr(owner, name)
            object.__delattr__(owner, name)
            try:
                gone = pytest_compat.missing(sample)
            finally:
                object.__setattr__(owner, name, value)
        else:
            with monkeypatch.context() as planted:
                planted.delattr(owner, name)
                gone = pytest_compat.missing(sample)
        if symbol.name not in gone:  # with the names reached through it, if any
            unnamed.append(symbol.name)
        assert pytest_compat.missing(sample) == [], f"{symbol.name} was not put back"
    assert unnamed == [], f"deleted but not named: {unnamed}"


INTERNALS = {"_pytest", "pytest_timeout"}
PRIVATE = {symbol.attribute for symbol in pytest_compat.SYMBOLS if symbol.attribute.startswith("_")}


def test_only_the_compatibility_module_reaches_pytest_internals():
    offenders = []
    for path in sorted((REPO / "grader").rglob("*.py")):
        if path.name == "pytest_compat.py":
            continue
        for node in syntax.nodes(path):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{path.relative_to(REPO)}: {n}" for n in names if n.split(".")[0] in INTERNALS]
            if isinstance(node, ast.Attribute) and node.attr in PRIVATE:
                offenders.append(f"{path.relative_to(REPO)}: .{node.attr}")
    assert offenders == []


def _pins() -> dict[str, Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {r.name: r for r in map(Requirement, project["dependencies"])}


@pytest.mark.parametrize("package", ["pytest", "pytest-timeout"])
def test_pinned_to_the_tested_minor_release(package):
    """``>=X.Y,<X.(Y+1)``, and the installed release (the one CI tests) inside it."""
    pin = _pins()[package]
    installed = version(package)
    assert pin.specifier.contains(installed), f"{package} {installed} is not in the pin {pin}"
    major, minor = (int(part) for part in installed.split(".")[:2])
    assert str(pin.specifier) == f"<{major}.{minor + 1},>={major}.{minor}", pin


def test_gradescope_installs_pytest_through_the_pin():
    """setup.sh installs torchgrade's package (its pinned dependencies), and no pytest of its own."""
    setup = (REPO / "grader" / "gradescope" / "template" / "setup.sh").read_text(encoding="utf-8")
    commands = [
        line for line in setup.splitlines() if "pip install" in line and not line.lstrip().startswith("#")
    ]
    assert any(line.rstrip().endswith('install -e "$SOURCE"') for line in commands)
    assert not [line for line in commands if "pytest" in line]
