"""The message catalogue: complete, translated, consistent, compiled, and the only way
a learner-facing string reaches output in the modules that print (tests/grader/i18n_scan.py).

Babel (the test extras) reads and compiles the catalogue here; the grader itself reads the .mo
with the standard library's gettext (grader/base/i18n.py).
"""

from __future__ import annotations

import ast
import gettext
import io
import re
import warnings
from pathlib import Path

import pytest

pytestmark = pytest.mark.engine  # a sweep over the repository (tests/grader/tiers.py)
pytest.importorskip("babel")

import catalogue  # noqa: E402  (tests/grader/catalogue.py: needs Babel)
import i18n_scan  # noqa: E402
from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.pofile import read_po, write_po  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
GLOSSARY = REPO / "grader" / "locale" / "zh_CN" / "glossary.tsv"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdrf]|%%|%[sdrf]|\{[^{}]*\}")


# The modules that print to a learner: drawn, not listed. A module of grader/ that speaks through
# the catalogue (imports its `_`, `N_` or `ngettext`, or grader.base.i18n itself) says every output
# literal through it (docs/i18n.md, "Adding or changing a string").
def _speaks(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    if "i18n" not in text:
        return False
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and node.module in ("grader.base.i18n", "grader"):
            wanted = {"_", "N_", "ngettext"} if node.module == "grader.base.i18n" else {"i18n"}
            if wanted & {alias.name for alias in node.names}:
                return True
    return False


# Modules that speak through the catalogue yet still print a few English literals (to an author,
# an instructor, or a refusal's detail): left out until their texts are in it too. Only shrinks.
NOT_YET = {
    "grader/authoring/subset_review.py",
    "grader/batch/summary.py",
    "grader/checks/battery.py",
    "grader/engine/worker/sandbox.py",
    "grader/engine/selection.py",
}
PRINTING = tuple(
    name
    for path in sorted((REPO / "grader").rglob("*.py"))
    if _speaks(path) and (name := str(path.relative_to(REPO))) not in NOT_YET
)


def _ids(messages) -> set:
    return {m.id for m in messages if m.id}


@pytest.fixture(scope="module")
def templates():
    return catalogue.extract_parts()


@pytest.mark.parametrize("part", catalogue.PARTS)
@pytest.mark.parametrize("lang", catalogue.TRANSLATED)
def test_every_string_is_in_the_catalogue_and_none_is_stale(templates, lang, part):
    """Each in its catalogue: the grader's words in grader/locale, the built-in pack's suites' and
    domains' words (those the grader's do not hold) in tests/suites/locale."""
    template, po = templates[part], catalogue.read(lang, part)
    missing, stale = _ids(template) - _ids(po), _ids(po) - _ids(template)
    assert not missing, (
        f"run `python tests/grader/catalogue.py update` and translate: {sorted(map(str, missing))[:10]}"
    )
    assert not stale, f"run `python tests/grader/catalogue.py update`: {sorted(map(str, stale))[:10]}"


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (tuple, list)) else [message.string]


def _marked(message) -> bool:
    return catalogue.FALLBACK in message.user_comments


class PendingTranslation(UserWarning):
    """Entries shown in English until translated (marked with catalogue.FALLBACK)."""


def untranslated(catalog) -> tuple[list, list, list]:
    """(unmarked untranslated, marked untranslated: pending, marked yet translated: a stale mark)."""
    entries = [m for m in catalog if m.id]
    empty = [m for m in entries if not all(_strings(m))]
    return (
        [m.id for m in empty if not _marked(m)],
        [m.id for m in empty if _marked(m)],
        [m.id for m in entries if _marked(m) and all(_strings(m))],
    )


@pytest.mark.parametrize("lang", catalogue.TRANSLATED)
def test_no_entry_is_untranslated_or_fuzzy(lang):
    """Untranslated only where marked as a fallback (reported as a warning: CI's summary lists it)."""
    po = catalogue.read(lang)
    unmarked, pending, stale_mark = untranslated(po)
    if pending:
        shown = "; ".join(map(str, pending[:10]))
        warnings.warn(PendingTranslation(f"{lang}: {len(pending)} shown in English: {shown}"), stacklevel=1)
    fuzzy = [m.id for m in po if m.id and m.fuzzy]
    assert (unmarked, fuzzy) == ([], []), "translate them, or mark a fallback (docs/i18n.md)"
    assert stale_mark == [], f"translated: drop the comment '# {catalogue.FALLBACK}'"


def _entry(comments: list[str], string: str = "") -> Catalog:
    catalog = Catalog(locale="zh_CN", fuzzy=False)
    catalog.add("a fixed English sentence", string, user_comments=comments)
    return catalog


def test_a_marked_fallback_passes_reported_and_shows_english():
    catalog = _entry([catalogue.FALLBACK])
    assert untranslated(catalog) == ([], ["a fixed English sentence"], [])
    unmarked = _entry(["a note"])
    assert untranslated(unmarked)[0] == ["a fixed English sentence"]  # no mark: still refused
    assert untranslated(_entry([catalogue.FALLBACK], "一句"))[2] == ["a fixed English sentence"]
    # the learner's side (grader/base/i18n.py reads the .mo with gettext): the English, as it is
    shown = gettext.GNUTranslations(io.BytesIO(catalogue.compiled(catalog)))
    assert shown.gettext("a fixed English sentence") == "a fixed English sentence"


def test_update_keeps_the_fallback_mark():
    po = _entry([catalogue.FALLBACK])
    template = Catalog(fuzzy=False)
    template.add("a fixed English sentence")
    po.update(template, no_fuzzy_matching=True)  # as `catalogue.py update` calls it
    out = io.BytesIO()
    write_po(out, po, width=110)
    assert f"# {catalogue.FALLBACK}" in out.getvalue().decode()
    assert _marked(read_po(io.BytesIO(out.getvalue()))["a fixed English sentence"])


@pytest.mark.parametrize("lang", catalogue.TRANSLATED)
def test_placeholders_are_equal_per_message(lang):
    """A translation's placeholders are its msgid's: a missing or extra one raises (KeyError,
    IndexError) or drops a value where the message is formatted."""
    wrong = []
    for message in catalogue.read(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        want = set(PLACEHOLDER.findall(ids[-1]))
        wrong += [(ids[0], s) for s in _strings(message) if s and set(PLACEHOLDER.findall(s)) != want]
    assert wrong == []


@pytest.mark.parametrize("part", catalogue.PARTS)
@pytest.mark.parametrize("lang", catalogue.TRANSLATED)
def test_the_committed_mo_is_the_po_compiled(lang, part):
    committed = catalogue.po_path(lang, part).with_suffix(".mo").read_bytes()
    assert committed == catalogue.compiled(catalogue.read(lang, part)), (
        "run `python tests/grader/catalogue.py compile`"
    )


def glossary() -> list[tuple[re.Pattern, str]]:
    lines = GLOSSARY.read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    return [
        (re.compile(rf"(?<![\w.`\[_·-])(?:{english})(?![\w`\[(_=⌋-]|\.\w)", re.IGNORECASE), chinese)
        for english, chinese in rows
    ]


def glossary_misses(msgid: str, msgstr: str, terms: list[tuple[re.Pattern, str]]) -> list[str]:
    """The notes' terms ``msgstr`` lacks for the English terms of ``msgid`` (code in backticks and
    placeholders aside)."""
    text = re.sub(r"``.*?``|`[^`]*`|%\(\w+\)\w", " ", msgid)  # a docstring's ``code`` too
    misses = []
    for pattern, chinese in terms:
        if pattern.search(text):
            text = pattern.sub(" ", text)
            if chinese not in msgstr:
                misses.append(chinese)
    return misses


def test_the_glossary_terms_are_the_notes():
    terms = glossary()
    assert len(terms) >= 20
    missed = []
    for message in catalogue.read("zh_CN"):
        if message.id:
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            missed += [(msgid, m) for s in _strings(message) if s and (m := glossary_misses(msgid, s, terms))]
    assert missed == []


def test_a_glossary_miss_is_seen():
    terms = glossary()
    assert glossary_misses("the tensor is empty", "它是空的", terms) == ["张量"]
    assert glossary_misses("call `loss.backward()` then optimizer.step()", "调用", terms) == []
    assert glossary_misses("equal to ``F.conv2d(x, weight, bias)``", "等于", terms) == []


@pytest.mark.parametrize("module", PRINTING)
def test_no_learner_facing_literal_outside_the_catalogue(module):
    assert i18n_scan.unwrapped(REPO / module) == []


def test_the_scan_sees_a_literal(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(
        'import click\nfrom grader.base.i18n import _\nclick.echo(f"graded {n} files")\nclick.echo(_("graded %(n)s"))\n'
    )
    assert len(i18n_scan.unwrapped(source)) == 1


def test_the_recipe_is_the_one_these_tests_hold():
    """docs/i18n.md's steps name the commands of catalogue.py and the mark this file accepts."""
    recipe = (REPO / "docs" / "i18n.md").read_text(encoding="utf-8")
    recipe = recipe.split("## Adding or changing a string", 1)[1].split("\n## ", 1)[0]
    assert f"`# {catalogue.FALLBACK}`" in recipe and "PendingTranslation" in recipe
    for command in ("update", "compile"):
        assert f"python tests/grader/catalogue.py {command}" in recipe
    checks = (REPO / "docs" / "checks.md").read_text(encoding="utf-8")
    assert '"Adding or changing a string"' in checks.split("## Writing a check", 1)[1].split("\n## ")[0]
