"""Grade submissions: choose the topics, run their suites with pytest, collect Reports.

One (submission, topic) is one :class:`Task`, graded by :func:`grade_topic` with one
pytest run in the trusted process; submitted code runs only in the workers that the
suites' ``sub`` fixture starts. :func:`grade` grades one submission's topics in parallel
(:class:`grader.pool.GraderPool`), and ``grade batch`` hands a whole class to the same pool.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from grader import curves, defaults, notebooks, tamper, workers
from grader.doctor import no_sandbox_note
from grader.plugin import Collector
from grader.pool import GraderCrashed, GraderPool
from grader.progress import Event, Listener, listening
from grader.release import RELEASE_MARKER
from grader.sandbox import sandbox_status, uid_fallback
from grader.scoring import Report, TopicResult
from grader.selection import (
    UsageProblem,
    choice,
    describe,
    keyword_problem,
    select_topics,
    topics_with_exercises,
)
from grader.topics import suite_path, suites_dir

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

# pytest plugins that cost time and report nothing here: the (un)raisable-exception hooks run
# a full gc.collect() at every session end (0.12 s with torch loaded), per grading task.
QUIET_PLUGINS = (
    "-p",
    "no:unraisableexception",
    "-p",
    "no:threadexception",
    "-p",
    "no:faulthandler",
    "-p",
    "no:logging",
    "-p",
    "no:doctest",
    "-p",
    "no:junitxml",
    "-p",
    "no:pastebin",
    "-p",
    "no:stepwise",
    "-p",
    "no:legacypath",
    "-p",
    "no:warnings",
)


class SuiteCrash(RuntimeError):
    """pytest itself failed (a broken suite, not a broken submission)."""


class TaskRefused(RuntimeError):
    """A grading machine would not run the task (another suite version, no sandbox there);
    the message says why in one line."""


@dataclass(frozen=True)
class Options:
    """What every task of one run shares."""

    device: str = "cpu"
    timeout: float = defaults.PROBE_TIMEOUT
    memory_mb: int = defaults.MEMORY_MB
    budget: float = defaults.SUBMISSION_BUDGET
    public_only: bool = False
    keyword: str = ""  # pytest's -k EXPR: it matches check names and the exercises they judge
    exercises: tuple[str, ...] = ()  # only these exercises' checks (--exercise); all when empty
    course_seed: str | None = None  # with student: hidden checks draw this student's inputs
    student: str | None = None


@dataclass
class Task:
    """One topic of one submission."""

    path: Path
    topic: str
    single_file: bool
    options: Options
    owner: Any = None  # whatever the caller needs to file the result
    deadline: float | None = None  # time.monotonic() when the submission's budget ends


@dataclass(frozen=True)
class Confinement:
    """How submitted code ran: bubblewrap usable, its description, dropped to uid 65534 without it."""

    usable: bool
    how: str
    uid_dropped: bool


def confinement() -> Confinement:
    """This machine's sandbox, as a report states it."""
    usable, how = sandbox_status()
    return Confinement(usable, how, not usable and uid_fallback()[0])


@dataclass
class TopicOutcome:
    result: TopicResult
    seconds: dict[str, float] = field(default_factory=dict)
    engine_problem: str = ""  # why workers started fresh instead of from the zygote
    confinement: Confinement | None = None  # where it ran, if not on this machine (Dask)


def resolve_device(device: str) -> str:
    import torch

    has_cuda = torch.cuda.is_available()
    if device == "cuda" and not has_cuda:
        raise UsageProblem("--device cuda asked for, but no CUDA device is available here")
    return "cuda" if device == "cuda" or (device == "auto" and has_cuda) else "cpu"


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


def grade_topic(task: Task) -> TopicOutcome:
    """One pytest run of one topic's suite against one submission (a grading process's job)."""
    options = task.options
    deadline = task.deadline if task.deadline is not None else time.monotonic() + options.budget
    collector = Collector()
    args = [
        str(suite_path(task.topic)),
        f"-c={suites_dir() / 'pytest.ini'}",
        f"--rootdir={suites_dir()}",
        f"--submission={task.path}",
        f"--grade-device={options.device}",
        f"--probe-timeout={options.timeout}",
        f"--budget={options.budget}",
        f"--deadline={deadline}",
        f"--memory-mb={options.memory_mb}",
        f"--timeout={int(6 * options.timeout + 2 * defaults.boot_seconds())}",  # two tries to start
        "-p",
        "pytest_timeout",
        "-p",
        "no:terminal",
        *QUIET_PLUGINS,
    ]
    if task.single_file:
        args.append(f"--submission-topic={task.topic}")
    if options.public_only:
        args.append("--public-only")
    if options.keyword:
        args += ["-k", options.keyword]
    args += [f"--exercise={name}" for name in options.exercises]
    if options.course_seed is not None and options.student is not None:
        args += [f"--course-seed={options.course_seed}", f"--student={options.student}"]
    output = io.StringIO()
    with pytest_environment(), contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        code = pytest.main(args, plugins=[collector])
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt  # Ctrl-C during a grading: the caller's to handle, not a suite crash
    # -k or --exercise chose none of this topic's checks:
    none_chosen = bool(options.keyword or options.exercises) and code == pytest.ExitCode.NO_TESTS_COLLECTED
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) and not none_chosen:
        raise SuiteCrash(f"pytest exited with {code!s}:\n{output.getvalue()[-3000:]}")
    result = TopicResult(task.topic, collector.results.get(task.topic, []))
    tamper.judge(result, task.path, task.single_file)  # the "how" evidence is forgeable in the worker
    if task.path.suffix == ".ipynb":
        notebooks.explain(result, task.path)
    return TopicOutcome(
        result,
        collector.seconds,
        workers.engine_problem(),
    )


def prepare_engine(device: str) -> None:
    """Launch this run's zygote, shared by every grading process forked after this; each
    waits for it to be ready when it first needs a worker."""
    workers.prestart(device == "cuda")


def run_tasks(
    tasks: list[Task],
    jobs: int,
    on_outcome: Callable[[Task, TopicOutcome | Exception], None],
    on_start: Callable[[Task], Task] = lambda task: task,
) -> None:
    """Grade ``tasks`` with up to ``jobs`` grading processes (in this process when one will do)."""
    if not tasks:
        return
    prepare_engine(tasks[0].options.device)
    if min(jobs, len(tasks)) <= 1:
        for task in tasks:
            task = on_start(task)
            try:
                outcome: TopicOutcome | Exception = grade_topic(task)
            except SuiteCrash as exc:
                outcome = exc
            on_outcome(task, outcome)
        return
    with GraderPool(min(jobs, len(tasks)), grade_topic) as pool:
        pool.run(tasks, on_outcome, on_start)


def build_report(
    path: Path,
    outcomes: list[TopicOutcome],
    device: str,
    public_only: bool,
    rule: str,
    single_topic: str | None,
    wall: float,
    selection: str = "",
) -> Report:
    seconds = {"wall": wall, "startup": 0.0, "probes": 0.0}
    for outcome in outcomes:
        for part, value in outcome.seconds.items():
            seconds[part] = seconds.get(part, 0.0) + value
    ran = next((o.confinement for o in outcomes if o.confinement), None) or confinement()
    usable, how = ran.usable, ran.how
    report = Report(
        [o.result for o in outcomes],
        sandbox=how if usable else "none",
        device=device,
        seconds=seconds,
        selection=selection,
    )
    if public_only:
        report.notes.append("public checks only: the hidden suite grades more")
    if (suites_dir() / RELEASE_MARKER).is_file():
        report.notes.append(
            "student release: hidden checks are not available here; your course's grader runs them"
        )
    if rule:
        report.notes.append(
            f"{path.name} graded as topic {single_topic}: {rule}; only its "
            "definitions ran (imports, functions, classes, constants)"
        )
    if not usable:
        local = not any(o.confinement for o in outcomes)  # else the reason is another machine's
        report.notes.append(no_sandbox_note(ran.uid_dropped, None if local else how))
    engine_problem = next((o.engine_problem for o in outcomes if o.engine_problem), "")
    if engine_problem:
        report.notes.append(
            f"each worker started a fresh Python (slower): {engine_problem}; `grade doctor` says why"
        )
    skipped = sum(topic.count("skipped") for topic in report.topics)
    if skipped:
        report.notes.append(
            f"{skipped} checks skipped (CUDA checks need a GPU); they do not count toward the maximum"
        )
    return report


def grade(
    path: Path,
    topics: tuple[str, ...] = (),
    device: str = "auto",
    timeout: float = defaults.PROBE_TIMEOUT,
    memory_mb: int = defaults.MEMORY_MB,
    public_only: bool = False,
    budget: float = defaults.SUBMISSION_BUDGET,
    jobs: int | None = None,
    keyword: str = "",
    exercises: tuple[str, ...] = (),
    course_seed: str | None = None,
    student: str | None = None,
    progress: Listener | None = None,
) -> Report:
    """Grade one submission, its topics ``jobs`` at a time (default: this machine's cores);
    with ``keyword`` (``-k EXPR``), only the checks it selects, and only the topics that have one;
    with ``exercises``, only the checks of those exercises (a topic may then have none); with
    ``course_seed`` and ``student``, the hidden checks draw that student's inputs; ``progress``
    hears each topic queued, graded (with the check in flight) and done."""
    started = time.monotonic()
    selected, single_topic, rule = select_topics(path, topics)
    if keyword and keyword_problem(keyword):
        raise UsageProblem(keyword_problem(keyword))
    selected = topics_with_exercises(selected, exercises)
    if (course_seed is None) != (student is None):
        raise UsageProblem("--course-seed and --student go together: the hidden inputs are one student's")
    options = Options(
        resolve_device(device),
        timeout,
        memory_mb,
        budget,
        public_only,
        keyword,
        exercises,
        course_seed,
        student,
    )
    tasks = [
        Task(path, topic, single_topic is not None, options, deadline=started + budget) for topic in selected
    ]
    outcomes: dict[str, TopicOutcome] = {}

    def file(task: Task, outcome: TopicOutcome | Exception) -> None:
        if isinstance(outcome, GraderCrashed):
            outcome = SuiteCrash(str(outcome))
        if isinstance(outcome, Exception):
            raise outcome
        outcomes[task.topic] = outcome
        tell(Event(task.topic, "done", result=outcome.result))

    def begin(task: Task) -> Task:
        tell(Event(task.topic, "grading"))
        return task

    with listening(progress) as tell:
        for task in tasks:
            tell(Event(task.topic, "queued"))
        run_tasks(tasks, jobs or defaults.cores(), file, begin)
    for topic, outcome in outcomes.items():
        curves.picture_failures(outcome.result.tests, topic, defaults.curve_folder())
    chosen = bool(keyword or exercises)  # a topic where they choose no check is left out
    graded = [outcomes[t] for t in selected if not chosen or outcomes[t].result.tests]
    if not graded:
        raise UsageProblem(f"{choice(exercises, keyword)} selects no check of {', '.join(selected)}")
    return build_report(
        path,
        graded,
        options.device,
        public_only,
        rule,
        single_topic,
        time.monotonic() - started,
        describe(exercises, keyword),
    )
