"""`grade batch causes`: the class's failing exercises grouped by cause, and the instructor's
notes, merges and splits of those groups: a thin layer over grader/batch/causes_report.py."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from grader.base.i18n import _
from grader.commands.common import course_options, graded_for, out_option, usage_errors, usage_exit


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

    with usage_errors(NoHistory):
        click.echo(list_groups(out, as_json=form == "json"))


# a change of the groups, for its subcommand's arguments: (out, clear, who) → what it did
Change = Callable[[Path, bool, str], str]


def _changes_groups(by: str, clear: str) -> Callable[[Callable[..., Change]], Callable[..., None]]:
    """A subcommand that changes the groups (a note, a merge, a split) with the options they all
    take: --out, --by (``by``: its help), --clear (``clear``: what it undoes) and the course's.
    The subcommand makes the change; here it is made in the name of --by or this user, and said
    (a problem with it is a usage error)."""

    def decorate(command: Callable[..., Change]) -> Callable[..., None]:
        @functools.wraps(command)
        def run(
            out: Path,
            by: str | None,
            clear: bool,
            course_file: Path | None = None,
            assignment: str | None = None,
            **arguments: Any,
        ) -> None:
            import getpass

            from grader.batch.causes_report import NoteProblem
            from grader.batch.exports import NoHistory

            graded_for(out, course_file, assignment)
            with usage_errors(NoHistory, NoteProblem):
                click.echo(command(**arguments)(out, clear, by or getpass.getuser()))

        optioned = course_options(run)
        optioned = click.option("--clear", is_flag=True, help=clear)(optioned)
        optioned = click.option("--by", default=None, help=by)(optioned)
        return out_option()(optioned)

    return decorate


@causes_group.command("note")
@click.argument("exercise", metavar="TOPIC.NAME")
@click.argument("cause")
@click.option("--text", default="", help="the note the group's students are shown (feedback, LMS files)")
@click.option(
    "--points",
    type=float,
    default=None,
    help="points added to (or, negative, taken from) each member's exercise",
)
@_changes_groups(by="who wrote it (default: your user name)", clear="remove the group's note")
def causes_note_command(exercise: str, cause: str, text: str, points: float | None) -> Change:
    """Attach a note (and optionally a points adjustment) to the group of EXERCISE failing with
    CAUSE (as `grade batch causes` lists them). It reaches the group's students, survives
    regrades; `grade batch` again rewrites the exports."""
    from grader.batch.causes_report import record_note

    return lambda out, clear, who: record_note(out, exercise, cause, text, points, clear, who)


@causes_group.command("merge")
@click.argument("exercise", metavar="TOPIC.NAME")
@click.argument("into")
@click.argument("causes", nargs=-1, required=True)
@_changes_groups(by="who merged (default: your user name)", clear="undo the merges of CAUSES")
def causes_merge_command(exercise: str, into: str, causes: tuple[str, ...]) -> Change:
    """Merge the groups CAUSES of EXERCISE into group INTO (as `grade batch causes` lists
    them): every member, now and after regrades, is in INTO and reads its note."""
    from grader.batch.causes_report import record_merge

    return lambda out, clear, who: record_merge(out, exercise, into, causes, clear, who)


@causes_group.command("split")
@click.argument("exercise", metavar="TOPIC.NAME")
@click.argument("cause")
@click.argument("students", nargs=-1, required=True)
@click.option("--as", "into", default="", help="the name of the group the students form")
@_changes_groups(
    by="who split (default: your user name)", clear="put STUDENTS back where their causes put them"
)
def causes_split_command(exercise: str, cause: str, students: tuple[str, ...], into: str) -> Change:
    """Move STUDENTS (any name the LMS gives them) out of group CAUSE of EXERCISE into a group
    of their own (--as NAME): one whose "no answer" is a misconception, say, for a note."""
    from grader.batch.causes_report import record_split

    return lambda out, clear, who: record_split(out, exercise, cause, students, into, clear, who)
