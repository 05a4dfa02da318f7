"""A lead says what the code did where its answer's relation to the expected one is measurable
(grader/checks/hints/relations.py reshaped, Shaped; grader/checks/hints/variants.py; a suite's own
makers): a shape whose leading dimensions were merged, whose size-1 axes were squeezed, an (n, n)
table from a broadcast; the values along another dimension; the shape a convolution gives with its padding never applied;
an output size whose stride was never applied; a state the call never wrote back; an accuracy
counted over an (n, n) broadcast table; a gate used as 1 − itself. Each built from a mistake of its own and seen
failing on main (the lead restated the contract)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from helpers import REPO, load_file, run_grade

from grader.checks.judging.judge import CheckFailed, expect_close


def said(got: torch.Tensor, expected: torch.Tensor, hint: object = "") -> str:
    with pytest.raises(CheckFailed) as failed:
        expect_close(got, expected, "f", hint=hint)  # type: ignore[arg-type]
    return str(failed.value)


@pytest.mark.unit
def test_a_shape_is_told_by_its_relation_to_the_asked_one():
    assert "(2, 3) merged into one" in said(torch.zeros(6, 4), torch.zeros(2, 3, 4))
    assert "size-1 dimensions dropped" in said(torch.zeros(5), torch.zeros(1, 5, 1))
    assert "(n, n) table" in said(torch.zeros(7, 7), torch.zeros(7))
    assert "another order" in said(torch.zeros(3, 2, 5), torch.zeros(2, 3, 5))
    assert "merged" not in said(torch.zeros(5, 4), torch.zeros(2, 3, 4))  # 20 ≠ 24 elements: no relation


@pytest.mark.unit
def test_a_shaped_hint_holds_of_its_shape_only_and_a_keyed_other_dim_of_its_values():
    from grader.checks.hints.variants import known

    tensors = load_file(REPO / "tests" / "suites" / "suite_tensors.py", "suite_tensors_relations")
    BATCH_SQUEEZED, OTHER_DIM, batch_squeezed = (
        tensors.BATCH_SQUEEZED,
        tensors.OTHER_DIM,
        tensors.batch_squeezed,
    )

    x = torch.rand(1, 1, 4, 4) + 0.1
    assert BATCH_SQUEEZED in said(torch.zeros(16), torch.zeros(1, 16), (batch_squeezed(x), "plain"))
    assert BATCH_SQUEEZED not in said(torch.zeros(2, 8), torch.zeros(1, 16), (batch_squeezed(x), "plain"))
    m = torch.rand(3, 4) + 0.1
    rows = m / m.sum(1, keepdim=True)
    hint = (*known(OTHER_DIM, m / m.sum(0, keepdim=True), rows), "plain")  # the general maker
    assert OTHER_DIM in said(m / m.sum(0, keepdim=True), rows, hint)
    assert OTHER_DIM not in said(rows * 2, rows, hint)


def lead(path: Path, exercise: str, language: str) -> str:
    done = run_grade(
        "--lang",
        language,
        "check",
        str(path),
        "--exercise",
        exercise,
        "--format",
        "json",
        "-k",
        "not convergence",
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    verdict = json.loads(done.stdout)["topics"][0]["exercises"]
    return next(e for e in verdict if e["name"] == exercise)["diagnosis"]


def mistaken(tmp_path: Path, topic: str, edits: list[tuple[str, str]]) -> Path:
    text = (REPO / "solutions" / f"{topic}.py").read_text()
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / f"{topic}.py"
    path.write_text(text)
    return path


@pytest.mark.e2e
@pytest.mark.parametrize(
    "topic, exercise, edits, english, chinese",
    [
        (  # softmax along the last dim whatever dim is given
            "losses",
            "softmax",
            [
                (
                    "e = (x - x.amax(dim=dim, keepdim=True).detach()).exp()\n    return e / e.sum(dim=dim, keepdim=True)",
                    "e = (x - x.amax(dim=-1, keepdim=True).detach()).exp()\n    return e / e.sum(dim=-1, keepdim=True)",
                )
            ],
            "along another dimension than `dim`",
            "另一个维度",
        ),
        (  # conv2d that never pads (its unfold and its sizes alike)
            "cnn",
            "conv2d",
            [
                ("padding=padding, stride=stride)", "stride=stride)"),
                (
                    "conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride)",
                    "conv_output_size(h, kh, 0, stride), conv_output_size(w, kw, 0, stride)",
                ),
            ],
            "the shape padding=0 gives",
            "padding=0 时得到的形状",
        ),
        (  # an output size never divided by the stride
            "cnn",
            "conv_output_size",
            [("return (n + 2 * padding - k) // stride + 1", "return n + 2 * padding - k + 1")],
            "the stride is never applied",
            "步幅根本没有用上",
        ),
        (  # a running variance rebound to a new tensor: the caller's never changes
            "resnet",
            "batch_norm",
            [
                (
                    "running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))",
                    "running_var = running_var * (1 - momentum) + momentum * var * count / (count - 1)",
                )
            ],
            "holds what it held before the call",
            "仍是调用之前的值",
        ),
        (  # (n, 1) thresholded probabilities against (n,) labels
            "mlp",
            "evaluate",
            [("predicted = (outputs[:, 0] > 0.5).long()", "predicted = (outputs > 0.5).long()")],
            "broadcast into an (n, n) table",
            "(n, n) 的表",
        ),
        (  # the reset gate used as 1 − r
            "rnn",
            "gru_cell",
            [("n = torch.tanh(i_n + r * h_n)", "n = torch.tanh(i_n + (1 - r) * h_n)")],
            "take r and 1 − r the other way round",
            "把 r 和 1 − r 用反了",
        ),
    ],
    ids=[
        "softmax-dim",
        "conv2d-padding",
        "conv_output_size-stride",
        "batch_norm-rebound",
        "evaluate-table",
        "gru_cell-reset",
    ],
)
def test_the_lead_says_what_the_code_did(tmp_path, topic, exercise, edits, english, chinese):
    path = mistaken(tmp_path, topic, edits)
    assert english in lead(path, exercise, "en")
    assert chinese in lead(path, exercise, "zh_CN")
