"""`grade batch`: grade a class and everything after (overrides, causes, marks, inquiries,
review): a thin layer over grader/batch."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from grader.base import defaults
from grader.base.i18n import _
from grader.base.options import Limits, Options, Selection
from grader.batch.roster import Roster, RosterFile
from grader.commands.causes import causes_group
from grader.commands.common import (
    KEYWORD_HELP,
    LIMITS,
    BatchGroup,
    Graded,
    course_of,
    course_options,
    device_option,
    given,
    graded_for,
    limit_options,
    out_option,
    similarity_report,
    speak_course_language,
    usage_errors,
    usage_exit,
)
from grader.commands.marks import inquiry_command, mark_command, override_command

if TYPE_CHECKING:
    from grader.batch.run import BatchSummary
    from grader.batch.setup import BatchOptions


@click.group("batch", cls=BatchGroup)
def batch_group() -> None:
    """Grade a class: `grade batch SUBMISSIONS --out OUT` (in full `grade batch run`; its
    options: `grade batch run --help`), or `grade batch override STUDENT --out OUT ...`."""


for _command in (override_command, mark_command, inquiry_command):
    batch_group.add_command(_command)


@batch_group.command("run")
@click.argument("submissions", type=click.Path(path_type=Path))
@out_option("folder for the gradebook, exports and feedback")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="grading processes, each on one (submission, topic) at a time [default: the machine's cores]",
)
@limit_options
@device_option
@click.option("--topic", "topics", multiple=True, help="grade only this topic (repeatable)")
@click.option(
    "--allow-no-sandbox",
    is_flag=True,
    help="grade even where bubblewrap is unavailable (submitted code then runs unconfined)",
)
@click.option(
    "--history",
    "history_of",
    metavar="STUDENT",
    default=None,
    help="print STUDENT's gradings from OUT/gradebook.sqlite and exit without grading",
)
@click.option(
    "--similarity",
    "with_similarity",
    is_flag=True,
    help="also compare the submissions pairwise (as `grade similarity`) into OUT",
)
@click.option(
    "--roster",
    type=RosterFile(),
    default=None,
    help="the class from the LMS (a Canvas gradebook export, or a Moodle / plain CSV): match "
    "submissions to it and write its import file (OUT/canvas.csv, OUT/moodle.csv or OUT/grades.csv) "
    "and OUT/unmatched.csv",
)
@click.option(
    "--lms-column",
    metavar="NAME",
    default=None,
    help='with a Canvas --roster: fill this existing column ("Homework 1 (12345)"), scaled to its '
    "Points Possible, instead of adding a torchgrade column",
)
@click.option(
    "--missing",
    type=click.Choice(["blank", "zero"]),
    default=defaults.LMS_MISSING,
    show_default=True,
    help="with --roster: a student without a submission gets a blank cell (the LMS keeps its value) or 0",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    envvar="TORCHGRADE_SCHEDULER",
    default=None,
    help="a Dask scheduler (tcp://host:8786): grade on its workers, keep the gradebook here "
    "[env: TORCHGRADE_SCHEDULER; needs torchgrade[distributed]]",
)
@click.option(
    "--course-seed",
    metavar="SEED",
    default=None,
    help="hidden checks draw each student's own inputs from SEED and their key (kept in the "
    "gradebook; a gradebook keeps one seed)",
)
@course_options
@click.option(
    "--times",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="a CSV of student,submitted_at: when each submission arrived (for the late policy)",
)
@click.option("-k", "keyword", metavar="EXPR", default="", help=KEYWORD_HELP)
@click.option(
    "--explain",
    is_flag=True,
    help="say for each student whether they were graded again and which input moved",
)
@click.pass_context
def batch_command(
    ctx: click.Context,
    submissions: Path,
    out: Path,
    workers: int | None,
    timeout: float,
    memory_mb: int,
    budget: float,
    device: str,
    topics: tuple[str, ...],
    allow_no_sandbox: bool,
    history_of: str | None,
    with_similarity: bool,
    roster: Roster | None,
    lms_column: str | None,
    missing: str,
    scheduler: str | None,
    course_seed: str | None,
    course_file: Path | None,
    assignment: str | None,
    times: Path | None,
    keyword: str,
    explain: bool,
) -> None:
    """Grade every entry of SUBMISSIONS (folders, .zip, topic .py files) into a gradebook."""
    if history_of is not None:
        _print_history(out, history_of)
        return
    from grader.batch.lms.base import LmsSettings
    from grader.batch.setup import BatchOptions, checked

    course, chosen = course_of(course_file, assignment)
    speak_course_language(course.language_of(chosen) if course else None)
    options = BatchOptions(
        grading=Options(
            limits=Limits(timeout=timeout, memory_mb=memory_mb, budget=budget),
            device=device,
            selection=Selection(topics=topics, keyword=keyword),
            course_seed=course_seed,
        ),
        roster=roster,
        scheduler=scheduler or None,
        allow_no_sandbox=allow_no_sandbox,
        lms=LmsSettings(lms_column, missing),
        course=course,
        assignment=chosen.name if chosen else "",
        times=times,
        given=frozenset(name for name in LIMITS if given(ctx, name)),
    )
    if workers:
        options.workers = workers
    options, problem = checked(submissions, out, options)  # the course file's rules (grader/batch/setup.py)
    if problem:
        usage_exit(problem)
    sandboxed = _batch_sandbox(scheduler, allow_no_sandbox, submissions, topics)
    summary = _run_with_progress(submissions, out, options)
    _print_batch(summary, submissions, out, options, sandboxed, with_similarity)
    for line in summary.explained if explain else ():
        click.echo(line)
    raise Graded(0)  # the gradebook is closed and every file written: leave without a teardown


def _print_batch(
    summary: BatchSummary,
    submissions: Path,
    out: Path,
    options: BatchOptions,
    sandboxed: tuple[bool, str],
    with_similarity: bool,
) -> None:
    """The end of ``grade batch``: counts and where things are (stderr), the class summary
    (stdout); with --similarity, the pairwise comparison and its clusters in the report."""
    click.echo(
        _(
            "graded %(graded)d, unchanged %(unchanged)d, unreadable %(unreadable)d, crashed %(crashed)d; gradebook in %(out)s"
        )
        % {
            "graded": summary.graded,
            "unchanged": summary.skipped,
            "unreadable": summary.rejected,
            "crashed": summary.crashed,
            "out": out,
        },
        err=True,
    )
    usable, how = sandboxed
    if not usable:
        click.echo(_("note: graded WITHOUT a sandbox (%(how)s)") % {"how": how}, err=True)
    if with_similarity:
        from grader.batch.writes import WriteFailed, writing

        topics = options.grading.selection.topics
        with usage_errors(WriteFailed), writing(out):
            similarity_report(
                submissions=submissions, out=out, topics=topics, threshold=defaults.SIMILARITY_THRESHOLD
            )
            if summary.stats is not None:  # the report's clusters
                from grader.batch.report_html import write_report

                write_report(summary.stats, summary.title, out)
    click.echo(summary.text)
    click.echo(_("class report: %(path)s") % {"path": out / "report.html"}, err=True)


def _print_history(out: Path, student: str) -> None:
    """``grade batch --history STUDENT``: the student's gradings, without grading."""
    from grader.batch.exports import NoHistory
    from grader.batch.overrides import student_history

    with usage_errors(NoHistory):
        click.echo(student_history(out, student))


def _batch_sandbox(
    scheduler: str | None, allow_no_sandbox: bool, submissions: Path, topics: tuple[str, ...]
) -> tuple[bool, str]:
    """Whether submitted code runs sandboxed and how (a usage error where it may not run); the
    zygote started here, to boot while the run imports (without sympy where the class's files
    plainly need none: grader/engine/worker/sympy_need.py)."""
    from grader.engine.worker.sandbox import sandbox_status

    usable, how = sandbox_status()
    if scheduler:  # submitted code runs on the Dask workers, which check their own sandbox
        usable = True
        if importlib.util.find_spec("distributed") is None:
            usage_exit(_("--scheduler needs Dask: pip install 'torchgrade[distributed]'"))
    elif not usable and not allow_no_sandbox:
        usage_exit(_("no sandbox (%(how)s); pass --allow-no-sandbox to grade unconfined") % {"how": how})
    else:
        from grader.engine.worker.sandbox import gpu_present
        from grader.engine.worker.sympy_need import class_needs_sympy
        from grader.engine.worker.workers import prestart

        prestart(gpu_present(), without_sympy=not class_needs_sympy(submissions, topics))
    return usable, how


def _run_with_progress(submissions: Path, out: Path, options: BatchOptions) -> BatchSummary:
    """run_batch under a progress bar on stderr; Ctrl-C says how to continue."""
    from grader.batch.run import run_batch  # imports the engine: the zygote boots meanwhile
    from grader.batch.writes import WriteFailed
    from grader.engine.runner import UsageProblem

    total = sum(1 for p in submissions.iterdir() if not p.name.startswith("."))
    problems = 0

    def describe(row) -> str:
        return _("problems so far: %(count)d") % {"count": problems} if row is not None or problems else ""

    with click.progressbar(
        length=total, label="grading", show_eta=True, show_pos=True, item_show_func=describe, file=sys.stderr
    ) as bar:

        def on_done(row) -> None:
            nonlocal problems
            problems += row is not None and row.status != "graded"
            bar.update(1, row)

        try:
            return run_batch(submissions=submissions, out=out, options=options, on_done=on_done)
        except (UsageProblem, WriteFailed) as exc:  # a failed write: its path and cause, in one line
            usage_exit(str(exc))
        except KeyboardInterrupt:
            click.echo(
                "\n"
                + _(
                    "interrupted: finished submissions are in the gradebook; "
                    "run the same command again to continue"
                ),
                err=True,
            )
            sys.exit(130)


@batch_group.command("review")
@out_option()
@click.option(
    "--submissions",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="the submissions folder (default: the one the last `grade batch` graded)",
)
@click.option(
    "--serve",
    is_flag=True,
    help="mark the manual items in the browser: a server on 127.0.0.1 under a random token (Ctrl-C stops)",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help="with --serve: its port (default: any free one)"
)
@click.option("--by", default=None, help="with --serve: who marks (default: your user name)")
@click.option(
    "--anonymous",
    is_flag=True,
    help="with --serve: name each student by a pseudonym (as the assignment's anonymous = true does)",
)
def review_command(
    out: Path, submissions: Path | None, serve: bool, port: int, by: str | None, anonymous: bool
) -> None:
    """Write OUT/review/: a static page per student, their code and answers beside their results,
    with previous and next links through the class (no script needed); or with --serve, mark them."""
    from grader.batch.exports import NoHistory
    from grader.batch.review import write_review

    try:
        if serve:
            from grader.batch.review_server import serve as serve_marking

            saved = serve_marking(out, submissions, port, lambda line: click.echo(line), by, anonymous)
            click.echo(
                _("stopped: %(saved)d mark(s) saved; run `grade batch` again to rewrite the exports")
                % {"saved": saved}
            )
        else:
            click.echo(f"review: {write_review(out, submissions)}")
    except NoHistory as exc:
        usage_exit(str(exc))
    except OSError as exc:  # the port taken, ...
        usage_exit(_("cannot serve: %(problem)s") % {"problem": exc})


@batch_group.command("leaderboard")
@out_option()
@click.option(
    "--names", is_flag=True, help="name the students (default: a pseudonym each, to show the class)"
)
@course_options
def leaderboard_command(out: Path, names: bool, course_file: Path | None, assignment: str | None) -> None:
    """Write OUT/leaderboard.html and leaderboard.json: each of the assignment's leaderboards
    ([[assignments.NAME.leaderboard]]) ranked, students under a pseudonym unless --names. A class
    graded with --course FILE is read back with the same --course FILE."""
    graded_for(out, course_file, assignment)
    from grader.batch.exports import NoHistory
    from grader.batch.leaderboard_page import write_leaderboard

    with usage_errors(NoHistory):
        click.echo(f"leaderboard: {write_leaderboard(out, names)}")


batch_group.add_command(causes_group)

COMMANDS = (batch_group,)  # what grader/cli.py adds to the root group
