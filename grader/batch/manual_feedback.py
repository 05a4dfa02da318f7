"""What a student's feedback says of the manual items and of their grade inquiries.

Every string a student reads here is one of the constants below (one place to translate). The
comments and replies people typed are cleaned for the format (:mod:`grader.clean`); the private
notes are not in a row's standing for the student at all (``private_notes`` is never read here).
"""

from __future__ import annotations

from grader import clean
from grader.batch.gradebook import Row

# The student-facing texts of manual items and inquiries.
MANUAL_HEADING = "Graded by hand"
NOT_MARKED = "not marked yet"
RUBRIC = "rubric"
INQUIRIES_HEADING = "Grade inquiries"
STATES = {"open": "open: waiting for an answer", "resolved": "resolved"}
ASKED = "you asked"
REPLY = "reply"
POINTS_SET = "points set to"


def _points(value: float) -> str:
    return f"{round(value, 2):g}"


def manual_entries(row: Row) -> list[tuple[str, str, list[str]]]:
    """Per manual item: (its title, "15 / 20" or "not marked yet", the comment and rubric lines),
    as plain text (not yet escaped)."""
    entries: list[tuple[str, str, list[str]]] = []
    for item in (row.report.get("standing") or {}).get("manual", {}).values():
        if not item["marked"]:
            entries.append((item["title"], f"{NOT_MARKED} (0 / {_points(item['max_points'])})", []))
            continue
        said = [f"{RUBRIC}: {text} ({_points(points)})" for text, points in item["rubric"]]
        said += [item["comment"]] if item["comment"] else []
        entries.append((item["title"], f"{_points(item['points'])} / {_points(item['max_points'])}", said))
    return entries


def inquiry_entries(row: Row) -> list[tuple[str, str, list[str]]]:
    """Per inquiry: (its item, its state, what was asked and answered), as plain text."""
    entries: list[tuple[str, str, list[str]]] = []
    for asked in (row.report.get("standing") or {}).get("inquiries", []):
        said = [f"{ASKED}: {asked['text']}"]
        said += [f"{REPLY}: {asked['reply']}"] if asked["reply"] else []
        said += [f"{POINTS_SET} {_points(asked['points'])}"] if asked["points"] is not None else []
        entries.append((asked["item"], STATES.get(asked["state"], asked["state"]), said))
    return entries


def _sections(row: Row) -> list[tuple[str, list[tuple[str, str, list[str]]]]]:
    found = [(MANUAL_HEADING, manual_entries(row)), (INQUIRIES_HEADING, inquiry_entries(row))]
    return [(heading, entries) for heading, entries in found if entries]


def feedback_markdown(row: Row) -> list[str]:
    """The markdown feedback's sections on manual items and inquiries ([] when it has neither)."""
    lines: list[str] = []
    for heading, entries in _sections(row):
        lines += ["", f"## {heading}"]
        for name, state, said in entries:
            lines.append(f"- **{clean.markdown(clean.name(name))}**: {clean.markdown(state)}")
            lines += ["  - " + clean.markdown(line).replace("\n", "\n    ") for line in said]
    return lines


def feedback_html(row: Row) -> list[str]:
    """:func:`feedback_markdown`'s twin in HTML."""
    body: list[str] = []
    for heading, entries in _sections(row):
        body += [f"<h2>{heading}</h2>", "<ul>"]
        for name, state, said in entries:
            more = "".join(f"<br>{clean.html(line)}" for line in said)
            body.append(
                f"<li><strong>{clean.html(clean.name(name))}</strong>: {clean.html(state)}{more}</li>"
            )
        body.append("</ul>")
    return body
