"""Hand-out notebooks in Chinese: `grade notebooks --lang zh_CN` shows a topic's
reviewed docstring translations (its pack's locale/<lang>/docstrings/<topic>.md) with every formula
and every piece of code exactly as the English docstring has them; the stubs keep theirs."""

from __future__ import annotations

import ast
import re

import pytest

from grader.apps import handouts
from grader.base import defaults, i18n
from grader.base.topics import MANIFEST, REPO_ROOT

TRANSLATED = sorted(
    (lang, topic.name)
    for lang in defaults.LANGUAGES
    for topic in MANIFEST
    if (topic.pack.root / "locale" / lang / "docstrings" / f"{topic.name}.md").is_file()
)
MATH = re.compile(r"\$\$.*?\$\$", re.DOTALL)
CODE = re.compile(r"``(.+?)``", re.DOTALL)  # a docstring's code, maybe across a line break


@pytest.fixture
def lang(monkeypatch, request):
    monkeypatch.setenv(defaults.LANGUAGE_ENV, request.param)
    i18n.refresh()
    yield request.param
    monkeypatch.undo()
    i18n.refresh()


def _english(topic: str) -> dict[str, str]:
    tree = ast.parse((REPO_ROOT / "exercises" / f"{topic}.py").read_text())
    found = {"__module__": ast.get_docstring(tree) or ""}
    found |= {
        n.name: ast.get_docstring(n) or ""
        for n in tree.body
        if isinstance(n, (ast.FunctionDef, ast.ClassDef))
    }
    return {k: v for k, v in found.items() if v}


@pytest.mark.unit
@pytest.mark.parametrize("lang, topic", TRANSLATED, indirect=["lang"])
def test_a_translation_keeps_every_formula_and_all_code(lang, topic):
    translated = i18n.translated_docstrings(topic)
    english = _english(topic)
    assert set(translated) == set(english)
    for name, text in english.items():
        source, target = handouts.markdown_of(text), handouts.markdown_of(translated[name])
        assert MATH.findall(target) == MATH.findall(source), name
        code = [sorted(" ".join(c.split()) for c in CODE.findall(t)) for t in (translated[name], text)]
        assert code[0] == code[1], name


@pytest.mark.unit
@pytest.mark.parametrize("lang", ["zh_CN"], indirect=True)
def test_the_chinese_hand_out_reads_the_translation_and_keeps_the_stub(lang):
    notebook = handouts.handout("losses", REPO_ROOT / "exercises" / "losses.py")
    markdown = [c.source for c in notebook.cells if c.cell_type == "markdown"]
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert markdown[0].startswith("# losses\n\n损失函数") and "**参数:**" in "\n".join(markdown)
    assert 'check("softmax")  # 按保存的笔记本运行 softmax 的公开检查' in code
    assert "均方误差（均方误差）" not in code  # the stubs' code cells carry no docstring either way


@pytest.mark.engine  # a whole release built: a sweep over the repository (tests/grader/tiers.py)
def test_a_release_carries_every_language_s_docstring_translations():
    """`grade notebooks --lang zh_CN` inside an English release writes Chinese intros: the release
    carries its pack's locale/<lang>/docstrings/<topic>.md for its topics (seen failing before: only
    the .mo catalogues travelled, and the hand-outs fell back to the English docstrings)."""
    from grader.apps.release import release_files

    files = release_files(["losses"])
    for lang in defaults.LANGUAGES:
        if (REPO_ROOT / "tests" / "suites" / "locale" / lang / "docstrings" / "losses.md").is_file():
            assert f"tests/suites/locale/{lang}/docstrings/losses.md" in files, lang
            assert f"tests/suites/locale/{lang}/LC_MESSAGES/torchgrade.mo" in files, lang  # the suites' words
    assert not [name for name in files if "/docstrings/" in name and not name.endswith("losses.md")]
