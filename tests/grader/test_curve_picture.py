"""Curves you can see: `grade` draws a failed convergence check's curve, with the band correct
code reaches, names the PNG in the message, and the notebook table shows it."""

from __future__ import annotations

from pathlib import Path

import curve_mistakes
import pytest
from helpers import grade_json

from grader.apps.selfcheck import CheckResult
from grader.checks import curves

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


@pytest.mark.unit
def test_the_figure_shades_the_band_and_its_title_says_what_happened_when():
    curve = {"loss": [2.3, 1.2, 3.5, 3.0], "every": "epoch", "metric": [0.1, 0.5, 0.3, 0.3]}
    fig = curves.figure(curve, band=(0.1, 0.2))
    loss_axes = fig.axes[0]
    assert loss_axes.get_title().startswith("diverged at epoch 2")
    assert any("correct code's final loss" in text.get_text() for text in loss_axes.get_legend().get_texts())
    assert len(fig.axes) == 2  # the accuracy on its own axis


@pytest.mark.unit
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
