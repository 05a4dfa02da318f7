"""What a student's feedback says of the manual items and of their grade inquiries.

Every string a student reads here is one of the constants below, marked for the catalogue and
translated where it is shown. The
comments and replies people typed are cleaned for the format (:mod:`grader.base.clean`); the private
notes are not in a row's standing for the student at all (``private_notes`` is never read here).
"""

from __future__ import annotations

from grader.base import clean, grades
from grader.base.i18n import N_, _
from grader.batch.gradebook import Row

# The student-facing texts of manual items and inquiries.
MANUAL_HEADING = N_("Graded by hand")
NOT_MARKED = N_("not marked yet")
RUBRIC = N_("rubric")
INQUIRIES_HEADING = N_("Grade inquiries")
STATES = {"open": N_("open: waiting for an answer"), "resolved": N_("resolved")}
ASKED = N_("you asked")
REPLY = N_("reply")
POINTS_SET = N_("points set to")
RETOTALLED = N_("the rubric changed after marking: %(before)s → %(now)s")


def manual_entries(row: Row) -> list[tuple[str, str, list[str]]]:
    """Per manual item: (its title, "15 / 20" or "not marked yet", the comment and rubric lines),
    as plain text (not yet escaped); none for an excused student, who has no items to mark."""
    entries: list[tuple[str, str, list[str]]] = []
    standing = row.report.get("standing") or {}
    for item in standing.get("manual", {}).values() if not standing.get("excused") else ():
        if not item["marked"]:
            entries.append((item["title"], f"{_(NOT_MARKED)} (0 / {grades.text(item['max_points'])})", []))
            continue
        said = [f"{_(RUBRIC)}: {text} ({grades.text(points)})" for text, points in item["rubric"]]
        if item.get("retotalled"):
            before, now = item["retotalled"]
            said.append(_(RETOTALLED) % {"before": grades.text(before), "now": grades.text(now)})
        said += [item["comment"]] if item["comment"] else []
        entries.append((item["title"], grades.of(item["points"], item["max_points"]), said))
    return entries


def _state(state: str) -> str:
    shown = STATES.get(state)
    return _(shown) if shown else state


def inquiry_entries(row: Row) -> list[tuple[str, str, list[str]]]:
    """Per inquiry: (its item, its state, what was asked and answered), as plain text."""
    entries: list[tuple[str, str, list[str]]] = []
    for asked in (row.report.get("standing") or {}).get("inquiries", []):
        said = [f"{_(ASKED)}: {asked['text']}"]
        said += [f"{_(REPLY)}: {asked['reply']}"] if asked["reply"] else []
        said += [f"{_(POINTS_SET)} {grades.text(asked['points'])}"] if asked["points"] is not None else []
        entries.append((asked["item"], _state(asked["state"]), said))
    return entries


def _sections(row: Row) -> list[tuple[str, list[tuple[str, str, list[str]]]]]:
    found = [(_(MANUAL_HEADING), manual_entries(row)), (_(INQUIRIES_HEADING), inquiry_entries(row))]
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
