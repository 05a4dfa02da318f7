"""``grade batch``: a whole class at a time, into a gradebook that loses nothing.

Each entry of the submissions folder is one student, or an LMS bulk download's files of one
student together (see :mod:`grader.batch.intake`); with a roster (:mod:`grader.batch.roster`)
each is named by its roster key, the roster's students without a submission get a "no
submission" row, and the LMS import file is written beside the other exports. Every
gradable submission is cut into (submission, topic) tasks for an executor: the grading
processes of :func:`grader.engine.runner.run_tasks`, which keep each core busy from one long-lived
``grade`` process (torch and pytest imported once, workers forked from one zygote), or with
``--scheduler`` the workers of a Dask cluster (:mod:`grader.batch.distributed`). When a
submission's last topic is done it is written to the SQLite gradebook in one transaction,
and the exports are rebuilt from the database at the end of every run. A re-run skips
students whose content hash and suite version are already recorded.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from grader import clean, defaults
from grader.batch.exports import assignment_name, export_all, export_roster, write_skipped
from grader.batch.find import StudentNotFound, resolve_assignment
from grader.batch.gradebook import CourseBook, CourseSeedMismatch, Gradebook, Row
from grader.batch.intake import Gradable, Rejected, Submission, entries, gather, lms_name, take_submission
from grader.batch.lms.base import LmsName, LmsSettings
from grader.batch.report_html import write_report
from grader.batch.roster import Member, Roster, assign
from grader.batch.standing import final_rows
from grader.batch.summary import ClassStats, class_stats, summary_text
from grader.batch.times import submission_times
from grader.batch.version import suite_version
from grader.batch.writes import WriteFailed, writing
from grader.course import Course, CourseError
from grader.engine.pool import GraderCrashed
from grader.engine.runner import (
    SuiteCrash,
    Task,
    TaskRefused,
    TopicOutcome,
    UsageProblem,
    build_report,
    resolve_device,
    run_tasks,
    select_topics,
)
from grader.options import Options


@dataclass
class BatchOptions:
    """``grade batch``'s own settings around the grading options every command shares
    (limits, topics, -k, the course seed: each student's hidden inputs, grader/checks/inputs.py)."""

    grading: Options = field(default_factory=Options)
    workers: int = field(default_factory=defaults.cores)
    roster: Roster | None = None
    scheduler: str | None = None  # a Dask scheduler's address: grade on its workers
    allow_no_sandbox: bool = False  # what Dask workers without bubblewrap may do
    lms: LmsSettings = field(default_factory=LmsSettings)  # how the LMS file is filled
    course: Course | None = None  # with assignment: points, deadlines (grader/course.py)
    assignment: str = ""
    times: Path | None = None  # a CSV of student,submitted_at


@dataclass
class BatchSummary:
    graded: int = 0
    skipped: int = 0
    rejected: int = 0
    crashed: int = 0
    students: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # roster keys without a submission
    unmatched: list[str] = field(default_factory=list)  # submissions that match no roster row
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (entry, why) not taken at all
    text: str = ""  # the class summary for stdout (grader/batch/summary.py)
    stats: ClassStats | None = None
    title: str = ""  # report.html's


def graded_version(version: str, keyword: str, exercises: tuple[str, ...]) -> str:
    """The suite version with the checks chosen (-k, an assignment's exercises): a run that
    grades other checks must not count earlier gradings as current."""
    if not keyword and not exercises:
        return version
    return f"{version}-{hashlib.sha256(repr((keyword, exercises)).encode()).hexdigest()[:6]}"


class Executor(Protocol):
    """Where tasks are graded: this machine's grading processes, or a Dask cluster."""

    def refuse(self, path: Path) -> str:
        """Why the submission at ``path`` cannot be graded there, or ""."""

    def run(
        self,
        tasks: list[Task],
        on_outcome: Callable[[Task, TopicOutcome | Exception], None],
        on_start: Callable[[Task], Task],
    ) -> None:
        """Grade every task; ``on_outcome`` is called here, once per task."""

    def close(self) -> None: ...


@dataclass
class LocalExecutor:
    """``workers`` grading processes forked from this one (:func:`grader.engine.runner.run_tasks`)."""

    workers: int

    def refuse(self, path: Path) -> str:
        return ""

    def run(
        self,
        tasks: list[Task],
        on_outcome: Callable[[Task, TopicOutcome | Exception], None],
        on_start: Callable[[Task], Task],
    ) -> None:
        run_tasks(tasks=tasks, jobs=self.workers, on_outcome=on_outcome, on_start=on_start)

    def close(self) -> None:
        pass


def executor_for(options: BatchOptions, version: str) -> Executor:
    if options.scheduler is None:
        return LocalExecutor(options.workers)
    from grader.batch.distributed import DaskExecutor  # Dask only when asked for

    return DaskExecutor(options.scheduler, version, options.allow_no_sandbox)


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
        return Row(
            student=item.student,
            content_hash=item.content_hash,
            suite_version=version,
            status="crashed",
            reason=pending.problem,
        )
    wall = time.monotonic() - (pending.started or time.monotonic())
    report = build_report(
        item.path,
        [pending.outcomes[t] for t in pending.topics],
        device=options.device,
        public_only=False,
        rule=pending.rule,
        single_topic=item.topic,
        wall=wall,
    )
    return Row(
        student=item.student,
        content_hash=item.content_hash,
        suite_version=version,
        status="graded",
        reason=item.notes,
        score=report.score,
        max_score=report.max_score,
        report=report.to_json(),
    )


def _absent(roster: Roster, submissions: list[Submission]) -> list[Member]:
    """The roster's students (Canvas's Test Student aside) with no submission, once each."""
    present = {s.student for s in submissions}
    absent = {m.key: m for m in roster.members if not m.test and m.key not in present}
    return list(absent.values())


def _no_submission_rows(absent: list[Member], earlier: list[Row], version: str) -> list[Row]:
    """A 0 row for each absent student, unless an earlier grading of theirs is on record."""
    graded_before = {r.student for r in earlier if r.status != "missing"}
    return [
        Row(student=m.key, content_hash="", suite_version=version, status="missing", reason="no submission")
        for m in absent
        if m.key not in graded_before
    ]


def _roster_report(
    unmatched: list[Submission],
    absent: list[Member],
    kept: set[str],
    contested: dict[str, list[Submission]],
    given: str,
) -> list[str]:
    """The stderr lines about who did not match: submissions without a student, and the reverse."""
    lines = [
        f"{clean.name(key)} is claimed by {len(claims)} submissions "
        f"({', '.join(clean.name(s.student) for s in claims)}): given to neither, all in unmatched.csv"
        for key, claims in contested.items()
    ]
    if unmatched:
        names = ", ".join(f"{clean.name(s.student)} ({len(s.entries)} file(s))" for s in unmatched)
        lines.append(
            f"{len(unmatched)} submission(s) match no one on the roster (graded, in unmatched.csv): {names}"
        )
    if absent:
        names = ", ".join(
            clean.name(m.display) + (" (earlier grade kept)" if m.key in kept else "") for m in absent
        )
        lines.append(f"{len(absent)} student(s) on the roster have no submission ({given}): {names}")
    return lines


def _download_names(submissions: list[Submission]) -> dict[str, tuple[LmsName, ...]]:
    """Each student's names in the LMS's download (Canvas's comment upload is keyed by them)."""
    return {s.student: tuple(n for e in s.entries if (n := lms_name(e.name))) for s in submissions if s.name}


def _warn(lines: list[str], what: str = "roster") -> None:
    if lines:
        lead = "\n" if sys.stderr.isatty() else ""  # below a progress bar still on its line
        print(lead + "\n".join(f"{what}: {line}" for line in lines), file=sys.stderr)


def run_batch(
    submissions: Path,
    out: Path,
    options: BatchOptions,
    on_done: Callable[[Row | None], None] = lambda row: None,
) -> BatchSummary:
    """Grade every entry of ``submissions`` into ``out``; ``on_done`` is called per entry."""
    version = suite_version()
    grading = options.grading
    book_path = out / "gradebook.sqlite"
    with writing(book_path):
        out.mkdir(parents=True, exist_ok=True)
        gradebook = Gradebook(book_path)
    try:
        with writing(book_path):
            gradebook.claim_course_seed(grading.course_seed)
    except CourseSeedMismatch as exc:
        gradebook.close()
        raise UsageProblem(str(exc)) from None
    except WriteFailed:
        gradebook.close()
        raise
    course = options.course
    assignment = course.assignment(options.assignment) if course and options.assignment else None
    if assignment is not None:  # the course file's names, before anything is graded or written
        try:
            students = [] if options.roster else [s.student for s in gather(entries(submissions)[0])]
            assignment = resolve_assignment(assignment, students, options.roster)
        except StudentNotFound as exc:
            gradebook.close()
            raise UsageProblem(str(exc)) from None
    with writing(book_path):
        book = CourseBook(gradebook)
    if course is not None and assignment is not None:
        recorded = book.meta("course")
        if isinstance(recorded, dict) and recorded.get("assignment") != assignment.name:
            gradebook.close()
            raise UsageProblem(
                f"{out} holds assignment {recorded.get('assignment')!r}, not {assignment.name!r}: "
                "grade each assignment into its own --out"
            )
        with writing(book_path):
            book.set_meta("course", {"file": str(course.path.resolve()), "assignment": assignment.name})
    if options.roster is not None and options.roster.path is not None:
        with writing(book_path):
            book.set_meta("roster", str(options.roster.path.resolve()))
    executor = executor_for(options, version)  # workers check the suites' version alone
    version = graded_version(version, grading.selection.keyword, assignment.exercises if assignment else ())
    summary = BatchSummary()
    scratch = Path(tempfile.mkdtemp(prefix="torchgrade-batch-"))
    run_options = replace(
        grading,
        device=resolve_device(grading.device),
        selection=replace(grading.selection, exercises=assignment.exercises if assignment else ()),
    )

    roster = options.roster
    unmatched: list[Submission] = []
    contested: dict[str, list[Submission]] = {}
    found: list[Submission] = []
    absent: list[Member] = []
    kept: set[str] = set()

    def record(row: Row) -> None:
        with writing(book_path):  # one transaction: a failure leaves the rows before it
            gradebook.record(row)
        summary.graded += row.status == "graded"
        summary.rejected += row.status == "rejected"
        summary.crashed += row.status == "crashed"
        on_done(row)

    graded = False  # every task's outcome recorded: the exports' own failure is the one to tell
    try:
        tasks: list[Task] = []
        taken, summary.left_out = entries(submissions)
        found = gather(taken)
        if roster is not None:
            claims = assign(found, roster)
            found, unmatched, contested = claims.named, claims.unmatched, claims.contested
        if roster is not None:
            absent = _absent(roster, found)
            missing = _no_submission_rows(absent, gradebook.rows(), version)
            kept = {m.key for m in absent} - {r.student for r in missing}
            for row in missing:
                with writing(book_path):
                    gradebook.record(row)
            summary.missing = [m.key for m in absent]
            summary.unmatched = [s.student for s in unmatched]
        zone = assignment.timezone if assignment else course.timezone if course else None
        try:
            times = options.times or (assignment.times if assignment else None)
            submitted = submission_times(
                submissions=found, roster=roster, times_file=times, zone=zone or ZoneInfo("UTC")
            )
        except (CourseError, OSError, StudentNotFound) as exc:
            raise UsageProblem(str(exc)) from None
        with writing(book_path):
            book.record_submitted(submitted)
        for submission in found:
            for _ in submission.entries[1:]:
                on_done(None)  # one tick per entry: a student's other files
            item = take_submission(submission, scratch, grading.selection.topics)
            summary.students.append(item.student)
            if isinstance(item, Rejected):
                record(
                    Row(
                        student=item.student,
                        content_hash="",
                        suite_version=version,
                        status="rejected",
                        reason=item.reason,
                    )
                )
                continue
            if gradebook.is_current(item.student, item.content_hash, version):
                summary.skipped += 1
                on_done(None)
                continue
            try:
                wanted = (item.topic,) if item.topic else grading.selection.topics or item.topics
                topics, _, rule = select_topics(item.path, wanted)
                refused = executor.refuse(item.path)
                if refused:
                    raise UsageProblem(refused)
            except UsageProblem as exc:
                record(
                    Row(
                        student=item.student,
                        content_hash=item.content_hash,
                        suite_version=version,
                        status="rejected",
                        reason=str(exc)[:300],
                    )
                )
                continue
            pending = _Pending(item, topics, rule)
            student_options = replace(run_options, student=item.student if grading.course_seed else None)
            tasks += [
                Task(
                    path=item.path,
                    topic=topic,
                    single_file=item.topic is not None,
                    options=student_options,
                    owner=pending,
                )
                for topic in topics
            ]

        def start(task: Task) -> Task:
            pending: _Pending = task.owner
            if pending.started is None:
                pending.started = time.monotonic()
            task.deadline = pending.started + grading.limits.budget
            return task

        def finish(task: Task, outcome: TopicOutcome | Exception) -> None:
            pending: _Pending = task.owner
            pending.done += 1
            if isinstance(outcome, TaskRefused):
                pending.problem = pending.problem or str(outcome)
            elif isinstance(outcome, (SuiteCrash, GraderCrashed)):
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

        executor.run(tasks, finish, start)
        graded = True
    finally:
        executor.close()
        try:
            with writing(out):
                rows = final_rows(gradebook.rows(), assignment, book)
                export_all(rows, out, options.lms.missing)
                write_skipped(summary.left_out, out / "skipped.csv")
                if roster is not None:
                    unlisted = {s.student: s.entries for s in unmatched}
                    column = assignment.lms_column if assignment else ""
                    export_roster(
                        rows=rows,
                        roster=roster,
                        out=out,
                        assignment=assignment_name(grading.selection.topics, rows),
                        unmatched=unlisted,
                        settings=options.lms,
                        column=column,
                        names=_download_names(found),
                    )
                summary.stats = class_stats(rows, options.lms.missing)
                summary.text = summary_text(summary.stats)
                summary.title = assignment.title if assignment else f"torchgrade: {out.name}"
                write_report(summary.stats, summary.title, out)
        except WriteFailed:
            if graded:  # else the failure that stopped the grading is the one to tell
                raise
        finally:
            gradebook.close()
            shutil.rmtree(scratch, ignore_errors=True)
    excused = assignment.excused if assignment else ()
    given = "0" if options.lms.missing == "zero" else "blank in the LMS file"
    _warn(_roster_report(unmatched, [m for m in absent if m.key not in excused], kept, contested, given))
    _warn([f"{clean.name(n)}: {why} (in skipped.csv)" for n, why in summary.left_out], "left out")
    return summary
