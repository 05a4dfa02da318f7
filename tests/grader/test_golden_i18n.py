"""The golden files of the two languages: one wrong submission per topic graded in English and in Chinese, and
`grade --help` of every command (tests/grader/golden.py writes them). English is today's output
byte for byte (captured from main before the catalogue); the JSON's keys and statuses are the
same in both languages, its messages follow the language."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import golden
import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", params=["en", "zh_CN"])
def outputs(request):
    return request.param, golden.outputs(request.param)


_FIGURE = re.compile(r"-?\d+\.\d{4,}")


def _figures_to_four(text: str) -> str:
    """A figure with four or more decimals to four significant digits: a wrong submission's float32 result
    differs in its last digit between CPUs (SIMD paths), the words and every other byte must not."""
    return _FIGURE.sub(lambda m: f"{float(m.group()):.4g}", text)


def test_each_output_is_its_golden_file(outputs):
    lang, found = outputs
    for name, text in found.items():
        golden_text = (golden.GOLDEN / lang / name).read_text(encoding="utf-8")
        assert _figures_to_four(text) == _figures_to_four(golden_text), f"{lang}/{name}"


def _shape(value):
    """The JSON with every message left out: keys, statuses, ids, points."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items() if k not in ("message", "diagnosis", "notes", "note")}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return value


def test_json_keys_and_statuses_are_the_same_in_both_languages():
    english, chinese = (
        json.loads((golden.GOLDEN / lang / "report.json").read_text()) for lang in ("en", "zh_CN")
    )
    assert _shape(english) == _shape(chinese)
    assert english != chinese  # the messages did follow the language


def test_a_wrong_softmax_in_chinese_by_the_locale():
    """Done means: `LANG=zh_CN.UTF-8 grade losses.py` with a wrong softmax: diagnosis and hint in Chinese."""
    done = subprocess.run(
        [sys.executable, "-m", "grader", str(golden.SUBMISSION / "losses.py"), "--no-daemon", "--quiet"],
        capture_output=True,
        text=True,
        env=golden.env_for("zh_CN"),
        cwd=golden.REPO,
    )
    assert done.returncode == 1
    assert (
        "logits 为几百时的 softmax（各行最大到 600，最小到 −810）：期望 0.731059，位置 [0, 0]，实际得到 NaN。"
        in done.stdout
    )
    assert "提示：在 exp 之前沿 dim 减去最大值" in done.stdout
