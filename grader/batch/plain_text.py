"""Our own feedback HTML as plain text, for an LMS that shows a comment as text (Canvas's
comment files): the words as a reader sees them, without markdown's escapes (``y_hat``, not
``y\\_hat``) or tags. A heading or paragraph is a line of its own, a list item starts with
"- ", a table row's cells are joined by " | ", a ``<pre>`` keeps its lines, indented."""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = frozenset({"h1", "h2", "h3", "p", "ul", "ol", "table", "pre", "div"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.pre = 0
        self.cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS or tag == "br":
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("\n- ")
        elif tag == "tr":
            self.parts.append("\n")
            self.cells = 0
        elif tag in ("td", "th"):
            self.parts.append(" | " if self.cells else "")
            self.cells += 1
        elif tag == "pre":
            self.pre += 1
            self.parts.append("    ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self.pre -= 1
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data.replace("\n", "\n    ") if self.pre else re.sub(r"\s+", " ", data))


def plain_text(fragment: str) -> str:
    """``fragment`` (HTML we wrote) as plain text, blank lines between blocks kept to one."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    lines = [line.rstrip() for line in "".join(parser.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
