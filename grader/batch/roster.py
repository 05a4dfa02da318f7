"""A class roster from the LMS, and who each submission belongs to (:func:`match`, :func:`assign`).

Each LMS reads its own export (:mod:`grader.batch.lms`); its raw header and rows are kept, so that
the import file written back holds the export's own columns and rows. A download's name is trusted
only as far as the roster confirms it, and a student claimed by two submissions is given to
neither (docs/lms.md: each LMS's rule).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from grader.base.topics import TOPICS
from grader.batch.lms import for_header, lms_named
from grader.batch.lms.base import LmsName, Member, Roster, RosterError, name_key, read_table

if TYPE_CHECKING:  # the CLI imports this module at start: keep it light
    from grader.batch.intake import Submission

__all__ = ["Member", "Roster", "RosterError", "assign", "owners", "known_as", "read_roster"]


def known_as(student: str, names: Mapping[str, str] | None) -> str:
    """How an instructor reads a student: the roster's full name with the key beside it ("Alan
    Turing (aturing@uni.example)"); the key alone where ``names`` (key -> full name) has none."""
    name = (names or {}).get(student, "")
    return f"{name} ({student})" if name and name != student else student


def read_roster(path: Path) -> Roster:
    """The roster in ``path`` as the LMS that wrote it reads it, or :class:`RosterError`."""
    rows, bom, delimiter, newline = read_table(path)
    if not rows:
        raise RosterError(f"{path.name} is empty")
    roster = for_header(rows[0]).roster(rows, path)
    if not roster.members:
        raise RosterError(f"{path.name} holds no student rows")
    roster.bom, roster.delimiter, roster.newline = bom, delimiter, newline
    roster.path = path
    return roster


def _plain_names(student: str) -> list[str]:
    """How a plain entry may name its student: ``alice_losses`` (``<student>_<topic>.py``) -> also alice."""
    head, _, tail = student.rpartition("_")
    return [student, head] if head and tail in TOPICS else [student]


def owners(roster: Roster, name: LmsName | None, student: str) -> list[Member]:
    """Whose a submission is: for a download's name, as its LMS reads it against the roster
    (:meth:`grader.batch.lms.base.Lms.owners`); for a plain entry, the one student its name
    (``alice``, ``alice_losses``, a login, an id, a full name) names, or no one."""
    if name is not None:
        return lms_named(name.lms).owners(roster, name)
    for spelled in _plain_names(student):
        found = roster.member("ident", spelled.casefold()) or roster.member("id", spelled)
        found = found or roster.member("name", name_key(spelled))
        if found:
            return [found]
    return []


@dataclass(frozen=True)
class Claims:
    """:func:`assign`'s answer: every submission (named by its student's roster key where it
    has one), those that match no one, and the students two or more submissions claimed."""

    named: list[Submission]
    unmatched: list[Submission]
    contested: dict[str, list[Submission]]  # roster key -> the submissions that claimed it


def assign(submissions: list[Submission], roster: Roster) -> Claims:
    """Each submission named by its student's roster key (a team's once per member); a student
    claimed by two submissions gets neither."""
    claimed: dict[str, list[int]] = {}
    found = [owners(roster, s.name, s.student) for s in submissions]
    for position, members in enumerate(found):
        for member in members:
            claimed.setdefault(member.key, []).append(position)
    contested = {key: [submissions[i] for i in spots] for key, spots in claimed.items() if len(spots) > 1}
    named, unmatched = [], []
    for submission, members in zip(submissions, found):
        keys = [m.key for m in members if m.key not in contested]
        named += [replace(submission, student=key) for key in keys] or [submission]
        unmatched += [] if keys else [submission]
    return Claims(named, unmatched, contested)


class RosterFile(click.ParamType):
    """``--roster FILE``: the file read and checked while the command line is parsed."""

    name = "file"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> Roster:
        if isinstance(value, Roster):
            return value
        try:
            return read_roster(Path(str(value)))
        except RosterError as exc:
            self.fail(str(exc), param, ctx)
