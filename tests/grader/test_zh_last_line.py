"""Chinese to the last line: the learner's paths in zh_CN (``grade FILE``, check() in a hand-out,
``grade notebooks`` over an English release) over mistakes that reach the strings left English
after the catalogue: a traceback's frames ("line N, in f"), gd_fit's hint and its case
"the lecture's x, y", rnn_cell's and gru_cell's hints (handed to a suite's own helper by
position), the member list's advice (``改为：write the batched computation ...``), a hand-out's
intro. A line fails on an English sentence (:func:`english_sentences`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from helpers import GRADE, REPO, release_copy
from test_zh_complete import FALLBACKS
from test_zh_edges import COMMAND, NAMES, _exercises

from grader.base.topics import TOPICS

ZH = {"TORCHGRADE_LANG": "zh_CN"}
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
# What torch, Python or the submission wrote, and code: shown as it is
WRITTEN = (
    re.compile(r"时(?:出现 |内存不足（)\w+：.*"),  # an exception's own message, after the grader's words
    re.compile(r"一个错误：\w+: .*"),
    re.compile(r"^\s*\|.*"),  # what the code printed
    re.compile(r"``.*?``|`[^`]*`"),  # code spans
    re.compile(r"（[A-Za-z ]+）"),  # the English term beside the notes' Chinese one
    re.compile(r"\b\w+\[[^\]]*\]"),  # a check's id with its parameters
    re.compile(r"<[^>]*>"),  # HTML tags (check()'s table)
)
# A word of prose: letters only, two or more (a path, an identifier, a call, a number is not one)
WORD = re.compile(r"\(?([A-Za-z][a-z]+(?:['’]s)?)[,;:.!?)]*")
NEUTRAL = re.compile(r"[\d.,:;()\[\]=+×·/-]+|[A-Za-z]")  # numbers, single letters: neither word nor break


def english_sentences(text: str) -> list[str]:
    """The runs of two or more English words in a row in ``text``'s lines, outside what torch,
    Python or the submission wrote, code spans and import statements. A name (a topic, an exercise, :data:`NAMES`)
    or an identifier ends a run; a number or a single letter neither ends nor counts in one
    (``line 70, in`` is a run of two: a frame in English)."""
    exercises = {name for topic in TOPICS for name in _exercises(topic)}
    found = []
    for raw in ANSI.sub("", text).splitlines():
        line = raw
        for written in WRITTEN:
            line = written.sub(" ", line)
        line = COMMAND.sub(" ", line)  # a command or an import statement, shown as typed
        run: list[str] = []
        runs = [run]
        for token in CJK.sub(" | ", line).split():
            word = WORD.fullmatch(token)
            if NEUTRAL.fullmatch(token):
                continue
            if word is None or word[1].lower() in NAMES or word[1] in TOPICS or word[1] in exercises:
                run = []
                runs.append(run)
                continue
            run.append(word[1])
            if token.endswith((".", ";", "!", "?")):
                run = []
                runs.append(run)
        english = [" ".join(r) for r in runs if len(r) >= 2]
        if english and not any(any(e in fallback for e in english) for fallback in FALLBACKS):
            found.append(raw.strip())
    return found


@pytest.mark.unit
def test_the_scan_sees_english_frames_hints_and_advice_and_leaves_code():
    assert english_sentences("        位置：losses.py, line 70, in softmax: e = e[x.shape[5]]")
    assert english_sentences("gd_fit(lr=0.01, steps=1) 作用于 the lecture's x, y：最终的 w")
    assert english_sentences("提示：gate order in the fused weights: reset, update, new")
    assert english_sentences(
        "改为：use torch.autograd.grad, or write the batched computation with broadcasting。"
    )
    assert english_sentences("A hand-out is graded as you type")
    assert not english_sentences("运行 losses.py 中的 softmax() 时出现 IndexError：tuple index out of range")
    assert not english_sentences("位置：losses.py 第 70 行，softmax 中：`e = e[x.shape[5]]`")
    assert not english_sentences("这一行的张量：e (1, 7) float32; x (1, 7) float32")
    assert not english_sentences(
        "提示：x·W_ihᵀ 与 h·W_hhᵀ：要转置权重（input_size ≠ hidden 时它们的形状不同）"
    )


def _mistake(topic: str, *edits: tuple[str, str]) -> str:
    text = (REPO / "solutions" / f"{topic}.py").read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


SOFTMAX = "    e = (x - x.amax(dim=dim, keepdim=True).detach()).exp()\n"
# A mistake per string: a frame of the learner's own code (mse reads a dimension x lacks), the
# member list's advice (softmax holds torch.func as a value), gd_fit summing its gradient (on the
# lecture's x, y), rnn_cell without b_hh (its hint given by position), gru_cell's z swapped
MISTAKES = {
    "losses": _mistake(
        "losses",
        ('    """(ŷ − y)², reduced."""\n', '    """(ŷ − y)², reduced."""\n    y_hat.shape[5]\n'),
        (SOFTMAX, SOFTMAX + "    from torch import func\n    tools = [func]\n"),
    ),
    "optim": _mistake("optim", ("(2 * x * (w * x - y)).mean())", "(2 * x * (w * x - y)).sum())")),
    "rnn": _mistake(
        "rnn",
        ("h @ w_hh.T + b_hh)", "h @ w_hh.T)"),
        ("return (1 - z) * n + z * h", "return z * n + (1 - z) * h"),
    ),
}  # fmt: skip


def _zh(*args: str, cwd: Path = REPO) -> str:
    import subprocess

    done = subprocess.run(
        [*GRADE, *args], capture_output=True, text=True, timeout=600, cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(cwd), **ZH},
    )  # fmt: skip
    return done.stdout + done.stderr


@pytest.mark.e2e
def test_grade_file_in_chinese_has_no_english_frame_hint_or_advice(tmp_path):
    for topic, text in MISTAKES.items():
        (tmp_path / f"{topic}.py").write_text(text)
    said = _zh(str(tmp_path), "-k", "not convergence", "--verbose")
    for needed in ("IndexError", "gd_fit", "rnn_cell", "gru_cell", "torch.func"):  # each mistake was met
        assert needed in said, said
    assert english_sentences(said) == [], said


def _notebook(path: Path, code: str) -> Path:
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell(code)]
    nbformat.write(book, str(path))
    return path


@pytest.fixture
def in_chinese(monkeypatch):
    from grader.apps import selfcheck
    from grader.base import i18n

    monkeypatch.setenv("TORCHGRADE_LANG", "zh_CN")
    i18n.refresh()
    yield selfcheck
    selfcheck.stop_engine()
    monkeypatch.delenv("TORCHGRADE_LANG")
    i18n.refresh()


@pytest.mark.e2e
def test_check_in_a_handout_in_chinese_has_no_english_frame_or_advice(tmp_path, in_chinese):
    selfcheck = in_chinese
    path = _notebook(tmp_path / "losses.ipynb", MISTAKES["losses"])
    selfcheck.use_notebook(path)
    shown = []
    for exercise in ("mse", "softmax"):
        result = selfcheck.self_check(exercise)
        shown += [result.summary(), result.diagnosis(), *result.notes, str(result), result._repr_html_()]
    said = "\n".join(shown)
    assert "IndexError" in said and "torch.func" in said, said
    assert english_sentences(said) == [], said


@pytest.mark.e2e
def test_grade_notebooks_in_chinese_over_an_english_release_writes_chinese_intros(tmp_path):
    course = release_copy(tmp_path)
    said = _zh("--lang", "zh_CN", "notebooks", str(tmp_path / "out"), "--topic", "losses", cwd=course)
    notebook = json.loads((tmp_path / "out" / "losses.ipynb").read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) for c in notebook["cells"]]
    read = [c for c in cells if not c.startswith(("def ", "class "))]  # the markdown, the set-up's comments
    comments = [line.split("#", 1)[1] for c in read for line in c.splitlines() if "#" in line]
    intros = [c for c, raw in zip(cells, notebook["cells"]) if raw["cell_type"] == "markdown"]
    assert intros and english_sentences("\n".join(intros + comments)) == [], comments
    assert english_sentences(said) == [], said
    shutil.rmtree(tmp_path / "out")
