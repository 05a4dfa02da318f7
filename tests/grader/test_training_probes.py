"""The suites' training probes that update parameters by hand do what torch.optim would, bit for bit.

A probe may skip an optimizer's per-step wrappers (profiler scopes, grad-mode and compiler
guards: a third of a small model's step) only if the parameters, and so the scores and the
curve the judge reads, come out identical; these tests train with both on correct and
mistaken losses and compare every bit.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "suites"))

import suite_losses  # noqa: E402

from grader.sandboxed import probe_kit as kit  # noqa: E402

pytestmark = pytest.mark.unit


def optimizer_train_linear(mod, loss_name, x_train, y_train, x_test, classes, steps, lr):
    """The losses' training probe as it was, with torch.optim.SGD."""
    kit.manual_seed(0)
    model = nn.Linear(x_train.shape[1], classes)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = getattr(mod, loss_name)
    curve: dict = {"loss": [], "every": "step"}

    def true_loss(scores):
        if classes > 1:
            s = scores.detach()  # F.cross_entropy's value, as the probe writes it (no twin of the exercise)
            return float((torch.logsumexp(s, 1) - s.gather(1, y_train[:, None])[:, 0]).mean())
        z = scores.detach()[:, 0]  # softplus(z) − y·z, F.binary_cross_entropy_with_logits's value
        return float((F.softplus(z) - y_train * z).mean())

    for _ in range(steps):
        scores = model(x_train)
        curve["loss"].append(true_loss(scores))
        loss = loss_fn(scores, y_train) if classes > 1 else loss_fn(scores[:, 0], y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        curve["loss"].append(true_loss(model(x_train)))
        return model(x_test), curve


def _log_softmax(x):
    return x - torch.logsumexp(x, 1, keepdim=True)


LOSSES = {
    "torch's own": types.SimpleNamespace(
        cross_entropy=F.cross_entropy, bce_with_logits=F.binary_cross_entropy_with_logits
    ),
    "summed, not averaged": types.SimpleNamespace(
        cross_entropy=lambda s, y: -_log_softmax(s)[torch.arange(len(y)), y].sum(),
        bce_with_logits=lambda s, y: F.binary_cross_entropy_with_logits(s, y, reduction="sum"),
    ),
    "sign flipped": types.SimpleNamespace(
        cross_entropy=lambda s, y: -F.cross_entropy(s, y),
        bce_with_logits=lambda s, y: -F.binary_cross_entropy_with_logits(s, y),
    ),
    "zero through the scores": types.SimpleNamespace(
        cross_entropy=lambda s, y: F.cross_entropy(s.detach(), y) + 0 * s.sum(),
        bce_with_logits=lambda s, y: F.binary_cross_entropy_with_logits(s.detach(), y) + 0 * s.sum(),
    ),
    "cut from the model, a leaf of its own": types.SimpleNamespace(
        cross_entropy=lambda s, y: torch.tensor(F.cross_entropy(s, y).item(), requires_grad=True),
        bce_with_logits=lambda s, y: torch.tensor(
            F.binary_cross_entropy_with_logits(s, y).item(), requires_grad=True
        ),
    ),
}


def _run(probe, mod, loss_name: str, seed: int):
    classes = suite_losses.CONVERGENCE[loss_name][0]
    x, y = suite_losses.blobs(seed, max(classes, 2))
    target = y[:90] if classes > 1 else y[:90].float()
    return probe(mod, loss_name, x[:90], target, x[90:], classes, 60, 0.5)


@pytest.mark.parametrize("kind", sorted(LOSSES))
@pytest.mark.parametrize("loss_name", sorted(suite_losses.CONVERGENCE))
def test_the_losses_training_probe_moves_parameters_as_torch_optim_sgd(kind: str, loss_name: str) -> None:
    for seed in (0,):
        scores, curve = _run(suite_losses.probe_train_linear, LOSSES[kind], loss_name, seed)
        expected_scores, expected_curve = _run(optimizer_train_linear, LOSSES[kind], loss_name, seed)
        assert torch.equal(scores.nan_to_num(7.0), expected_scores.nan_to_num(7.0))
        # the curve's losses in one pass (its float32 means summed in another order: within 1e-6)
        assert len(curve["loss"]) == len(expected_curve["loss"])
        for now, before in zip(curve["loss"], expected_curve["loss"]):
            assert (now != now and before != before) or now == pytest.approx(before, rel=1e-6, abs=1e-9)


def test_a_loss_cut_from_the_model_raises_as_it_did() -> None:
    cut = types.SimpleNamespace(cross_entropy=lambda s, y: torch.tensor(F.cross_entropy(s, y).item()))
    with pytest.raises(RuntimeError) as now:
        _run(suite_losses.probe_train_linear, cut, "cross_entropy", 0)
    with pytest.raises(RuntimeError) as before:
        _run(optimizer_train_linear, cut, "cross_entropy", 0)
    assert str(now.value) == str(before.value)
