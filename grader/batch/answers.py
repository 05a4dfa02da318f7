"""The files a student handed in besides their code: written answers, reports, pictures, kept by
intake (capped, never executed) and shown on the review pages as docs/instructors.md says
("Manual items, marks and grade inquiries"), a notebook's answering cells found by tag or heading."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import nh3
from markdown_it import MarkdownIt

from grader.base import clean, defaults

TEXT = frozenset({".txt", ".text", ".csv", ".log", ""})
MARKDOWN = frozenset({".md", ".markdown"})
HTML = frozenset({".html", ".htm"})
# What a browser shows inline without running anything: never SVG (it may hold script).
LINKED = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
CODE = frozenset({".py", ".zip", ".ipynb"})  # graded or unpacked by intake itself
SKIPPED_PARTS = frozenset({"__pycache__", "__MACOSX"})
TAGS = {
    "p", "br", "hr", "em", "strong", "b", "i", "u", "s", "sub", "sup", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
    "a", "span", "div",
}  # fmt: skip
ATTRIBUTES = {"a": {"href"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
SCHEMES = {"http", "https", "mailto"}
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


@dataclass(frozen=True)
class Kept:
    """A handed-in file that is not code: the student's name for it, and where it lies."""

    name: str
    path: Path
    size: int


def kind(name: str) -> str:
    """How a file is shown: text, markdown, html, linked (PDF, image) or other."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in MARKDOWN:
        return "markdown"
    if suffix in HTML:
        return "html"
    if suffix in LINKED:
        return "linked"
    return "text" if suffix in TEXT else "other"


def is_answer(name: str) -> bool:
    """Whether intake keeps a file of this name for a person to read, rather than grade it."""
    parts = PurePosixPath(name).parts
    hidden = any(p.startswith(".") or p in SKIPPED_PARTS for p in parts)
    return bool(parts) and not hidden and PurePosixPath(name).suffix.lower() not in CODE | {".pyc"}


def keep(path: Path, name: str, kept: list[Kept], refused: list[str]) -> None:
    """Add ``path`` to ``kept`` when it is a plain file within the caps; else say why in ``refused``."""
    if path.is_symlink() or not path.is_file():
        refused.append(f"{name}: not a plain file")
        return
    size = path.stat().st_size
    if size > defaults.KEPT_FILE_BYTES:
        refused.append(f"{name}: over {defaults.KEPT_FILE_BYTES >> 20} MB, not kept")
    elif len(kept) >= defaults.KEPT_FILES:
        refused.append(f"{name}: more than {defaults.KEPT_FILES} files, not kept")
    else:
        kept.append(Kept(name=name, path=path, size=size))


def keep_folder(root: Path, prefix: str, kept: list[Kept], refused: list[str]) -> None:
    """Keep the answer files anywhere under ``root`` (named ``prefix/…``), links never followed."""
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not path.is_symlink() and is_answer(relative):
            keep(path, f"{prefix}/{relative}" if prefix else relative, kept, refused)


def read_text(kept: Kept) -> str | None:
    """The file as text (UTF-8, bad bytes replaced), or None when it is binary (holds NUL)."""
    data = kept.path.read_bytes()[: defaults.KEPT_FILE_BYTES]
    if b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace")


def sanitised(markup: str) -> str:
    """``markup`` with only the allow-listed tags, attributes and link schemes left."""
    return nh3.clean(markup, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES)


def render(kept: Kept, link: str | None) -> str:
    """A safe HTML fragment that shows ``kept``; ``link``: where a PDF or image is served."""
    what = kind(kept.name)
    size = f"{kept.size / 1024:.1f} KB" if kept.size >= 1024 else f"{kept.size} bytes"
    if what == "linked":
        if link is None:
            return f"<p>{clean.html(kept.name)} ({size}): open it from the submissions folder.</p>"
        return f'<p><a href="{clean.html(link)}">open {clean.html(clean.name(kept.name))}</a> ({size})</p>'
    text = None if what == "other" else read_text(kept)
    if text is None:
        return f"<p>{clean.html(clean.name(kept.name))} ({size}): not shown (not text).</p>"
    text = clean.text(text, defaults.REVIEW_SOURCE_CHARS)
    if what == "markdown":
        return f'<div class="answer">{sanitised(_MARKDOWN.render(text))}</div>'
    if what == "html":
        return f'<div class="answer">{sanitised(text)}</div>'
    return f'<pre class="answer" tabindex="0">{clean.html(text)}</pre>'


@dataclass(frozen=True)
class Cell:
    """A notebook cell as a marker reads it: its type (markdown, code, raw), source and tags."""

    kind: str
    source: str
    tags: tuple[str, ...] = ()


_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$", re.MULTILINE)


def _words(text: str) -> str:
    """A heading as compared: case, spacing and emphasis marks ignored."""
    return " ".join(re.sub(r"[*_`]", "", text).casefold().split())


def _level(cell: Cell) -> int:
    """The level of the cell's first heading (1 for ``#``); 7 when it has none."""
    found = _HEADING.search(cell.source) if cell.kind == "markdown" else None
    return len(found[1]) if found else 7


def _heads(cell: Cell, heading: str) -> int:
    """The level of the cell's heading that reads ``heading`` (or begins with it, then a mark
    that ends a word: "Question 1" heads "Question 1: why…", not "Question 10"); 0 for none."""
    if cell.kind != "markdown" or not heading:
        return 0
    for found in _HEADING.finditer(cell.source):
        text = _words(found[2])
        if text == heading or (text.startswith(heading) and not text[len(heading)].isalnum()):
            return len(found[1])
    return 0


def answering(cells: tuple[Cell, ...], tag: str, heading: str) -> tuple[Cell, ...]:
    """The cells that answer a written item: those tagged ``tag``; else the cell whose heading
    reads ``heading`` and those after it, up to the next heading of its level or above."""
    tagged = tuple(cell for cell in cells if tag and tag in cell.tags)
    if tagged:
        return tagged
    wanted = _words(heading)
    for start, cell in enumerate(cells):
        level = _heads(cell, wanted)
        if level:
            end = next((k for k in range(start + 1, len(cells)) if _level(cells[k]) <= level), len(cells))
            return cells[start:end]
    return ()


def render_notebook(cells: tuple[Cell, ...]) -> str:
    """A notebook as a marker reads it: markdown cells rendered (sanitised as a markdown answer
    is), code cells as the student wrote them, no outputs."""
    parts = []
    for cell in cells:
        text = clean.text(cell.source, defaults.REVIEW_SOURCE_CHARS)
        if cell.kind == "markdown" and text.strip():
            parts.append(f'<div class="answer">{sanitised(_MARKDOWN.render(text))}</div>')
        elif cell.kind == "code" and text.strip():
            parts.append(f'<pre tabindex="0"><code>{clean.html(text)}</code></pre>')
    return "\n".join(parts)
