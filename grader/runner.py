"""Grade submissions: choose the topics, run their suites with pytest, collect Reports.

One (submission, topic) is one :class:`Task`, graded by :func:`grade_topic` in the trusted
process with the topic's suite as :mod:`grader.suites` collected it once per process (an
untouched stub without a worker); submitted code runs only in the workers that the suites'
``sub`` fixture starts. :func:`grade` grades one submission's topics in parallel
(:class:`grader.pool.GraderPool`), and ``grade batch`` hands a whole class to the same pool.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from grader import defaults, notebooks, stubs, suites, workers
from grader.pool import GraderCrashed, GraderPool
from grader.release import RELEASE_MARKER
from grader.sandbox import sandbox_status, uid_fallback
from grader.scoring import Report, TopicResult
from grader.staging import StagingError, topic_files, topic_of_file
from grader.topics import TOPICS, available_topics, suites_dir, unknown_topic


class UsageProblem(ValueError):
    """Unusable input: the CLI prints the message on one line and exits 2."""


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


def keyword_problem(expression: str) -> str:
    """Why ``expression`` is not a usable ``-k EXPR``, or ''."""
    from _pytest.mark.expression import Expression  # what pytest's -k parses with (no public API)

    try:
        Expression.compile(expression)
    except Exception as exc:  # SyntaxError in pytest 9, ParseError in pytest 8
        return f"-k {expression!r} is not a valid expression: {getattr(exc, 'msg', exc)}"
    return ""


def resolve_device(device: str) -> str:
    import torch

    has_cuda = torch.cuda.is_available()
    if device == "cuda" and not has_cuda:
        raise UsageProblem("--device cuda asked for, but no CUDA device is available here")
    return "cuda" if device == "cuda" or (device == "auto" and has_cuda) else "cpu"


def select_topics(path: Path, topics: tuple[str, ...] = ()) -> tuple[list[str], str | None, str]:
    """(topics to grade, topic of a single-file submission, how that topic was chosen)
    or :class:`UsageProblem`."""
    if unknown_topic(topics):
        raise UsageProblem(unknown_topic(topics))
    if not path.exists():
        raise UsageProblem(f"no such file or folder: {path}")
    if path.is_dir():
        if not topic_files(path):
            raise UsageProblem(f"{path} holds no topic file ({', '.join(t + '.py' for t in TOPICS)})")
        single_topic, selected, rule = None, list(topics) or available_topics(), ""
    elif path.suffix not in (".py", ".ipynb"):
        raise UsageProblem(
            f"{path.name}: grade a folder shaped like exercises/, one topic's .py file or a notebook"
        )
    elif len(topics) > 1:
        raise UsageProblem("a single file answers one topic: pass at most one --topic")
    else:
        given = topics[0] if topics else None
        try:
            if path.suffix == ".ipynb":
                single_topic, rule = notebooks.topic_of(path, notebooks.read(path), given)
            else:
                single_topic, rule = topic_of_file(path, given), ""
        except (StagingError, notebooks.NotebookError) as exc:
            raise UsageProblem(str(exc)) from None
        selected = [single_topic]
    missing = [t for t in selected if t not in available_topics()]
    if missing:
        raise UsageProblem(f"no suite for topic {missing[0]!r} in {suites_dir()}")
    return selected, single_topic, rule


def grade_topic(task: Task) -> TopicOutcome:
    """One topic's suite against one submission (a grading process's job): the suite is
    collected on this process's first task of the topic and reused by the next ones."""
    options = task.options
    deadline = task.deadline if task.deadline is not None else time.monotonic() + options.budget
    run = suites.Run(
        submission=task.path,
        submission_topic=task.topic if task.single_file else None,
        grade_device=options.device,
        probe_timeout=options.timeout,
        budget=options.budget,
        deadline=deadline,
        memory_mb=options.memory_mb,
        public_only=options.public_only,
        keyword=options.keyword,
        exercise=options.exercises,
        course_seed=options.course_seed if options.student is not None else None,
        student=options.student if options.course_seed is not None else None,
    )
    try:
        suite = suites.collected(task.topic, options.timeout)
        tests, seconds = suite.not_started(run) if untouched_stub(task) else suite.run(run)
    except suites.SuiteBroken as exc:
        suites.forget(task.topic)
        raise SuiteCrash(str(exc)) from None
    if not tests and not (options.keyword or options.exercises):
        raise SuiteCrash(f"{task.topic}: the suite has no check")
    result = TopicResult(task.topic, tests)
    if task.path.suffix == ".ipynb":
        notebooks.explain(result, task.path)
    return TopicOutcome(result, seconds, workers.engine_problem())


def untouched_stub(task: Task) -> bool:
    """The task's topic file is still the untouched stub (:mod:`grader.stubs`): every check
    would be ``not_started``, so no worker is needed."""
    return stubs.topic_is_stub(task.path, task.topic, task.single_file)


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
    torch.set_num_threads(defaults.TRUSTED_THREADS)  # before the pool forks: every grader inherits it
    if not all(untouched_stub(task) for task in tasks):
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
    keyword: str = "",
) -> Report:
    seconds = {"wall": wall, "startup": 0.0, "probes": 0.0}
    for outcome in outcomes:
        for part, value in outcome.seconds.items():
            seconds[part] = seconds.get(part, 0.0) + value
    ran = next((o.confinement for o in outcomes if o.confinement), None) or confinement()
    usable, how = ran.usable, ran.how
    report = Report(
        [o.result for o in outcomes],
        sandbox=how if usable else f"none ({how})",
        device=device,
        seconds=seconds,
    )
    if public_only:
        report.notes.append("public checks only: the hidden suite grades more")
    if keyword:
        report.notes.append(f"only the checks that match -k {keyword!r}: the score is theirs alone")
    if (suites_dir() / RELEASE_MARKER).is_file():
        report.notes.append(
            "student release: hidden checks are not available here; your course's grader runs them"
        )
    if rule:
        report.notes.append(
            f"{path.name} graded as topic {single_topic}: {rule}; only its "
            "definitions ran (imports, functions, classes, constants)"
        )
    if ran.uid_dropped:
        report.notes.append(
            f"submitted code ran without bubblewrap ({how}): as an unprivileged uid with resource "
            "limits, but with no network, pid or filesystem isolation"
        )
    elif not usable:
        report.notes.append(
            f"submitted code ran WITHOUT a sandbox: {how}; only resource limits and timeouts applied"
        )
    engine_problem = next((o.engine_problem for o in outcomes if o.engine_problem), "")
    if engine_problem:
        report.notes.append(f"each worker started a fresh Python (slower): {engine_problem}")
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
) -> Report:
    """Grade one submission, its topics ``jobs`` at a time (default: this machine's cores);
    with ``keyword`` (``-k EXPR``), only the checks it selects, and only the topics that have one;
    with ``exercises``, only the checks of those exercises (a topic may then have none); with
    ``course_seed`` and ``student``, the hidden checks draw that student's inputs."""
    started = time.monotonic()
    selected, single_topic, rule = select_topics(path, topics)
    if keyword and keyword_problem(keyword):
        raise UsageProblem(keyword_problem(keyword))
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

    run_tasks(tasks, jobs or defaults.cores(), file)
    graded = [outcomes[t] for t in selected if not keyword or outcomes[t].result.tests]
    if not graded:
        raise UsageProblem(f"-k {keyword!r} selects no check of {', '.join(selected)}")
    return build_report(
        path,
        graded,
        options.device,
        public_only,
        rule,
        single_topic,
        time.monotonic() - started,
        keyword,
    )
