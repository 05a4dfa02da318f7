"""grader/base/clean.py: the rules by which the trusted side shows what a submission wrote."""

from __future__ import annotations

import csv
import io
import re

import pytest

from grader.base import clean, defaults

pytestmark = pytest.mark.unit

ESC = "\x1b"
ATTACKS = {
    "clear screen": (f"a{ESC}[2J{ESC}[Hb", "ab"),
    "cursor up, CR, erase line": (f"x\n{ESC}[1A\r{ESC}[2Ktotal 100/100", "x\ntotal 100/100"),
    "SGR colour": (f"{ESC}[1;31mred{ESC}[0m", "red"),
    "OSC title (BEL)": (f"{ESC}]0;owned\x07ok", "ok"),
    "OSC hyperlink (ST)": (f"{ESC}]8;;http://evil/{ESC}\\click{ESC}]8;;{ESC}\\", "click"),
    "OSC never terminated": (f"ok{ESC}]0;swallow the rest", "ok"),
    "DCS": (f"{ESC}Pq#0;2;0;0;0{ESC}\\ok", "ok"),
    "charset and keypad": (f"{ESC}(0{ESC}=ok{ESC}c", "ok"),
    "8-bit CSI and OSC": ("\x9b2Ja\x9d0;t\x9cb", "ab"),
    "C1 and NEL": ("a\x85b\x84c\x90", "a\nbc"),
    "C0 and DEL": ("a\x00b\x07c\x08d\x7fe\x0bf\x0cg", "abcdefg"),
    "bidi override and isolates": ("a\u202egnp\u202c \u2066b\u2069\u2067c\u2068d", "agnp bcd"),
    "bidi marks": ("\u200ea\u200fb\u061cc", "abc"),
    "invisible format characters": ("a\u200bb\u2060c\ufeffd\u00ade\U000e0041f", "abcdef"),
    "line separators": ("a\u2028b\u2029c", "a\nb\nc"),
    "lone surrogate": ("a\ud800b", "a\ufffdb"),
}


@pytest.mark.parametrize("raw, expected", ATTACKS.values(), ids=ATTACKS.keys())
def test_text_removes_sequences_and_controls_whole(raw, expected):
    assert clean.text(raw) == expected


def test_no_control_or_format_character_passes_beside_printable_unicode():
    """The fast path (a string ``isprintable`` once lines and tabs are set aside) must not let
    one through: every such character of the BMP and the tag block, between check marks."""
    import unicodedata

    kinds = ("Cc", "Cf", "Cs", "Zl", "Zp")
    for code in [*range(0x10000), *range(0xE0000, 0xE0080)]:
        char = chr(code)
        if unicodedata.category(char) in kinds and char not in "\n\t\u200c\u200d":
            assert char not in clean.text(f"✓ é{char}x ✗"), hex(code)


def test_text_keeps_what_teaches():
    message = "expected shape (5, 3)\n\tgot (3, 5): σ ≠ 1 — 日本語, e\u0301, 👩\u200d💻"
    assert clean.text(message) == message


def test_text_is_capped_and_idempotent():
    long = "A" * 575_000
    once = clean.text(long)
    assert len(once) == defaults.SHOWN_MESSAGE_CHARS and once.endswith(clean.ELLIPSIS)
    assert clean.text(once) == once
    named = clean.name("stall_" + "x" * 300_000)
    assert len(named) == defaults.SHOWN_NAME_CHARS and clean.name(named) == named


def test_name_is_one_line():
    assert clean.name("a\nb\t c\r\n") == "a b c"


@pytest.mark.parametrize(
    "raw",
    ['=HYPERLINK("http://evil","x")', "+SUM(1+1)", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)", "\t=1+1", "\r=1"],
)
def test_csv_cells_never_start_a_formula(raw):
    cell = clean.csv_cell(raw)
    assert cell.startswith("'") and cell[1:].lstrip() == cell[1:]
    written = io.StringIO()
    csv.writer(written).writerow([cell])
    assert next(csv.reader(io.StringIO(written.getvalue()))) == [cell]


def test_csv_cells_leave_plain_text_alone():
    assert clean.csv_cell("Smith, John") == "Smith, John"
    assert (
        clean.csv_cell("graded: losses.py: resubmission 1 used") == "graded: losses.py: resubmission 1 used"
    )


def test_markdown_escapes_links_images_and_html():
    shown = clean.markdown('![x](http://evil/p.png) [click](http://evil) <img src=x onerror="a()"> **b**')
    assert re.search(r"(?<!\\)[\[\]<>*]", shown) is None, shown  # each opener escaped
    assert clean.markdown("# title\n- item\n12. x\n> quote") == "\\# title\n\\- item\n12\\. x\n\\> quote"


def test_html_escapes_after_cleaning():
    assert clean.html(f'<script>{ESC}[2J"x"</script>') == "&lt;script&gt;&quot;x&quot;&lt;/script&gt;"


def test_tree_cleans_every_string_and_keeps_numbers():
    value = {"a\x1b[2J": ["\u202ex", 1.5, None, {"m": "ok\x07"}], "n": 3}
    assert clean.tree(value) == {"a": ["x", 1.5, None, {"m": "ok"}], "n": 3}
