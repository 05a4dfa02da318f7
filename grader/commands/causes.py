"""`grade batch causes`: the class's failing exercises grouped by cause, and the instructor's
notes, merges and splits of those groups: a thin layer over grader/batch/causes_report.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from grader.commands.common import course_options, graded_for, out_option, usage_exit
from grader.i18n import _


@click.group("causes", invoke_without_command=True)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="the folder `grade batch` wrote")
@click.option("--format", "form", type=click.Choice(["text", "json"]), default="text", show_default=True)
@course_options
@click.pass_context
def causes_group(
    ctx: click.Context, out: Path | None, form: str, course_file: Path | None, assignment: str | None
) -> None:
    """The class's failing exercises grouped by cause (`grade batch causes --out OUT`), with
    counts, a representative and its diagnosis; `grade batch causes note` writes to a group.
    A class graded with --course FILE (a course whose packs only that file names) is read back
    with the same --course FILE."""
    if ctx.invoked_subcommand is not None:
        return
    if out is None:
        usage_exit(_("give --out, the folder `grade batch` wrote"))
    graded_for(out, course_file, assignment)
    from grader.batch.causes_report import list_groups
    from grader.batch.exports import NoHistory

    try:
        click.echo(list_groups(out, as_json=form == "json"))
    except NoHistory as exc:
        usage_exit(str(exc))


@causes_group.command("note")
@click.argument("exercise", metavar="TOPIC.NAME")
@click.argument("cause")
@out_option()
@click.option("--text", default="", help="the note the group's students are shown (feedback, LMS files)")
@click.option(
    "--points",
    type=float,
    default=None,
    help="points added to (or, negative, taken from) each member's exercise",
)
@click.option("--by", default=None, help="who wrote it (default: your user name)")
@click.option("--clear", is_flag=True, help="remove the group's note")
@course_options
def causes_note_command(
    exercise: str,
    cause: str,
    out: Path,
    text: str,
    points: float | None,
    by: str | None,
    clear: bool,
    course_file: Path | None = None,
    assignment: str | None = None,
) -> None:
    """Attach a note (and optionally a points adjustment) to the group of EXERCISE failing with
    CAUSE (as `grade batch causes` lists them). It reaches the group's students, survives
    regrades; `grade batch` again rewrites the exports."""
    from grader.batch.causes_report import record_note

    graded_for(out, course_file, assignment)
    _change_causes(lambda who: record_note(out, exercise, cause, text, points, clear, who), by)


@causes_group.command("merge")
@click.argument("exercise", metavar="TOPIC.NAME")
@click.argument("into")
@click.argument("causes", nargs=-1, required=True)
@out_option()
@click.option("--by", default=None, help="who merged (default: your user name)")
@click.option("--clear", is_flag=True, help="undo the merges of CAUSES")
@course_options
def causes_merge_command(
    exercise: str,
    into: str,
    causes: tuple[str, ...],
    out: Path,
    by: str | None,
    clear: bool,
    course_file: Path | None = None,
    assignment: str | None = None,
) -> None:
    """Merge the groups CAUSES of EXERCISE into group INTO (as `grade batch causes` lists
    them): every member, now and after regrades, is in INTO and reads its note."""
    from grader.batch.causes_report import record_merge

    graded_for(out, course_file, assignment)
    _change_causes(lambda who: record_merge(out, exercise, into, causes, clear, who), by)


@causes_group.command("split")
@click.argument("exercise", metavar="TOPIC.NAME")
@click.argument("cause")
@click.argument("students", nargs=-1, required=True)
@click.option("--as", "into", default="", help="the name of the group the students form")
@out_option()
@click.option("--by", default=None, help="who split (default: your user name)")
@click.option("--clear", is_flag=True, help="put STUDENTS back where their causes put them")
@course_options
def causes_split_command(
    exercise: str,
    cause: str,
    students: tuple[str, ...],
    into: str,
    out: Path,
    by: str | None,
    clear: bool,
    course_file: Path | None = None,
    assignment: str | None = None,
) -> None:
    """Move STUDENTS (any name the LMS gives them) out of group CAUSE of EXERCISE into a group
    of their own (--as NAME): one whose "no answer" is a misconception, say, for a note."""
    from grader.batch.causes_report import record_split

    graded_for(out, course_file, assignment)
    _change_causes(lambda who: record_split(out, exercise, cause, students, into, clear, who), by)


def _change_causes(change: Callable[[str], str], by: str | None) -> None:
    """Make a change of the causes' groups (a note, a merge, a split) in the name of ``by`` or
    this user, and say what it did; a problem with it is a usage error."""
    import getpass

    from grader.batch.causes_report import NoteProblem
    from grader.batch.exports import NoHistory

    try:
        click.echo(change(by or getpass.getuser()))
    except (NoHistory, NoteProblem) as exc:
        usage_exit(str(exc))
