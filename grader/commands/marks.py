"""`grade batch override`, `mark` and `inquiry`: what a person changes after the grading (an
override, a manual item's mark, a grade inquiry), each kept in the gradebook; registered on
`grade batch` by grader/commands/batch.py."""

from __future__ import annotations

from pathlib import Path

import click

from grader.base.i18n import _
from grader.commands.common import (
    out_option,
    usage_errors,
    usage_exit,
)


@click.command("override")
@click.argument("student")
@out_option()
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
        usage_exit(_("give one of --points, --excuse or --clear"))
    with usage_errors(NoHistory, OverrideProblem):
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


@click.command("mark")
@click.argument("student", required=False)
@click.argument("item", required=False)
@out_option()
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

    with usage_errors(NoHistory, MarkProblem):
        if sheet is not None:
            if student or item or points is not None or rubric or comment or note:
                usage_exit(_("--from takes the marks from the sheet: give no STUDENT, ITEM or mark options"))
            requests = read_sheet(sheet)
        elif student is None or item is None:
            usage_exit(_("give STUDENT ITEM (--points P | --rubric ID,ID), or --from marks.csv"))
        else:
            ids = None if rubric is None else tuple(r.strip() for r in rubric.split(",") if r.strip())
            requests = [MarkRequest(student, item, points, ids, comment, note, why=why)]
        click.echo(record_marks(out, requests, by))


@click.command("inquiry")
@click.argument("student", required=False)
@out_option()
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

    with usage_errors(NoHistory, marking.MarkProblem):
        if listing:
            click.echo(marking.list_inquiries(out, everything))
        elif student is None or (resolve == (text is not None)):
            usage_exit(_("give STUDENT --item ITEM --text TEXT, STUDENT --resolve --reply TEXT, or --list"))
        elif resolve:
            click.echo(marking.resolve_inquiry(out, student, item, reply, points, by))
        elif item is None or points is not None:
            usage_exit(_("opening an inquiry takes --item and --text (--points belongs to --resolve)"))
        else:
            click.echo(marking.open_inquiry(out, student, item, text or "", by))
