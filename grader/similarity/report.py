"""What ``grade similarity`` writes: ``similarity.csv``, ``similarity.html``, ``clusters.csv``, a summary.

Student names (file names) and source lines come from submissions: each format gets them
through :mod:`grader.base.clean` (no formula cell, no control character, HTML-escaped).
"""

from __future__ import annotations

import csv
from pathlib import Path

from grader.base import clean
from grader.base.clean import html
from grader.similarity.compare import Pair, TopicResult, matching_lines

CSV_FIELDS = ("topic", "exercise", "student_a", "student_b", "score", "shared_fingerprints")
# After the pair's score, for the person who reads the flag: the weight of what they share, the flag, and each one's score against the reference.
CSV_EXTRA = ("evidence", "flagged", "a_matches_reference", "b_matches_reference")


def _against_reference(result: TopicResult | None, student: str, exercise: str) -> str:
    row = result.matches_reference(student, exercise) if result else None
    return f"{row.score:.4f}" if row else ""


def write_csv(pairs: list[Pair], results: list[TopicResult], path: Path) -> None:
    """Every pair's whole-topic row and each exercise row where they share a fingerprint, ranked."""
    by_topic = {r.topic: r for r in results}
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_FIELDS + CSV_EXTRA)
        writer.writerows(
            (
                p.topic,
                p.exercise,
                clean.csv_cell(p.a),
                clean.csv_cell(p.b),
                f"{p.score:.4f}",
                p.shared,
                f"{p.evidence:.2f}",
                "yes" if p.flagged else "",
            )
            + tuple(_against_reference(by_topic.get(p.topic), s, p.exercise) for s in (p.a, p.b))
            for p in pairs
        )


def write_clusters(found: list[tuple[str, list[str]]], path: Path) -> None:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("topic", "size", "students"))
        writer.writerows(
            (topic, len(members), clean.csv_cell(" ".join(clean.name(m) for m in members)))
            for topic, members in found
        )


def _column(lines: list[str], shown: list[int], marked: set[int]) -> str:
    rows = []
    for n in shown:
        text = html(lines[n - 1] if n <= len(lines) else "")
        mark = ' class="match"' if n in marked else ""
        rows.append(f'<span{mark}><span class="n">{n:4d}</span> {text}</span>')
    return "<pre>" + "\n".join(rows) + "</pre>"


def _side_by_side(result: TopicResult, pair: Pair) -> str:
    """Every exercise in which the two share a fingerprint, their lines side by side."""
    a, b = result.students[pair.a], result.students[pair.b]
    parts = []
    for exercise in result.exercises:
        marked_a, marked_b = matching_lines(result, pair, exercise)
        if not (marked_a and marked_b) or exercise not in a.units or exercise not in b.units:
            continue
        parts.append(
            f"<h4>{html(exercise)}</h4><table><tr>"
            f"<th>{html(pair.a)} ({result.topic}.py)</th><th>{html(pair.b)} ({result.topic}.py)</th></tr>"
            f"<tr><td>{_column(a.lines, list(a.units[exercise].lines), marked_a)}</td>"
            f"<td>{_column(b.lines, list(b.units[exercise].lines), marked_b)}</td></tr></table>"
        )
    return "\n".join(parts)


def _matching(result: TopicResult) -> list[str]:
    """Each student with a flagged row against the reference: the flagged rows' exercises and scores."""
    flagged: dict[str, list[str]] = {}
    for row in result.reference:  # ranked: the whole topic, when flagged, comes first
        if row.flagged:
            flagged.setdefault(row.a, []).append(f"{row.exercise} {row.score:.2f}")
    return [f"{student} ({', '.join(rows)})" for student, rows in sorted(flagged.items())]


def _reference_list(results: list[TopicResult]) -> str:
    items = [f"<li>{html(r.topic)}: {html(m)}</li>" for r in results for m in _matching(r)]
    return "<ul>" + "".join(items) + "</ul>" if items else "<p>none</p>"


# Line numbers in #595959: at least 4.5:1 (WCAG AA) on white, on the code's grey and on a match's yellow.
STYLE = (
    "body{font-family:sans-serif;margin:2em}td{vertical-align:top;width:50%}"
    "pre{font-size:12px;background:#f7f7f7;padding:4px}.match{background:#ffe08a}.n{color:#595959}"
    "table{border-collapse:collapse;width:100%}th{text-align:left}"
)


def write_html(
    results: list[TopicResult],
    shown: list[Pair],
    found: list[tuple[str, list[str]]],
    notes: list[str],
    threshold: float,
    path: Path,
) -> None:
    """The top pairs with their shared lines highlighted side by side, the clusters and the notes."""
    by_topic = {r.topic: r for r in results}
    body = [
        "<h1>Similarity of submissions</h1>",
        "<p>A score is the share of the smaller solution's own code (after removing the stub; what "
        "much of the class shares weighs less) found in the other. Pairs scoring at least "
        f"{threshold} on evidence unlikely by chance are flagged and deserve a look by a person: "
        "this is a flag, not a verdict.</p>",
        "<h2>Matches the reference</h2>",
        _reference_list(results),
        "<h2>Clusters of three or more</h2>",
        "<ul>" + "".join(f"<li>{html(t)}: {html(', '.join(m))}</li>" for t, m in found) + "</ul>"
        if found
        else "<p>none</p>",
        "<h2>Top pairs</h2>",
    ]
    for rank, pair in enumerate(shown, 1):
        whole = by_topic[pair.topic].whole(pair.a, pair.b)
        body.append(
            f"<h3>{rank}. {html(pair.a)} and {html(pair.b)}: {pair.topic}, "
            f"{html(pair.exercise)}, score {pair.score:.2f} ({pair.shared} shared fingerprints, "
            f"evidence {pair.evidence:.1f}{', flagged' if pair.flagged else ''}); "
            f"whole topic {whole.score:.2f}</h3>"
        )
        body.append(_side_by_side(by_topic[pair.topic], pair))
    if notes:
        body.append("<h2>Left out</h2><ul>" + "".join(f"<li>{html(n)}</li>" for n in notes) + "</ul>")
    path.write_text(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>similarity</title>'
        f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>\n"
    )


def summary(
    results: list[TopicResult],
    shown: list[Pair],
    found: list[tuple[str, list[str]]],
    notes: list[str],
    threshold: float,
) -> str:
    """A few lines for the terminal: the top pairs, the clusters, how many files were left out."""
    by_topic = {r.topic: r for r in results}
    lines = [f"flagged pairs, at or above {threshold} (a flag for a person, not a verdict):"]
    lines += [
        f"  {p.score:.2f}  {clean.name(p.a)} ~ {clean.name(p.b)}  ({p.topic}: {p.exercise}; "
        f"whole topic {by_topic[p.topic].whole(p.a, p.b).score:.2f})"
        for p in shown
        if p.flagged
    ] or ["  none"]
    lines += [
        f"matches the reference ({r.topic}): {'; '.join(clean.name(m) for m in matched)}"
        for r in results
        if (matched := _matching(r))
    ]
    lines += [f"cluster ({topic}): {', '.join(clean.name(m) for m in members)}" for topic, members in found]
    if notes:
        lines.append(f"{len(notes)} file(s) left out; see similarity.html")
    return "\n".join(lines)
