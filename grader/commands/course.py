"""The instructor's other commands: `course init`, `similarity`, `notebooks`, `release`,
`gradescope`: a thin layer over grader/course/toml.py, grader/similarity, grader/apps and
grader/gradescope."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grader.base import defaults
from grader.base.i18n import _
from grader.base.options import Options, Selection
from grader.commands.common import (
    assignment_topics,
    course_of,
    course_option,
    course_options,
    limit_options,
    limits_of,
    out_option,
    similarity_report,
    usage_errors,
    usage_exit,
)


@click.group("course")
def course_group() -> None:
    """The course file: `grade course init course.toml`."""


@course_group.command("init")
@click.argument("path", type=click.Path(path_type=Path), default=Path("course.toml"))
def course_init_command(path: Path) -> None:
    """Write a commented example course file for this course's topics to PATH."""
    from grader.course.example import example

    if path.exists():
        usage_exit(_("%(path)s exists; remove it or name another file") % {"path": path})
    path.write_text(example(), encoding="utf-8")
    click.echo(
        _("course file written to %(path)s: edit it, then `grade batch SUBMISSIONS --course %(path)s ...`")
        % {"path": path}
    )


@click.command("similarity")
@click.argument("submissions", type=click.Path(path_type=Path))
@out_option("folder for similarity.csv, similarity.html and clusters.csv")
@click.option("--topic", "topics", multiple=True, help="compare only this topic (repeatable)")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=defaults.SIMILARITY_THRESHOLD,
    show_default=True,
    help="score from which a pair with enough evidence is flagged and joins a cluster",
)
@course_option
def similarity_command(
    submissions: Path, out: Path, topics: tuple[str, ...], threshold: float, course_file: Path | None
) -> None:
    """Score every pair of SUBMISSIONS, and each against the reference, per topic and exercise, ignoring the stub.

    SUBMISSIONS is what `grade batch` accepts. Submitted code is parsed, never run.
    """
    from grader.base.topics import unknown_topic

    course_of(course_file, None)
    if not submissions.is_dir():
        usage_exit(_("no such folder: %(path)s") % {"path": submissions})
    if out.resolve() == submissions.resolve() or out.resolve().is_relative_to(submissions.resolve()):
        usage_exit(_("--out must not lie inside the submissions folder"))
    if unknown_topic(topics):
        usage_exit(unknown_topic(topics))
    similarity_report(submissions=submissions, out=out, topics=topics, threshold=threshold)


ALLOW_SOLVED_HELP = "hand out exercise NAME solved on purpose (repeatable); any other answer is refused"


@click.command("notebooks")
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
    from grader.base.topics import TOPICS, unknown_topic

    topics = assignment_topics(course_of(course_file, assignment)[1], topics)

    if unknown_topic(topics):
        usage_exit(unknown_topic(topics))
    with usage_errors(LeakFound):
        written = write_handouts(
            out=out,
            topics=list(topics) or list(TOPICS),
            allowed=frozenset(allowed),
            step=lambda what: progress_line(sys.stderr, what),
        )
    for path in written:
        click.echo(str(path))


@click.command("release")
@click.argument("out", type=click.Path(path_type=Path))
@course_options
@click.option("--allow-solved", "allowed", multiple=True, metavar="NAME", help=ALLOW_SOLVED_HELP)
def release_command(
    out: Path, course_file: Path | None, assignment: str | None, allowed: tuple[str, ...]
) -> None:
    """Write a student release into OUT: exercises, notebooks, grader, datasets, public checks
    (with --course and --assignment: that assignment's topics and points; never the course seed)."""
    from grader.apps.course_points import split_of
    from grader.apps.leaks import LeakFound
    from grader.apps.release import write_release
    from grader.apps.ticker import progress_line

    course, chosen = course_of(course_file, assignment)
    topics = assignment_topics(chosen, ())
    with usage_errors(FileExistsError, LeakFound):
        write_release(
            out,
            topics,
            frozenset(allowed),
            step=lambda what: progress_line(sys.stderr, what),
            language=course.language_of(chosen) if course else None,
            points=split_of(chosen) if chosen else None,
        )
    click.echo(_("release written to %(out)s") % {"out": out})


@click.command("gradescope")
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
    from grader.gradescope.config import AutograderProblem, Config, assignment_fields

    course, chosen = course_of(course_file, assignment)
    if course is not None:  # the command line wins over the course file
        topics = assignment_topics(chosen, topics)

    limits = limits_of(ctx, course)
    exercises = chosen.exercises if chosen is not None else ()
    # with an assignment, Gradescope scores out of its points, late as grade batch counts it
    with usage_errors(AutograderProblem):
        config = Config(
            options=Options(limits=limits, selection=Selection(topics=topics, exercises=exercises)),
            hidden_visibility=hidden_visibility,
            hidden_messages=hidden_messages,
            language=(course.language_of(chosen) or "") if course is not None else "",
            course_seed=course.seed if course is not None else None,
            assignment=assignment_fields(chosen),
        )
        written = build_autograder(out, config)
    click.echo(_("autograder written to %(out)s") % {"out": written})


# what grader/cli.py adds to the root group
COMMANDS = (course_group, gradescope_command, notebooks_command, release_command, similarity_command)
