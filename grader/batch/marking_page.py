"""The pages of ``grade batch review --serve``: a student's review page with a form per manual
item, and the class list. Plain HTML forms, a small script (the page's nonce) adding the keys;
each form carries the version of the mark it was drawn from (docs/instructors.md, "Manual items,
marks and grade inquiries": a save over a mark changed meanwhile is refused)."""

from __future__ import annotations

from grader.base import clean, grades
from grader.batch.answers import answering, render_notebook
from grader.batch.gradebook import Row
from grader.batch.marks import Mark, version
from grader.batch.review import STYLE, Handed, Who, _code, _page, _results, answers, index_page
from grader.course.keys import Assignment, ManualItem

FORM_STYLE = """
form.mark fieldset { border: 1px solid #888; margin: 0 0 1em; padding: 0.6em 1em; }
form.mark legend { font-weight: bold; }
form.mark ul { list-style: none; padding: 0; margin: 0.3em 0; }
form.mark textarea { width: 100%; min-height: 4em; box-sizing: border-box; }
form.mark label.line { display: block; margin-top: 0.4em; }
.said { background: #e8f4e8; border: 1px solid #2e7d32; padding: 0.4em 0.8em; }
.problem { background: #fdecea; border: 1px solid #b3261e; padding: 0.4em 0.8em; }
.recorded { background: #fff8e1; border: 1px solid #8a6d00; padding: 0.2em 0.8em; margin: 0.4em 0; }
kbd { border: 1px solid #888; border-radius: 3px; padding: 0 0.3em; }
"""
KEYS = """
(function () {
  var forms = document.querySelectorAll("form.mark");
  var first = document.querySelector("form.mark[data-marked='no']") || forms[0];
  function sum(form) {
    var total = 0, ticked = false;
    form.querySelectorAll("input[name=rubric]").forEach(function (box) {
      if (box.checked) { total += parseFloat(box.dataset.points); ticked = true; }
    });
    if (ticked) { form.querySelector("input[name=points]").value = String(Math.round(total * 100) / 100); }
  }
  forms.forEach(function (form) {
    form.querySelectorAll("input[name=rubric]").forEach(function (box) {
      box.addEventListener("change", function () { sum(form); });
    });
  });
  function go(rel) {
    var link = document.querySelector("a[rel=" + rel + "]");
    if (link) { window.location.href = link.href; }
  }
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName) && event.target.type !== "checkbox";
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      var form = event.target.closest ? event.target.closest("form.mark") : null;
      form = form || first;
      if (form) { event.preventDefault(); form.querySelector("button[value=next]").click(); }
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "j") { go("next"); }
    else if (event.key === "k") { go("prev"); }
    else if (event.key === "n") { go("ungraded"); }
    else if (event.key === "c") {
      var here = (event.target.closest && event.target.closest("form.mark")) || first;
      var box = here ? here.querySelector("textarea[name=comment]") : null;
      if (box) { event.preventDefault(); box.focus(); }
    }
    else if (/^[1-9]$/.test(event.key) && first) {
      var box = first.querySelectorAll("input[name=rubric]")[parseInt(event.key, 10) - 1];
      if (box) { box.checked = !box.checked; sum(first); box.focus(); }
    }
  });
  if (first && !document.querySelector(".problem")) {
    var start = first.querySelector("input[name=rubric]") || first.querySelector("input[name=points]");
    if (start) { start.focus(); }
  }
})();
"""


def served(html_page: str, nonce: str) -> str:
    """A page as served: the marking style and the keys' script (allowed by ``nonce``) added."""
    script = f'<script nonce="{nonce}">{KEYS}</script>'
    return html_page.replace(STYLE, STYLE + FORM_STYLE, 1).replace("</body>", script + "</body>", 1)


def _rubric(item: ManualItem, chosen: tuple[str, ...]) -> list[str]:
    if not item.rubric:
        return []
    lines = []
    for number, line in enumerate(item.rubric, start=1):
        ticked = " checked" if line.id in chosen else ""
        key = f"[{number}] " if number <= 9 else ""
        lines.append(
            f'<li><label><input type="checkbox" name="rubric" value="{clean.html(line.id)}" '
            f'data-points="{line.points:g}"{ticked}> {key}{clean.html(line.text or line.id)} '
            f"({grades.text(line.points)})</label></li>"
        )
    return ["<ul>", *lines, "</ul>"]


def _recorded(item: ManualItem, mark: Mark | None) -> list[str]:
    """The mark recorded now, shown beside what a refused save had typed."""
    if mark is None:
        return ['<div class="recorded" role="note"><p><strong>Recorded now:</strong> no mark.</p></div>']
    lines = [item.rubric_item(r) for r in mark.rubric]
    ticked = "; ".join(clean.html(line.text or line.id) for line in lines if line is not None)
    said = [
        f"<p><strong>Recorded now</strong> by {clean.html(mark.marked_by)} at {clean.html(mark.marked_at)}: "
        f"{grades.text(mark.points)} points{f' (rubric: {ticked})' if ticked else ''}</p>",
        f"<p>Comment: {clean.html(mark.comment)}</p>" if mark.comment else "",
        f"<p>Private note: {clean.html(mark.note)}</p>" if mark.note else "",
    ]
    return ['<div class="recorded" role="note">', *said, "</div>"]


def mark_form(action: str, item: ManualItem, mark: Mark | None, typed: dict | None = None) -> list[str]:
    """The form of one manual item: ``mark`` as it stands, or what was ``typed`` (a refused save)."""
    typed = typed or {}
    points = typed.get("points", f"{mark.points:g}" if mark else "")
    chosen = tuple(typed.get("rubric", mark.rubric if mark else ()))
    comment = typed.get("comment", mark.comment if mark else "")
    note = typed.get("note", mark.note if mark else "")
    ident = clean.html(item.id)
    state = (
        f"marked by {clean.html(mark.marked_by)} at {clean.html(mark.marked_at)}"
        if mark
        else "not marked yet"
    )
    return [
        f'<form class="mark" method="post" action="{action}" data-marked="{"yes" if mark else "no"}">',
        f"<fieldset><legend>{clean.html(item.title)} ({grades.text(item.points)} points): {state}</legend>",
        f'<input type="hidden" name="item" value="{ident}">',
        f'<input type="hidden" name="base" value="{version(mark)}">',
        *(_recorded(item, mark) if typed else []),
        *_rubric(item, chosen),
        f'<label class="line" for="points-{ident}">points (0 to {grades.text(item.points)}; the ticked lines\' sum when any is ticked)</label>',
        f'<input id="points-{ident}" name="points" type="number" min="0" max="{item.points:g}" step="any" value="{clean.html(points)}">',
        f'<label class="line" for="comment-{ident}">comment (the student is shown it)</label>',
        f'<textarea id="comment-{ident}" name="comment">{clean.html(comment)}</textarea>',
        f'<label class="line" for="note-{ident}">private note (never shown to the student)</label>',
        f'<textarea id="note-{ident}" name="note">{clean.html(note)}</textarea>',
        '<p><button type="submit" name="then" value="next">Save, next not marked (<kbd>Ctrl</kbd>+<kbd>Enter</kbd>)</button> ',
        '<button type="submit" name="then" value="stay">Save</button></p>',
        "</fieldset></form>",
    ]


def _nav(base: str, rows: list[Row], position: int, who: Who) -> str:
    links = [f'<li><a href="{base}">all students</a></li>']
    for label, rel, other in (("previous (k)", "prev", position - 1), ("next (j)", "next", position + 1)):
        if 0 <= other < len(rows):
            name = clean.html(clean.name(who(rows[other].student)))
            links.append(f'<li><a href="{base}s/{other}" rel="{rel}">{label}: {name}</a></li>')
    links.append(f'<li><a href="{base}next?after={position}" rel="ungraded">next not marked (n)</a></li>')
    return f'<nav aria-label="students"><ul>{"".join(links)}</ul></nav>'


def student_page(
    base: str,
    rows: list[Row],
    position: int,
    handed: Handed | None,
    assignment: Assignment,
    marks: dict[str, Mark],
    said: str = "",
    typed: dict | None = None,
    row: Row | None = None,
    who: Who = str,
    mates: tuple[str, ...] = (),
) -> str:
    """A student's page with their answers and code, the marking forms and the results
    (``row``: the student's whole row, where ``rows`` holds what the navigation needs;
    ``who(key)``: how a student is named; ``mates``: the rest of their team, marked with them)."""
    row = row or rows[position]
    name = clean.name(who(row.student))
    handed = handed or Handed()
    forms = []
    for item in assignment.manual.values():
        mine = typed if typed and typed.get("item") == item.id else None
        forms += _notebook_answer(handed, item)
        forms += mark_form(f"{base}s/{position}/mark", item, marks.get(item.id), mine)
    kind = "problem" if typed else "said"
    body = [
        _nav(base, rows, position, who),
        f"<main><h1>{clean.html(name)}</h1>",
        f'<p class="{kind}" role="status">{clean.html(said)}</p>' if said else "",
        _team(mates, who),
        '<div class="side"><section aria-labelledby="code"><h2 id="code">Handed in</h2>',
        *answers(handed.kept, lambda number: f"{base}f/{position}/{number}"),
        *_code(handed),
        '</section><section aria-labelledby="marking"><h2 id="marking">Marking</h2>',
        *forms,
        '<h2 id="results">Results</h2>',
        *_results(row),
        "</section></div>",
        "<p>Keys: <kbd>j</kbd> next, <kbd>k</kbd> previous, <kbd>n</kbd> next not marked, "
        "<kbd>1</kbd>–<kbd>9</kbd> tick a rubric line, <kbd>c</kbd> to the comment, "
        "<kbd>Ctrl</kbd>+<kbd>Enter</kbd> save and go on.</p>",
        "</main>",
    ]
    return _page(f"{name}: marking", body)


def _notebook_answer(handed: Handed, item: ManualItem) -> list[str]:
    """Above an item's form, the cells of each notebook handed in that answer it (the course
    file's ``tag`` or ``heading``; by default the item's id and title), or why none is shown."""
    parts = []
    for name, cells in handed.notebooks:
        shown, found = clean.html(clean.name(name)), answering(cells, item.tag, item.heading)
        parts.append(f"<h3>{clean.html(item.title)}: the answer in {shown}</h3>")
        if found:
            parts.append(render_notebook(found))
        else:
            parts.append(
                f"<p>No cell of {shown} is tagged <code>{clean.html(item.tag)}</code> or under a heading "
                f"&ldquo;{clean.html(item.heading)}&rdquo;: the whole notebook is under Handed in.</p>"
            )
    return parts


def _team(mates: tuple[str, ...], who: Who) -> str:
    if not mates:
        return ""
    names = ", ".join(clean.html(clean.name(who(s))) for s in mates)
    return (
        f"<p>A team's answer: a mark saved here is given to {names} too, unless marked apart "
        "(<code>grade batch mark</code>).</p>"
    )


def class_page(base: str, rows: list[Row], title: str, said: str = "", who: Who = str) -> str:
    """The class list with each student's page on this server instead of a static file."""
    page = index_page(rows, title, lambda position, row: f"{base}s/{position}", who)
    start = f'<p><a href="{base}next?after=-1" rel="ungraded">first student not marked (n)</a></p>'
    notice = f'<p class="said" role="status">{clean.html(said)}</p>' if said else ""
    return page.replace("<table>", notice + start + "<table>", 1)
