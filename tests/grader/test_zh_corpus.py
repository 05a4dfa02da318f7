"""A Chinese report of every kind of failure has no English of the grader's own: one mistake
module of the corpus (tests/corpus/, each labelled with its cause on its second line) per kind of
cause — a check's stage (type, shape, dtype, NaN, values, failed), each kind of error, a twin, a
known mistake's signature — and one more for each topic not yet among them, graded in Chinese
without the training checks; the verbose table (every check that did not pass, its diagnosis)
and the JSON's messages and diagnoses are scanned as test_zh_complete.py scans the golden report.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import REPO
from test_zh_complete import FALLBACKS, english_left

from grader import report as render
from grader.base import i18n
from grader.base.options import Options, Selection
from grader.engine.runner import grade

pytestmark = pytest.mark.engine

CORPUS = REPO / "tests" / "corpus"


def kind_of(path: Path) -> str:
    """The kind of a module's labelled cause: a check's stage, an error's kind, twin, mistake:NAME."""
    cause = path.read_text(encoding="utf-8").splitlines()[1].removeprefix("# cause: ").split(" ", 1)[1]
    return cause if cause.startswith(("error", "mistake", "twin")) else cause.rsplit(":", 1)[-1]


def one_per_kind() -> list[Path]:
    """The first module of each kind, then the first of each topic not yet among them."""
    chosen: dict[str, Path] = {}
    mistakes = sorted(CORPUS.glob("*/mistakes/*.py"))
    for path in mistakes:
        chosen.setdefault(kind_of(path), path)
    topics = {p.parts[-3] for p in chosen.values()}
    for path in mistakes:
        if path.parts[-3] not in topics:
            topics.add(path.parts[-3])
            chosen[f"topic {path.parts[-3]}"] = path
    return sorted(chosen.values())


def shown(path: Path, folder: Path) -> list[str]:
    """What the learner reads of ``path``'s grading in Chinese: the verbose table, the messages."""
    topic = path.parts[-3]
    folder.mkdir()
    shutil.copy(path, folder / f"{topic}.py")
    options = Options(selection=Selection(topics=(topic,), keyword="not convergence"))
    report = grade(folder, options, jobs=1)
    texts = [render.to_table(report, str(folder / f"{topic}.py"), verbose=True)]
    data = json.loads(render.to_json(report))
    for part in data["topics"]:
        texts += [t["message"] for t in part["tests"]] + [e["diagnosis"] for e in part["exercises"]]
    return texts


def test_a_chinese_report_of_every_kind_of_failure_has_no_english_of_the_graders(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCHGRADE_LANG", "zh_CN")
    i18n.refresh()
    try:
        modules = one_per_kind()
        assert len({kind_of(p) for p in modules}) >= 19 and len({p.parts[-3] for p in modules}) == 9
        found = {}
        for i, path in enumerate(modules):
            left = {run for text in shown(path, tmp_path / str(i)) for run in english_left(text, FALLBACKS)}
            if left:
                found[str(path.relative_to(CORPUS))] = sorted(left)
    finally:
        monkeypatch.delenv("TORCHGRADE_LANG")
        i18n.refresh()
    assert found == {}
