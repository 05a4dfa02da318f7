"""``grade batch``: a whole class at a time, into a gradebook that loses nothing (what a run writes
and what a re-run grades again: docs/instructors.md, "Grading a class"). Every gradable submission
(:mod:`grader.batch.intake`, named by its roster key with :mod:`grader.batch.roster`) is cut into
(submission, topic) tasks for an executor (:mod:`grader.batch.executors`), and written to the
gradebook in one transaction when its last topic is done.
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
from zoneinfo import ZoneInfo

from grader.base import clean
from grader.base.options import Leaderboard, Options, SubmissionLimits
from grader.batch import explain
from grader.batch.causes import NoteBook
from grader.batch.executors import Executor, executor_for
from grader.batch.exports import assignment_name, export_all, export_roster, full_names, write_skipped
from grader.batch.find import StudentNotFound, resolve_assignment
from grader.batch.gradebook import CourseBook, CourseSeedMismatch, Gradebook, Row
from grader.batch.intake import Gradable, Rejected, Submission, entries, gather, lms_name, take_submission
from grader.batch.leaderboard import HeldOutScores, followup, hashes, record, recorded, score_class
from grader.batch.report_html import write_report
from grader.batch.roster import Member, Roster, assign
from grader.batch.setup import BatchOptions, prepared
from grader.batch.standing import final_rows
from grader.batch.summary import ClassStats, class_stats, summary_text
from grader.batch.times import submission_times
from grader.batch.version import suite_version
from grader.batch.writes import WriteFailed, writing
from grader.course.keys import Assignment, CourseError
from grader.engine.runner import (
    SuiteCrash,
    Task,
    TaskRefused,
    TopicOutcome,
    UsageProblem,
    build_report,
    resolve_device,
    select_topics,
)
from grader.engine.worker.pool import GraderCrashed


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
    explained: list[str] = field(default_factory=list)  # per student, why graded again or not


def graded_version(version: str, keyword: str, exercises: tuple[str, ...]) -> str:
    """The suite version with the checks chosen (-k, an assignment's exercises): a run that
    grades other checks must not count earlier gradings as current."""
    if not keyword and not exercises:
        return version
    return f"{version}-{hashlib.sha256(repr((keyword, exercises)).encode()).hexdigest()[:6]}"


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


def _ungraded(student: str, content_hash: str, version: str, status: str, reason: str) -> Row:
    """The row of a submission that was not graded: rejected, crashed or missing."""
    return Row(
        student=student, content_hash=content_hash, suite_version=version, status=status, reason=reason
    )


def _row(pending: _Pending, version: str, options: Options) -> Row:
    item = pending.item
    if pending.problem:
        return _ungraded(item.student, item.content_hash, version, "crashed", pending.problem)
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
    data = report.to_json()
    return Row(
        student=item.student,
        content_hash=item.content_hash,
        suite_version=version,
        status="graded",
        reason=item.notes,
        score=data["score"],
        max_score=data["max_score"],
        report=data,
    )


def _absent(roster: Roster, submissions: list[Submission]) -> list[Member]:
    """The roster's students (Canvas's Test Student aside) with no submission, once each."""
    present = {s.student for s in submissions}
    return list({m.key: m for m in roster.members if not m.test and m.key not in present}.values())


def _no_submission_rows(absent: list[Member], earlier: list[Row], version: str) -> list[Row]:
    """A 0 row for each absent student, unless an earlier grading of theirs is on record."""
    graded_before = {r.student for r in earlier if r.status != "missing"}
    return [
        _ungraded(m.key, "", version, "missing", "no submission")
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


def _warn(lines: list[str], what: str = "roster") -> None:
    if lines:
        lead = "\n" if sys.stderr.isatty() else ""  # below a progress bar still on its line
        print(lead + "\n".join(f"{what}: {line}" for line in lines), file=sys.stderr)


@dataclass
class _Class:
    """One run over a class: where it records, what it found, who matched the roster."""

    options: BatchOptions
    gradebook: Gradebook
    book: CourseBook
    assignment: Assignment | None
    version: str
    on_done: Callable[[Row | None], None]
    summary: BatchSummary = field(default_factory=BatchSummary)
    found: list[Submission] = field(default_factory=list)
    unmatched: list[Submission] = field(default_factory=list)
    contested: dict[str, list[Submission]] = field(default_factory=dict)
    absent: list[Member] = field(default_factory=list)
    kept: set[str] = field(default_factory=set)
    gradable: list[Gradable] = field(default_factory=list)  # what a leaderboard scores after the checks
    held_out_keys: dict[str, str] = field(default_factory=dict)  # {topic: what its boards' scores read}

    @property
    def boards(self) -> tuple[Leaderboard, ...]:
        return self.assignment.leaderboard if self.assignment is not None else ()

    def followup(self, item: Gradable, topic: str) -> HeldOutScores | None:
        """The held-out scores ``item``'s task of ``topic`` takes after its checks."""
        if not self.boards or item.topic not in (None, topic):
            return None
        return followup(self.gradebook.connection, item, topic, self.boards, self.held_out_keys)

    def record_scores(self, pending: _Pending, row: Row) -> None:
        """Keep the held-out scores ``pending``'s tasks took, where its row was graded."""
        if row.status != "graded":
            return
        with writing(self.book_path):
            for topic, outcome in pending.outcomes.items():
                for score in outcome.followed or ():
                    record(self.gradebook.connection, pending.item, score, self.held_out_keys[topic])

    @property
    def book_path(self) -> Path:
        return self.gradebook.path

    def record(self, row: Row) -> None:
        with writing(self.book_path):  # one transaction: a failure leaves the rows before it
            self.gradebook.record(row)
        self.summary.graded += row.status == "graded"
        self.summary.rejected += row.status == "rejected"
        self.summary.crashed += row.status == "crashed"
        self.on_done(row)


def _open(
    submissions: Path, out: Path, options: BatchOptions
) -> tuple[Gradebook, CourseBook, Assignment | None]:
    """The gradebook in ``out``, its course book and the assignment (its names resolved), or
    :class:`UsageProblem` when ``out`` holds another course seed or another assignment, or a
    name of the course file names no one."""
    book_path = out / "gradebook.sqlite"
    with writing(book_path):
        out.mkdir(parents=True, exist_ok=True)
        gradebook = Gradebook(book_path)
    try:
        with writing(book_path):
            gradebook.claim_course_seed(options.grading.course_seed)
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
    with writing(book_path):  # where `grade batch review` reads each student's code
        book.set_meta("submissions", str(submissions.resolve()))
    if options.roster is not None and options.roster.path is not None:
        with writing(book_path):
            book.set_meta("roster", str(options.roster.path.resolve()))
    return gradebook, book, assignment


def _intake(run: _Class, submissions: Path) -> list[Submission]:
    """The class's submissions, matched to the roster (its absent students recorded)."""
    roster, summary, gradebook = run.options.roster, run.summary, run.gradebook
    taken, summary.left_out = entries(submissions)
    found = gather(taken)
    if roster is not None:
        claims = assign(found, roster)
        found, run.unmatched, run.contested = claims.named, claims.unmatched, claims.contested
        run.absent = _absent(roster, found)
        missing = _no_submission_rows(run.absent, gradebook.rows(), run.version)
        run.kept = {m.key for m in run.absent} - {r.student for r in missing}
        for row in missing:
            with writing(run.book_path):
                gradebook.record(row)
        summary.missing = [m.key for m in run.absent]
        summary.unmatched = [s.student for s in run.unmatched]
    run.found = found
    return found


def _record_times(run: _Class, found: list[Submission]) -> None:
    """When each submission arrived (times file, roster, LMS names), into the course book."""
    assignment, course, roster = run.assignment, run.options.course, run.options.roster
    zone = assignment.timezone if assignment else course.timezone if course else None
    try:
        times = run.options.times or (assignment.times if assignment else None)
        submitted = submission_times(
            submissions=found, roster=roster, times_file=times, zone=zone or ZoneInfo("UTC")
        )
    except (CourseError, OSError, StudentNotFound) as exc:
        raise UsageProblem(str(exc)) from None
    with writing(run.book_path):
        run.book.record_submitted(submitted)


def _tasks(
    run: _Class, found: list[Submission], scratch: Path, executor: Executor, run_options: Options
) -> list[Task]:
    """The (submission, topic) tasks to grade; rejected and unchanged submissions recorded."""
    grading, summary, version = run.options.grading, run.summary, run.version
    limits = run.assignment.submissions if run.assignment else SubmissionLimits()
    tasks: list[Task] = []
    for submission in found:
        for _ in submission.entries[1:]:
            run.on_done(None)  # one tick per entry: a student's other files
        item = take_submission(submission, scratch, grading.selection.topics, limits)
        summary.students.append(item.student)
        if isinstance(item, Rejected):
            run.record(_ungraded(item.student, "", version, "rejected", item.reason))
            continue
        if run.gradebook.is_current(item.student, item.content_hash, version):
            run.gradable.append(item)  # its held-out scores are kept, unless the held-out set changed
            summary.skipped += 1
            run.on_done(None)
            continue
        try:
            wanted = (item.topic,) if item.topic else grading.selection.topics or item.topics
            topics, _, rule = select_topics(item.path, wanted)
            refused = executor.refuse(item.path)
            if refused:
                raise UsageProblem(refused)
        except UsageProblem as exc:
            run.record(_ungraded(item.student, item.content_hash, version, "rejected", str(exc)[:300]))
            continue
        pending = _Pending(item, topics, rule)
        run.gradable.append(item)
        student_options = replace(run_options, student=item.student if grading.course_seed else None)
        tasks += [
            Task(
                path=item.path,
                topic=topic,
                single_file=item.topic is not None,
                options=student_options,
                owner=pending,
                followup=run.followup(item, topic),
            )
            for topic in topics
        ]
    return tasks


def _grade(run: _Class, executor: Executor, tasks: list[Task], run_options: Options) -> None:
    """Grade ``tasks``; each submission's row is recorded when its last topic is done."""
    grading, version = run.options.grading, run.version

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
            row = _row(pending, version, run_options)
            run.record(row)
            run.record_scores(pending, row)

    executor.run(tasks, finish, start)


def _graded(run: _Class) -> list[Gradable]:
    """The submissions whose row is graded (a rejected or crashed one has no held-out score)."""
    rows = {row.student: row for row in run.gradebook.rows()}
    return [
        item
        for item in run.gradable
        if item.student in rows
        and rows[item.student].status == "graded"
        and rows[item.student].content_hash == item.content_hash
    ]


def _export(run: _Class, out: Path) -> None:
    """The exports, rebuilt from the gradebook: CSV, JSON, feedback, the LMS file, the report."""
    assignment, roster, summary = run.assignment, run.options.roster, run.summary
    rows = final_rows(run.gradebook.rows(), assignment, run.book)
    names = full_names(roster) if roster is not None else None
    export_all(rows, out, run.options.lms.missing, names, recorded(run.gradebook.connection))
    write_skipped(summary.left_out, out / "skipped.csv")
    if roster is not None:
        unlisted = {s.student: s.entries for s in run.unmatched}
        column = assignment.lms_column if assignment else ""
        export_roster(
            rows=rows,
            roster=roster,
            out=out,
            assignment=assignment_name(run.options.grading.selection.topics, rows),
            unmatched=unlisted,
            settings=run.options.lms,
            column=column,
            # each student's names in the LMS's download (Canvas's comment upload is keyed by them)
            names={
                s.student: tuple(n for e in s.entries if (n := lms_name(e.name))) for s in run.found if s.name
            },
        )
    edits = NoteBook(run.gradebook.connection).edits()
    summary.stats = class_stats(rows, run.options.lms.missing, edits, names)
    summary.text = summary_text(summary.stats)
    summary.title = assignment.title if assignment else f"torchgrade: {out.name}"
    write_report(summary.stats, summary.title, out)


def run_batch(
    submissions: Path,
    out: Path,
    options: BatchOptions,
    on_done: Callable[[Row | None], None] = lambda row: None,
) -> BatchSummary:
    """Grade every entry of ``submissions`` into ``out``; ``on_done`` is called per entry. The
    course file fills what ``options`` leave unsaid, as ``grade batch --course`` does
    (:func:`grader.batch.setup.prepared`)."""
    options = prepared(submissions, out, options)
    version = suite_version()
    grading = options.grading
    gradebook, book, assignment = _open(submissions, out, options)
    executor = executor_for(options, version)  # workers check the suites' version alone
    version = graded_version(version, grading.selection.keyword, assignment.exercises if assignment else ())
    run = _Class(options, gradebook, book, assignment, version, on_done)
    earlier = explain.before(out, gradebook)
    run.held_out_keys = hashes(run.boards)
    scratch = Path(tempfile.mkdtemp(prefix="torchgrade-batch-"))
    run_options = replace(
        grading,
        device=resolve_device(grading.device),
        selection=replace(grading.selection, exercises=assignment.exercises if assignment else ()),
    )
    graded = False  # every task's outcome recorded: the exports' own failure is the one to tell
    try:
        found = _intake(run, submissions)
        _record_times(run, found)
        _grade(run, executor, _tasks(run, found, scratch, executor, run_options), run_options)
        if run.boards:  # what the grading tasks did not score: an unchanged submission, a new board
            with writing(run.book_path):
                score_class(run.gradebook.connection, _graded(run), run.boards)
        with writing(out):
            run.summary.explained = explain.explained(earlier, out, gradebook, run.summary.students)
        graded = True
    finally:
        executor.close()
        try:
            with writing(out):
                _export(run, out)
        except WriteFailed:
            if graded:  # else the failure that stopped the grading is the one to tell
                raise
        finally:
            gradebook.close()
            shutil.rmtree(scratch, ignore_errors=True)
    excused = assignment.excused if assignment else ()
    given = "0" if options.lms.missing == "zero" else "blank in the LMS file"
    absent = [m for m in run.absent if m.key not in excused]
    _warn(_roster_report(run.unmatched, absent, run.kept, run.contested, given))
    _warn([f"{clean.name(n)}: {why} (in skipped.csv)" for n, why in run.summary.left_out], "left out")
    return run.summary
