"""The translated hints (hints/<lang>/<topic>.md): the same ladders as the English
ones, code untouched, and `grade hint` reads them in the learner's language."""

from __future__ import annotations

import re

import pytest

from grader.apps import hints
from grader.base import defaults, i18n
from grader.base.topics import available_topics

pytestmark = pytest.mark.unit

CODE = re.compile(r"`[^`]*`")
TRANSLATED = [lang for lang in defaults.LANGUAGES if lang != "en"]


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("topic", available_topics())
def test_a_translation_has_the_same_ladders_and_the_same_code(lang, topic):
    english = hints.parse((hints.HINTS_DIR / f"{topic}.md").read_text(encoding="utf-8"))
    translated = hints.parse((hints.HINTS_DIR / lang / f"{topic}.md").read_text(encoding="utf-8"))
    assert {k: len(v) for k, v in translated.items()} == {k: len(v) for k, v in english.items()}
    for exercise, ladder in english.items():
        for level, (source, target) in enumerate(zip(ladder, translated[exercise]), start=1):
            assert CODE.findall(target) == CODE.findall(source), f"{topic}.{exercise} hint {level}"


def test_grade_hint_reads_the_learners_language(monkeypatch):
    for name in (defaults.LANGUAGE_ENV, *defaults.LOCALE_ENVS):
        monkeypatch.delenv(name, raising=False)
    i18n.refresh()
    assert hints.ladder("softmax")[0].startswith("LogSumExp / exp-normalize: softmax(x)")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    i18n.refresh()
    try:
        assert hints.ladder("softmax")[0].startswith("LogSumExp / exp-normalize：对任意 c 都有")
        assert hints.hints_file("losses") == hints.HINTS_DIR / "zh_CN" / "losses.md"
    finally:
        monkeypatch.undo()
        i18n.refresh()
