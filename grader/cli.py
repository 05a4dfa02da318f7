"""The ``grade`` command: a thin Click layer over :mod:`grader.engine.runner`.

``grade PATH`` grades one submission (the default command, ``grade check PATH`` in full).
Exit status: 0 full score, 1 graded but not full, 2 unusable input, 3 an internal error of a
suite (docs/architecture.md, "Contract for machines").
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from click.core import ParameterSource

from grader import clean, defaults
from grader.batch.roster import Roster, RosterFile
from grader.i18n import _, commands_of
from grader.options import Limits, Options, Selection

if TYPE_CHECKING:
    from grader.batch.run import BatchSummary
    from grader.batch.setup import BatchOptions
    from grader.checks.scoring import Report
    from grader.course import Assignment, Course


class DefaultGroup(click.Group):
    """A group whose first argument, when not a subcommand, goes to ``check``: Click parses the
    group's own options (``--lang``, ``--help``) and keeps the others, in their place, for the
    command it then resolves."""

    default = "check"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context_settings.setdefault("ignore_unknown_options", True)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """A first argument that is neither a command nor the group's own option (a path, ``--``)
        starts the default command's arguments."""
        own = {name for param in self.get_params(ctx) for name in param.opts + param.secondary_opts}
        if args and args[0] not in self.commands and args[0].partition("=")[0] not in own:
            args = [self.default, *args]
        return super().parse_args(ctx, args)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """After the group's options (``grade --lang zh_CN losses.py``), the same rule."""
        if args and args[0] in self.commands:
            return super().resolve_command(ctx, args)
        return self.default, self.commands[self.default], args


class BatchGroup(DefaultGroup):
    """``grade batch SUBMISSIONS ...`` grades (``grade batch run``); ``grade batch override``."""

    default = "run"


def course_options(command: Callable[..., None]) -> Callable[..., None]:
    """``--course FILE`` and ``--assignment NAME``: what a course file says (grader/course.py)."""
    command = click.option(
        "--assignment", metavar="NAME", default=None, help="the course file's assignment to use"
    )(command)
    return click.option(
        "--course",
        "course_file",
        type=click.Path(path_type=Path),
        default=None,
        help="a course.toml (`grade course init`); a flag given on the command line wins over it",
    )(command)


def _course(course_file: Path | None, assignment: str | None) -> tuple[Course | None, Assignment | None]:
    """The course and assignment named on the command line, or a usage error on one line."""
    from grader.course import CourseError, load_course

    if course_file is None:
        if assignment is not None:
            _usage_exit(_("--assignment needs --course"))
        return None, None
    try:
        course = load_course(course_file)
        return course, course.assignment(assignment) if assignment else None
    except CourseError as exc:
        _usage_exit(str(exc))


def _given(ctx: click.Context, name: str) -> bool:
    """Whether ``name`` came from the command line (so it wins over the course file)."""
    return ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, None)


LIMITS = ("timeout", "memory_mb", "budget")


def _limits(ctx: click.Context, course: Course | None) -> Limits:
    """--timeout, --memory and --budget: each from the command line where given, else from the
    course file where it says, else the default (grader/batch/setup.py, course_limits)."""
    from grader.batch.setup import course_limits

    limits = Limits(**{name: ctx.params[name] for name in LIMITS})
    return course_limits(limits, course, {name for name in LIMITS if _given(ctx, name)})


def _course_topics(assignment: Assignment | None, topics: tuple[str, ...]) -> tuple[str, ...]:
    """--topic where given, else the assignment's topics (grader/batch/setup.py, course_topics)."""
    from grader.batch.setup import course_topics

    return course_topics(assignment, topics)


def limit_options(command: Callable[..., None]) -> Callable[..., None]:
    """``--timeout``, ``--memory`` and ``--budget``: what every grading command bounds, one home."""
    options = [
        click.option(
            "--timeout",
            type=click.FloatRange(min=defaults.TIMEOUT_FLOOR),
            default=defaults.PROBE_TIMEOUT,
            show_default=True,
            help="seconds each probe of submitted code may run "
            f"(convergence checks: {defaults.CONVERGENCE_TIMEOUT_FACTOR}x)",
        ),
        click.option(
            "--memory",
            "memory_mb",
            type=click.IntRange(min=defaults.MEMORY_FLOOR_MB),
            default=defaults.MEMORY_MB,
            show_default=True,
            help="memory limit per worker, MB",
        ),
        click.option(
            "--budget",
            type=click.FloatRange(min=defaults.BUDGET_FLOOR),
            default=defaults.SUBMISSION_BUDGET,
            show_default=True,
            help="seconds one submission may take in all; later checks time out",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


KEYWORD_HELP = (
    "grade only the checks that pytest's -k EXPR selects by exercise, check name and kind "
    "(substrings: -k softmax also selects log_softmax; -k 'huber or mse', -k 'softmax and not log', "
    "-k 'not convergence' to leave out the training checks)"
)


NO_DAEMON_HELP = (
    "grade in this process, not on your warm engine (a background process that keeps torch and "
    "the suites loaded between commands; also TORCHGRADE_NO_DAEMON=1)"
)


def _usage_exit(message: str) -> NoReturn:
    click.echo(f"grade: {clean.text(message)}", err=True)  # it may name a submission's files
    sys.exit(2)


class Graded(SystemExit):
    """A grading is over and its report written: the process may leave at once (:func:`run`)."""


@dataclass
class Invocation:
    """What :func:`run` hands Click (``ctx.obj``) and reads back: the arguments as typed, to pass
    on to the warm engine, and how to start one once this run is over (set by the command)."""

    argv: list[str]
    start_engine: Callable[[], None] | None = None


def _choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """``--lang``, wherever it stands: this process and its children speak it, and Click's help
    and messages from here on too."""
    from grader import i18n

    if value is None or ctx.resilient_parsing:
        return
    lang = i18n.normalise(value)
    if lang is None:
        _usage_exit(f"--lang: choose one of {', '.join(defaults.LANGUAGES)} (got {value!r})")
    i18n.set_language(lang)
    i18n.localise_click(ctx.find_root().command)


def _lang_option(hidden: bool) -> click.Option:
    # eager: read before the other options, so that their messages and help are in its language
    return click.Option(
        ["--lang"],
        type=_Language(defaults.LANGUAGES),
        expose_value=False,
        is_eager=True,
        hidden=hidden,
        callback=_choose_language,
        help="the language of messages, hints and help [default: TORCHGRADE_LANG, else the locale]",
    )


class _Language(click.Choice):
    """The language's names as ``--lang`` lists them, any spelling :func:`i18n.normalise` reads
    accepted (``zh-Hans``); the callback says what is wrong with another."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return value


def _on_warm_engine(command: str, no_daemon: bool) -> None:
    """``grade FILE``, ``grade next`` and ``grade watch`` on the user's warm engine
    (grader/apps/daemon.py), chosen from the parsed command and its ``--no-daemon``: exit with
    its status where it answered. Where none did: how to start one once this run is over (on a
    terminal) is left in the :class:`Invocation`. Click run without :func:`run` asks none."""
    invocation = click.get_current_context().find_object(Invocation)
    if invocation is None:
        return
    from grader.apps import daemon

    if not daemon.wanted(command, no_daemon):
        return
    status = daemon.ask_engine(invocation.argv)
    if status is not None:
        sys.exit(status)
    invocation.start_engine = daemon.start_server if daemon.should_start() else None


def run() -> None:
    """The ``grade`` command as a process (``python -m grader`` and the ``grade`` script).

    After a grading (check, batch) it leaves with ``os._exit``, without the interpreter's
    shutdown, which frees torch, pytest and the collected suites object by object for nothing
    (several times slower: docs/benchmark.md, "Behind the code"). Nothing is lost: by then
    every file is closed and every worker killed (under a subreaper, no live process is left
    either way: tests/grader/test_exit.py), and the only exit handlers registered then,
    multiprocessing's and logging's, have nothing to do (no multiprocessing child, no logging
    handler); the streams are flushed here. Commands other than check and batch exit as usual."""
    from grader import i18n

    i18n.refresh()  # this process's environment (the warm engine's child: its client's)
    i18n.localise_click(main)
    invocation = Invocation(sys.argv[1:])
    try:
        main(args=invocation.argv, prog_name="grade", obj=invocation)
    except Graded as done:
        start_engine = invocation.start_engine
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe (`grade ... | head`)
                pass
        if start_engine:
            start_engine()
        os._exit(done.code if isinstance(done.code, int) else 1)
    finally:
        if invocation.start_engine:
            invocation.start_engine()


def command_of(argv: list[str]) -> str:
    """The subcommand ``grade ARGV`` would run, as Click resolves it (its options parsed, nothing
    run: the warm engine's check of a request)."""
    try:
        ctx = main.make_context("grade", list(argv), resilient_parsing=True)
        name, _command, _rest = main.resolve_command(ctx, [*ctx._protected_args, *ctx.args])
    except click.ClickException:
        return ""
    return name or ""


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="torchgrade")
def main() -> None:
    """Grade PyTorch exercises: `grade exercises/` or `grade losses.py`."""
    from grader.apps.host import host_problem
    from grader.topics import install_problem

    if host_problem():
        _usage_exit(host_problem())
    if install_problem():
        _usage_exit(install_problem())


@main.command("check")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--topic", "topics", multiple=True, help="grade only this topic (repeatable)")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--device", type=click.Choice(["auto", "cpu", "cuda"]), default=defaults.DEVICE, show_default=True
)
@limit_options
@click.option("--public-only", is_flag=True, help="run only the public checks")
@click.option("-k", "keyword", metavar="EXPR", default="", help=KEYWORD_HELP)
@click.option("--exercise", "exercises", multiple=True, help="only this exercise's checks (repeatable)")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="topics graded at once [default: the machine's cores]",
)
@click.option(
    "--course-seed",
    metavar="SEED",
    default=None,
    help="with --student: grade the hidden checks on that student's inputs (as `grade batch --course-seed`)",
)
@click.option("--student", metavar="ID", default=None, help="the student (their gradebook key)")
@click.option("--quiet", is_flag=True, help="no live progress lines on a terminal (the report only)")
@click.option("--verbose", is_flag=True, help="list every check not passed, below each exercise's diagnosis")
@click.option("--no-daemon", is_flag=True, help=NO_DAEMON_HELP)
def check_command(
    path: Path,
    topics: tuple[str, ...],
    fmt: str,
    device: str,
    timeout: float,
    memory_mb: int,
    budget: float,
    public_only: bool,
    keyword: str,
    exercises: tuple[str, ...],
    jobs: int | None,
    course_seed: str | None,
    student: str | None,
    quiet: bool,
    verbose: bool,
    no_daemon: bool,
) -> None:
    """Grade PATH: a folder shaped like exercises/, one topic's .py file, or a notebook."""
    _on_warm_engine("check", no_daemon)
    from grader.engine.selection import UsageProblem as Unusable
    from grader.engine.selection import preflight

    try:  # a mistyped path, topic, exercise or -k answers before torch is imported
        preflight(path=path, topics=topics, exercises=exercises, keyword=keyword)
    except Unusable as exc:
        _usage_exit(str(exc))
    from grader.engine.stubs import submission_is_stub
    from grader.engine.workers import gpu_present, prestart

    if not submission_is_stub(path, topics):  # untouched stubs need no worker, hence no zygote
        prestart(gpu=device == "cuda" or (device == "auto" and gpu_present()))
    from grader import report as render  # imports torch: the zygote boots meanwhile
    from grader.engine.progress import LiveLines
    from grader.engine.runner import SuiteCrash, UsageProblem, grade

    options = Options(
        limits=Limits(timeout=timeout, memory_mb=memory_mb, budget=budget),
        device=device,
        selection=Selection(topics=topics, exercises=exercises, keyword=keyword, public_only=public_only),
        course_seed=course_seed,
        student=student,
    )
    live = None if quiet or not sys.stderr.isatty() else LiveLines(sys.stderr)  # piped: the report only
    try:
        result = grade(path, options, jobs=jobs, progress=live)
    except UsageProblem as exc:
        _usage_exit(str(exc))
    except SuiteCrash as exc:
        click.echo("grade: " + _("internal error in a suite: %(error)s") % {"error": exc}, err=True)
        sys.exit(3)
    finally:
        if live is not None:
            live.close()
    if fmt == "json":
        click.echo(render.to_json(result))
    else:
        colour = render.use_colour(sys.stdout)
        click.echo(render.to_table(result, str(path), colour, verbose), color=colour)
        _learner_lines(result, path)
    raise Graded(result.exit_code)


def _learner_lines(result: Report, path: Path) -> None:
    """Under a table that is not full: where to start, and how the points add up."""
    from grader.apps.learner import points_line, shares_line, start_line

    if result.score < result.max_score:
        for line in (start_line(result, path), points_line(result), shares_line(result)):
            if line:
                click.echo(line)


@main.group("batch", cls=BatchGroup)
def batch_group() -> None:
    """Grade a class: `grade batch SUBMISSIONS --out OUT` (in full `grade batch run`; its
    options: `grade batch run --help`), or `grade batch override STUDENT --out OUT ...`."""


@batch_group.command("run")
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="folder for the gradebook, exports and feedback",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="grading processes, each on one (submission, topic) at a time [default: the machine's cores]",
)
@limit_options
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
@click.pass_context
def batch_command(
    ctx: click.Context,
    submissions: Path,
    out: Path,
    workers: int | None,
    timeout: float,
    memory_mb: int,
    budget: float,
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
) -> None:
    """Grade every entry of SUBMISSIONS (folders, .zip, topic .py files) into a gradebook."""
    if history_of is not None:
        _print_history(out, history_of)
        return
    from grader.batch.lms.base import LmsSettings
    from grader.batch.setup import BatchOptions, checked

    course, chosen = _course(course_file, assignment)
    _speak_course_language(course.language_of(chosen) if course else None)
    options = BatchOptions(
        grading=Options(
            limits=Limits(timeout=timeout, memory_mb=memory_mb, budget=budget),
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
        given=frozenset(name for name in LIMITS if _given(ctx, name)),
    )
    if workers:
        options.workers = workers
    options, problem = checked(submissions, out, options)  # the course file's rules (grader/batch/setup.py)
    if problem:
        _usage_exit(problem)
    sandboxed = _batch_sandbox(scheduler, allow_no_sandbox)
    summary = _run_with_progress(submissions, out, options)
    _print_batch(summary, submissions, out, options, sandboxed, with_similarity)
    raise Graded(0)  # the gradebook is closed and every file written: leave without a teardown


def _speak_course_language(language: str | None) -> None:
    """Feedback in the assignment's (or course's) language, unless --lang or TORCHGRADE_LANG
    chose one: the instructor's own locale does not decide what the students read."""
    from grader import i18n

    if language and not os.environ.get(defaults.LANGUAGE_ENV):
        i18n.set_language(language)


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
        try:
            with writing(out):
                _similarity(
                    submissions=submissions, out=out, topics=topics, threshold=defaults.SIMILARITY_THRESHOLD
                )
                if summary.stats is not None:  # the report's clusters
                    from grader.batch.report_html import write_report

                    write_report(summary.stats, summary.title, out)
        except WriteFailed as exc:
            _usage_exit(str(exc))
    click.echo(summary.text)
    click.echo(_("class report: %(path)s") % {"path": out / "report.html"}, err=True)


def _print_history(out: Path, student: str) -> None:
    """``grade batch --history STUDENT``: the student's gradings, without grading."""
    from grader.batch.exports import NoHistory
    from grader.batch.overrides import student_history

    try:
        click.echo(student_history(out, student))
    except NoHistory as exc:
        _usage_exit(str(exc))


def _batch_sandbox(scheduler: str | None, allow_no_sandbox: bool) -> tuple[bool, str]:
    """Whether submitted code runs sandboxed and how (a usage error where it may not run); the
    zygote started here, to boot while the run imports."""
    from grader.engine.sandbox import sandbox_status

    usable, how = sandbox_status()
    if scheduler:  # submitted code runs on the Dask workers, which check their own sandbox
        usable = True
        if importlib.util.find_spec("distributed") is None:
            _usage_exit(_("--scheduler needs Dask: pip install 'torchgrade[distributed]'"))
    elif not usable and not allow_no_sandbox:
        _usage_exit(_("no sandbox (%(how)s); pass --allow-no-sandbox to grade unconfined") % {"how": how})
    else:
        from grader.engine.workers import gpu_present, prestart

        prestart(gpu=gpu_present())
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
            _usage_exit(str(exc))
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


@batch_group.command("override")
@click.argument("student")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="the folder `grade batch` wrote")
@click.option("--exercise", metavar="TOPIC.NAME", default=None, help="the exercise: losses.huber")
@click.option("--points", type=float, default=None, help="the exercise's points, in place of the automatic")
@click.option("--reason", default="", help="the comment the student is shown (feedback, exports, history)")
@click.option("--note", default="", help="a private note, kept in the gradebook only (never in the feedback)")
@click.option("--excuse", is_flag=True, help="excuse the exercise, or without --exercise the assignment")
@click.option("--clear", is_flag=True, help="remove the override (all of the student's without --exercise)")
def override_command(
    student: str,
    out: Path,
    exercise: str | None,
    points: float | None,
    reason: str,
    excuse: bool,
    clear: bool,
    note: str,
) -> None:
    """Set STUDENT's points for one exercise (any name the LMS uses: key, SIS or Canvas id,
    login, email, full name). It survives regrades; `grade batch` again rewrites the exports."""
    from grader.batch.exports import NoHistory
    from grader.batch.overrides import OverrideProblem, record_override

    if sum((points is not None, excuse, clear)) != 1:
        _usage_exit(_("give one of --points, --excuse or --clear"))
    try:
        click.echo(
            record_override(
                out=out,
                query=student,
                exercise=exercise,
                points=points,
                reason=reason,
                excuse=excuse,
                clear=clear,
                note=note,
            )
        )
    except (NoHistory, OverrideProblem) as exc:
        _usage_exit(str(exc))


@batch_group.group("causes", invoke_without_command=True)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="the folder `grade batch` wrote")
@click.option("--format", "form", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def causes_group(ctx: click.Context, out: Path | None, form: str) -> None:
    """The class's failing exercises grouped by cause (`grade batch causes --out OUT`), with
    counts, a representative and its diagnosis; `grade batch causes note` writes to a group."""
    if ctx.invoked_subcommand is not None:
        return
    if out is None:
        _usage_exit(_("give --out, the folder `grade batch` wrote"))
    from grader.batch.causes_report import list_groups
    from grader.batch.exports import NoHistory

    try:
        click.echo(list_groups(out, as_json=form == "json"))
    except NoHistory as exc:
        _usage_exit(str(exc))


@causes_group.command("note")
@click.argument("exercise", metavar="TOPIC.NAME")
@click.argument("cause")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="the folder `grade batch` wrote")
@click.option("--text", default="", help="the note the group's students are shown (feedback, LMS files)")
@click.option(
    "--points",
    type=float,
    default=None,
    help="points added to (or, negative, taken from) each member's exercise",
)
@click.option("--by", default=None, help="who wrote it (default: your user name)")
@click.option("--clear", is_flag=True, help="remove the group's note")
def causes_note_command(
    exercise: str, cause: str, out: Path, text: str, points: float | None, by: str | None, clear: bool
) -> None:
    """Attach a note (and optionally a points adjustment) to the group of EXERCISE failing with
    CAUSE (as `grade batch causes` lists them). It reaches the group's students, survives
    regrades; `grade batch` again rewrites the exports."""
    import getpass

    from grader.batch.causes_report import NoteProblem, record_note
    from grader.batch.exports import NoHistory

    try:
        click.echo(record_note(out, exercise, cause, text, points, clear, by or getpass.getuser()))
    except (NoHistory, NoteProblem) as exc:
        _usage_exit(str(exc))


@batch_group.command("mark")
@click.argument("student", required=False)
@click.argument("item", required=False)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="the folder `grade batch` wrote")
@click.option("--points", type=float, default=None, help="the item's points")
@click.option("--rubric", metavar="ID,ID", default=None, help="the rubric items met: points are their sum")
@click.option("--comment", default="", help="the comment the student is shown (feedback, LMS files)")
@click.option(
    "--note", default="", help="a private note, kept in the gradebook only (never shown to the student)"
)
@click.option("--by", default=None, help="who marked (default: your user name)")
@click.option("--why", default="", help="why, kept with the mark in its history (a regrade, a second look)")
@click.option(
    "--from",
    "sheet",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="a sheet: student,item,points|rubric,comment,note; all rows checked before any is written",
)
def mark_command(
    student: str | None,
    item: str | None,
    out: Path,
    points: float | None,
    rubric: str | None,
    comment: str,
    note: str,
    by: str | None,
    why: str,
    sheet: Path | None,
) -> None:
    """Mark STUDENT's manual ITEM of the course file (any name the LMS uses for the student). It
    survives regrades; `grade batch` again totals it in every export."""
    from grader.batch.exports import NoHistory
    from grader.batch.marking import MarkProblem, MarkRequest, read_sheet, record_marks

    try:
        if sheet is not None:
            if student or item or points is not None or rubric or comment or note:
                _usage_exit(_("--from takes the marks from the sheet: give no STUDENT, ITEM or mark options"))
            requests = read_sheet(sheet)
        elif student is None or item is None:
            _usage_exit(_("give STUDENT ITEM (--points P | --rubric ID,ID), or --from marks.csv"))
        else:
            ids = None if rubric is None else tuple(r.strip() for r in rubric.split(",") if r.strip())
            requests = [MarkRequest(student, item, points, ids, comment, note, why=why)]
        click.echo(record_marks(out, requests, by))
    except (NoHistory, MarkProblem) as exc:
        _usage_exit(str(exc))


@batch_group.command("inquiry")
@click.argument("student", required=False)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="the folder `grade batch` wrote")
@click.option("--item", default=None, help="what is contested: an exercise (losses.huber) or a manual item")
@click.option("--text", default=None, help="open an inquiry: what the student asks")
@click.option("--resolve", is_flag=True, help="resolve the student's open inquiry (about --item)")
@click.option("--reply", default="", help="with --resolve: the answer the student is shown")
@click.option("--points", type=float, default=None, help="with --resolve: the item's new points")
@click.option("--by", default=None, help="who did it (default: your user name)")
@click.option("--list", "listing", is_flag=True, help="list the open inquiries")
@click.option("--all", "everything", is_flag=True, help="with --list: resolved ones too")
def inquiry_command(
    student: str | None,
    out: Path,
    item: str | None,
    text: str | None,
    resolve: bool,
    reply: str,
    points: float | None,
    by: str | None,
    listing: bool,
    everything: bool,
) -> None:
    """Grade inquiries: `STUDENT --item ITEM --text ...` opens one, `STUDENT --resolve --reply ...
    [--points P]` resolves it, `--list` shows the open ones. Feedback shows each with its state."""
    from grader.batch import marking
    from grader.batch.exports import NoHistory

    try:
        if listing:
            click.echo(marking.list_inquiries(out, everything))
        elif student is None or (resolve == (text is not None)):
            _usage_exit(_("give STUDENT --item ITEM --text TEXT, STUDENT --resolve --reply TEXT, or --list"))
        elif resolve:
            click.echo(marking.resolve_inquiry(out, student, item, reply, points, by))
        elif item is None or points is not None:
            _usage_exit(_("opening an inquiry takes --item and --text (--points belongs to --resolve)"))
        else:
            click.echo(marking.open_inquiry(out, student, item, text or "", by))
    except (NoHistory, marking.MarkProblem) as exc:
        _usage_exit(str(exc))


@batch_group.command("review")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="the folder `grade batch` wrote")
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
def review_command(out: Path, submissions: Path | None, serve: bool, port: int, by: str | None) -> None:
    """Write OUT/review/: a static page per student, their code and answers beside their results,
    with previous and next links through the class (no script needed); or with --serve, mark them."""
    from grader.batch.exports import NoHistory
    from grader.batch.review import write_review

    try:
        if serve:
            from grader.batch.review_server import serve as serve_marking

            saved = serve_marking(out, submissions, port, lambda line: click.echo(line), by)
            click.echo(
                _("stopped: %(saved)d mark(s) saved; run `grade batch` again to rewrite the exports")
                % {"saved": saved}
            )
        else:
            click.echo(f"review: {write_review(out, submissions)}")
    except NoHistory as exc:
        _usage_exit(str(exc))
    except OSError as exc:  # the port taken, ...
        _usage_exit(_("cannot serve: %(problem)s") % {"problem": exc})


@main.group("course")
def course_group() -> None:
    """The course file: `grade course init course.toml`."""


@course_group.command("init")
@click.argument("path", type=click.Path(path_type=Path), default=Path("course.toml"))
def course_init_command(path: Path) -> None:
    """Write a commented example course file for this course's topics to PATH."""
    from grader.course import example

    if path.exists():
        _usage_exit(_("%(path)s exists; remove it or name another file") % {"path": path})
    path.write_text(example(), encoding="utf-8")
    click.echo(
        _("course file written to %(path)s: edit it, then `grade batch SUBMISSIONS --course %(path)s ...`")
        % {"path": path}
    )


def _similarity(submissions: Path, out: Path, topics: tuple[str, ...], threshold: float) -> None:
    from grader.similarity import run_similarity

    run = run_similarity(submissions=submissions, out=out, topics=topics, threshold=threshold)
    click.echo(run.summary)
    click.echo(_("similarity.csv, similarity.html and clusters.csv in %(out)s") % {"out": out}, err=True)


@main.command("similarity")
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="folder for similarity.csv, similarity.html and clusters.csv",
)
@click.option("--topic", "topics", multiple=True, help="compare only this topic (repeatable)")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=defaults.SIMILARITY_THRESHOLD,
    show_default=True,
    help="score from which a pair with enough evidence is flagged and joins a cluster",
)
def similarity_command(submissions: Path, out: Path, topics: tuple[str, ...], threshold: float) -> None:
    """Score every pair of SUBMISSIONS, and each against the reference, per topic and exercise, ignoring the stub.

    SUBMISSIONS is what `grade batch` accepts. Submitted code is parsed, never run.
    """
    from grader.topics import unknown_topic

    if not submissions.is_dir():
        _usage_exit(_("no such folder: %(path)s") % {"path": submissions})
    if out.resolve() == submissions.resolve() or out.resolve().is_relative_to(submissions.resolve()):
        _usage_exit(_("--out must not lie inside the submissions folder"))
    if unknown_topic(topics):
        _usage_exit(unknown_topic(topics))
    _similarity(submissions=submissions, out=out, topics=topics, threshold=threshold)


ALLOW_SOLVED_HELP = "hand out exercise NAME solved on purpose (repeatable); any other answer is refused"


@main.command("notebooks")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--topic", "topics", multiple=True, help="only this topic (repeatable)")
@course_options
@click.option("--allow-solved", "allowed", multiple=True, metavar="NAME", help=ALLOW_SOLVED_HELP)
def notebooks_command(
    out: Path,
    topics: tuple[str, ...],
    course_file: Path | None,
    assignment: str | None,
    allowed: tuple[str, ...],
) -> None:
    """Write one hand-out notebook per topic into OUT, made from the stubs in exercises/."""
    from grader.apps.handouts import write_handouts
    from grader.apps.leaks import LeakFound
    from grader.apps.ticker import progress_line
    from grader.topics import REPO_ROOT, TOPICS, unknown_topic

    topics = _course_topics(_course(course_file, assignment)[1], topics)

    if unknown_topic(topics):
        _usage_exit(unknown_topic(topics))
    try:
        written = write_handouts(
            exercises=REPO_ROOT / "exercises",
            out=out,
            topics=list(topics) or list(TOPICS),
            allowed=frozenset(allowed),
            step=lambda what: progress_line(sys.stderr, what),
        )
    except LeakFound as exc:
        _usage_exit(str(exc))
    for path in written:
        click.echo(str(path))


@main.command("release")
@click.argument("out", type=click.Path(path_type=Path))
@course_options
@click.option("--allow-solved", "allowed", multiple=True, metavar="NAME", help=ALLOW_SOLVED_HELP)
def release_command(
    out: Path, course_file: Path | None, assignment: str | None, allowed: tuple[str, ...]
) -> None:
    """Write a student release into OUT: exercises, notebooks, grader, datasets, public checks
    (with --course and --assignment: that assignment's topics; never the course seed)."""
    from grader.apps.leaks import LeakFound
    from grader.apps.release import write_release
    from grader.apps.ticker import progress_line

    course, chosen = _course(course_file, assignment)
    topics = _course_topics(chosen, ())
    try:
        write_release(
            out,
            topics,
            frozenset(allowed),
            step=lambda what: progress_line(sys.stderr, what),
            language=course.language_of(chosen) if course else None,
        )
    except (FileExistsError, LeakFound) as exc:
        _usage_exit(str(exc))
    click.echo(_("release written to %(out)s") % {"out": out})


@main.command("gradescope")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--topic", "topics", multiple=True, help="only this topic (repeatable) [default: all]")
@click.option(
    "--hidden-visibility",
    type=click.Choice(["hidden", "after_due_date", "after_published", "visible"]),
    default=defaults.HIDDEN_VISIBILITY,
    show_default=True,
    help="when students see the hidden checks' results (public checks are always visible)",
)
@click.option(
    "--hidden-messages",
    is_flag=True,
    help="show hidden checks' ids and messages (inputs, expected values); default: exercise and kind only",
)
@limit_options
@course_options
@click.pass_context
def gradescope_command(
    ctx: click.Context,
    out: Path,
    topics: tuple[str, ...],
    hidden_visibility: str,
    timeout: float,
    budget: float,
    memory_mb: int,
    course_file: Path | None,
    assignment: str | None,
    hidden_messages: bool,
) -> None:
    """Write a Gradescope autograder zip into OUT (setup.sh, run_autograder, the grader and suites)."""
    from grader.gradescope.build import build_autograder
    from grader.gradescope.config import AutograderProblem, Config

    course, chosen = _course(course_file, assignment)
    if course is not None:  # the command line wins over the course file
        topics = _course_topics(chosen, topics)

    limits = _limits(ctx, course)
    exercises = chosen.exercises if chosen is not None else ()
    try:  # with an assignment, Gradescope scores out of its points
        config = Config(
            options=Options(limits=limits, selection=Selection(topics=topics, exercises=exercises)),
            hidden_visibility=hidden_visibility,
            exercise_points=chosen.exercise_points if chosen is not None else {},
            kind_weights=chosen.kind_weights if chosen is not None else {},
            hidden_messages=hidden_messages,
            **({"twin": chosen.twin} if chosen is not None else {}),
            language=(course.language_of(chosen) or "") if course is not None else "",
        )
        written = build_autograder(out, config)
    except AutograderProblem as exc:
        _usage_exit(str(exc))
    click.echo(_("autograder written to %(out)s") % {"out": written})


@main.command("watch")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--topic", "topics", multiple=True, help="re-grade only this topic (repeatable)")
@click.option("-k", "keyword", metavar="EXPR", default="", help=KEYWORD_HELP)
@click.option(
    "--device", type=click.Choice(["auto", "cpu", "cuda"]), default=defaults.DEVICE, show_default=True
)
@limit_options
@click.option("--no-daemon", is_flag=True, help=NO_DAEMON_HELP)
def watch_command(
    path: Path,
    topics: tuple[str, ...],
    keyword: str,
    device: str,
    timeout: float,
    memory_mb: int,
    budget: float,
    no_daemon: bool,
) -> None:
    """Grade PATH, then re-grade the topic of each file saved in it (Ctrl-C to stop)."""
    _on_warm_engine("watch", no_daemon)
    from grader.apps.ticker import progress_line
    from grader.engine.workers import gpu_present, prestart

    prestart(gpu=device == "cuda" or (device == "auto" and gpu_present()))
    try:  # Ctrl-C at any point, the imports included, stops watching cleanly
        with progress_line(sys.stderr, _("starting the engine (importing torch)")):
            from grader import report as render  # imports torch: the zygote boots meanwhile
            from grader.apps.watch import Settings, watch
            from grader.engine.progress import LiveLines
            from grader.engine.runner import SuiteCrash, UsageProblem

        colour = render.use_colour(sys.stdout)
        clear = click.clear if sys.stdout.isatty() else lambda: None
        options = Options(
            limits=Limits(timeout=timeout, memory_mb=memory_mb, budget=budget),
            device=device,
            selection=Selection(topics=topics, keyword=keyword),
        )
        settings = Settings(path, options)
        terminal = sys.stderr.isatty()
        watch(
            settings=settings,
            show=lambda text: click.echo(text, color=colour),
            colour=colour,
            clear=clear,
            live=(lambda: LiveLines(sys.stderr)) if terminal else None,
            step=lambda what: progress_line(sys.stderr, what),
        )
    except KeyboardInterrupt:  # first: it may come before the names below are imported
        click.echo(_("stopped watching"))
    except UsageProblem as exc:
        _usage_exit(str(exc))
    except SuiteCrash as exc:
        click.echo("grade: " + _("internal error in a suite: %(error)s") % {"error": exc}, err=True)
        sys.exit(3)


@main.command("next")
@click.argument("path", type=click.Path(path_type=Path), default="exercises")
@click.option("--run", "run_it", is_flag=True, help="grade the exercise it names at once")
@click.option("--no-daemon", is_flag=True, help=NO_DAEMON_HELP)
def next_command(path: Path, run_it: bool, no_daemon: bool) -> None:
    """Name the first exercise in PATH (default: exercises/), in the curriculum's order, whose
    checks do not all pass yet, and how to check it (with --run: check it now)."""
    _on_warm_engine("next", no_daemon)
    from grader.apps.ticker import progress_line
    from grader.engine.selection import UsageProblem as Unusable
    from grader.engine.selection import preflight

    if not path.is_dir():
        _usage_exit(
            _("no such folder: %(path)s (grade next takes a folder shaped like exercises/)") % {"path": path}
        )
    try:
        preflight(path, ())
    except Unusable as exc:
        _usage_exit(str(exc))
    from grader.engine.workers import gpu_present, prestart

    prestart(gpu=gpu_present())
    with progress_line(sys.stderr, _("starting the engine (importing torch)")):
        from grader.apps.learner import find_next, loop_lines  # imports torch: the zygote boots meanwhile
        from grader.engine.runner import grade

    def grade_topic(topic: str) -> list[dict]:
        if not sys.stderr.isatty():  # a terminal shows the step's live line instead
            click.echo(_("grading %(topic)s…") % {"topic": topic}, err=True)
        with progress_line(sys.stderr, _("grading %(topic)s") % {"topic": topic}):
            report = grade(path, Options().with_topics((topic,)))
        return [t for topic_result in report.to_json()["topics"] for t in topic_result["tests"]]

    found = find_next(path, grade_topic)
    if found is None:
        click.echo(_("every exercise passes all its checks here: nothing left to do"))
        return
    for line in loop_lines(found, path):
        click.echo(line)
    if run_it:
        from grader import report as render

        chosen = Selection(topics=(found.topic,), exercises=(found.exercise,))
        result = grade(path, Options(selection=chosen))
        colour = render.use_colour(sys.stdout)
        click.echo("")
        click.echo(render.to_table(result, str(path / f"{found.topic}.py"), colour), color=colour)


@main.command("hint")
@click.argument("exercise", required=False)
@click.option("--reset", "restart", is_flag=True, help="start EXERCISE's hints (all, without one) again")
def hint_command(exercise: str | None, restart: bool) -> None:
    """Show the next hint for EXERCISE: the idea and the notes' term, then the approach, then
    the shape of the code; each call goes one step further."""
    from grader.apps import hints
    from grader.engine.selection import UsageProblem as Unusable

    try:
        if restart:
            hints.reset_hints(exercise)
            click.echo(
                _("hints for %(exercise)s start from the first again")
                % {"exercise": exercise or _("every exercise")}
            )
            return
        if exercise is None:
            _usage_exit(_("name the exercise: grade hint softmax"))
        hint = hints.next_hint(exercise)
    except Unusable as exc:
        _usage_exit(str(exc))
    click.echo(
        _("hint %(level)d/%(total)d for %(exercise)s: %(text)s")
        % {"level": hint.level, "total": hint.total, "exercise": exercise, "text": hint.text}
    )
    if not hint.last:
        click.echo(_("(`grade hint %(exercise)s` again for the next one)") % {"exercise": exercise})
    elif hints.solutions_shown():
        click.echo(
            _("(that was the last hint; a worked solution: `grade solution %(exercise)s`)")
            % {"exercise": exercise}
        )
    else:
        click.echo(_("(that was the last hint)"))


@main.command("solution")
@click.argument("exercise")
def solution_command(exercise: str) -> None:
    """Print EXERCISE's worked solution, where this checkout has solutions/ (a release has none;
    a course may turn it off with TORCHGRADE_NO_SOLUTIONS=1)."""
    from grader.apps import hints
    from grader.engine.selection import UsageProblem as Unusable

    try:
        click.echo(hints.solution(exercise))
    except Unusable as exc:
        _usage_exit(str(exc))


@main.command("reset")
@click.argument("exercise")
@click.argument("path", type=click.Path(path_type=Path), default="exercises")
def reset_command(exercise: str, path: Path) -> None:
    """Put EXERCISE's stub back into its topic's file in PATH (default: exercises/), saving the
    file as it was beside it first; the other exercises stay as they are."""
    from grader.apps.learner import reset
    from grader.engine.selection import UsageProblem as Unusable

    if not path.is_dir():
        _usage_exit(_("no such folder: %(path)s") % {"path": path})
    try:
        target, saved = reset(path, exercise)
    except Unusable as exc:
        _usage_exit(str(exc))
    click.echo(
        _("%(exercise)s in %(target)s is the original stub again; what the file held is in %(saved)s")
        % {"exercise": exercise, "target": target, "saved": saved}
    )


@main.command("doctor")
def doctor_command() -> None:
    """Check this machine for grading: bubblewrap, user namespaces, seccomp, torch, CUDA,
    memory, the engine; print the fix for each problem. Exit 0 when all is well, 1 otherwise."""
    from grader.apps.ticker import progress_line
    from grader.engine import doctor
    from grader.report import use_colour

    colour = use_colour(sys.stdout)
    findings = []
    for check in doctor.CHECKS:  # each line as soon as it is known: torch and the engine take seconds
        with progress_line(sys.stderr, _("checking %(what)s") % {"what": doctor.label(check)}):
            findings.append(check())
        click.echo(doctor.render(findings[-1:], colour), color=colour)
    sys.exit(0 if all(f.ok for f in findings) else 1)


# --lang on the group, as its help lists it, and on every command (hidden: the group's help says
# it once), so that `grade losses.py --lang zh_CN` is parsed where it stands
main.params.insert(1, _lang_option(hidden=False))
for _command in commands_of(main)[1:]:
    _command.params.insert(0, _lang_option(hidden=True))
