"""``grade batch review``: a static page per student, their code beside their results (what each
page shows: docs/instructors.md, "Manual items, marks and grade inquiries"; private notes never).
``grade batch review --serve`` (:mod:`grader.batch.review_server`) builds its pages from here."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from grader.base import clean, defaults, grades
from grader.batch.answers import Cell, Kept, kind, render, render_notebook
from grader.batch.exports import NoHistory, full_names, safe_name
from grader.batch.feedback import shown_exercises
from grader.batch.gradebook import CourseBook, Row
from grader.batch.intake import Gradable, entries, gather, lms_name, take_submission
from grader.batch.overrides import open_recorded
from grader.batch.roster import Roster, assign, known_as
from grader.batch.setup import course_topics
from grader.batch.standing import final_rows
from grader.engine.sources import notebooks

Who = Callable[[str], str]  # a student's key -> how a page names them

STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #1a1a1a; background: #fff; }
a { color: #0645ad; }
nav ul { list-style: none; padding: 0; display: flex; gap: 1.5em; }
.side { display: flex; gap: 2em; align-items: flex-start; flex-wrap: wrap; }
.side > section { flex: 1 1 30em; min-width: 0; }
pre { background: #f4f4f4; border: 1px solid #ccc; padding: 0.6em; overflow: auto; max-height: 40em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
td.n { text-align: right; }
.answer { border: 1px solid #ccc; padding: 0.6em; overflow: auto; max-height: 40em; white-space: pre-wrap; }
div.answer { white-space: normal; }
"""


@dataclass
class Handed:
    """What one student handed in: their code files as (name, text), and the other files kept."""

    code: list[tuple[str, str]] = field(default_factory=list)
    kept: tuple[Kept, ...] = ()
    notebooks: list[tuple[str, tuple[Cell, ...]]] = field(default_factory=list)  # (name, its cells)


def page_name(student: str) -> str:
    """A student's page: never index.html, whatever the student (a submission's name) is called."""
    return f"student-{safe_name(student)}.html"


def _page(title: str, body: list[str]) -> str:
    return "\n".join(
        [
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
            f"<title>{clean.html(title)}</title><style>{STYLE}</style></head><body>",
            *body,
            "</body></html>",
        ]
    )


def _files(item: Gradable) -> list[tuple[str, str]]:
    """(name, text) of each file graded for the student: their .py files (a notebook as JSON)."""
    paths = [item.path] if item.path.is_file() else sorted(item.path.rglob("*.py"))
    found = []
    for path in paths:
        name = path.name if item.path.is_file() else str(path.relative_to(item.path))
        found.append((name, path.read_bytes().decode("utf-8", errors="replace")))
    return found


def read_sources(
    submissions: Path, roster: Roster | None, topics: tuple[str, ...], scratch: Path
) -> dict[str, Handed]:
    """Each student's handed-in files, found as ``grade batch`` finds them (intake, the roster);
    unpacked files lie under ``scratch``, which must outlive their use."""
    found = gather(entries(submissions)[0])
    if roster is not None:
        found = assign(found, roster).named
    sources: dict[str, Handed] = {}
    for submission in found:
        item = take_submission(submission, scratch, topics)
        code = _files(item) if isinstance(item, Gradable) else []
        shown = _notebooks(submission.entries)
        if shown and all(entry.suffix == ".ipynb" for entry in submission.entries):
            code = []  # the notebook as written, not the module graded from it
        sources[item.student] = Handed(code, item.kept, shown)
    return sources


def _notebooks(paths: tuple[Path, ...]) -> list[tuple[str, tuple[Cell, ...]]]:
    """Each notebook handed in, alone or in a folder (not a hidden one: a checkpoint): its name
    and cells (shown by :func:`grader.batch.answers.render_notebook`)."""
    shown = []
    for path, inside in _notebook_paths(paths):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            cells = tuple(
                Cell(cell.cell_type, cell.source, tuple(cell.metadata.get("tags", ())))
                for cell in notebooks.read(path).cells
            )
        except notebooks.NotebookError:
            continue  # the feedback says why it was not graded
        named = lms_name(path.name)
        shown.append((inside or (named.original if named and named.original else path.name), cells))
    return shown


def _notebook_paths(paths: tuple[Path, ...]) -> list[tuple[Path, str]]:
    """(path, its name inside a folder handed in, or "") of each notebook among ``paths``."""
    found = [(path, "") for path in paths if path.suffix == ".ipynb"]
    for folder in (path for path in paths if path.is_dir()):
        for path in sorted(folder.rglob("*.ipynb")):
            inside = path.relative_to(folder)
            if not any(part.startswith(".") for part in inside.parts):
                found.append((path, inside.as_posix()))
    return found


def _columns(rows: list[Row]) -> tuple[list[str], list[str]]:
    """The exercises and manual items any row has, in order."""
    exercises: dict[str, None] = {}
    manual: dict[str, None] = {}
    for row in rows:
        standing = row.report.get("standing") or {}
        exercises.update(dict.fromkeys(standing.get("exercises", {})))
        manual.update(dict.fromkeys(standing.get("manual", {})))
    return list(exercises), list(manual)


def _total(row: Row) -> str:
    """ "17 / 30 (graded)"; "excused" alone: an excused student has no points to show."""
    if row.status == "excused":
        return "excused"
    return f"{grades.of(row.score, row.max_score)} ({clean.html(row.status)})"


def _manual_cell(shown: dict | None) -> str:
    if shown is None:
        return ""
    return grades.of(shown["points"], shown["max_points"]) if shown["marked"] else "not marked yet"


def index_page(
    rows: list[Row],
    title: str,
    link: Callable[[int, Row], str] = lambda position, row: page_name(row.student),
    who: Who = str,
) -> str:
    """The class list; ``link(position, row)``: where a student's page is; ``who(key)``: how a
    student is named (the roster's full name with the key: :func:`grader.batch.roster.known_as`)."""
    exercises, manual = _columns(rows)
    head = "".join(f'<th scope="col">{clean.html(c)}</th>' for c in ["student", "total", *exercises, *manual])
    lines = []
    for position, row in enumerate(rows):
        standing = row.report.get("standing") or {}
        cells = [
            f'<th scope="row"><a href="{link(position, row)}">{clean.html(clean.name(who(row.student)))}</a></th>'
        ]
        cells.append(f'<td class="n">{_total(row)}</td>')
        for name in exercises:
            shown = standing.get("exercises", {}).get(name)
            cells.append(
                f'<td class="n">{grades.of(*shown) if shown and row.status != "excused" else ""}</td>'
            )
        excused = row.status == "excused"
        cells += [
            f"<td>{'excused' if excused else _manual_cell(standing.get('manual', {}).get(name))}</td>"
            for name in manual
        ]
        lines.append("<tr>" + "".join(cells) + "</tr>")
    body = [
        f"<main><h1>{clean.html(title)}: review</h1>",
        f"<table><caption>Students, their points per exercise and manual item</caption><tr>{head}</tr>",
        *lines,
        "</table></main>",
    ]
    return _page(f"{title}: review", body)


def _nav(rows: list[Row], position: int, who: Who = str) -> str:
    links = ['<li><a href="index.html">all students</a></li>']
    for label, other in (("previous", position - 1), ("next", position + 1)):
        if 0 <= other < len(rows):
            name = clean.html(clean.name(who(rows[other].student)))
            links.append(
                f'<li><a href="{page_name(rows[other].student)}" rel="{label[:4]}">{label}: {name}</a></li>'
            )
    return f'<nav aria-label="students"><ul>{"".join(links)}</ul></nav>'


def _code(handed: Handed) -> list[str]:
    """What the student handed in as code: each notebook as written, each module's text."""
    parts = []
    for name, cells in handed.notebooks:
        parts += [f"<h3>{clean.html(clean.name(name))}</h3>", render_notebook(cells)]
    if not handed.code and not parts:
        return ["<p>No code could be read (see the feedback for why).</p>"]
    for name, text in handed.code:
        shown = clean.html(text, defaults.REVIEW_SOURCE_CHARS)
        parts += [f"<h3>{clean.html(clean.name(name))}</h3>", f'<pre tabindex="0"><code>{shown}</code></pre>']
    return parts


def answers(kept: tuple[Kept, ...], link: Callable[[int], str | None]) -> list[str]:
    """The other files handed in, each under its name: ``link(k)`` is where the k-th is served."""
    if not kept:
        return []
    parts = ['<h3 id="answers">Handed in besides code</h3>']
    for number, file in enumerate(kept):
        served = link(number) if kind(file.name) == "linked" else None
        parts += [f"<h4>{clean.html(clean.name(file.name))}</h4>", render(file, served)]
    return parts


def _results(row: Row) -> list[str]:
    standing = row.report.get("standing") or {}
    parts = [f"<p>Total: {_total(row)}</p>"]
    if row.reason:
        parts.append(f"<p>{clean.html(row.reason)}</p>")
    lines = []
    for topic in row.report.get("topics", []):
        for e in shown_exercises(topic, standing):
            said = clean.html(e.diagnosis) if e.status != "passed" else "passed"
            lines.append(
                f'<tr><th scope="row">{clean.html(topic["name"])}.{clean.html(e.name)}</th>'
                f'<td class="n">{grades.of(e.points, e.max_points)}</td><td>{said}</td></tr>'
            )
    for item in standing.get("manual", {}).values():
        said = clean.html(item["comment"]) if item["marked"] else ""
        if item.get("retotalled"):
            said += " (the rubric changed after marking: {:g} → {:g})".format(*item["retotalled"])
        lines.append(
            f'<tr><th scope="row">{clean.html(item["title"])}</th><td class="n">{_manual_cell(item)}</td><td>{said}</td></tr>'
        )
    if lines:
        head = (
            '<tr><th scope="col">item</th><th scope="col">points</th><th scope="col">what happened</th></tr>'
        )
        parts += ["<table><caption>Results</caption>", head, *lines, "</table>"]
    parts += [f"<p>Group note: {clean.html(text)}</p>" for text in standing.get("group_notes", [])]
    for asked in standing.get("inquiries", []):
        reply = f" Reply: {clean.html(asked['reply'])}" if asked["reply"] else ""
        parts.append(
            f"<p>Inquiry about {clean.html(asked['item'])} ({clean.html(asked['state'])}): {clean.html(asked['text'])}{reply}</p>"
        )
    return parts


def student_page(
    rows: list[Row],
    position: int,
    handed: Handed | None,
    title: str,
    link: Callable[[int], str | None] = lambda number: None,
    who: Who = str,
) -> str:
    row = rows[position]
    name = clean.name(who(row.student))
    handed = handed or Handed()
    body = [
        _nav(rows, position, who),
        f"<main><h1>{clean.html(name)}</h1>",
        '<div class="side"><section aria-labelledby="code"><h2 id="code">Handed in</h2>',
        *answers(handed.kept, link),
        *_code(handed),
        '</section><section aria-labelledby="results"><h2 id="results">Results</h2>',
        *_results(row),
        "</section></div></main>",
    ]
    return _page(f"{name}: {title}", body)


def _copy_linked(handed: Handed | None, folder: Path) -> Callable[[int], str | None]:
    """Copy a student's PDFs and images into ``folder`` (under review/) for the page's links."""
    kept = handed.kept if handed else ()
    links: dict[int, str] = {}
    for number, file in enumerate(kept):
        if kind(file.name) == "linked":
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{number}-{safe_name(Path(file.name).name)}"
            shutil.copyfile(file.path, target)
            links[number] = f"{folder.name}/{target.name}"
    return links.get


def write_review(out: Path, submissions: Path | None = None) -> Path:
    """The review pages under ``out/review``; the path of its index."""
    with open_recorded(out) as recorded:
        assignment = recorded.assignment
        rows = final_rows(recorded.gradebook.rows(), assignment, recorded.book)
        folder = submissions or _recorded_submissions(recorded.book)
        topics = course_topics(assignment, ())  # as the run took single files
        names = full_names(recorded.roster) if recorded.roster else None
    who = partial(known_as, names=names)
    title = assignment.title if assignment else out.name
    target = out / "review"
    target.mkdir(parents=True, exist_ok=True)
    (target / "index.html").write_text(index_page(rows, title, who=who), encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="torchgrade-review-") as scratch:
        sources = read_sources(folder, recorded.roster, topics, Path(scratch))
        for position, row in enumerate(rows):
            handed = sources.get(row.student)
            link = _copy_linked(handed, target / f"files-{safe_name(row.student)}")
            page = student_page(rows, position, handed, title, link, who)
            (target / page_name(row.student)).write_text(page, encoding="utf-8")
    return target / "index.html"


def _recorded_submissions(book: CourseBook) -> Path:
    found = book.meta("submissions")
    if not isinstance(found, str) or not Path(found).is_dir():
        raise NoHistory("the submissions folder is not recorded or gone: pass --submissions FOLDER")
    return Path(found)
