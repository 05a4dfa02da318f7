"""``grade batch leaderboard``: ``leaderboard.html`` and ``leaderboard.json`` from the gradebook's held-out
metrics (what they show: docs/instructors.md, "Leaderboards on held-out data"); every name is escaped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader.base import clean
from grader.base.clean import html as escape
from grader.base.i18n import N_, _, language
from grader.base.options import Leaderboard
from grader.batch.exports import NoHistory
from grader.batch.leaderboard import Entry, alias_key, aliases, recorded, standings
from grader.batch.overrides import open_recorded

STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; max-width: 60em; }
table { border-collapse: collapse; margin: 0.5em 0 2em; }
caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
th, td { border: 1px solid #767676; padding: 0.3em 0.7em; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
"""
NO_BOARD = N_(
    "the assignment of %(out)s declares no leaderboard ([[assignments.NAME.leaderboard]] in course.toml)"
)
NO_METRIC = N_("no metric: %(reason)s")


def _boards(out: Path) -> tuple[str, tuple[Leaderboard, ...], dict[str, Any], list[str], dict[str, str]]:
    """(title, boards, held-out scores, graded students, {student: shown name}) of ``out``."""
    with open_recorded(out) as found:
        assignment = found.assignment
        if assignment is None or not assignment.leaderboard:
            raise NoHistory(_(NO_BOARD) % {"out": out})
        students = [row.student for row in found.gradebook.rows() if row.status == "graded"]
        scores = recorded(found.gradebook.connection)
        with found.gradebook.connection:
            key = alias_key(found.book)
    return assignment.title, assignment.leaderboard, scores, students, aliases(students, key)


def _row(entry: Entry, shown: str) -> str:
    rank = str(entry.rank) if entry.value is not None else "–"
    value = (
        f"{entry.value:.4f}" if entry.value is not None else escape(_(NO_METRIC) % {"reason": entry.reason})
    )
    return f'<tr><td class="n">{rank}</td><th scope="row">{escape(shown)}</th><td class="n">{value}</td></tr>'


def _table(board: Leaderboard, entries: list[Entry], shown: dict[str, str]) -> str:
    better = _("higher is better") if board.order == "desc" else _("lower is better")
    head = (f'<tr><th scope="col">{escape(_("rank"))}</th><th scope="col">{escape(_("student"))}</th>'
            f'<th scope="col">{escape(board.metric)}</th></tr>')  # fmt: skip
    body = "".join(_row(entry, shown[entry.student]) for entry in entries)
    caption = f"{escape(board.title)} ({escape(better)})"
    return f"<table><caption>{caption}</caption>{head}{body}</table>"


def write_leaderboard(out: Path, names: bool = False) -> Path:
    """``out/leaderboard.html`` and ``out/leaderboard.json``; pseudonyms unless ``names``."""
    title, boards, scores, students, pseudonyms = _boards(out)
    shown = {student: student for student in students} if names else pseudonyms
    ranked = {board.title: standings(scores, board, students) for board in boards}
    tables = "".join(_table(board, ranked[board.title], shown) for board in boards)
    page_title = _("Leaderboard: %(title)s") % {"title": title}
    page = (
        f'<!DOCTYPE html><html lang="{escape(language().replace("_", "-"))}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(page_title)}</title><style>{STYLE}</style></head>"
        f"<body><main><h1>{escape(page_title)}</h1>{tables}</main></body></html>\n"
    )
    (out / "leaderboard.html").write_text(page, encoding="utf-8")
    data = {
        board.title: [
            {
                "rank": e.rank or None,
                "name": shown[e.student],
                "value": e.value,
                "order": board.order,
                **({"reason": e.reason} if e.value is None else {}),
            }  # fmt: skip
            for e in ranked[board.title]
        ]
        for board in boards
    }
    (out / "leaderboard.json").write_text(json.dumps(clean.tree(data), indent=2), encoding="utf-8")
    return out / "leaderboard.html"
