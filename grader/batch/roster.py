"""A class roster from the LMS, and who each submission belongs to.

The roster says who should have submitted and how the LMS knows each student, so that a
bulk download's submissions can be matched to it (:func:`match`, :func:`assign`). Each LMS
reads its own export (:mod:`grader.batch.lms`: Canvas's gradebook export, Moodle's grading
worksheet or user export, a plain CSV); its raw header and rows are kept, so that the import
file written back holds the export's own columns and rows.

A download's name is trusted only as far as the roster confirms it: its id must be on the
roster and, where the name says who, the name must be that student's; a student claimed by two
submissions is given to neither (:func:`assign` lists both).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from grader.batch.lms import for_header, lms_named
from grader.batch.lms.base import LmsName, Member, Roster, RosterError, name_key, read_table
from grader.topics import TOPICS

if TYPE_CHECKING:  # the CLI imports this module at start: keep it light
    from grader.batch.intake import Submission

__all__ = ["Member", "Roster", "RosterError", "assign", "match", "owners", "read_roster"]
BLIND = "participant"  # Moodle's name for everyone under blind marking


def read_roster(path: Path) -> Roster:
    """The roster in ``path`` as the LMS that wrote it reads it, or :class:`RosterError`."""
    rows, bom, delimiter, newline = read_table(path)
    if not rows:
        raise RosterError(f"{path.name} is empty")
    lms = for_header(rows[0])
    roster = lms.roster(rows, path)
    if not roster.members:
        raise RosterError(f"{path.name} holds no student rows")
    roster.bom, roster.delimiter, roster.newline = bom, delimiter, newline
    roster.path = path
    return roster


def _plain_names(student: str) -> list[str]:
    """How a plain entry may name its student: ``alice_losses`` (``<student>_<topic>.py``) -> also alice."""
    head, _, tail = student.rpartition("_")
    return [student, head] if head and tail in TOPICS else [student]


def _agrees(member: Member, person: str) -> bool:
    """The download's name for the person is the member's (or says nothing: anonymous, blind)."""
    spoken = name_key(person)
    return not spoken or spoken == BLIND or not member.names or spoken in member.names


def match(roster: Roster, name: LmsName | None, student: str) -> Member | None:
    """Whom a submission belongs to: by the LMS's id where the roster has them (and only if the
    name agrees), by the team's name for a team download, else by name."""
    if name is None:
        for spelled in _plain_names(student):
            found = roster.member("ident", spelled.casefold()) or roster.member("id", spelled)
            found = found or roster.member("name", name_key(spelled))
            if found:
                return found
        return None
    if roster.has("team"):  # a team's files carry its group id, never a participant's
        return roster.member("team", name_key(name.person))
    kind = lms_named(name.lms).id_kind
    if kind and roster.has(kind):
        found = roster.member(kind, name.user_id)
        return found if found is not None and _agrees(found, name.person) else None
    return roster.member("name", name_key(name.person))


@dataclass(frozen=True)
class Claims:
    """:func:`assign`'s answer: every submission (named by its student's roster key where it
    has one), those that match no one, and the students two or more submissions claimed."""

    named: list[Submission]
    unmatched: list[Submission]
    contested: dict[str, list[Submission]]  # roster key -> the submissions that claimed it


def owners(roster: Roster, name: LmsName | None, student: str) -> list[Member]:
    """Whose a submission is: a team download's every member (the roster's ``Group`` names the
    team), else the one student :func:`match` finds, or no one."""
    if name is not None and roster.has("team"):
        return [roster.members[i] for i in sorted(set(roster.index.get(("team", name_key(name.person)), [])))]
    found = match(roster, name, student)
    return [found] if found is not None else []


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
