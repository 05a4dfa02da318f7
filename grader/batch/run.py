"""``grade batch``: a whole class at a time, into a gradebook that loses nothing.

Each entry of the submissions folder is one student (see :mod:`grader.batch.intake`). Every
gradable submission is cut into (submission, topic) tasks for the grading processes of
:func:`grader.runner.run_tasks`, which keep each core busy from one long-lived ``grade``
process (torch and pytest imported once, workers forked from one zygote). When a
submission's last topic is done it is written to the SQLite gradebook in one transaction,
and the exports are rebuilt from the database at the end of every run. A re-run skips
students whose content hash and suite version are already recorded.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from grader import __version__, defaults
from grader.batch.exports import export_all
from grader.batch.gradebook import Gradebook, Row
from grader.batch.intake import Gradable, Rejected, take
from grader.pool import GraderCrashed
from grader.runner import (
    Options,
    SuiteCrash,
    Task,
    TopicOutcome,
    UsageProblem,
    build_report,
    resolve_device,
    run_tasks,
    select_topics,
)
from grader.topics import REPO_ROOT, suites_dir


@dataclass
class BatchOptions:
    workers: int = field(default_factory=defaults.cores)
    timeout: float = defaults.PROBE_TIMEOUT
    memory_mb: int = defaults.MEMORY_MB
    budget: float = defaults.SUBMISSION_BUDGET
    topics: tuple[str, ...] = ()


@dataclass
class BatchSummary:
    graded: int = 0
    skipped: int = 0
    rejected: int = 0
    crashed: int = 0
    students: list[str] = field(default_factory=list)


def suite_version() -> str:
    """Changes whenever a suite or the grader changes: old grades then count as stale."""
    digest = hashlib.sha256(__version__.encode())
    for folder, pattern in ((suites_dir(), "*"), (REPO_ROOT / "grader", "**/*.py")):
        for file in sorted(folder.glob(pattern)):
            if file.is_file():
                digest.update(str(file.relative_to(folder)).encode() + file.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class _Pending:
    """One submission whose topics are being graded."""

    item: Gradable
    topics: list[str]
    rule: str
    outcomes: dict[str, TopicOutcome] = field(default_factory=dict)
    problem: str = ""
    started: float | None = None
    done: int = 0


def _row(pending: _Pending, version: str, options: Options) -> Row:
    item = pending.item
    if pending.problem:
        return Row(item.student, item.content_hash, version, "crashed", pending.problem, 0, 0, {})
    wall = time.monotonic() - (pending.started or time.monotonic())
    report = build_report(
        item.path,
        [pending.outcomes[t] for t in pending.topics],
        options.device,
        False,
        pending.rule,
        item.topic,
        wall,
    )
    return Row(
        item.student,
        item.content_hash,
        version,
        "graded",
        "",
        report.score,
        report.max_score,
        report.to_json(),
    )


def _entries(submissions: Path) -> list[Path]:
    return sorted(p for p in submissions.iterdir() if not p.name.startswith("."))


def run_batch(
    submissions: Path,
    out: Path,
    options: BatchOptions,
    on_done: Callable[[Row | None], None] = lambda row: None,
) -> BatchSummary:
    """Grade every entry of ``submissions`` into ``out``; ``on_done`` is called per entry."""
    out.mkdir(parents=True, exist_ok=True)
    gradebook = Gradebook(out / "gradebook.sqlite")
    version = suite_version()
    summary = BatchSummary()
    scratch = Path(tempfile.mkdtemp(prefix="torchgrade-batch-"))
    run_options = Options(resolve_device("auto"), options.timeout, options.memory_mb, options.budget)

    def record(row: Row) -> None:
        gradebook.record(row)
        summary.graded += row.status == "graded"
        summary.rejected += row.status == "rejected"
        summary.crashed += row.status == "crashed"
        on_done(row)

    try:
        tasks: list[Task] = []
        for entry in _entries(submissions):
            item = take(entry, scratch, options.topics)
            summary.students.append(item.student)
            if isinstance(item, Rejected):
                record(Row(item.student, "", version, "rejected", item.reason, 0, 0, {}))
                continue
            if gradebook.is_current(item.student, item.content_hash, version):
                summary.skipped += 1
                on_done(None)
                continue
            try:
                topics, _, rule = select_topics(item.path, (item.topic,) if item.topic else options.topics)
            except UsageProblem as exc:
                record(Row(item.student, item.content_hash, version, "rejected", str(exc)[:300], 0, 0, {}))
                continue
            pending = _Pending(item, topics, rule)
            tasks += [
                Task(item.path, topic, item.topic is not None, run_options, owner=pending) for topic in topics
            ]

        def start(task: Task) -> Task:
            pending: _Pending = task.owner
            if pending.started is None:
                pending.started = time.monotonic()
            task.deadline = pending.started + options.budget
            return task

        def finish(task: Task, outcome: TopicOutcome | Exception) -> None:
            pending: _Pending = task.owner
            pending.done += 1
            if isinstance(outcome, (SuiteCrash, GraderCrashed)):
                lines = str(outcome).strip().splitlines() or ["internal error"]
                pending.problem = (
                    pending.problem or f"internal error in the {task.topic} suite: {lines[-1][:300]}"
                )
            elif isinstance(outcome, Exception):
                raise outcome
            else:
                pending.outcomes[task.topic] = outcome
            if pending.done == len(pending.topics):
                record(_row(pending, version, run_options))

        run_tasks(tasks, options.workers, finish, start)
    finally:
        export_all(gradebook.rows(), out)
        gradebook.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return summary
