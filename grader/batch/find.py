"""Find a student by any name the LMS uses (which names, and where they are read: docs/lms.md,
the last paragraph). The one home for that question."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from grader.batch.lms.base import Roster, name_key
from grader.course.keys import Assignment


class StudentNotFound(LookupError):
    """No student, or several, go by that name; the message lists the candidates."""


def candidates(query: str, keys: Iterable[str], roster: Roster | None) -> dict[str, str]:
    """Every student ``query`` may name: roster key -> how a person reads it."""
    found: dict[str, str] = {}
    for key in keys:
        if key == query or key.casefold() == query.casefold() or name_key(key) == name_key(query):
            found[key] = key
    if roster is not None:
        probes = [("id", query), ("ident", query.casefold()), ("participant", query)]
        probes.append(("name", name_key(query)))
        for kind, value in probes:
            for position in roster.index.get((kind, value), []) if value else []:
                member = roster.members[position]
                found[member.key] = member.display
    return found


def find_student(query: str, keys: list[str], roster: Roster | None) -> str:
    """The gradebook key ``query`` names among ``keys`` (the gradebook's students)."""
    if query in keys:
        return query
    found = candidates(query, keys, roster)
    if len(found) == 1:
        return next(iter(found))
    if not found:
        where = "the gradebook or the roster" if roster is not None else "the gradebook (no roster recorded)"
        raise StudentNotFound(f"no gradings of {query!r} in {where}")
    raise StudentNotFound(f"{query!r} names {len(found)} students: {_listed(found)}; give one of their keys")


def resolve(names: Iterable[str], keys: Iterable[str], roster: Roster | None, where: str) -> dict[str, str]:
    """Each of ``names`` (as the instructor wrote it, in ``where``) -> the key of the one student
    it names; :class:`StudentNotFound` on one line for the first that names no one or several."""
    known = list(keys) + ([m.key for m in roster.members] if roster is not None else [])
    resolved = {}
    for name in names:
        found = {name: name} if name in known else candidates(name, known, roster)
        if len(found) != 1:
            whom = f"{len(found)} students ({_listed(found)})" if found else "no one"
            raise StudentNotFound(
                f"{where}: {name!r} names {whom} on the {'roster' if roster else 'submissions'}; "
                "write the student's id, login, email or full name as the LMS has it"
            )
        resolved[name] = next(iter(found))
    return resolved


def _listed(found: dict[str, str]) -> str:
    return "; ".join(sorted(found.values()))


def resolve_assignment(assignment: Assignment, keys: Iterable[str], roster: Roster | None) -> Assignment:
    """``assignment`` with its ``excused`` and ``extensions`` named by roster keys, or
    :class:`StudentNotFound` for a name that names no one or several."""
    known = list(keys)
    where = f"{assignment.name}"
    excused = resolve(assignment.excused, known, roster, f"{where}: excused")
    extended = resolve(assignment.extensions, known, roster, f"{where}: extensions")
    return replace(
        assignment,
        excused=tuple(excused[name] for name in assignment.excused),
        extensions={extended[name]: due for name, due in assignment.extensions.items()},
    )
