"""What a classifier's output must be beyond its shape: logits, as the networks' docstrings say, and
in eval mode each sample's own (BatchNorm on its running statistics, nothing mixing the batch)."""

from __future__ import annotations

from typing import Any

import torch

from grader.base.i18n import N_
from grader.checks.verdict.failed import expect


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


def expect_batch_independent_in_eval(evaluated: Any, what: str) -> None:
    """``evaluated`` (a sample's eval-mode output alone, the same sample's within its batch, and
    within the same batch's earlier call), from :func:`grader.checks.probes.module_forward_backward`:
    equal. A model whose eval-mode answer changes from call to call (a layer built in forward,
    dropout left on) is told so first; a BatchNorm that normalises by the batch in eval mode
    (``track_running_stats=False``, ``training=True`` always) or a reshape that mixes samples
    makes one sample's logits depend on the others."""
    if not (
        isinstance(evaluated, (list, tuple))
        and len(evaluated) == 3
        and all(isinstance(t, torch.Tensor) for t in evaluated)
    ):
        return  # the shape checks say what is wrong with the outputs
    alone, within, before = evaluated
    if alone.shape != within.shape or within.shape != before.shape:
        return  # a batch of one that loses its axis: the shape checks' case
    expect(
        bool(torch.allclose(within, before, rtol=1e-4, atol=1e-5)),
        what,
        N_("the same logits for the same batch given twice"),
        N_("logits that change from call to call"),
        N_(
            "in eval mode the same input gives the same logits: a layer built inside forward gets new "
            "random weights at each call (build every layer in __init__), and dropout must be off "
            "(nn.Dropout, or F.dropout(..., training=self.training))"
        ),
    )
    same = bool(torch.allclose(alone, within, rtol=1e-4, atol=1e-5))
    expect(
        same,
        what,
        N_("the same logits for a sample alone as within its batch"),
        N_("logits that change with the rest of the batch"),
        N_(
            "in eval mode BatchNorm uses its running statistics (keep track_running_stats on, pass "
            "self.training to F.batch_norm); never reshape across the batch dimension"
        ),
    )
