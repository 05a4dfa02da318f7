"""The author's commands: `grade author validate TOPIC` (grader/authoring)."""

from __future__ import annotations

from pathlib import Path

import click

from grader import defaults
from grader.commands.common import usage_exit
from grader.i18n import _


@click.group("author")
def author_group() -> None:
    """An exercise author's tools: `grade author validate TOPIC`."""


@author_group.command("validate")
@click.argument("topic")
@click.option("--exercise", "exercises", multiple=True, help="only this exercise's mutants (repeatable)")
@click.option(
    "--equivalent",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="a file of mutant ids marked equivalent, one a line (default: tests/mutants/TOPIC.txt)",
)
@click.option("--training", is_flag=True, help="grade the mutants with the training checks too (slow)")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=None, help="grading processes (default: the cores)"
)
def validate_command(
    topic: str, exercises: tuple[str, ...], equivalent: Path | None, training: bool, workers: int | None
) -> None:
    """Grade TOPIC's reference (full), its stub (nothing) and every mutant of its reference (one
    small edit inside one exercise, graded on that exercise's checks): the mutation score per
    exercise and each survivor with its edit, to add a case or a check for, or to mark equivalent."""
    from grader.authoring.validate import read_equivalent, report, validate
    from grader.topics import MANIFEST

    found = next((t for t in MANIFEST if t.name == topic), None)
    if found is None:
        usage_exit(_("no topic %(topic)s") % {"topic": topic})
        return
    unknown = sorted(set(exercises) - set(found.exercises))
    if unknown:
        usage_exit(_("no exercise %(names)s in %(topic)s") % {"names": ", ".join(unknown), "topic": topic})
    marks = equivalent or found.solution.parent.parent / "tests" / "mutants" / f"{topic}.txt"
    result = validate(
        topic,
        found.solution,
        found.stub,
        exercises or found.exercises,
        equivalent=read_equivalent(marks),
        jobs=workers or defaults.cores(),
        training=training,
    )
    click.echo(report(result))


COMMANDS = (author_group,)  # what grader/cli.py adds to the root group
