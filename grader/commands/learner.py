"""The learner's commands: `grade PATH` (check), `watch`, `next`, `hint`, `solution`, `reset`,
`doctor` (`engine`: grader/commands/engine.py): a thin layer over grader/engine and grader/apps."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from grader.base.i18n import _
from grader.base.options import Limits, Options, Selection
from grader.commands.common import (
    KEYWORD_HELP,
    Graded,
    assignment_topics,
    course_of,
    course_option,
    course_options,
    device_option,
    limit_options,
    limits_of,
    no_daemon_option,
    on_new_engine,
    on_warm_engine,
    speak_course_language,
    usage_errors,
    usage_exit,
)

if TYPE_CHECKING:
    from grader.apps.course_points import Split
    from grader.checks.verdict.scoring import Report


@click.command("check")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--topic", "topics", multiple=True, help="grade only this topic (repeatable)")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@device_option
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
@course_options
@click.option("--quiet", is_flag=True, help="no live progress lines on a terminal (the report only)")
@click.option("--verbose", is_flag=True, help="list every check not passed, below each exercise's diagnosis")
@no_daemon_option
@click.pass_context
def check_command(
    ctx: click.Context,
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
    course_file: Path | None,
    assignment: str | None,
    quiet: bool,
    verbose: bool,
    no_daemon: bool,
) -> None:
    """Grade PATH: a folder shaped like exercises/, one topic's .py file, or a notebook.

    With --course FILE: its packs and limits; with --assignment NAME too: that assignment's
    topics and exercises, in its points, on the student's inputs where the course has a seed and
    --student names them: what `grade batch` gives the submission when its time is unknown (no
    late penalty, extension, override or manual item: the class's gradebook applies those)."""
    on_warm_engine("check", no_daemon)
    from grader.engine.selection import UsageProblem as Unusable
    from grader.engine.selection import preflight

    options = Options(
        limits=Limits(timeout=timeout, memory_mb=memory_mb, budget=budget),
        device=device,
        selection=Selection(topics=topics, exercises=exercises, keyword=keyword, public_only=public_only),
        course_seed=course_seed,
        student=student,
    )
    options, split = _in_course(ctx, options, course_file, assignment)
    topics, exercises = options.selection.topics, options.selection.exercises
    with usage_errors(Unusable):  # a mistyped path, topic, exercise or -k answers before torch is imported
        preflight(path=path, topics=topics, exercises=exercises, keyword=keyword)
    from grader.engine.selection import select_topics
    from grader.engine.stubs import submission_is_stub

    on_new_engine(lambda: _checks_to_run(path, options))
    from grader.engine.worker.sandbox import gpu_present
    from grader.engine.worker.sympy_need import needs_sympy
    from grader.engine.worker.workers import prestart

    if not submission_is_stub(path, topics):  # untouched stubs need no worker, hence no zygote
        gpu = device == "cuda" or (device == "auto" and gpu_present())
        prestart(gpu, without_sympy=not needs_sympy(select_topics(path, topics)[0], path))
    from grader import report as render  # imports torch: the zygote boots meanwhile
    from grader.engine.progress import LiveLines
    from grader.engine.runner import SuiteCrash, UsageProblem, grade

    live = None if quiet or not sys.stderr.isatty() else LiveLines(sys.stderr)  # piped: the report only
    try:
        result = grade(path, options, jobs=jobs, progress=live, remember=True)
    except UsageProblem as exc:
        usage_exit(str(exc))
    except SuiteCrash as exc:
        click.echo("grade: " + _("internal error in a suite: %(error)s") % {"error": exc}, err=True)
        sys.exit(3)
    finally:
        if live is not None:
            live.close()
    from grader.apps.course_points import applied

    result = applied(result, split)  # a release made for a course, or --assignment, counts its points
    if fmt == "json":
        click.echo(render.to_json(result))
    else:
        colour = render.use_colour(sys.stdout)
        click.echo(render.to_table(result, str(path), colour, verbose, where=path), color=colour)
    code = result.exit_code  # the topics judged again for each total: 0 says full once
    if fmt != "json" and code != 0:
        _learner_lines(result, path)
    raise Graded(code)


def _checks_to_run(path: Path, options: Options) -> bool:
    """Whether grading ``path`` runs checks: not untouched stubs, nor every topic read back
    unchanged (what a fresh process answers in a moment, with no worker and no suite)."""
    from grader.engine import remembered
    from grader.engine.runner import UsageProblem, chosen_topics, resolve_device
    from grader.engine.stubs import submission_is_stub

    try:
        selected, single_topic, _ = chosen_topics(path, options)
        options = replace(options, device=resolve_device(options.device))  # as grade() keys it
    except UsageProblem:
        return False
    if submission_is_stub(path, options.selection.topics):
        return False
    keys = remembered.keys(path, selected, single_topic is not None, options)
    return any(remembered.recall(topic, keys[topic]) is None for topic in selected)


def _in_course(
    ctx: click.Context, options: Options, course_file: Path | None, assignment: str | None
) -> tuple[Options, Split | None]:
    """``options`` under the course file (its limits where the command line gave none) and its
    assignment (its topics where --topic gave none, its exercises where --exercise gave none,
    the course seed for --student), and the assignment's points; as they were without one."""
    course, chosen = course_of(course_file, assignment)
    if course is None:
        return options, None
    from grader.apps.course_points import assignment_split

    speak_course_language(course.language_of(chosen))
    selection = options.selection
    if chosen is not None:
        selection = replace(
            selection,
            topics=assignment_topics(chosen, selection.topics),
            exercises=selection.exercises or chosen.exercises,
        )
    seed = (
        options.course_seed if options.course_seed is not None else course.seed if options.student else None
    )
    options = replace(options, limits=limits_of(ctx, course), selection=selection, course_seed=seed)
    if chosen is None:
        return options, None
    whole = None
    if selection.public_only:  # the public checks' share of the points, as the course's release shows
        from grader.apps.release import check_kinds

        whole = {topic: check_kinds(topic, chosen.kind_weights)[1] for topic in selection.topics}
    return options, assignment_split(chosen, whole)


def _learner_lines(result: Report, path: Path) -> None:
    """Under a table that is not full: where to start, and how the points add up."""
    from grader.apps.learner import points_line, shares_line, start_line

    if result.score < result.max_score:  # course points need neither line on checks' points
        how = [] if result.course else [points_line(result), shares_line(result)]
        for line in (start_line(result, path), *how):
            if line:
                click.echo(line)


@click.command("watch")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--topic", "topics", multiple=True, help="re-grade only this topic (repeatable)")
@click.option("-k", "keyword", metavar="EXPR", default="", help=KEYWORD_HELP)
@device_option
@limit_options
@no_daemon_option
@course_option
def watch_command(
    path: Path,
    topics: tuple[str, ...],
    keyword: str,
    device: str,
    timeout: float,
    memory_mb: int,
    budget: float,
    no_daemon: bool,
    course_file: Path | None,
) -> None:
    """Grade PATH, then re-grade the topic of each file saved in it (Ctrl-C to stop)."""
    course_of(course_file, None)
    from grader.apps.held_interrupt import release
    from grader.apps.ticker import progress_line
    from grader.engine.worker.sandbox import gpu_present
    from grader.engine.worker.workers import prestart

    try:  # a Ctrl-C that came while the command started stops it cleanly too
        release()
        on_warm_engine("watch", no_daemon)
        prestart(gpu=device == "cuda" or (device == "auto" and gpu_present()))
    except KeyboardInterrupt:
        click.echo(_("stopped watching"))
        return
    try:  # Ctrl-C at any point, the imports included, stops watching cleanly
        with progress_line(sys.stderr, _("starting the engine (importing torch)")):
            from grader import report as render  # imports torch: the zygote boots meanwhile
            from grader.apps.watch import Settings, watch
            from grader.engine.progress import LiveLines
            from grader.engine.runner import SuiteCrash, UsageProblem

        colour = render.use_colour(sys.stdout)
        options = Options(
            limits=Limits(timeout=timeout, memory_mb=memory_mb, budget=budget),
            device=device,
            selection=Selection(topics=topics, keyword=keyword),
        )
        watch(
            settings=Settings(path, options),
            show=lambda text: click.echo(text, color=colour),
            colour=colour,
            clear=click.clear if sys.stdout.isatty() else lambda: None,
            live=(lambda: LiveLines(sys.stderr)) if sys.stderr.isatty() else None,
            step=lambda what: progress_line(sys.stderr, what),
        )
    except KeyboardInterrupt:  # first: it may come before the names below are imported
        click.echo(_("stopped watching"))
    except UsageProblem as exc:
        usage_exit(str(exc))
    except SuiteCrash as exc:
        click.echo("grade: " + _("internal error in a suite: %(error)s") % {"error": exc}, err=True)
        sys.exit(3)


@click.command("next")
@click.argument("path", type=click.Path(path_type=Path), default="exercises")
@click.option("--run", "run_it", is_flag=True, help="grade the exercise it names at once")
@no_daemon_option
@course_option
def next_command(path: Path, run_it: bool, no_daemon: bool, course_file: Path | None) -> None:
    """Name the first exercise in PATH (default: exercises/), in the curriculum's order, whose
    checks do not all pass yet, and how to check it (with --run: check it now)."""
    course_of(course_file, None)
    on_warm_engine("next", no_daemon)
    from grader.apps.ticker import progress_line
    from grader.engine.selection import UsageProblem as Unusable
    from grader.engine.selection import preflight

    if not path.is_dir():
        usage_exit(
            _("no such folder: %(path)s (grade next takes a folder shaped like exercises/)") % {"path": path}
        )
    with usage_errors(Unusable):
        preflight(path, ())
    from grader.engine.worker.sandbox import gpu_present
    from grader.engine.worker.workers import prestart

    prestart(gpu=gpu_present())
    with progress_line(sys.stderr, _("starting the engine (importing torch)")):
        from grader.apps.learner import find_next, loop_lines  # imports torch: the zygote boots meanwhile
        from grader.engine.runner import grade

    graded: dict[str, list[dict]] = {}

    def grade_topic(topic: str) -> list[dict]:
        """The topic's checks; the first asked grades the topics of ``path`` together, a topic per
        core as `grade FOLDER` does (one after the other took the sum of their times)."""
        if topic not in graded:
            from grader.base.topics import TOPICS

            topics = [t for t in TOPICS if (path / f"{t}.py").is_file()]
            said = {"topic": ", ".join(topics)}
            if not sys.stderr.isatty():  # a terminal shows the step's live line instead
                click.echo(_("grading %(topic)s…") % said, err=True)
            with progress_line(sys.stderr, _("grading %(topic)s") % said):
                report = grade(path, Options().with_topics(topics), remember=True)
            graded.update({result["name"]: result["tests"] for result in report.to_json()["topics"]})
        return graded[topic]

    found = find_next(path, grade_topic)
    if found is None:
        click.echo(_("every exercise passes all its checks here: nothing left to do"))
        return
    from grader.apps.course_points import applied, released_split, worth_line

    split = released_split()  # a release made for a course: what the exercise is worth
    worth = worth_line(split, found.topic, found.exercise, graded[found.topic]) if split else ""
    for line in [*loop_lines(found, path), *([worth] if worth else [])]:
        click.echo(line)
    if run_it:
        from grader import report as render

        chosen = Selection(topics=(found.topic,), exercises=(found.exercise,))
        result = applied(grade(path, Options(selection=chosen), remember=True), split)
        colour = render.use_colour(sys.stdout)
        click.echo("")
        target = path / f"{found.topic}.py"
        click.echo(render.to_table(result, str(target), colour, where=target), color=colour)


@click.command("hint")
@click.argument("exercise", required=False)
@click.option("--reset", "restart", is_flag=True, help="start EXERCISE's hints (all, without one) again")
@course_option
def hint_command(exercise: str | None, restart: bool, course_file: Path | None) -> None:
    """Show the next hint for EXERCISE: the idea and the notes' term, then the approach, then
    the shape of the code; each call goes one step further."""
    course_of(course_file, None)
    from grader.apps import hints
    from grader.engine.selection import UsageProblem as Unusable

    with usage_errors(Unusable):
        if restart:
            hints.reset_hints(exercise)
            click.echo(
                _("hints for %(exercise)s start from the first again")
                % {"exercise": exercise or _("every exercise")}
            )
            return
        if exercise is None:
            usage_exit(_("name the exercise: grade hint softmax"))
        hint = hints.next_hint(exercise)
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


@click.command("solution")
@click.argument("exercise")
@course_option
def solution_command(exercise: str, course_file: Path | None) -> None:
    """Print EXERCISE's worked solution, where this checkout has solutions/ (a release has none;
    a course may turn it off with TORCHGRADE_NO_SOLUTIONS=1)."""
    course_of(course_file, None)
    from grader.apps import hints
    from grader.engine.selection import UsageProblem as Unusable

    with usage_errors(Unusable):
        click.echo(hints.solution(exercise))


@click.command("reset")
@click.argument("exercise")
@click.argument("path", type=click.Path(path_type=Path), default="exercises")
@course_option
def reset_command(exercise: str, path: Path, course_file: Path | None) -> None:
    """Put EXERCISE's stub back into its topic's file in PATH (default: exercises/), saving the
    file as it was beside it first; the other exercises stay as they are."""
    course_of(course_file, None)
    from grader.apps.learner import reset
    from grader.engine.selection import UsageProblem as Unusable

    if not path.is_dir():
        usage_exit(_("no such folder: %(path)s") % {"path": path})
    with usage_errors(Unusable):
        done = reset(path, exercise)
    click.echo(
        _("%(exercise)s in %(target)s is the original stub again; what the file held is in %(saved)s")
        % {"exercise": exercise, "target": done.target, "saved": done.saved}
    )
    if done.problem:
        click.echo(
            _("the file still does not run: %(problem)s (fix that line, or `grade reset` its exercise)")
            % {"problem": done.problem}
        )


@click.command("doctor")
def doctor_command() -> None:
    """Check this machine for grading: bubblewrap, user namespaces, seccomp, torch, CUDA,
    memory, the engine; print the fix for each problem. Exit 0 when all is well, 1 otherwise."""
    from grader.apps.ticker import progress_line
    from grader.engine.worker import doctor
    from grader.report import use_colour

    colour = use_colour(sys.stdout)
    findings = []
    for check in doctor.CHECKS:  # each line as soon as it is known: torch and the engine take seconds
        with progress_line(sys.stderr, _("checking %(what)s") % {"what": doctor.label(check)}):
            findings.append(check())
        click.echo(doctor.render(findings[-1:], colour), color=colour)
    sys.exit(0 if all(f.ok for f in findings) else 1)


# what grader/cli.py adds to the root group
COMMANDS = (
    check_command,
    doctor_command,
    hint_command,
    next_command,
    reset_command,
    solution_command,
    watch_command,
)
