"""A topic's suite collected once per grading process and run for task after task (docs/engine.md,
"A task costs its probes"): one pytest session per (topic, probe timeout); each task hands the
session's :class:`grader.engine.suites.plugin.GradingPlugin` its :class:`Run`, chooses its items
as the plugin and pytest's -k do, and runs them through ``pytest_runtest_protocol``
(:class:`grader.engine.suites.lean.LeanProtocol`). After the last item every fixture is torn down,
so the next task starts from a fresh ``sub``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import traceback
from collections.abc import Iterator

import pytest

from grader.base import defaults, depends
from grader.base.topics import MANIFEST, of, suite_path, suites_dir
from grader.base.topics import exercises as exercises_of  # in_turn's parameter is "exercises"
from grader.checks.verdict.scoring import TestResult
from grader.engine import check_table, pytest_compat
from grader.engine.check_table import Row
from grader.engine.suites import declared, plugin
from grader.engine.suites.backstop import Backstop
from grader.engine.suites.lean import LeanProtocol
from grader.engine.suites.plugin import Collector, GradingPlugin, Run

__all__ = ["CollectedSuite", "Run", "SuiteBroken", "collected", "forget", "pytest_environment"]

# Environment variables through which pytest would take options or plugins from whoever runs
# `grade`: grading must not depend on them (PYTEST_ADDOPTS=--tb=native once broke every run).
PYTEST_ENVIRONMENT = (
    "PYTEST_ADDOPTS",
    "PYTEST_PLUGINS",
    "PYTEST_DEBUG",
    "PYTEST_THEME",
    "PYTEST_THEME_MODE",
    "PYTEST_CURRENT_TEST",
    "PYTEST_VERSION",
)


@contextlib.contextmanager
def pytest_environment() -> Iterator[None]:
    """pytest without the caller's PYTEST_* settings and without auto-loaded plugins."""
    saved = {name: os.environ.pop(name) for name in PYTEST_ENVIRONMENT if name in os.environ}
    autoload = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        os.environ.update(saved)
        if autoload is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = autoload


class SuiteBroken(RuntimeError):
    """The suite itself could not be configured, collected or run (not the submission's fault)."""


# pytest plugins that cost time and report nothing here: the (un)raisable-exception hooks run
# a full gc.collect() at every session end (0.12 s with torch loaded), per grading task.
QUIET_PLUGINS = tuple(
    arg
    for name in ("unraisableexception", "threadexception", "faulthandler", "logging", "doctest")
    + ("junitxml", "pastebin", "stepwise", "legacypath", "warnings")
    for arg in ("-p", f"no:{name}")
)


@contextlib.contextmanager
def _quiet() -> Iterator[io.StringIO]:
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        yield output


def _collect_errors(config: pytest.Config, output: io.StringIO) -> str:
    """What collection's errors said (an import refused: grader/engine/suites/declared.py), else its output."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    errors = getattr(reporter, "stats", {}).get("error", [])
    said = "\n".join(str(getattr(e, "longreprtext", "")) for e in errors).strip()
    return (said or output.getvalue())[-3000:]


def _undeclared(topic: str, refused: list[str]) -> None:
    """Fail the suite where it read an undeclared file, whether or not it caught the refusal."""
    if refused:
        raise SuiteBroken(f"{topic}: " + "\n".join(dict.fromkeys(refused)))


class CollectedSuite:
    """One topic's suite, configured and collected once, run once per task."""

    def __init__(self, topic: str, probe_timeout: float) -> None:
        self.topic = topic
        self.collector = Collector()
        self.grading = GradingPlugin()
        # runs each item (grader/engine/suites/lean.py)
        self.lean = LeanProtocol(self.grading, self.collector)
        self.backstop = Backstop()  # pytest-timeout's timer, its handler set once a task
        args = [
            str(suite_path(topic)),
            f"-c={suites_dir() / 'pytest.ini'}",
            f"--rootdir={suites_dir()}",
            f"--timeout={int(defaults.CONVERGENCE_TIMEOUT_FACTOR * probe_timeout + 2 * defaults.boot_seconds())}",  # two tries to start
            "--capture=no",  # a long-lived session must not hold the process's fds captured
            "-p",
            "pytest_timeout",
            "-o",
            "addopts=",  # pytest.ini's load the hand-run adapter (grader.engine.suites.hand_run): here the Run is an object
            "-p",
            "no:cacheprovider",
            *QUIET_PLUGINS,
        ]
        declared.install(MANIFEST)  # its pack's undeclared files refused (grader/base/depends.py)
        with _quiet() as output, declared.watching() as refused:
            try:
                plugins = [plugin, self.grading, self.collector, self.lean, self.backstop]
                self.config, self.session = pytest_compat.configured(args, plugins)
                self.config.hook.pytest_sessionstart(session=self.session)
                self.config.hook.pytest_collection(session=self.session)
            except (Exception, pytest.UsageError) as exc:
                raise SuiteBroken(
                    f"{topic}: {type(exc).__name__}: {exc}\n{output.getvalue()[-2000:]}"
                ) from None
        _undeclared(topic, refused)
        if self.session.testsfailed:
            raise SuiteBroken(
                f"{topic}: errors while collecting the suite:\n{_collect_errors(self.config, output)}"
            )
        self.items: list[pytest.Item] = list(self.session.items)
        self.rows: list[Row] = [row_of(item) for item in self.items]  # the topic's table of checks
        self._row_of_item = dict(zip(self.items, self.rows, strict=True))
        # what each exercise's docstring puts off limits, as the suite declares it (read from the
        # source too: grader/engine/subset/twins.py)
        module = getattr(self.items[0], "module", None) if self.items else None
        self.off_limits: dict[str, dict[str, str]] = dict(getattr(module, "OFF_LIMITS", {}) or {})
        # the exercises whose docstring says vectorised (read from the source: over_data.py)
        self.vectorised: tuple[str, ...] = tuple(getattr(module, "VECTORISED", ()) or ())
        # {exercise: its parameters that count dimensions}: iterated as a shape is, not as the data
        self.counts: dict[str, tuple[str, ...]] = dict(getattr(module, "DIMENSION_COUNTS", {}) or {})

    def chosen(self, run: Run) -> list[pytest.Item]:
        """The items ``run`` grades: -k as pytest reads it, then the plugin's choice."""
        items = self.items
        if run.keyword.strip():
            selects = pytest_compat.keyword_filter(run.keyword.lstrip())
            items = [item for item in items if selects(pytest_compat.keyword_names(item))]
        left_out = set(plugin.dropped(run, items))
        return [item for item in items if item not in left_out]

    def callees_of(
        self, run: Run, tests: list[TestResult], seconds: dict[str, float]
    ) -> tuple[list[TestResult], dict[str, float]]:
        """The checks of the exercises ``tests``' failing checks called or judge beside the
        chosen one that ``run`` did not choose (``--exercise cross_entropy`` with log_softmax
        broken, ``--exercise MLP`` with train_epoch's steps wrong), run for the blame alone
        (grader/checks/verdict/exercises.py callee_of, _charges): their convergence checks left out, the
        caller's own verdict unchanged; with ``seconds`` added up."""
        judged = {test.exercises[0] for test in tests if len(test.exercises) == 1}  # by checks of its own
        failing = [t for t in tests if t.status in ("failed", "error", "timeout")]
        open_calls = {c for t in failing for c in (*t.calls, *(t.exercises if len(t.exercises) > 1 else ()))}
        wanted = tuple(sorted(open_calls - judged))
        if not wanted:
            return [], seconds
        called, more = self.run(dataclasses.replace(run, exercise=wanted, keyword="not convergence"))
        return called, {part: seconds.get(part, 0.0) + more.get(part, 0.0) for part in {*seconds, *more}}

    def not_started(self, run: Run) -> tuple[list[TestResult], dict[str, float]]:
        """The results of an untouched stub, without a worker (:func:`check_table.not_started`
        on the rows of the checks ``run`` chooses)."""
        rows = [self._row_of_item[item] for item in self.chosen(run)]
        return check_table.not_started(self.topic, rows, run.grade_device), {"startup": 0.0, "probes": 0.0}

    def run(self, run: Run) -> tuple[list[TestResult], dict[str, float]]:
        """Grade one submission: (its TestResults, seconds of startup and probes)."""
        self.grading.begin(run)
        self.collector.reset()
        chosen = self.chosen(run)
        items = in_turn(chosen, exercises_of(self.topic))
        try:
            with _quiet(), self.backstop.installed(), declared.watching() as refused:
                for index, item in enumerate(items):
                    following = items[index + 1] if index + 1 < len(items) else None
                    self.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
            _undeclared(self.topic, refused)
        except (KeyboardInterrupt, SuiteBroken):
            raise
        except BaseException as exc:  # a hook that broke: pytest.main would have said INTERNALERROR
            raise SuiteBroken(f"{self.topic}: {''.join(traceback.format_exception(exc))[-3000:]}") from None
        finally:
            with _quiet():
                # sub's worker, whatever happened
                pytest_compat.setup_state(self.session).teardown_exact(None)
            self.grading.end()
        return in_order(self.collector.results.get(self.topic, []), chosen), dict(self.grading.seconds)


def in_turn(items: list[pytest.Item], exercises: tuple[str, ...]) -> list[pytest.Item]:
    """The public checks, then the hidden ones, each exercise's together in the order of
    ``exercises`` (the topic's), each in the suite's order: the task's worker then runs every public
    probe before the session hands it to the hidden checks
    (:meth:`grader.engine.worker.client.TopicSession._hand_over`), so one worker serves the task where
    interleaved checks took two, and holds an exercise's refused kernels from one probe to the next
    (:func:`grader.sandboxed.probe_kit.answering`: registering a set costs ~0.5 ms). The order is the
    same whatever checks a run chooses (a -k run's are the whole run's, in turn), and each probe is
    seeded on its own: the order changes no answer."""

    def place(item: pytest.Item) -> tuple[bool, int]:
        first = plugin.exercises_of(item)[:1]
        at = exercises.index(first[0]) if first and first[0] in exercises else len(exercises)
        return not plugin.check_of(item).get("public"), at

    return sorted(items, key=place)  # stable: the suite's order within an exercise


def in_order(results: list[TestResult], items: list[pytest.Item]) -> list[TestResult]:
    """``results`` in the suite's order of ``items`` (check ids are unique in a suite)."""
    place = {plugin.check_id(item): index for index, item in enumerate(items)}
    return sorted(results, key=lambda result: place.get(result.id, len(place)))


def row_of(item: pytest.Item) -> Row:
    """A collected item's row of the topic's table (grader/engine/check_table.py)."""
    check = plugin.check_of(item)
    return Row(
        id=plugin.check_id(item),
        kind=check["kind"],
        points=float(check.get("points", 1)),
        public=bool(check.get("public", False)),
        cuda=bool(check.get("cuda", False)),
        exercises=plugin.exercises_of(item),
        keywords=pytest_compat.keyword_names(item),
        clause=check.get("clause") or "",
    )


_collected: dict[tuple[str, float, depends.Signature], CollectedSuite] = {}


def collected(topic: str, probe_timeout: float) -> CollectedSuite:
    """This process's collected suite for ``topic``, collected again when one of the topic's own
    files changed (its suite, domains, answers, a file it declares it reads...: a long-lived
    ``grade watch`` or notebook engine; a change to what every topic shares, grader/'s code
    among it, is the warm engine's end: grader/serve.py). Not its stub: the learner's file in a
    checkout, saved at will, which no collection reads."""
    path = str(suite_path(topic))
    entry = of(topic)
    found = depends.own(entry) if entry else {}
    own = depends.stamps(p for kind, files in found.items() if kind != "stub" for p in files)
    key = (path, probe_timeout, own)
    if key not in _collected:
        for older in [k for k in _collected if k[0] == path and k[2] != own]:
            del _collected[older]
        with pytest_environment():
            _collected[key] = CollectedSuite(topic, probe_timeout)
    return _collected[key]


def forget(topic: str) -> None:
    """Drop ``topic``'s collected suite (after it broke mid-run: its state is unknown)."""
    for key in [k for k in _collected if k[0] == str(suite_path(topic))]:
        del _collected[key]
