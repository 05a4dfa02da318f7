"""Grade submissions: choose the topics, run their suites with pytest, collect Reports.

One (submission, topic) is one :class:`Task`, graded by :func:`grade_topic` in the trusted
process with the topic's suite as :mod:`grader.engine.suites.collected` collected it once per process (an
untouched stub without a worker); submitted code runs only in the workers that the suites'
``sub`` fixture starts. :func:`grade` grades one submission's topics in parallel
(:class:`grader.engine.worker.pool.GraderPool`), and ``grade batch`` hands a whole class to the same pool.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeAlias

from grader.base import defaults
from grader.base.i18n import _, ngettext
from grader.base.options import Options
from grader.base.topics import LONGEST_FIRST, RELEASE_MARKER, suites_dir
from grader.checks.judging import curves
from grader.checks.verdict.scoring import Report, TopicResult
from grader.engine import check_table, remembered, stubs
from grader.engine.how_read import Rules, judge_how
from grader.engine.progress import Event, Listener, listening
from grader.engine.selection import (
    UsageProblem,
    choice,
    describe,
    keyword_problem,
    select_topics,
    topics_with_exercises,
)
from grader.engine.sources import notebooks
from grader.engine.subset import submission as subset
from grader.engine.worker import allocator, sympy_need, workers
from grader.engine.worker.doctor import no_sandbox_note
from grader.engine.worker.pool import GraderCrashed, GraderPool
from grader.engine.worker.preload import collector_paused, preload, without_dynamo
from grader.engine.worker.sandbox import sandbox_status, uid_fallback
from grader.engine.worker.torch_build import no_gpu


class SuiteCrash(RuntimeError):
    """pytest itself failed (a broken suite, not a broken submission)."""


class TaskRefused(RuntimeError):
    """A grading machine would not run the task (another suite version, no sandbox there);
    the message says why in one line."""


@dataclass
class Task:
    """One topic of one submission."""

    path: Path
    topic: str
    single_file: bool
    options: Options  # its device resolved (cpu or cuda) by grade() and grade batch
    owner: Any = None  # whatever the caller needs to file the result
    deadline: float | None = None  # time.monotonic() when the submission's budget ends
    # what the grading process runs after the topic's checks, its answer in the outcome's
    # ``followed`` (a class's held-out scores: grader/batch/leaderboard.py); picklable, as the task
    followup: Callable[[Task], Any] | None = None


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
    followed: Any = None  # what the task's followup answered (None: it has none)


def resolve_device(device: str) -> str:
    if device == "cpu" or (device == "auto" and no_gpu()):
        return "cpu"  # without importing torch (a second): an untouched stub needs none
    import torch

    # Counted through NVML where it can be: torch.cuda.is_available() initialises CUDA, and a
    # process forked from one that has (the pool's grading processes) can never use it again.
    has_cuda = torch.cuda.device_count() > 0
    if device == "cuda" and not has_cuda:
        raise UsageProblem(_("--device cuda asked for, but no CUDA device is available here"))
    return "cuda" if device == "cuda" or (device == "auto" and has_cuda) else "cpu"


def grade_topic(task: Task) -> TopicOutcome:
    """One topic's suite against one submission (a grading process's job): the suite is
    collected on this process's first task of the topic and reused by the next ones. Code outside
    the graded subset of Python (:mod:`grader.engine.subset.submission`) is refused before any worker runs it.
    A notebook's places (frames, refused lines) are shown as its cells and lines. The task's
    followup runs after the checks, in the same process."""
    if task.path.suffix != ".ipynb":
        outcome = _graded(task)
    else:
        with notebooks.places_of(task.path, task.topic) as module:
            outcome = _graded(task, module)
    if task.followup is not None:
        outcome.followed = task.followup(task)
    return outcome


def _graded(task: Task, notebook: notebooks.NotebookModule | None = None) -> TopicOutcome:
    started = time.monotonic()  # the trusted side's reading of the source: the benchmark's breakdown
    verdict = subset.verdict(task.path, task.topic, task.single_file)
    reading = time.monotonic() - started
    refusal = verdict.refusal
    stub = stub_outcome(task, refusal)  # an untouched stub whose table is cached: no pytest, no torch
    if stub is not None:
        return stub
    from grader.engine.suites import collected as suites  # imports pytest and torch

    options, limits, selection = task.options, task.options.limits, task.options.selection
    deadline = task.deadline if task.deadline is not None else time.monotonic() + limits.budget
    run = suites.Run(
        submission=task.path,
        submission_topic=task.topic if task.single_file else None,
        grade_device=resolve_device(options.device),
        probe_timeout=limits.timeout,
        budget=limits.budget,
        deadline=deadline,
        memory_mb=limits.memory_mb,
        public_only=selection.public_only,
        keyword=selection.keyword,
        exercise=selection.exercises,
        course_seed=options.course_seed if options.student is not None else None,
        student=options.student if options.course_seed is not None else None,
        replaced=verdict.replaced,  # the refused exercises stubbed out: the rest is graded
    )
    try:
        suite = suites.collected(task.topic, limits.timeout)
        chosen = check_table.chosen(suite.rows, selection.keyword, selection.public_only, selection.exercises)
        if verdict.exercises and not any(set(row.exercises) & verdict.exercises for row in chosen):
            if refusal and not any(set(row.exercises) & verdict.exercises for row in suite.rows):
                # what it costs no check judges (a public helper of the learner's stub): said once
                verdict = replace(
                    verdict, unrun=tuple(sorted((refusal, *verdict.unrun), key=lambda r: r.line))
                )
            refusal = None  # it costs exercises this run does not grade: the rest runs, stubbed
        whole = refusal is not None and subset.refuses_every_check(verdict.exercises, chosen)
        tests, seconds = suite.not_started(run) if whole or untouched_stub(task) else suite.run(run)
        ran = dict(suite.grading.ran)  # what its import ran, before a run for the blame alone
        called, seconds = suite.callees_of(run, tests, seconds)  # a stub's open none
    except suites.SuiteBroken as exc:
        suites.forget(task.topic)
        raise SuiteCrash(str(exc)) from None
    if not tests and not (selection.keyword or selection.exercises):
        raise SuiteCrash(f"{task.topic}: the suite has no check")
    result = TopicResult(task.topic, tests, called=called)
    if untouched_stub(task) and stubs.topic_is_stub(task.path, task.topic, task.single_file, blank_only=True):
        check_table.said_blank(result, task.topic)
    if refusal:
        subset.refuse(result, refusal, verdict.exercises)
    started = time.monotonic()
    judge_how(
        result,
        task.path,
        task.topic,
        task.single_file,
        Rules(dict(verdict.replaced), suite.off_limits, suite.vectorised, suite.counts, ran),
    )
    seconds = {**seconds, "reading": reading + time.monotonic() - started}
    if selection.public_only:  # what the hidden suite still judges, by exercise and kind
        result.hidden = hidden_of(suite.rows, task.topic, selection.exercises)
    if notebook is not None:
        notebooks.explain(result, notebook, [verdict.note()])
    else:
        result.note = "; ".join(filter(None, [result.note, verdict.note()]))  # said once, for the topic
    return TopicOutcome(result, seconds, workers.engine_problem())


def stub_outcome(task: Task, refusal: subset.Refusal | None = None) -> TopicOutcome | None:
    """An untouched stub's outcome from its topic's cached table of checks (grader/engine/check_table.py),
    or None where the suite must be collected: then the table is cached for the next run."""
    if not untouched_stub(task):
        return None
    options, selection = task.options, task.options.selection
    rows = check_table.cached(task.topic)
    if rows is None:
        from grader.engine.suites import collected as suites

        try:
            check_table.remember(task.topic, suites.collected(task.topic, options.limits.timeout).rows)
        except suites.SuiteBroken:
            pass  # grade_topic collects it again and reports what broke
        return None
    started = time.monotonic()
    chosen = check_table.chosen(rows, selection.keyword, selection.public_only, selection.exercises)
    if not chosen and not (selection.keyword or selection.exercises):
        raise SuiteCrash(f"{task.topic}: the suite has no check")
    result = TopicResult(
        task.topic, check_table.not_started(task.topic, chosen, resolve_device(options.device))
    )
    if stubs.topic_is_stub(task.path, task.topic, task.single_file, blank_only=True):
        check_table.said_blank(result, task.topic)
    if refusal:
        subset.refuse(result, refusal)
    if selection.public_only:
        result.hidden = hidden_of(rows, task.topic, selection.exercises)
    seconds = {"startup": 0.0, "probes": 0.0, "reading": time.monotonic() - started}
    return TopicOutcome(result, seconds, workers.engine_problem())


def hidden_of(
    rows: list[check_table.Row], topic: str, exercises: tuple[str, ...]
) -> dict[str, dict[str, int]]:
    """What the hidden suite judges per exercise and kind: its ``rows``' hidden checks, else, in a
    student release (whose suites hold no hidden check), what its marker says; nothing elsewhere."""
    if found := check_table.hidden_kinds(rows, exercises):
        return found
    marker = suites_dir() / RELEASE_MARKER
    try:
        table = json.loads(marker.read_text()).get("hidden_kinds", {}).get(topic, {})
    except (OSError, ValueError, AttributeError):
        return {}
    return {name: kinds for name, kinds in table.items() if not exercises or name in exercises}


def untouched_stub(task: Task) -> bool:
    """The task's topic file is still the untouched stub (:mod:`grader.engine.stubs`): every check
    would be ``not_started``, so no worker is needed."""
    return stubs.topic_is_stub(task.path, task.topic, task.single_file)


def longest_first(task: Task) -> int:
    """A task's place when its topics are handed out longest first (a topic not measured: last)."""
    return LONGEST_FIRST.index(task.topic) if task.topic in LONGEST_FIRST else len(LONGEST_FIRST)


def prepare_engine(device: str, tasks: list[Task]) -> None:
    """Launch this run's zygote, shared by every grading process forked after this; each
    waits for it to be ready when it first needs a worker. Without sympy where no task's worker
    will hand autograd a gradient (grader/engine/worker/sympy_need.py); one started without it by the
    command is replaced where a task needs it."""
    need = sympy_need.needs_sympy({task.topic for task in tasks}, *{task.path for task in tasks})
    workers.prestart(device == "cuda", without_sympy=not need)


@contextlib.contextmanager
def ctrl_c_deferred() -> Iterator[None]:
    """Ctrl-C waits for the block's end (heavy imports): a KeyboardInterrupt raised inside
    torch's or numpy's import leaves a half-built module behind (numpy.linalg then recursed
    without end, and `grade watch` stopped with a traceback instead of "stopped watching")."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread receives Python's signals
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and callable(previous):
            previous(signal.SIGINT, None)  # the default handler raises KeyboardInterrupt here


def collect_before_fork(tasks: list[Task]) -> None:
    """Configure and collect, before the pool forks, each suite that several tasks run (a class:
    docs/engine.md's GraderPool step; ~0.1 s of CPU a process and a topic). A suite that breaks is
    left to the grading process, which reports it as its task's crash."""
    from grader.engine.suites import collected as suites

    runs = Counter((t.topic, t.options.limits.timeout) for t in tasks)
    for topic, timeout in (key for key, count in runs.items() if count > 1):
        try:
            suites.collected(topic, timeout)
        except suites.SuiteBroken:
            suites.forget(topic)


# called with each task's outcome, and with each task as it starts (answering the task run)
OnOutcome: TypeAlias = Callable[[Task, TopicOutcome | Exception], None]
OnStart: TypeAlias = Callable[[Task], Task]


def run_tasks(
    tasks: list[Task], jobs: int, on_outcome: OnOutcome, on_start: OnStart = lambda task: task
) -> None:
    """Grade ``tasks`` with up to ``jobs`` grading processes (in this process when one will do)."""
    if not tasks:
        return
    needs_engine = not all(untouched_stub(task) for task in tasks)
    if needs_engine:
        with ctrl_c_deferred(), collector_paused():
            import torch  # only here: untouched stubs need neither torch nor a zygote

            # pytest and the plugin: once, before the pool forks
            importlib.import_module("grader.engine.suites.collected")
            torch.set_num_threads(defaults.TRUSTED_THREADS)  # before the pool forks: every grader inherits it
            allocator.keep_freed_blocks()  # so does the allocator's setting
            without_dynamo(task.topic for task in tasks)  # one process's run too
        prepare_engine(tasks[0].options.device, tasks)
    elif all(check_table.cached(task.topic) is not None for task in tasks):
        jobs = 1  # their reports are read from tables: a pool would cost more than it saves
    if min(jobs, len(tasks)) <= 1:
        for task in tasks:
            task = on_start(task)
            try:
                outcome: TopicOutcome | Exception = grade_topic(task)
            except SuiteCrash as exc:
                outcome = exc
            on_outcome(task, outcome)
        return
    if needs_engine:
        with ctrl_c_deferred(), collector_paused():
            preload()  # while the zygote boots, once for every grading process
            collect_before_fork(tasks)
    with GraderPool(min(jobs, len(tasks)), grade_topic, workers.keep_workers_ahead) as pool:
        pool.run(tasks, on_outcome, on_start)


def build_report(
    path: Path,
    outcomes: list[TopicOutcome],
    *,
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
        sandbox=how if usable or ran.uid_dropped else "none",  # the uid fallback names itself
        device=device,
        seconds=seconds,
        selection=selection,
    )
    if public_only:
        report.notes.append(_("public checks only: the hidden suite grades more"))
    if (suites_dir() / RELEASE_MARKER).is_file():
        report.notes.append(
            _("student release: hidden checks are not available here; your course's grader runs them")
        )
    if rule:
        report.notes.append(
            _(
                "%(file)s graded as topic %(topic)s: %(rule)s; only its "
                "definitions ran (imports, functions, classes, constants)"
            )
            % {"file": path.name, "topic": single_topic, "rule": rule}
        )
    if not usable:
        local = not any(o.confinement for o in outcomes)  # else the reason is another machine's
        report.notes.append(no_sandbox_note(ran.uid_dropped, None if local else how))
    engine_problem = next((o.engine_problem for o in outcomes if o.engine_problem), "")
    if engine_problem:
        report.notes.append(
            _("each worker started a fresh Python (slower): %(problem)s; `grade doctor` says why")
            % {"problem": engine_problem}
        )
    skipped = sum(topic.count("skipped") for topic in report.topics)
    if skipped:
        report.notes.append(
            ngettext(
                "%(count)d check skipped (CUDA checks need a GPU); it does not count toward the maximum",
                "%(count)d checks skipped (CUDA checks need a GPU); they do not count toward the maximum",
                skipped,
            )
            % {"count": skipped}
        )
    return report


def chosen_topics(path: Path, options: Options) -> tuple[list[str], str | None, str]:
    """:func:`grade`'s topics (those its exercises choose), its single topic and the rule that
    chose them; a usage problem where the options cannot go together."""
    selection = options.selection
    selected, single_topic, rule = select_topics(path, selection.topics)
    if selection.keyword and keyword_problem(selection.keyword):
        raise UsageProblem(keyword_problem(selection.keyword))
    if (options.course_seed is None) != (options.student is None):
        raise UsageProblem(_("--course-seed and --student go together: the hidden inputs are one student's"))
    return topics_with_exercises(selected, selection.exercises), single_topic, rule


def _recalled(
    tasks: list[Task],
    keys: dict[str, str | None],
    outcomes: dict[str, TopicOutcome],
    tell: Callable[[Event], None],
) -> None:
    """The topics read back unchanged (:mod:`grader.engine.remembered`), each told done."""
    for task in tasks:
        known = remembered.recall(task.topic, keys[task.topic])
        if known is not None:
            outcomes[task.topic] = TopicOutcome(known, {"startup": 0.0, "probes": 0.0})
            tell(Event(task.topic, "done", result=known))


def grade(
    path: Path,
    options: Options | None = None,
    *,
    jobs: int | None = None,
    progress: Listener | None = None,
    remember: bool = False,
) -> Report:
    """Grade one submission with ``options`` (default: ``grade``'s), its topics ``jobs`` at a time (default: this
    machine's cores); with a keyword (``-k EXPR``), only the checks it selects, and only the
    topics that have one; with exercises, only the checks of those exercises (a topic may then
    have none); with a course seed and a student, the hidden checks draw that student's inputs;
    ``progress`` hears each topic queued, graded (with the check in flight) and done; with
    ``remember`` (a learner's own runs), a topic whose sources and checks did not change since
    it was last graded is read back instead (:mod:`grader.engine.remembered`)."""
    started = time.monotonic()
    options = options or Options()
    selection = options.selection
    keyword, exercises = selection.keyword, selection.exercises
    selected, single_topic, rule = chosen_topics(path, options)
    options = replace(options, device=resolve_device(options.device))
    deadline = started + options.limits.budget
    tasks = [
        Task(path=path, topic=topic, single_file=single_topic is not None, options=options, deadline=deadline)
        for topic in selected
    ]
    outcomes: dict[str, TopicOutcome] = {}
    graded_topics = [t.topic for t in tasks]
    keys = (
        remembered.keys(path, graded_topics, single_topic is not None, options)
        if remember
        else dict.fromkeys(graded_topics)
    )

    def file(task: Task, outcome: TopicOutcome | Exception) -> None:
        if isinstance(outcome, GraderCrashed):
            outcome = SuiteCrash(str(outcome))
        if isinstance(outcome, Exception):
            raise outcome
        outcomes[task.topic] = outcome
        remembered.keep(outcome.result, keys[task.topic], outcome.engine_problem)
        tell(Event(task.topic, "done", result=outcome.result))

    def begin(task: Task) -> Task:
        tell(Event(task.topic, "grading"))
        return task

    with listening(progress) as tell:
        for task in tasks:
            tell(Event(task.topic, "queued"))
        _recalled(tasks, keys, outcomes, tell)
        run_tasks(
            tasks=sorted((t for t in tasks if t.topic not in outcomes), key=longest_first),
            jobs=jobs or defaults.cores(),
            on_outcome=file,
            on_start=begin,
        )
    for topic, outcome in outcomes.items():
        curves.picture_failures(outcome.result.tests, topic, defaults.curve_folder())
    chosen = bool(keyword or exercises)  # a topic where they choose no check is left out
    graded = [outcomes[t] for t in selected if not chosen or outcomes[t].result.tests]
    if not graded:
        raise UsageProblem(
            _("%(choice)s selects no check of %(topics)s")
            % {"choice": choice(exercises, keyword), "topics": ", ".join(selected)}
        )
    return build_report(
        path,
        graded,
        device=options.device,
        public_only=selection.public_only,
        rule=rule,
        single_topic=single_topic,
        wall=time.monotonic() - started,
        selection=describe(exercises, keyword),
    )
