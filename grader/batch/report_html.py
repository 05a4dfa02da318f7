"""``report.html``: the class on one self-contained page (no network, no script); what it shows:
docs/instructors.md, "The class" (step 5), and "Failing exercises by cause". The histogram is also
an inline SVG. All student-derived text is escaped.
"""

from __future__ import annotations

import csv
from pathlib import Path

from grader.base import grades
from grader.base.clean import html as escape  # escaped and cleaned of control characters
from grader.batch.causes import folded
from grader.batch.summary import ClassStats

STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; max-width: 75em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; max-width: 100%; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
td.n { text-align: right; }
.bar { display: inline-block; background: #4a7ab5; height: 0.9em; }
"""


def _cell(value: object) -> str:
    """A cell: numbers right-aligned; text is already escaped by the caller."""
    if isinstance(value, float):
        return f'<td class="n">{grades.text(value)}</td>'
    return f'<td class="n">{value}</td>' if isinstance(value, int) else f"<td>{value}</td>"


def _table(header: list[str], rows: list[list[object]], table_id: str) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in rows)
    if not rows:
        return f'<p id="{table_id}">none</p>'
    return f'<table id="{table_id}"><tr>{head}</tr>{body}</table>'


def _histogram_svg(stats: ClassStats) -> str:
    """The histogram as an inline SVG bar chart, drawn here: matplotlib's import alone cost
    every batch tenths of a second of CPU and wall at its end, for ten rectangles. Only numbers
    go into it (no student-derived text)."""
    histogram = stats.histogram()
    most = max((n for _, _, n in histogram), default=0) or 1
    width, height, left, top, bottom = 480, 200, 36, 10, 40
    plot_width, plot_height = width - left - 10, height - top - bottom
    step = plot_width / len(histogram)
    shapes = [
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - 10}" y2="{top + plot_height}" stroke="#222"/>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end">{most}</text>',
        f'<text x="{left - 6}" y="{top + plot_height}" text-anchor="end">0</text>',
    ]
    for i, (low, high, n) in enumerate(histogram):
        bar, x = plot_height * n / most, left + i * step
        shapes.append(
            f'<rect x="{x + 1:.1f}" y="{top + plot_height - bar:.1f}" width="{step - 2:.1f}" '
            f'height="{bar:.1f}" fill="#4a7ab5"><title>{low:.2f} – {high:.2f}: {n}</title></rect>'
        )
        shapes.append(
            f'<text x="{x:.1f}" y="{top + plot_height + 14}" text-anchor="middle">{grades.text(low)}</text>'
        )
    shapes.append(
        f'<text x="{width - 10}" y="{top + plot_height + 14}" text-anchor="middle">{grades.text(histogram[-1][1])}</text>'
    )
    label = f"total (of {grades.text(stats.maximum)}); bars: students"
    shapes.append(
        f'<text x="{left + plot_width / 2:.0f}" y="{height - 6}" text-anchor="middle">{label}</text>'
    )
    return (
        f'<figure id="histogram-plot"><svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" role="img" aria-label="histogram of totals" font-size="11">'
        + "".join(shapes)
        + "</svg></figure>"
    )


def _clusters(out: Path) -> str:
    path = out / "clusters.csv"
    if not path.is_file():
        return "<p>Similarity was not run (<code>grade batch --similarity</code>).</p>"
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    if len(rows) < 2:
        return "<p>No similarity clusters.</p>"
    return _table(rows[0], [[escape(c) for c in r] for r in rows[1:]], "clusters")


def _causes(stats: ClassStats) -> list[list[object]]:
    """The groups by cause, short (grader/batch/causes.py ``folded``): a row per group of two or
    more, per exercise one for its groups of one, one per set of students answering nothing."""
    full, single, no_answer = folded(stats.causes)
    rows: list[list[object]] = [
        [escape(g.exercise), escape(g.cause), g.count, escape(", ".join(g.students)),
         f"<pre>{escape(g.diagnosis)}</pre>"]
        for g in full
    ]  # fmt: skip
    for exercise, groups in single.items():
        each = "; ".join(f"{g.students[0]} ({g.cause})" for g in groups)
        rows.append([escape(exercise), "one student each", len(groups), escape(each), ""])
    for students, exercises in no_answer.items():
        rows.append(
            [escape(", ".join(exercises)), "no answer", len(students), escape(", ".join(students)), ""]
        )
    return rows


def _index(stats: ClassStats, name: str) -> str:
    """The discrimination index as a cell: "–" where the class is too small to tell."""
    found = stats.discrimination(name)
    return "–" if found is None else f"{found:.2f}"


def render(stats: ClassStats, title: str, out: Path) -> str:
    histogram = stats.histogram()
    most = max((n for _, _, n in histogram), default=0) or 1
    bins = [
        [f"{low:.2f} – {high:.2f}", n, f'<span class="bar" style="width:{200 * n // most}px"></span>']
        for low, high, n in histogram
    ]
    exercises = [
        [
            escape(name),
            c["full"],
            c["partial"],
            c["zero"],
            f"{stats.exercise_mean(name):.2f}",
            _index(stats, name),
        ]
        for name, c in sorted(stats.exercises.items())
    ]
    checks = [
        [
            escape(c.name),
            c.runs,
            f"{100 * c.failures / c.runs:.0f} %",
            escape(c.messages.most_common(1)[0][0]) if c.messages else "",
        ]
        for c in sorted(stats.checks.values(), key=lambda c: (-c.failures / max(1, c.runs), c.name))
    ]
    manual = [
        [escape(name), c["full"], c["partial"], c["zero"], c["not marked"]]
        for name, c in stats.manual.items()
    ]
    inquiries: list[list[object]] = [[escape(cell) for cell in entry] for entry in stats.inquiries]
    causes = _causes(stats)
    parts = [
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p id='counts'>graded {stats.graded}, failed to grade {len(stats.not_graded)}, no submission "
        f"{stats.missing}, excused {stats.excused}; mean {stats.mean:.2f}, median {stats.median:.2f} "
        f"of {grades.text(stats.maximum)}</p>",
        "<h2>Distribution of totals</h2>",
        _histogram_svg(stats),
        _table(["total", "students", ""], bins, "histogram"),
        "<h2>Exercises</h2>",
        _table(
            ["exercise", "full", "partial", "zero", "mean points", "discrimination"], exercises, "exercises"
        ),
        "<h2>Manual items</h2>",
        _table(["item", "full", "partial", "zero", "not marked yet"], manual, "manual"),
        "<h2>Grade inquiries</h2>",
        _table(["student", "item", "state", "asked", "reply"], inquiries, "inquiries"),
        "<h2>Failing exercises by cause</h2>",  # `grade batch causes note` writes to a group
        _table(["exercise", "cause", "students", "who", "diagnosis (the first of them)"], causes, "causes"),
        "<h2>Modules answering nothing</h2>",  # one line per kind, not a failure of each check
        _table(["module", "students"], [[escape(k), n] for k, n in stats.non_answers.items()], "non-answers"),
        "<h2>Checks</h2>",
        "<p>Of the modules that answer: those above are not counted here.</p>",
        _table(["check", "runs", "failed", "most common failure"], checks, "checks"),
        "<h2>Timeouts and crashes</h2>",
        _table(["student"], [[escape(s)] for s in stats.timeouts], "timeouts"),
        "<h2>Failed to grade</h2>",
        _table(["student", "why"], [[escape(s), escape(w)] for s, w in stats.not_graded], "not-graded"),
        "<h2>Refused before running</h2>",  # code outside the graded subset (grader/engine/subset/submission.py)
        _table(["student", "why"], [[escape(s), escape(w)] for s, w in stats.refused], "refused"),
        "<h2>Late</h2>",
        _table(["student", "late"], [[escape(s), escape(w)] for s, w in stats.late], "late"),
        "<h2>Similarity clusters</h2>",
        _clusters(out),
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(stats: ClassStats, title: str, out: Path) -> Path:
    path = out / "report.html"
    path.write_text(render(stats, title, out), encoding="utf-8")
    return path
