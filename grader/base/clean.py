"""What the trusted side shows of a submission: capped, cleaned (:func:`text`; on one line,
:func:`name`), and escaped for its format (:func:`csv_cell`, :func:`markdown`, :func:`html`,
:func:`tree`). What is removed, escaped and why: docs/sandbox.md, "What a submission writes, shown
to a person". Cleaning is idempotent, so a string may safely pass through it twice.
"""

from __future__ import annotations

import html as _html
import re
import unicodedata
from typing import Any

from grader.base import defaults

# Escape sequences, whole (ECMA-48): CSI (ESC [ or its 8-bit form) with its parameters and
# final byte; the string commands OSC, DCS, SOS, PM, APC up to their terminator (BEL or ST),
# or to the end of the text when there is none; any other ESC with its intermediates and final.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
# Kept although they are control or format characters: newline and tab; ZWNJ and ZWJ, which
# some scripts need in names and which reorder nothing.
_KEEP = frozenset("\n\t\u200c\u200d")
_LINE_BREAKS = {"\u2028": "\n", "\u2029": "\n", "\x85": "\n"}
# Markdown's syntax (CommonMark lets any ASCII punctuation be backslash-escaped): anywhere,
# what opens code, emphasis, links and images, HTML, entities, tables and strikethrough; at a
# line's start, what opens a heading, a quote, a list or a setext underline.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])", re.MULTILINE)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ELLIPSIS = " …"


def _drop(char: str) -> bool:
    """C0 (but newline and tab), DEL, C1, and every invisible format character: bidi embeddings,
    overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C), zero-width
    spaces, soft hyphens, BOMs, tag characters (category Cf)."""
    return char not in _KEEP and unicodedata.category(char) in ("Cc", "Cf")


def text(value: object, limit: int = defaults.SHOWN_MESSAGE_CHARS) -> str:
    """``value`` as text a person may see: at most ``limit`` characters (a longer one is cut and
    ends in " …"), without escape sequences, control or format characters; lines and tabs kept."""
    raw = str(value)
    cut = len(raw) > limit
    raw = raw[: limit - len(ELLIPSIS)] if cut else raw
    if raw.replace("\n", "").replace("\t", "").isprintable():  # no Cc, Cf, Cs, Zl, Zp: nothing to remove
        return raw + (ELLIPSIS if cut else "")
    raw = _SEQUENCE.sub("", raw)
    kept = []
    for char in raw:
        char = _LINE_BREAKS.get(char, char)
        if "\ud800" <= char <= "\udfff":  # a lone surrogate cannot even be written as UTF-8
            kept.append("\ufffd")
        elif not _drop(char):
            kept.append(char)
    return "".join(kept) + (ELLIPSIS if cut else "")


def name(value: object, limit: int = defaults.SHOWN_NAME_CHARS) -> str:
    """:func:`text` on one line, runs of white space as one space: a name, a title, a cell."""
    return " ".join(text(value, limit).split())


def csv_cell(value: object, limit: int = defaults.SHOWN_MESSAGE_CHARS) -> str:
    """A spreadsheet cell: :func:`name`, with a leading apostrophe where it would start a formula."""
    cell = name(value, limit)
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def markdown(value: object, limit: int = defaults.SHOWN_MESSAGE_CHARS) -> str:
    """:func:`text` with markdown's syntax escaped: it renders as the same characters."""
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", text(value, limit))
    return _MARKDOWN_LINE_START.sub(lambda m: f"{m[1]}{m[2][:-1]}\\{m[2][-1]}", escaped)


def html(value: object, limit: int = defaults.SHOWN_MESSAGE_CHARS) -> str:
    """:func:`text`, HTML-escaped (quotes too: safe in an attribute)."""
    return _html.escape(text(value, limit))


def tree(value: Any) -> Any:
    """A JSON value with every string (keys too) passed through :func:`text`."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, dict):
        return {text(k) if isinstance(k, str) else k: tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [tree(v) for v in value]
    return value
