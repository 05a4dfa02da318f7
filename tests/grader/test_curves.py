"""Training curves in failed convergence checks (grader/checks/judging/curves.py, judge.expect_learned).

Synthetic curves pin the shapes; the reference solutions' curves on seeds the bands were not
measured on are never called NaN, diverged or flat; and the classic training mistakes of
``curve_mistakes.py``, graded by the real engine in one batch, each name their shape.
"""

from __future__ import annotations

import json
import math
import sys

import curve_mistakes
import measure_curves
import pytest
from helpers import run_grade

from grader.checks.judging import curves
from grader.checks.judging.judge import CheckFailed, expect_learned, with_curve
from grader.checks.verdict.scoring import make_result

NAN, INF = float("nan"), float("inf")


def curve(*loss: float, every: str = "epoch", **extra) -> dict:
    return {"loss": list(loss), "every": every, **extra}


# -- shapes of synthetic curves --------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    "loss, every, label, sentence",
    [
        ((2.3, 1.1, NAN, NAN), "epoch", "nan", "NaN from epoch 2"),
        ((2.3, INF), "10 steps", "nan", "inf from step 10"),
        ((2.3, 26.0, 175.0), "epoch", "diverged", "diverged at epoch 1: the loss rose from 2.3 to 26"),
        ((2.3, 1.2, 2.2, 3.5, 1.9), "epoch", "diverged", "diverged at epoch 3"),
        ((2.33, 2.33, 2.33), "step", "flat", "flat: the loss moved by less than 10 %"),
        ((2.33, 2.30, 2.29, 2.29), "epoch", "flat", "(2.33 → 2.29)"),
        ((2.3, 1.2, 0.1), "epoch", "learned", "learned: the loss fell from 2.3 to 0.1"),
    ],
)
def test_shape_of_names_the_curve(loss, every, label, sentence):
    got_label, got_sentence = curves.shape_of(curve(*loss, every=every))
    assert got_label == label
    assert sentence in got_sentence


@pytest.mark.unit
def test_slower_needs_a_final_loss_above_the_reference_band():
    slow = curve(2.3, 1.9, 1.6, 1.4)
    assert curves.shape_of(slow)[0] == "learned"
    assert curves.shape_of(slow, (0.06, 0.22))[0] == "slower"
    assert "correct code ends between 0.06 and 0.22" in curves.shape_of(slow, (0.06, 0.22))[1]
    assert curves.shape_of(curve(2.3, 0.5, 0.2), (0.06, 0.22))[0] == "learned"
    assert "0.22" not in curves.summary(slow, "slower")  # hidden checks keep the band to themselves


@pytest.mark.unit
def test_a_rise_within_a_quarter_of_the_start_is_not_divergence():
    assert curves.shape_of(curve(2.0, 2.4, 1.0))[0] == "learned"
    assert curves.shape_of(curve(2.0, 2.6, 1.0))[0] == "diverged"


@pytest.mark.unit
def test_sparkline_spans_lowest_to_highest_and_marks_non_finite_points():
    assert curves.sparkline([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]) == "▁▂▃▄▅▆▇█"
    assert curves.sparkline([1.0, NAN, 3.0, INF]) == "▁×█×"
    assert curves.sparkline([2.0, 2.0]) == "▁▁"
    assert curves.sparkline([NAN]) == "×"


@pytest.mark.unit
@pytest.mark.parametrize(
    "bad",
    [
        None,
        [1.0, 2.0],
        {"loss": [1.0]},
        {"loss": [], "every": "epoch"},
        {"loss": [1.0, "2"], "every": "epoch"},
        {"loss": [1.0, True], "every": "epoch"},
        {"loss": [1.0] * 101, "every": "epoch"},
        {"loss": [1.0], "every": "fortnight"},
        {"loss": [1.0], "every": "0 steps"},
        {"loss": [1.0, 2.0], "metric": [0.5], "every": "epoch"},
    ],
)
def test_clean_refuses_what_is_not_a_curve(bad):
    assert curves.clean(bad) is None


@pytest.mark.unit
def test_clean_keeps_floats_nan_and_the_metric():
    got = curves.clean({"loss": [3, NAN], "metric": [0.1, 0.2], "every": "5 steps", "extra": object()})
    assert got is not None and got["loss"][0] == 3.0 and math.isnan(got["loss"][1])
    assert got["metric"] == [0.1, 0.2] and set(got) == {"loss", "metric", "every"}


# -- the judge -------------------------------------------------------------------------------


@pytest.mark.unit
def test_expect_learned_names_the_shape_draws_it_and_carries_the_curve():
    with pytest.raises(CheckFailed) as failed:
        expect_learned(False, "accuracy", "at least 88 %", "10.9 %", curve(2.3, 26.0, 175.0), "own hint")
    lines = str(failed.value).splitlines()
    assert lines[0] == "accuracy: expected at least 88 %, got 10.9 %."
    assert lines[1].startswith("  curve: diverged at epoch 1") and lines[1].endswith("▁▂█")
    assert lines[2].startswith("  hint: the loss climbs") and lines[2].endswith("; own hint")
    assert failed.value.curve == {"loss": [2.3, 26.0, 175.0], "every": "epoch", "shape": "diverged"}


@pytest.mark.unit
def test_expect_learned_passes_quietly_and_judges_without_a_malformed_curve():
    expect_learned(True, "accuracy", "x", "y", None)
    with pytest.raises(CheckFailed) as failed:
        expect_learned(False, "accuracy", "at least 88 %", "10 %", {"loss": "forged"})
    assert str(failed.value) == "accuracy: expected at least 88 %, got 10 %." and failed.value.curve is None
    assert with_curve((1, {"loss": []})) == (1, {"loss": []}) and with_curve("ohlol") == ("ohlol", None)


@pytest.mark.unit
def test_the_curve_is_an_optional_field_of_a_result():
    plain = make_result("a", "shape", 1, "failed", "m", False)
    assert "curve" not in plain.to_json()
    with_one = make_result("b", "convergence", 2, "failed", "m", False, ("MLP",), {"loss": [1.0]})
    assert with_one.to_json()["curve"] == {"loss": [1.0]}


# -- pictures --------------------------------------------------------------------------------


@pytest.mark.engine  # a picture rendered by matplotlib (~0.4 s of CPU): kept out of the unit tier's CPU budget
def test_write_png_draws_a_picture_or_says_it_cannot(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    drawn = curve(2.3, 1.0, NAN, every="10 steps", metric=[0.1, 0.5, 0.5])
    assert curves.write_png(drawn, tmp_path / "c.png")
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if the plots extra were missing
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    assert not curves.write_png(drawn, tmp_path / "none.png")
    assert not (tmp_path / "none.png").exists()


# -- correct code is never called NaN, diverged or flat --------------------------------------

CHEAP = [name for name in measure_curves.RUNS if "googlenet" not in name and "resnet" not in name]


@pytest.mark.engine  # trains each reference model in this process: most of a minute, too slow for unit
@pytest.mark.parametrize("check", CHEAP)
def test_reference_curves_are_never_nan_diverged_or_flat(check):
    for seed in (20, 21, 22):  # the bands were measured on seeds 0–19
        got = curves.clean(measure_curves.RUNS[check](seed))
        assert got is not None
        assert curves.shape_of(got)[0] == "learned", (check, seed, got["loss"])


# -- the classic mistakes, graded by the real engine -----------------------------------------


@pytest.fixture(scope="module")
def graded_mistakes(tmp_path_factory):
    """Every mistake as one student's ``<name>_<topic>.py``, graded in one batch."""
    root = tmp_path_factory.mktemp("mistakes")
    submissions, out = root / "submissions", root / "out"
    submissions.mkdir()
    for topic, table in curve_mistakes.MISTAKES.items():
        for mistake in table:
            (submissions / f"{mistake}_{topic}.py").write_text(curve_mistakes.source(topic, mistake))
    done = run_grade("batch", str(submissions), "--out", str(out), "--workers", "2", "--allow-no-sandbox")
    assert done.returncode == 0, done.stderr[-2000:]
    rows = {r["student"]: r for r in json.loads((out / "gradebook.json").read_text())}
    return rows, out


CASES = [(topic, mistake) for topic, table in curve_mistakes.MISTAKES.items() for mistake in table]


@pytest.mark.e2e
@pytest.mark.parametrize("topic, mistake", CASES)
def test_each_classic_mistake_names_its_curve_shape(graded_mistakes, topic, mistake):
    rows, _ = graded_mistakes
    (report,) = rows[f"{mistake}_{topic}"]["report"]["topics"]
    convergence = [t for t in report["tests"] if t["id"].split("[")[0] in LEARNS[topic]]
    expected = curve_mistakes.MISTAKES[topic][mistake][1]
    assert [t["status"] for t in convergence] == ["failed"] * len(expected)
    for test, shape in zip(convergence, expected):
        assert test["curve"]["shape"] == shape, test["message"]
        assert f"curve: {WORDS[shape]}" in test["message"]
        assert "\n  hint: " + curves.HINTS[shape] in test["message"]


@pytest.mark.e2e
def test_feedback_draws_the_failed_curves_beside_the_markdown(graded_mistakes):
    pytest.importorskip("matplotlib")
    _, out = graded_mistakes
    text = (out / "feedback" / "no_step_mlp.md").read_text()
    # a hidden check's curve by its shape alone: its numbers came from the hidden probes' worker
    assert "- training curve of a hidden check of `MLP`, `train_epoch`: flat\n" in text
    assert not list((out / "feedback").glob("no_step_mlp.mlp.*.png")) and "![" not in text


LEARNS = {"mlp": {"mlp_learns_digits"}, "cnn": {"simple_cnn_learns_digits"}}
WORDS = {"nan": "NaN", "diverged": "diverged at", "flat": "flat:", "slower": "slower than the reference"}


@pytest.mark.unit
def test_feedback_without_matplotlib_keeps_the_sparkline(tmp_path, monkeypatch):
    from grader.batch.exports import export_all
    from grader.batch.gradebook import Row

    test = {
        "id": "mlp_learns_digits[0]",
        "kind": "convergence",
        "status": "failed",
        "points": 0,
        "max_points": 2,
        "message": "hidden message",
        "visibility": "hidden",
        "exercises": ["MLP", "train_epoch"],
        "curve": {"loss": [2.3, 2.0, 1.9], "every": "epoch", "shape": "slower"},
    }
    public = {**test, "id": "mlp_learns_digits[1]", "message": "public message", "visibility": "public"}
    report = {"topics": [{"name": "mlp", "score": 0, "max_score": 4, "tests": [test, public]}]}
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    export_all([Row("ann", "h", "v1", "graded", "", 0, 4, report)], tmp_path)
    text = (tmp_path / "feedback" / "ann.md").read_text()
    assert (
        "- training curve of `mlp_learns_digits[1]`: slower than the reference: "
        "the loss fell from 2.3 to 1.9 — loss per epoch: █▃▁" in text
    )
    # the hidden check's: its shape alone (its numbers came from the hidden probes' worker)
    assert "- training curve of a hidden check of `MLP`, `train_epoch`: slower than the reference\n" in text
    assert "hidden message" not in text and "![" not in text
    assert not list((tmp_path / "feedback").glob("*.png"))
