"""Write one LMS's import file the way ``grade batch`` does, for tests that look at it alone."""

from __future__ import annotations

from pathlib import Path

from grader.batch.gradebook import Row
from grader.batch.lms import lms_named
from grader.batch.lms.base import Grades, LmsName, LmsSettings, Roster


def write_lms(
    rows: list[Row],
    roster: Roster,
    title: str,
    path: Path,
    settings: LmsSettings | None = None,
    feedback: dict[str, str] | None = None,
    names: dict[str, tuple[LmsName, ...]] | None = None,
) -> list[Path]:
    """The roster's LMS file for ``rows`` at ``path`` (and whatever else it writes beside it)."""
    grades = Grades(
        {r.student: r for r in rows}, roster, title, settings or LmsSettings(), feedback or {}, names or {}
    )
    written = lms_named(roster.lms).write(grades, path.parent)
    written[0].rename(path)
    return [path, *written[1:]]
