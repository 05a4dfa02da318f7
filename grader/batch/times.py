"""When each submission arrived, from what the LMS gives, in docs/instructors.md's order of trust ("A course,
from `grade course init` to the LMS import": Deadlines). Times without an offset are in the course's zone."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from grader.batch.find import resolve
from grader.batch.gradebook import Submitted
from grader.batch.intake import Submission, lms_name
from grader.batch.roster import Roster
from grader.course.keys import CourseError
from grader.course.toml import parse_time

ROSTER_COLUMNS = ("submitted_at", "last modified (submission)")
# Moodle's worksheet: "Monday, 14 October 2024, 11:59 PM"
MOODLE_FORMATS = ("%A, %d %B %Y, %I:%M %p", "%A, %d %B %Y, %H:%M")


def read_time(text: str, zone: ZoneInfo) -> datetime | None:
    """ISO 8601, "2026-10-14 23:59" or Moodle's worksheet spelling; None for "-" or unreadable."""
    found = parse_time(text, zone)
    if found is not None:
        return found
    for form in MOODLE_FORMATS:
        try:
            return datetime.strptime(text.strip(), form).replace(tzinfo=zone)
        except ValueError:
            continue
    return None


def read_times_file(path: Path, zone: ZoneInfo) -> dict[str, datetime]:
    """``student,submitted_at`` rows (a header row is skipped); a bad time is refused by line."""
    times: dict[str, datetime] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            if len(row) < 2 or not row[0].strip() or (number == 1 and row[1].strip() == "submitted_at"):
                continue
            found = read_time(row[1], zone)
            if found is None:
                raise CourseError(f"{path.name}: line {number}: cannot read the time {row[1]!r}")
            times[row[0].strip()] = found
    return times


def _roster_times(roster: Roster, zone: ZoneInfo) -> dict[str, datetime]:
    labels = [" ".join(h.split()).casefold() for h in roster.header]
    column = next((labels.index(c) for c in ROSTER_COLUMNS if c in labels), None)
    if column is None:
        return {}
    times = {}
    for member in roster.members:
        row = roster.rows[member.row]
        found = read_time(row[column], zone) if column < len(row) else None
        if found is not None:
            times[member.key] = found
    return times


def submission_times(
    submissions: list[Submission], roster: Roster | None, times_file: Path | None, zone: ZoneInfo
) -> list[Submitted]:
    """When each of ``submissions`` arrived, as far as anything says."""
    from_file = read_times_file(times_file, zone) if times_file else {}
    if times_file:  # any name the LMS uses, each naming exactly one student
        keys = resolve(from_file, [s.student for s in submissions], roster, times_file.name)
        from_file = {keys[name]: when for name, when in from_file.items()}
    from_roster = _roster_times(roster, zone) if roster else {}
    found = []
    for submission in submissions:
        marker = any((name := lms_name(e.name)) is not None and name.late for e in submission.entries)
        for source, times in (("times file", from_file), ("roster", from_roster)):
            if submission.student in times:
                found.append(
                    Submitted(
                        student=submission.student,
                        submitted_at=times[submission.student].isoformat(),
                        late_marker=marker,
                        source=source,
                    )
                )
                break
        else:
            found.append(
                Submitted(
                    student=submission.student,
                    submitted_at="",
                    late_marker=marker,
                    source="LMS late marker" if marker else "",
                )
            )
    return found
