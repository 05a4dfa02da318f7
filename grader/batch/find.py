"""Find a student by any name the LMS uses: gradebook key, SIS id, Canvas id, login, email or
full name (``grade batch --history``, ``grade batch override``)."""

from __future__ import annotations

from grader.batch.roster import Roster, name_key


class StudentNotFound(LookupError):
    """No student, or several, go by that name; the message lists the candidates."""


def find_student(query: str, keys: list[str], roster: Roster | None) -> str:
    """The gradebook key ``query`` names among ``keys`` (the gradebook's students)."""
    if query in keys:
        return query
    found: dict[str, str] = {}  # key -> how a person reads it
    for key in keys:
        if key.casefold() == query.casefold() or name_key(key) == name_key(query):
            found[key] = key
    if roster is not None:
        probes = [
            ("id", query),
            ("ident", query.casefold()),
            ("participant", query),
            ("name", name_key(query)),
        ]
        for kind, value in probes:
            for position in roster.index.get((kind, value), []) if value else []:
                member = roster.members[position]
                found[member.key] = member.display
    if len(found) == 1:
        return next(iter(found))
    if not found:
        where = "the gradebook or the roster" if roster is not None else "the gradebook (no roster recorded)"
        raise StudentNotFound(f"no gradings of {query!r} in {where}")
    candidates = "; ".join(sorted(found.values()))
    raise StudentNotFound(f"{query!r} names {len(found)} students: {candidates}; give one of their keys")
