"""A Chinese report has no English left of the grader's own: every check's text (what, expected,
got, the suites' f-strings through the catalogue's templates), the engine's error and timeout
lines, the taught layer, hints and notes.

What may stay English is what the learner's code or torch wrote (an exception's message, what
the code printed), code (names, calls, shapes, in backticks) and a location line. The golden
outputs (tests/golden/zh_CN: one mistake of tests/corpus per topic, graded by
tests/grader/golden.py; test_golden_i18n.py keeps them equal to what the grader prints) are
scanned, and the engine's messages of each kind of failure are rendered here in Chinese.
"""

from __future__ import annotations

import json
import re

import catalogue
import pytest
from helpers import REPO

from grader.base import i18n
from grader.checks.hints import blamed
from grader.engine.worker import client, probe_words, problems

pytestmark = pytest.mark.unit

GOLDEN = REPO / "tests" / "golden" / "zh_CN"
# Two English words in a row (a name or a call is not a word: `softmax(x, dim=1)`, `b1x1`)
PROSE = re.compile(r"(?<![\w.`'(=/-])[A-Za-z][a-z]+(?:[ ,;]+[A-Za-z][a-z]+(?![\w(.'])){1,}")
# What the submission or torch wrote, and code: shown as it is
FOREIGN = (
    re.compile(r"时(出现 |内存不足（)\w+：.*"),  # an exception's own message, after the grader's words
    re.compile(r"一个错误：\w+: .*"),  # the same where a case of the input domain raised
    re.compile(r"^\s*\|.*"),  # what the code printed
    re.compile(r"``.*?``|`[^`]*`"),  # code (a docstring's ``code`` too)
    re.compile(
        r"（[A-Za-z ]+）"
    ),  # the English term beside the notes' Chinese one: 反向丢弃法（inverted dropout）
    re.compile(r"Python (float|int)"),  # a type's name
    re.compile(r"\b\w+\[[^\]]*\]"),  # a check's id with its parameters: an identifier in every language
)


def english_left(text: str, fallbacks: tuple[str, ...] = ()) -> list[str]:
    """The runs of English prose in ``text`` outside what the learner's code and torch wrote, and
    outside ``fallbacks``: the catalogue's entries marked to be shown in English until translated
    (test_catalogue.py reports them)."""
    left = []
    for line in text.splitlines():
        for foreign in FOREIGN:
            line = foreign.sub(" ", line)
        left += [run for run in PROSE.findall(line) if not any(run in english for english in fallbacks)]
    return left


FALLBACKS = tuple(catalogue.pending("zh_CN"))


def golden_texts() -> list[str]:
    report = json.loads((GOLDEN / "report.json").read_text(encoding="utf-8"))
    texts = [(GOLDEN / "table.txt").read_text(encoding="utf-8"), *report.get("notes", [])]
    for topic in report["topics"]:
        texts += [t["message"] for t in topic["tests"]] + [e["diagnosis"] for e in topic["exercises"]]
        texts.append(topic.get("note") or "")
    return texts


@pytest.fixture
def chinese(monkeypatch):
    monkeypatch.setenv("TORCHGRADE_LANG", "zh_CN")
    i18n.refresh()
    yield
    i18n.refresh()


def test_the_scan_sees_english_and_leaves_torchs_words_alone():
    assert english_left("期望 a tensor of floats，实际得到 1") == ["tensor of floats"]
    assert (
        english_left("运行 cnn.py 中的 conv2d() 时出现 RuntimeError：The size of tensor a must match") == []
    )
    assert english_left(
        "  位置：cnn.py, line 52, in forward: return self.classifier(x)"
    )  # a frame in English
    assert english_left("  位置：cnn.py 第 52 行，forward 中：`return self.classifier(x)`") == []
    assert english_left("期望 a tensor of floats", ("a tensor of floats, %(n)s of them",)) == []


def test_the_golden_chinese_report_has_no_english_of_the_graders():
    found = {run for text in golden_texts() for run in english_left(text, FALLBACKS)}
    assert found == set()


@pytest.mark.usefixtures("chinese")
def test_the_engines_messages_of_each_failure_are_chinese():
    error = {
        "type": "RuntimeError",
        "message": "Kernel size can't be greater than actual input size",
        "where": [{"file": "cnn.py", "line": 52, "function": "forward", "code": "return self.classifier(x)"}],
        "layer": {
            "name": "features.3",
            "model": "SimpleCNN",
            "type": "Conv2d",
            "settings": {"in_channels": 6, "kernel_size": [5, 5], "padding": [0, 0]},
            "input": [[2, 6, 2, 2], "float32", "cpu"],
            "weight": [[16, 6, 5, 5], "float64", "cpu"],
        },
    }
    action = client._("running %(name)s() in %(file)s") % {"name": "SimpleCNN", "file": "cnn.py"}
    texts = [
        problems.error_text(error, action),
        problems.error_text({**error, "kind": "out_of_memory"}, action),
        "\n".join(blamed.lines({"line": {"operands": [["y", [[5], "float32", "cpu"]]]}})),
        probe_words.exit_text(-9),
        probe_words.exit_text(3),
        problems.sealed(problems.SubmissionError("x")).args[0],
        problems.sealed(problems.ProbeTimeout("x")).args[0],
        problems.sealed(problems.NotStarted("x")).args[0],
        probe_words.inputs((FakeTensor(),)),
    ]
    session = client.TopicSession.__new__(client.TopicSession)
    session.__dict__.update(
        deadline=None,
        last_stall={"function": "mse", "where": [{"file": "losses.py", "line": 3, "function": "mse"}]},
        check="c",
        timeout=5.0,
    )
    session.lanes = {False: client.Lane(), True: client.Lane()}
    session.hidden = False
    texts += [str(session._stalled("mse", 5.0)), str(session._stalled("mse", 5.0, cpu=2.0))]
    for text in texts:
        assert english_left(text, FALLBACKS) == [], text
    assert "出错的层" in texts[0] and "它要求" in texts[0] and "它的权重" in texts[0]


class FakeTensor:
    """What :func:`probe_words.inputs` reads of a tensor."""

    shape, dtype = (3,), "torch.float32"

    def tolist(self) -> list[float]:
        return [0.1234567891234, 2.0, -3.5]

    def numel(self) -> int:
        return 3

    def detach(self) -> FakeTensor:
        return self

    def cpu(self) -> FakeTensor:
        return self

    def flatten(self) -> FakeTensor:
        return self


def test_inputs_are_shown_short():
    assert probe_words.inputs((FakeTensor(),)) == " on a (3,) float32 [0.1235, 2, -3.5] tensor"


@pytest.mark.usefixtures("chinese")
@pytest.mark.parametrize(
    "mismatch",
    [
        "add_ on tensors of the second device and one of shape (3,) on cpu",
        "a copy of values of the second device into a tensor on cpu (a buffer created without device=)",
    ],
)
def test_a_device_mismatch_the_worker_words_is_shown_in_chinese(mismatch):
    from grader.checks.judging.judge import CheckFailed, expect_same_device

    with pytest.raises(CheckFailed) as failed:
        expect_same_device(
            {"ok": False, "mismatch": mismatch},
            "rnn_forward on tensors of a second device (standing in for a GPU)",
        )
    assert english_left(str(failed.value), FALLBACKS) == [], str(failed.value)
    assert "第二个设备" in str(failed.value)
