"""The engine's run of one collected check: pytest's protocol without its reports.
:class:`LeanProtocol` answers ``pytest_runtest_protocol`` for the engine's collected suites
(docs/engine.md, "A check without pytest's reports"); a hand run (``pytest -c
tests/suites/pytest.ini``) does not load this plugin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from grader.engine import pytest_compat
from grader.engine.suites.plugin import Collector, GradingPlugin

_DIRECT = pytest_compat.direct_param_types()  # the mark of a direct parameter's pseudo-fixture


class LeanProtocol:
    """``pytest_runtest_protocol`` for the engine: run an item's phases, record the outcome."""

    def __init__(self, grading: GradingPlugin, collector: Collector) -> None:
        self.grading = grading
        self.collector = collector

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> bool:
        setupstate = pytest_compat.setup_state(item.session)
        has_request = pytest_compat.need_request(item)  # made again if a run before dropped it
        try:
            setup = _phase(lambda: self._setup(item))
            self.collector.record(item, "setup", setup)
            if setup is None:
                self.collector.record(item, "call", _phase(lambda: self._call(item)))
            self.collector.record(item, "teardown", _phase(lambda: setupstate.teardown_exact(nextitem)))
        finally:  # as pytest's: the item's fixture values go until its next run
            if has_request:
                pytest_compat.drop_request(item)
        return True

    def _setup(self, item: pytest.Item) -> None:
        self.grading.setup_rule(item)
        item.funcargs.update(direct_params(item))  # type: ignore[attr-defined]
        item.funcargs.update(cached_fixtures(item))  # type: ignore[attr-defined]  # pytest fills the rest
        pytest_compat.setup_state(item.session).setup(item)

    def _call(self, item: pytest.Item) -> None:
        with self.grading.calling(item):
            item.runtest()


def direct_params(item: pytest.Item) -> dict[str, object]:
    """The item's directly parametrised arguments with the callspec's values, without pytest's
    pseudo-fixture per item (docs/engine.md, "A check without pytest's reports"); indirect
    parameters and fixtures that a test's parameters override are left to pytest."""
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return {}
    definitions = pytest_compat.fixture_definitions(item)
    return {
        name: value
        for name, value in callspec.params.items()
        if (found := definitions.get(name)) and isinstance(found[-1], _DIRECT)
    }


def cached_fixtures(item: pytest.Item) -> dict[str, object]:
    """The item's fixtures of a wider scope than one check (a module's ``sub``, the session's
    ``device``) whose value an earlier check of this task computed, as docs/engine.md says which;
    anything else is left to pytest."""
    definitions = pytest_compat.fixture_definitions(item)
    params = getattr(getattr(item, "callspec", None), "params", {})
    known: dict[str, bool] = {"request": True}
    return {
        name: definitions[name][-1].cached_result[0]
        for name in item.fixturenames  # type: ignore[attr-defined]
        if name != "request"
        and name not in item.funcargs  # type: ignore[attr-defined]
        and _reusable(name, definitions, params, known)
    }


def _reusable(name: str, definitions: dict[str, Any], params: dict[str, Any], known: dict[str, bool]) -> bool:
    """Whether fixture ``name`` and all it needs are cached and unparametrised (``known``:
    the answers so far, ``False`` while one is being decided: a fixture that needs itself)."""
    if name in known:
        return known[name]
    known[name] = False
    found = definitions.get(name)
    if not found or name in params:
        return False
    fixture = found[-1]
    cached = fixture.cached_result
    if fixture.scope == "function" or cached is None or cached[1] is not None or cached[2] is not None:
        return False
    known[name] = all(_reusable(argument, definitions, params, known) for argument in fixture.argnames)
    return known[name]


def _phase(step: Callable[[], None]) -> pytest.ExceptionInfo[BaseException] | None:
    """Run one phase: what it raised, or None (a Ctrl-C and ``pytest.exit`` go through)."""
    try:
        step()
    except (KeyboardInterrupt, pytest.exit.Exception):
        raise
    except BaseException:
        return pytest.ExceptionInfo.from_current()
    return None
