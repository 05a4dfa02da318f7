"""The pytest plugin behind every topic suite (docs/engine.md, "The plugin receives an object"):
the ``sub`` and ``device`` fixtures :class:`GradingPlugin` provides from the :class:`Run` it is
handed, and the :class:`Collector` that turns each test's outcome into a status of the contract
with a message that teaches."""

from __future__ import annotations

import contextlib
import functools
import shutil
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import pytest

from grader.base import clean, defaults, topics
from grader.base.i18n import N_, _
from grader.checks import inputs
from grader.checks.hints import conv_steps, made_hints
from grader.checks.verdict.error_types import error_cause
from grader.checks.verdict.failed import CheckFailed, hinted
from grader.checks.verdict.scoring import TestResult, make_result
from grader.engine import progress
from grader.engine.check_table import NO_CUDA
from grader.engine.staging import stage
from grader.engine.subset import twins as subset_twins
from grader.engine.worker import remaking
from grader.engine.worker.client import TopicSession
from grader.engine.worker.printed import Printed
from grader.engine.worker.problems import (
    NotStarted,
    ProbeTimeout,
    SubmissionError,
    SubmissionProblem,
    exercise_of,
)
from grader.engine.worker.sandbox import Limits


@dataclass(frozen=True, kw_only=True)
class Run:
    """What one task grades and how: the :class:`GradingPlugin`'s input, one per task. Its
    limits and device have no default here: they come from the task's Options (the runner) or
    from the hand run's options, whose defaults are grader/base/defaults.py's."""

    submission: Path
    submission_topic: str | None = None  # the topic a single .py file answers
    grade_device: str
    probe_timeout: float  # seconds per probe
    budget: float  # seconds the whole submission may take
    deadline: float | None = None  # time.monotonic() when the budget ends (None: budget from now)
    memory_mb: int
    public_only: bool = False  # only the public checks
    keyword: str = ""  # pytest's -k EXPR over check names, exercises and kinds
    exercise: tuple[str, ...] = ()  # only these exercises' checks (exact names); all when empty
    course_seed: str | None = None  # with student: the hidden checks draw this student's inputs
    student: str | None = None
    # staged files whose source the subset check replaced (the definitions it refused stubbed out)
    replaced: tuple[tuple[str, str], ...] = ()


class GradingPlugin:
    """The suites' fixtures and per-check settings, read from :attr:`run` (set per task by
    :mod:`grader.engine.suites.collected`, or once by the hand-run adapter, :mod:`grader.engine.suites.hand_run`); this
    module's fixtures find it in the config's stash."""

    def __init__(self, run: Run | None = None) -> None:
        self.run = run
        self.staged: Path | None = None
        self.seconds = {"startup": 0.0, "probes": 0.0}
        self.cpu_used: dict[str, float] = {}  # check -> most CPU seconds one of its probes used
        self.ran: dict[str, tuple[int, ...]] = {}  # what the import ran (client.TopicSession.ran)

    def begin(self, run: Run) -> None:
        """Take ``run``: stage its submission, zero its clocks (nothing is left from the last)."""
        if (run.course_seed is None) != (run.student is None):
            raise ValueError("course_seed and student go together")
        if run.deadline is None:
            run = replace(run, deadline=time.monotonic() + run.budget)
        self.run, self.seconds, self.cpu_used, self.ran = run, {"startup": 0.0, "probes": 0.0}, {}, {}
        self.staged = stage(run.submission, run.submission_topic)
        for name, source in run.replaced:
            (self.staged / name).write_text(source)

    def end(self) -> None:
        """Remove the staged copy of the submission."""
        if self.staged is not None:
            shutil.rmtree(self.staged, ignore_errors=True)
        self.staged = None

    def current(self) -> Run:
        if self.run is None or self.staged is None:
            raise pytest.UsageError("pass --submission PATH to grade a suite")
        return self.run

    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[GRADING] = self  # where the suites' fixtures find it
        config.addinivalue_line(
            "markers", "check(kind, points, public, cuda, exercise, clause): a graded check"
        )

    def pytest_unconfigure(self) -> None:
        self.end()

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        for item in items:
            if item.get_closest_marker("check") is None:
                raise pytest.UsageError(f"{item.nodeid} has no @check(...) marker")
            unread = [name for name in UNREAD_MARKS if item.get_closest_marker(name) is not None]
            if unread:  # the engine's runner (grader/engine/suites/lean.py) would run the check regardless
                raise pytest.UsageError(
                    f"{item.nodeid} is marked {', '.join(unread)}: a check skips with pytest.skip() in its body"
                )
            # so that -k softmax selects by exercise, and -k "not convergence" leaves out the training checks
            item.extra_keyword_matches.update((*exercises_of(item), check_of(item)["kind"]))
        if self.run is not None:  # a hand run: choose as the engine does per task
            left_out = dropped(self.run, items)
            if left_out:
                config.hook.pytest_deselected(items=left_out)
                items[:] = [i for i in items if i not in left_out]

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self.setup_rule(item)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        with self.calling(item):
            return (yield)

    def setup_rule(self, item: pytest.Item) -> None:
        """Skip a CUDA check when grading on the CPU (before its fixtures are set up)."""
        if check_of(item).get("cuda") and self.current().grade_device != "cuda":
            pytest.skip(_(NO_CUDA))

    @contextlib.contextmanager
    def calling(self, item: pytest.Item) -> Iterator[None]:
        """Around a check's call: tell the session which check runs, give a training run its
        longer deadline, and draw the check's inputs for its variant."""
        run = self.current()
        session = session_of(item)
        if session is not None:
            session.check = check_id(item)
            session.hidden = not check_of(item).get("public")  # hidden probes: the hidden lane (client.py)
            session.exercises = exercises_of(item)
            session.called = ""
            session.reached, session.last_args = set(), ()
            session.printed = Printed()
            topic = topic_of(item)
            progress.announce(topic, session.check)
            base = run.probe_timeout
            convergence = check_of(item)["kind"] == "convergence"
            session.timeout = base * defaults.CONVERGENCE_TIMEOUT_FACTOR if convergence else base
            cpu = defaults.CONVERGENCE_CPU_SECONDS if convergence else topics.probe_cpu_seconds(topic)
            session.cpu_limit = cpu * base / defaults.PROBE_TIMEOUT  # a longer --timeout, more CPU too
        with inputs.drawn_for(variant_of(item, run)):
            yield

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> pytest.TestReport | None:
        """A failure's report without pytest's traceback, which nobody reads here: formatting
        it cost seconds per errored check. Skips keep pytest's own report (it holds the reason)."""
        excinfo = call.excinfo
        if excinfo is None or excinfo.errisinstance(pytest.skip.Exception) or call.when == "collect":
            return None
        when: Literal["setup", "call", "teardown"] = call.when
        return pytest.TestReport(
            item.nodeid,
            item.location,
            dict.fromkeys(item.keywords, 1),
            "failed",
            f"{excinfo.typename}: {excinfo.value}",
            when,
            duration=call.duration,
            start=call.start,
            stop=call.stop,
        )


GRADING = pytest.StashKey["GradingPlugin"]()

# pytest's marks that its skipping plugin reads while running an item: a graded check has no
# expected failure, and the engine's runner does not go through that plugin.
UNREAD_MARKS = ("skip", "skipif", "xfail")


@pytest.fixture(scope="session")
def device(pytestconfig: pytest.Config) -> str:
    return pytestconfig.stash[GRADING].current().grade_device


@pytest.fixture(scope="module")
def sub(request: pytest.FixtureRequest, device: str) -> Iterator[TopicSession]:
    grading = request.config.stash[GRADING]
    run = grading.current()
    session = TopicSession(
        str(grading.staged),
        request.path.stem.removeprefix("suite_"),
        timeout=run.probe_timeout,
        limits=Limits(memory_mb=run.memory_mb),
        gpu=device == "cuda",
        deadline=run.deadline,
        budget=run.budget,
        twins={e: watched(e, off) for e, off in (getattr(request.module, "OFF_LIMITS", {}) or {}).items()},
        refused=refused(request.module),
        helped=helped(request.module),
    )
    made_hints.REMAKER.set(functools.partial(remaking.made_by, session))  # a dtype failure's maker
    yield session
    made_hints.REMAKER.set(None)
    session.close()
    for part, seconds in session.seconds.items():
        grading.seconds[part] += seconds
    grading.cpu_used.update(session.cpu_used)
    grading.ran.update(session.ran)


def dropped(run: Run, items: list[pytest.Item]) -> list[pytest.Item]:
    """The items that ``run``'s public-only and exercise choice leave out."""
    chosen = set(run.exercise)
    return [
        i
        for i in items
        if (run.public_only and not check_of(i).get("public"))
        or (chosen and chosen.isdisjoint(exercises_of(i)))
    ]


_CHECK = pytest.StashKey[dict[str, Any]]()
_TOPIC = pytest.StashKey[str]()


def check_of(item: pytest.Item) -> dict[str, Any]:
    """The arguments of a test's ``@check(...)`` marker (collection refuses tests without one);
    read once per item (a collected suite's items run task after task), never to be changed."""
    found = item.stash.get(_CHECK, None)
    if found is None:
        marker = item.get_closest_marker("check")
        found = item.stash[_CHECK] = dict(marker.kwargs) if marker is not None else {}
    return found


def check_id(item: pytest.Item) -> str:
    """A check's id in results, tables and reports: the test's name without ``test_``."""
    return item.name.removeprefix("test_")


def watched(exercise: str, off: Any) -> set[str]:
    """An exercise's twins as its probes watch them (its OFF_LIMITS entry): the names the recorder
    sees, and the own name of each function and torch.nn layer the docstring's names denote
    (``F.softmax``: ``nn.Softmax``, a class reached by a computed name, refused as a function is)."""
    rules = subset_twins.declared({exercise: off}).get(exercise, ()) if isinstance(off, dict) else ()
    named = {path.rsplit(".", 1)[-1] for rule in rules for path in (*rule.paths, *rule.globs)}
    return set(off) | {name for name in named if name.isidentifier()}


def refused(suite: Any) -> dict[str, list[str]]:
    """{exercise: its twins' names}, whose kernels every probe of it replaces (one built on helpers:
    recorded instead, ``kit.watched_call``)."""
    return {e: sorted(names) for e, names in (getattr(suite, "OFF_LIMITS", {}) or {}).items()}


def helped(suite: Any) -> dict[str, list[str]]:
    """{exercise: the learner's own functions its docstring builds it on} (the suite's ``HELPERS``)."""
    return {e: list(names) for e, names in (getattr(suite, "HELPERS", {}) or {}).items()}


def exercises_of(item: pytest.Item) -> tuple[str, ...]:
    """The stub's exercise(s) a check judges (``tests/grader/test_exercise_map.py`` holds
    every suite to naming real ones)."""
    declared = check_of(item).get("exercise")
    params: dict[str, Any] = item.callspec.params if hasattr(item, "callspec") else {}
    if callable(declared):
        declared = declared(params)
    if declared is None:
        declared = params.get("name")
    if isinstance(declared, str):
        return (declared,)
    return tuple(declared or ())


def topic_of(item: pytest.Item) -> str:
    found = item.stash.get(_TOPIC, None)
    if found is None:
        found = item.stash[_TOPIC] = item.path.stem.removeprefix("suite_")
    return found


def variant_of(item: pytest.Item, run: Run) -> int:
    """The inputs' variant of a check: the student's own for a hidden check graded with a course
    seed, else 0 (public checks keep the fixed inputs learners see in the release). It depends
    on the check's id without its parameters: they already differ between parametrizations."""
    if run.course_seed is None or run.student is None or check_of(item).get("public"):
        return 0
    return inputs.variant_of(
        run.course_seed, run.student, f"{topic_of(item)}::{getattr(item, 'originalname', item.name)}"
    )


def session_of(item: pytest.Item) -> TopicSession | None:
    """The check's ``sub`` fixture, while it is set up (a torn-down item's funcargs is None)."""
    session = (getattr(item, "funcargs", None) or {}).get("sub")
    return session if isinstance(session, TopicSession) else None


def _status(excinfo: pytest.ExceptionInfo[BaseException] | None) -> tuple[str, str]:
    if excinfo is None:
        return "passed", ""
    exc = excinfo.value
    if isinstance(exc, NotStarted):
        return "not_started", _("not started: %(reason)s") % {"reason": exc}
    if isinstance(exc, ProbeTimeout):
        return "timeout", str(exc)
    if isinstance(exc, SubmissionError):
        return "error", str(exc)
    if isinstance(exc, CheckFailed):
        return "failed", str(exc)
    if isinstance(exc, pytest.fail.Exception) and str(exc).startswith("Timeout"):
        return "timeout", _("the whole check ran past the grader's backstop timeout")
    if isinstance(exc, AssertionError):
        return "failed", str(exc).split("\nassert ")[0]
    return "error", f"{_(UNJUDGED)} ({type(exc).__name__}: {exc})"


Verdict = tuple[str, str, dict[str, Any] | None, str]  # (status, message, curve, cause)


def verdict(when: str, excinfo: pytest.ExceptionInfo[BaseException] | None) -> Verdict | None:
    """What one phase of a check (setup, call, teardown) records: a skip in any phase, an error
    in setup (a failure there is the suite's or the sandbox's, not the answer's), the call's
    status; nothing for a setup that passed or a teardown (the check's record is made)."""
    if excinfo is not None and excinfo.errisinstance(pytest.skip.Exception):
        return "skipped", excinfo.exconly(tryshort=True).removeprefix("Skipped: "), None, ""
    if when == "setup" and excinfo is not None:  # the suite's fixtures: no answer was judged yet
        status, message = _status(excinfo)
        message = message.replace(_(UNJUDGED), _("the check could not be set up"), 1)
        return status if status != "failed" else "error", message, None, ""
    if when == "call":
        failure = excinfo.value if excinfo is not None else None
        if isinstance(failure, CheckFailed):
            return *_status(excinfo), failure.curve, failure.cause
        status, message = _status(excinfo)
        return status, message, None, raised_cause(failure) if status == "error" else ""
    return None


def raised_cause(exc: BaseException | None) -> str:
    """An error's cause (grader/checks/verdict/exercises.py error_cause) from the exception's own type
    and words, as the worker reported them, or the judge's own exception's: never from the
    message a learner reads, which is in their language."""
    if isinstance(exc, SubmissionError):
        return error_cause(exc.error_type, exc.error_text)
    if exc is None or isinstance(exc, SubmissionProblem):
        return ""
    return error_cause("", str(exc))


def placed(item: pytest.Item, exc: BaseException) -> dict[str, Any]:
    """Where a check's failure arose: for a check judging several exercises, the one it belongs
    to (the innermost of the submission's frames that is one of them, else the exercise the
    check's probe last called); the stub that still raises NotImplementedError; whether the
    answer's form was wrong; the other exercises its probes called (the callees whose own failure
    may be this one's). From the exception's data and the session's, never its words."""
    names, session = exercises_of(item), session_of(item)
    if isinstance(exc, SubmissionProblem):
        functions, subject = exc.functions, exc.subject
    else:
        functions, subject = (), session.called if session is not None else ""
    owners = [exercise_of(f) for f in functions]
    blame = next((f for f in reversed(owners) if f in names), subject if subject in names else "")
    reached = session.callees() - set(names) if session is not None else set()
    return {
        "blame": blame if len(names) > 1 else "",
        "stub": owners[-1] if isinstance(exc, NotStarted) and owners else "",
        "form": isinstance(exc, CheckFailed) and exc.form,
        "calls": tuple(sorted(reached)),
    }


# What a hidden check whose judging broke on the worker's answer says (:func:`result_of`).
UNJUDGED = N_("the check could not judge the answer")
UNJUDGED_HIDDEN = N_("the check could not judge the answer of this hidden check")


def result_of(
    item: pytest.Item,
    status: str,
    message: str,
    curve: dict[str, Any] | None = None,
    cause: str = "",
    place: dict[str, Any] | None = None,
) -> TestResult:
    """The contract's record of one check, with what its code printed when it did not pass; a
    hidden check keeps no text its worker wrote, but the judge's own messages and curves stay
    (docs/sandbox.md, "No public check hears from a worker that ran a hidden probe")."""
    check = check_of(item)
    session = session_of(item)
    printed = session.printed.shown() if session is not None and status != "passed" else ""
    if not check.get("public"):
        printed, message = "", _(UNJUDGED_HIDDEN) if message.startswith(_(UNJUDGED)) else message
        cause = "" if status == "error" else cause  # no words of a hidden check's answer
    elif status == "error" and check.get("errors"):
        message = explained(message, cause, check["errors"])
    elif status == "error" and session is not None and (call := conv_steps.call_of(session.last_args)):
        steps = conv_steps.predicted(call, message)  # a convolution's sizes, step by step
        message = f"{message}\n  {steps}" if steps else message
    return make_result(
        check_id(item),
        check["kind"],
        float(check.get("points", 1)),
        status,
        clean.text(message),  # where a submission's words enter the results: capped, cleaned
        bool(check.get("public", False)),
        exercises_of(item),
        curve,
        printed,
        check.get("clause") or "",
        cause,
        place,
    )


def explained(message: str, cause: str, errors: dict[str, str]) -> str:
    """An error's message with the check's own hint for its kind (``@check(errors=...)``),
    unchanged for a kind the check does not explain."""
    hint = errors.get(cause.removeprefix("error:"))
    return message + hinted(_(hint)) if hint else message


class Collector:
    """Records one :class:`TestResult` per test, keyed by (topic, test id)."""

    def __init__(self) -> None:
        self.results: dict[str, list[TestResult]] = {}
        self._done: set[str] = set()

    def reset(self) -> None:
        """Forget the last run (a collected suite runs once per task)."""
        self.results, self._done = {}, set()

    def record(
        self, item: pytest.Item, when: str, excinfo: pytest.ExceptionInfo[BaseException] | None
    ) -> None:
        """Record what ``when``'s outcome says (:func:`verdict`); a check's first record stands."""
        outcome = verdict(when, excinfo)
        if outcome is None or item.nodeid in self._done:
            return
        self._done.add(item.nodeid)
        place = placed(item, excinfo.value) if excinfo is not None and when == "call" else None
        self.results.setdefault(topic_of(item), []).append(result_of(item, *outcome, place=place))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """Record each phase's outcome under pytest's own protocol: the engine's session without
        its LeanProtocol, the reference tests/grader/test_lean_loop.py holds the lean one to."""
        report = yield
        self.record(item, call.when, call.excinfo)
        return report
