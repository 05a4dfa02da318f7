"""What the commands of `grade` share: the default-command groups, the options every grading
command takes, the course file, `--lang` wherever it stands, the warm engine's choice, and
how a usage error ends."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from click.core import ParameterSource

from grader.base import clean, defaults
from grader.base.i18n import _
from grader.base.options import Limits

if TYPE_CHECKING:
    from grader.course.keys import Assignment, Course


class DefaultGroup(click.Group):
    """A group whose first argument, when not a subcommand, goes to ``check``: Click parses the
    group's own options (``--lang``, ``--help``) and keeps the others, in their place, for the
    command it then resolves."""

    default = "check"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context_settings.setdefault("ignore_unknown_options", True)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, self.routed(ctx, args))

    def routed(self, ctx: click.Context, args: list[str]) -> list[str]:
        """``args``, the default command's name put first where the first argument is neither a
        command nor the group's own option (a path, ``--``): it starts that command's arguments."""
        own = {name for param in self.get_params(ctx) for name in param.opts + param.secondary_opts}
        if args and args[0] not in self.commands and args[0].partition("=")[0] not in own:
            return [self.default, *args]
        return args

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


def course_option(command: Callable[..., None]) -> Callable[..., None]:
    """``--course FILE``: a course file (grader/course/toml.py), declared once for every command that
    names a topic; the course's packs are found from it before the manifest is read
    (grader/launch.py, :func:`grader.base.packs.course_packs`), so its topics are known there."""
    return click.option(
        "--course",
        "course_file",
        type=click.Path(path_type=Path),
        default=None,
        help="a course.toml (`grade course init`); a flag given on the command line wins over it",
    )(command)


def course_options(command: Callable[..., None]) -> Callable[..., None]:
    """:func:`course_option` and ``--assignment NAME``: what a course file says, for every
    command that reads a grade or a class."""
    command = click.option(
        "--assignment", metavar="NAME", default=None, help="the course file's assignment to use"
    )(command)
    return course_option(command)


def course_of(course_file: Path | None, assignment: str | None) -> tuple[Course | None, Assignment | None]:
    """The course and assignment named on the command line, or a usage error on one line."""
    if course_file is None:
        if assignment is not None:
            usage_exit(_("--assignment needs --course"))
        return None, None
    from grader.course.keys import CourseError
    from grader.course.toml import load_course  # zoneinfo too: only where a course is named

    try:
        course = load_course(course_file)
        return course, course.assignment(assignment) if assignment else None
    except CourseError as exc:
        usage_exit(str(exc))


def graded_for(out: Path, course_file: Path | None, assignment: str | None) -> None:
    """A class command's ``--course`` and ``--assignment``: the course file (its packs found as
    `grade batch --course` finds them: grader/launch.py) the gradebook in ``out`` was graded for,
    or a usage error."""
    from grader.batch.exports import NoHistory
    from grader.batch.overrides import same_course

    course_of(course_file, assignment)
    with usage_errors(NoHistory):
        same_course(out, course_file, assignment)


def speak_course_language(language: str | None) -> None:
    """Feedback in the assignment's (or course's) language, unless --lang or TORCHGRADE_LANG
    chose one: the instructor's own locale does not decide what the students read."""
    from grader.base import i18n

    if language and not os.environ.get(defaults.LANGUAGE_ENV):
        i18n.set_language(language)


def given(ctx: click.Context, name: str) -> bool:
    """Whether ``name`` came from the command line (so it wins over the course file)."""
    return ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, None)


LIMITS = ("timeout", "memory_mb", "budget")


def limits_of(ctx: click.Context, course: Course | None) -> Limits:
    """--timeout, --memory and --budget: each from the command line where given, else from the
    course file where it says, else the default (grader/batch/setup.py, course_limits)."""
    from grader.batch.setup import course_limits

    limits = Limits(**{name: ctx.params[name] for name in LIMITS})
    return course_limits(limits, course, {name for name in LIMITS if given(ctx, name)})


def assignment_topics(assignment: Assignment | None, topics: tuple[str, ...]) -> tuple[str, ...]:
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


def device_option(command: Callable[..., None]) -> Callable[..., None]:
    """``--device``: where the CUDA checks run (``auto`` takes a GPU when one is present), one home."""
    return click.option(
        "--device",
        type=click.Choice(["auto", "cpu", "cuda"]),
        default=defaults.DEVICE,
        show_default=True,
        help="cuda runs the CUDA checks on this machine's GPU (cpu skips them; auto: cuda where a GPU is)",
    )(command)


KEYWORD_HELP = (
    "grade only the checks that pytest's -k EXPR selects by exercise, check name and kind "
    "(substrings: -k softmax also selects log_softmax; -k 'huber or mse', -k 'softmax and not log', "
    "-k 'not convergence' to leave out the training checks)"
)


NO_DAEMON_HELP = (
    "grade in this process, not on your warm engine (a background process that keeps torch and "
    "the suites loaded between commands; also TORCHGRADE_NO_DAEMON=1)"
)


def out_option(
    help: str = "the folder `grade batch` wrote",
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``--out``: the folder a class's grading writes to (``grade batch``), or reads from."""
    return click.option("--out", "out", type=click.Path(path_type=Path), required=True, help=help)


def no_daemon_option(command: Callable[..., None]) -> Callable[..., None]:
    # the variable too, as Click reads a boolean; the client read it already (grader/launch.py)
    return click.option("--no-daemon", is_flag=True, envvar=defaults.NO_DAEMON_ENV, help=NO_DAEMON_HELP)(
        command
    )


def usage_exit(message: str) -> NoReturn:
    click.echo(f"grade: {clean.text(message)}", err=True)  # it may name a submission's files
    sys.exit(2)


@contextlib.contextmanager
def usage_errors(*kinds: type[Exception]) -> Iterator[None]:
    """One of ``kinds`` raised in the block ends the command as a usage error: its message."""
    try:
        yield
    except kinds as exc:
        usage_exit(str(exc))


class Graded(SystemExit):
    """A grading is over and its report written: the process may leave at once (:func:`run`)."""


@dataclass
class Invocation:
    """What :func:`run` hands Click (``ctx.obj``) and reads back: the arguments as typed, to pass
    on to the warm engine, and how to start one once this run is over (set by the command)."""

    argv: list[str]
    start_engine: Callable[[], object] | None = None


def choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """``--lang``, wherever it stands: this process and its children speak it, and Click's help
    and messages from here on too."""
    from grader.base import i18n

    if value is None or ctx.resilient_parsing:
        return
    lang = i18n.normalise(value)
    if lang is None:
        usage_exit(f"--lang: choose one of {', '.join(defaults.LANGUAGES)} (got {value!r})")
    i18n.set_language(lang)
    i18n.localise_click(ctx.find_root().command)


def lang_option(hidden: bool) -> click.Option:
    # eager: read before the other options, so that their messages and help are in its language.
    # No envvar=: TORCHGRADE_LANG is read before Click runs (grader/base/i18n.py: Click's own help and
    # errors are translated before parsing) and where no command line is parsed (the workers, a
    # notebook's check()); an unknown value falls back to the locale there, not a usage error.
    return click.Option(
        ["--lang"],
        type=_Language(defaults.LANGUAGES),
        expose_value=False,
        is_eager=True,
        hidden=hidden,
        callback=choose_language,
        help="the language of messages, hints and help [default: TORCHGRADE_LANG, else the locale]",
    )


def lang_before_help(command: click.Command) -> None:
    """``--lang`` read before ``--help`` wherever each stands (``grade --help --lang zh_CN``
    in Chinese): Click processes eager options in the order they were typed, so the parser's
    order is given with ``--lang`` first."""
    make_parser = command.make_parser

    def lang_first(ctx: click.Context) -> Any:
        parser = make_parser(ctx)
        parse = parser.parse_args

        def ordered(args: list[str]) -> tuple[dict[str, Any], list[str], list[click.Parameter]]:
            opts, rest, order = parse(args)
            return opts, rest, sorted(order, key=lambda param: param.name != "lang")

        parser.parse_args = ordered  # type: ignore[method-assign]
        return parser

    command.make_parser = lang_first  # type: ignore[method-assign]


class _Language(click.Choice):
    """The language's names as ``--lang`` lists them, any spelling :func:`i18n.normalise` reads
    accepted (``zh-Hans``); the callback says what is wrong with another."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return value


def on_warm_engine(command: str, no_daemon: bool) -> None:
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
    # an engine this command started itself is waited for only where it has checks (on_new_engine)
    status = daemon.ask_engine(invocation.argv, wait=not daemon.started_here())
    if status is None and command == "watch" and daemon.should_start():  # it runs on the engine
        status = daemon.start_and_ask(invocation.argv)
    if status is not None:
        sys.exit(status)
    if command != "watch":  # its Ctrl-C leaves no engine behind that it did not run on
        invocation.start_engine = daemon.start_server if daemon.should_start() else None


def on_new_engine(checks_to_run: Callable[[], bool]) -> None:
    """A learner's command that no engine answered and that has checks to run: start the user's
    engine now and be answered by it, rather than grade here and start it for the next command
    (which would find it warming, and a third command beside them would import torch again).
    The engine answers once imported, its suites collected between requests (grader/serve.py);
    where it cannot start in time the command grades here."""
    invocation = click.get_current_context().find_object(Invocation)
    if invocation is None or invocation.start_engine is None or not checks_to_run():
        return
    from grader.apps import daemon

    invocation.start_engine = None  # started now (or it could not be): none again at the exit
    status = daemon.start_and_ask(invocation.argv)
    if status is not None:
        sys.exit(status)


def similarity_report(submissions: Path, out: Path, topics: tuple[str, ...], threshold: float) -> None:
    """`grade similarity`, and `grade batch --similarity` after the grading."""
    from grader.similarity.run import run_similarity

    click.echo(run_similarity(submissions=submissions, out=out, topics=topics, threshold=threshold).summary)
    click.echo(_("similarity.csv, similarity.html and clusters.csv in %(out)s") % {"out": out}, err=True)
