"""What a classifier's output must be beyond its shape: logits, as the networks' docstrings say."""

from __future__ import annotations

from typing import Any

import torch

from grader.checks.judge import expect
from grader.i18n import N_


def expect_logits(outputs: Any, what: str) -> None:
    """A classifier's outputs (tensors (n, classes), classes ≥ 2) must be logits: not every row a
    probability vector (in [0, 1], summing to 1), which a softmax or sigmoid-normalised head gives
    and cross-entropy, which applies log-softmax itself, then trains slower or not at all."""
    rows = [
        o for o in outputs if isinstance(o, torch.Tensor) and o.dim() == 2 and o.shape[1] > 1 and o.numel()
    ]
    if not rows or len(rows) != len(outputs):
        return  # the shape checks say what is wrong with these
    probabilities = all(
        bool(((o >= 0) & (o <= 1)).all())
        and bool(torch.allclose(o.double().sum(1), torch.ones(len(o), dtype=torch.float64), atol=1e-4))
        for o in rows
    )
    expect(
        not probabilities,
        what,
        N_("logits (raw scores)"),
        N_("rows that are probability vectors (each in [0, 1], summing to 1)"),
        N_(
            "return the linear layer's scores: no softmax on the output (cross-entropy applies log-softmax itself)"
        ),
    )
