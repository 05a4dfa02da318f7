"""The author's commands: `grade author validate TOPIC` (grader/authoring)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from grader.base import defaults
from grader.base.i18n import _
from grader.base.topics import REPO_ROOT, Topic, of
from grader.commands.common import course_of, course_options, usage_exit

if TYPE_CHECKING:
    from grader.course.keys import Assignment


@click.group("author")
def author_group() -> None:
    """An exercise author's tools: `grade author new`, `record` and `validate` (docs/authors.md)."""


def _topic(name: str) -> Topic:
    found = of(name)
    if found is None:
        usage_exit(_("no topic %(topic)s") % {"topic": name})
    assert found is not None
    return found


def _course_topic(
    name: str, course_file: Path | None, assignment: str | None
) -> tuple[Topic, Assignment | None]:
    """The topic ``name`` and the assignment ``--assignment`` names, where ``--course`` (its
    packs found: grader/launch.py) is a course file and that assignment grades the topic."""
    chosen = course_of(course_file, assignment)[1]
    found = _topic(name)
    if chosen is not None and not _graded(found, chosen):
        usage_exit(_("%(assignment)s does not grade %(topic)s") % {"assignment": chosen.name, "topic": name})
    return found, chosen


def _graded(topic: Topic, assignment: Assignment) -> tuple[str, ...]:
    """The exercises of ``topic`` that ``assignment`` grades, in the stub's order."""
    graded = {
        key.split(".", 1)[1] for key in assignment.exercise_points if key.split(".", 1)[0] == topic.name
    }
    return tuple(e for e in topic.exercises if e in graded)


def _named(folder: Path) -> str:
    """``folder`` as course.toml names it: relative to the checkout where it is inside."""
    where = folder.resolve()
    return where.relative_to(REPO_ROOT).as_posix() if where.is_relative_to(REPO_ROOT) else str(where)


@author_group.command("new")
@click.argument("topic")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), required=False)
def new_command(topic: str, folder: Path | None) -> None:
    """Write a new pack for TOPIC into FOLDER (default: packs/TOPIC) with one worked exercise in
    every file a pack holds: the stub, the reference, the domains, the suite, the hints."""
    from grader.authoring.scaffold import scaffold

    if not topic.isidentifier() or of(topic) is not None:
        usage_exit(_("%(topic)s: a topic needs a new name that is a Python identifier") % {"topic": topic})
    target = folder or Path("packs") / topic
    try:
        written = scaffold(target, topic)
    except FileExistsError as error:
        usage_exit(str(error))
    click.echo("\n".join(str(p) for p in written))
    click.echo(
        _(
            'next: name the pack in course.toml ([course] packs = ["%(folder)s"]), then '
            "`grade author record %(topic)s` and `grade author validate %(topic)s` (docs/authors.md)"
        )
        % {"folder": _named(target), "topic": topic}
    )


@author_group.command("record")
@click.argument("topic")
@click.option("--check", is_flag=True, help="only say whether the stored answers are current (exit 1 if not)")
@course_options
def record_command(topic: str, check: bool, course_file: Path | None, assignment: str | None) -> None:
    """Store what TOPIC's reference answers on every case of its exercises' declared domains
    (``domains_TOPIC.py``) in ``answers_TOPIC.pt`` beside its suite: what the battery judges
    against. Run it after changing a domain or the reference. With --course: TOPIC may be a
    topic of a pack the course file names."""
    from grader.authoring.record import record, stale

    found = _course_topic(topic, course_file, assignment)[0]
    if found.pack.built_in:
        usage_exit(_("the built-in topics' answers: python tests/grader/record_domain_answers.py"))
    if check:
        problems = stale(found)
        click.echo("\n".join(problems) or _("%(file)s is current") % {"file": found.answers})
        raise SystemExit(1 if problems else 0)
    path, count = record(found)
    click.echo(_("%(count)d exercises' answers written to %(file)s") % {"count": count, "file": path})


@author_group.command("validate")
@click.argument("topic")
@click.option("--exercise", "exercises", multiple=True, help="only this exercise's mutants (repeatable)")
@click.option(
    "--equivalent",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="a file of mutant ids marked equivalent, one a line, why after a # (default: mutants_TOPIC.txt "
    "beside the pack's suite)",
)
@click.option("--training", is_flag=True, help="grade the mutants with the training checks too (slow)")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=None, help="grading processes (default: the cores)"
)
@click.option(
    "--min-score",
    type=click.FloatRange(0, 100),
    default=0.0,
    help="exit 1 when the mutation score is below this percentage (as on NOT FULL and NOT ZERO)",
)
@click.option(
    "--mistakes",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="a folder of your own wrong TOPIC modules (*.py, what each gets wrong in its docstring): "
    "each graded and reported caught or missed",
)
@course_options
def validate_command(
    topic: str,
    exercises: tuple[str, ...],
    equivalent: Path | None,
    training: bool,
    workers: int | None,
    min_score: float,
    mistakes: Path | None,
    course_file: Path | None,
    assignment: str | None,
) -> None:
    """Grade TOPIC's reference (full), its stub (nothing) and every mutant of its reference (one
    small edit inside one exercise, graded on that exercise's checks): the mutation score per
    exercise, the checks that killed each mutant, each survivor with its edit, to add a case or a
    check for, or to mark equivalent. Exits 1 on NOT FULL, NOT ZERO or a score below --min-score.
    With --course: TOPIC may be a topic of a pack the course file names; with --assignment too,
    the exercises that assignment grades (where --exercise names none)."""
    from grader.authoring.validate import equivalent_reasons, report, validate

    found, chosen = _course_topic(topic, course_file, assignment)
    unknown = sorted(set(exercises) - set(found.exercises))
    if unknown:
        usage_exit(_("no exercise %(names)s in %(topic)s") % {"names": ", ".join(unknown), "topic": topic})
    result = validate(
        topic,
        found.solution,
        found.stub,
        exercises or (_graded(found, chosen) if chosen else found.exercises),
        equivalent=equivalent_reasons(equivalent or found.equivalent_mutants),
        jobs=workers or defaults.cores(),
        training=training,
        mistakes=tuple(sorted(mistakes.glob("*.py"))) if mistakes else (),
    )
    click.echo(report(result, min_score / 100))
    raise SystemExit(1 if result.failures(min_score / 100) else 0)


COMMANDS = (author_group,)  # what grader/cli.py adds to the root group
