"""Curves you can see: `grade` draws a failed convergence check's curve, with the band correct
code reaches, names the PNG in the message, and the notebook table shows it."""

from __future__ import annotations

from pathlib import Path

import curve_mistakes
import pytest
from helpers import grade_json

from grader.apps.selfcheck import CheckResult
from grader.checks.judging import curves

pytest.importorskip("matplotlib")
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.e2e
def test_grade_draws_the_mlp_without_zero_grad_and_names_the_picture(tmp_path):
    submission = tmp_path / "mlp.py"
    submission.write_text(curve_mistakes.source("mlp", "no_zero_grad"))
    _, report = grade_json(str(submission), "-k", "convergence")
    failed = [t for t in report["topics"][0]["tests"] if t["status"] == "failed" and "curve" in t]
    assert failed
    for test in failed:
        path = Path(test["curve"]["picture"])
        assert f"picture of the curve: {path}" in test["message"]
        assert path.read_bytes()[:8] == PNG
        low, high = test["curve"]["band"]  # correct code's final losses, drawn as a band
        assert 0 < low <= high


@pytest.mark.engine  # CPU-heavy for the unit tier's budget
def test_the_figure_shades_the_band_and_its_title_says_what_happened_when():
    curve = {"loss": [2.3, 1.2, 3.5, 3.0], "every": "epoch", "metric": [0.1, 0.5, 0.3, 0.3]}
    fig = curves.figure(curve, band=(0.1, 0.2))
    loss_axes = fig.axes[0]
    assert loss_axes.get_title().startswith("diverged at epoch 2")
    assert any("correct code's final loss" in text.get_text() for text in loss_axes.get_legend().get_texts())
    assert len(fig.axes) == 2  # the accuracy on its own axis


@pytest.mark.engine  # a picture rendered by matplotlib: kept out of the unit tier's CPU budget
def test_the_notebook_table_shows_the_picture_inline(tmp_path):
    path = tmp_path / "c.png"
    assert curves.write_png({"loss": [1.0, 2.0], "every": "epoch"}, path)
    test = {
        "id": "c",
        "kind": "convergence",
        "status": "failed",
        "message": "m",
        "curve": {"picture": str(path)},
        **{"points": 0.0, "max_points": 1.0, "exercises": ["MLP"]},
    }
    assert "<img alt='training curve' src='data:image/png;base64," in CheckResult("MLP", [test])._repr_html_()
    assert "<img" not in CheckResult("MLP", [{**test, "curve": {"picture": "/etc/passwd"}}])._repr_html_()


@pytest.mark.engine  # a picture rendered by matplotlib, with its fonts: kept out of the unit tier's CPU budget
def test_a_chinese_figure_speaks_chinese_or_no_words_never_missing_glyphs(tmp_path, monkeypatch):
    """Its words in the learner's language, in a font that has their glyphs: where none is
    installed, a picture of numbers only (the message beside it says it in words), never boxes
    and matplotlib's "Glyph ... missing from font" warnings on the learner's terminal."""
    import warnings

    from grader.base import i18n

    monkeypatch.setenv("TORCHGRADE_LANG", "zh_CN")  # as set_language does, and restored after
    i18n.refresh()
    try:
        curve = {"loss": [2.3, 1.2, 3.5, 3.0], "every": "epoch", "metric": [0.1, 0.5, 0.3, 0.3]}
        monkeypatch.setattr(curves, "_cjk_family", lambda: None)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a missing glyph is a warning while drawing
            assert curves.write_png(curve, tmp_path / "zh.png", band=(0.1, 0.2))
        fig = curves.figure(curve, band=(0.1, 0.2))
        words = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
        assert not any(any("\u4e00" <= c <= "\u9fff" for c in w) for w in words), words
        assert not any(w.isascii() and any(c.isalpha() for c in w) and " " in w for w in words), words
        monkeypatch.setattr(curves, "_cjk_family", lambda: "DejaVu Sans")  # a stand-in CJK font
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the stand-in has no CJK glyphs: its words are read, not drawn
            fig = curves.figure(curve, band=(0.1, 0.2))
        assert "训练" in fig.axes[0].get_ylabel() or "损失" in fig.axes[0].get_ylabel()
    finally:
        monkeypatch.undo()  # the environment as it was: later tests' processes inherit it
        i18n.refresh()
