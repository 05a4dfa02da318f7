"""The one home of the engine's use of pytest's private API (and pytest-timeout's undocumented one).

Every such name (docs/engine.md, "A check without pytest's reports": what needs them) is imported
or read here, and only here; ``pyproject.toml`` pins pytest and pytest-timeout to the tested minor
releases; :data:`SYMBOLS` lists each name, and :func:`missing` (run by
``tests/grader/test_pytest_compat.py``) names those a release moved.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from _pytest.mark import KeywordMatcher  # how -k reads an item
from _pytest.mark.expression import Expression  # what -k parses with

if TYPE_CHECKING:  # the rest is imported where used: -k alone (grade's preflight) needs only the above
    import pytest
    from _pytest.runner import SetupState

__all__ = [
    "SYMBOLS",
    "configured",
    "direct_param_types",
    "drop_request",
    "fixture_definitions",
    "keyword_filter",
    "keyword_names",
    "missing",
    "need_request",
    "setup_state",
    "timeout_sigalrm",
]


def configured(args: list[str], plugins: list[object]) -> tuple[pytest.Config, pytest.Session]:
    """A configuration as ``pytest.main`` makes it, configured (its plugins' configure hooks
    run), and its session, not started."""
    from _pytest.config import _prepareconfig  # what pytest.main configures with
    from _pytest.main import Session

    config = _prepareconfig(args, plugins=plugins)
    config._do_configure()
    return config, Session.from_config(config)


def direct_param_types() -> tuple[type, ...]:
    """The class of a direct parameter's pseudo-fixture (``@pytest.mark.parametrize`` on a test)."""
    from _pytest.python import DirectParamFixtureDef

    return (DirectParamFixtureDef,)


def timeout_sigalrm(item: pytest.Item, settings: Any) -> None:
    """pytest-timeout's own handler: fails a check whose backstop timer expired."""
    import pytest_timeout

    pytest_timeout.timeout_sigalrm(item, settings)


def setup_state(session: pytest.Session) -> SetupState:
    """The session's fixture stack (setup, teardown up to the next item)."""
    return session._setupstate


def fixture_definitions(item: pytest.Item) -> dict[str, Any]:
    """{fixture name: its definitions, the one in use last} for ``item``."""
    definitions: dict[str, Any] = item._fixtureinfo.name2fixturedefs  # type: ignore[attr-defined]
    return definitions


def need_request(item: pytest.Item) -> bool:
    """Make ``item``'s fixture request again if an earlier run dropped it; whether it has one."""
    if not hasattr(item, "_request"):
        return False
    if not item._request:
        item._initrequest()  # type: ignore[attr-defined]
    return True


def drop_request(item: pytest.Item) -> None:
    """As pytest does after a run: the item's fixture values go until its next run."""
    item._request = False  # type: ignore[attr-defined]
    item.funcargs = None  # type: ignore[attr-defined]


def keyword_names(item: pytest.Item) -> tuple[str, ...]:
    """The names -k matches for ``item``, sorted."""
    return tuple(sorted(KeywordMatcher.from_item(item)._names))


def keyword_filter(expression: str) -> Callable[[Iterable[str]], bool]:
    """Whether -k ``expression`` selects an item with these keyword names (raises as -k would)."""
    compiled = Expression.compile(expression)
    return lambda names: compiled.evaluate(KeywordMatcher(set(names)))


@dataclass(frozen=True)
class Symbol:
    """One private name: ``owner(sample)`` holds ``attribute`` (``sample``: a collected item)."""

    name: str
    owner: Callable[[pytest.Item], object]
    attribute: str


def _at(module: str, *path: str) -> Symbol:
    """The name ``module.path...``, its owner looked up when checked (a planted rename is seen)."""

    def owner(item: pytest.Item) -> object:
        found: object = importlib.import_module(module)
        for name in path[:-1]:
            found = getattr(found, name)
        return found

    return Symbol(".".join((module, *path)), owner, path[-1])


def _fixture_def(item: pytest.Item) -> object:
    return next(defs[-1] for defs in fixture_definitions(item).values())


SYMBOLS: tuple[Symbol, ...] = (
    _at("_pytest.config", "_prepareconfig"),
    _at("_pytest.config", "Config", "_do_configure"),
    _at("_pytest.main", "Session"),
    _at("_pytest.main", "Session", "from_config"),
    Symbol("_pytest.main.Session._setupstate", lambda item: item.session, "_setupstate"),
    _at("_pytest.runner", "SetupState", "setup"),
    _at("_pytest.runner", "SetupState", "teardown_exact"),
    _at("_pytest.mark", "KeywordMatcher"),
    _at("_pytest.mark", "KeywordMatcher", "from_item"),
    _at("_pytest.mark", "KeywordMatcher", "_names"),
    _at("_pytest.mark.expression", "Expression"),
    _at("_pytest.mark.expression", "Expression", "compile"),
    _at("_pytest.mark.expression", "Expression", "evaluate"),
    _at("_pytest.python", "DirectParamFixtureDef"),
    Symbol("_pytest.python.Function._fixtureinfo", lambda item: item, "_fixtureinfo"),
    Symbol("_pytest.python.Function._request", lambda item: item, "_request"),
    _at("_pytest.python", "Function", "_initrequest"),
    Symbol(
        "_pytest.fixtures.FuncFixtureInfo.name2fixturedefs",
        lambda item: item._fixtureinfo,  # type: ignore[attr-defined]
        "name2fixturedefs",
    ),
    Symbol("_pytest.fixtures.FixtureDef.cached_result", _fixture_def, "cached_result"),
    _at("pytest_timeout", "timeout_sigalrm"),
)


def missing(sample: pytest.Item) -> list[str]:
    """The names of :data:`SYMBOLS` that the installed pytest and pytest-timeout lack, read on
    ``sample`` (a collected test function with a fixture)."""
    gone = []
    for symbol in SYMBOLS:
        try:
            present = hasattr(symbol.owner(sample), symbol.attribute)
        except (AttributeError, ImportError, StopIteration):
            present = False
        if not present:
            gone.append(symbol.name)
    return gone
