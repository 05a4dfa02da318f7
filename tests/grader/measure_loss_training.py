"""What ``losses``' training check catches at a number of steps: ``python
tests/grader/measure_loss_training.py [STEPS ...]`` (default: 60 and the suite's ``TRAIN_STEPS``).

The check trains a linear model on blobs with the submission's ``cross_entropy`` or
``bce_with_logits`` (``suite_losses.probe_train_linear``, lr 0.5) and asks a held-out accuracy of
at least the threshold. Correct code trains as the reference does, so what sizes the steps is
the reference's accuracy and the wrong losses below (written from the docstrings, each one
edit): for each step count, the reference's lowest accuracy over seeds 0–19 and, per wrong loss,
the seeds it fails. Fewer steps must lose no (wrong loss, seed) that more steps catch. Trusted
code only: it runs in this process. Not a test: the figures behind the suite's ``TRAIN_STEPS``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "suites"))
sys.path.insert(0, str(REPO / "tests" / "grader"))

import suite_losses  # noqa: E402
from measure_curves import solution  # noqa: E402

SEEDS = range(20)


def _sp(z: Tensor) -> Tensor:
    return z.clamp(min=0) + torch.log1p(torch.exp(-z.abs()))


def _ls(x: Tensor, dim: int = 1) -> Tensor:
    shifted = x - x.amax(dim=dim, keepdim=True).detach()
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()


def _picked(values: Tensor, t: Tensor) -> Tensor:
    return values.gather(1, t.unsqueeze(1))


def _bce(z: Tensor, y: Tensor) -> Tensor:
    return y * _sp(-z) + (1 - y) * _sp(z)


def _bce_of_p(p: Tensor, y: Tensor) -> Tensor:
    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()


Loss = Callable[[Tensor, Tensor], Tensor]
WRONG_CE: dict[str, Loss] = {
    "sign": lambda x, t: _picked(_ls(x), t).mean(),
    "probabilities, not their log": lambda x, t: -_picked(_ls(x).exp(), t).mean(),
    "sum, not mean": lambda x, t: -_picked(_ls(x), t).sum(),
    "softmax over dim 0": lambda x, t: -_picked(_ls(x, 0), t).mean(),
    "x[:, target]": lambda x, t: -_ls(x)[:, t].mean(),
    "mean over classes too": lambda x, t: -(F.one_hot(t, x.shape[1]) * _ls(x)).mean(),
    "no normaliser": lambda x, t: -_picked(x, t).mean(),
    "labels shifted": lambda x, t: -_picked(_ls(x), (t + 1) % x.shape[1]).mean(),
    "(1 - p)^2": lambda x, t: ((1 - _picked(_ls(x).exp(), t)) ** 2).mean(),
    "logits clamped": lambda x, t: -_picked(_ls(x.clamp(-1, 1)), t).mean(),
    "a tenth": lambda x, t: -0.1 * _picked(_ls(x), t).mean(),
    "logsumexp over dim 0": lambda x, t: -_picked(x - x.logsumexp(0, keepdim=True), t).mean(),
    "log of the logits": lambda x, t: -_picked(x.clamp(min=1e-7).log(), t).mean(),
    "squared error on one-hot": lambda x, t: ((_ls(x).exp() - F.one_hot(t, x.shape[1])) ** 2).mean(),
    "every class's log-probability": lambda x, t: -_ls(x).sum(1).mean(),
    "sigmoid, not softmax": lambda x, t: -_picked(F.logsigmoid(x), t).mean(),
}
WRONG_BCE: dict[str, Loss] = {
    "no (1 - y) term": lambda z, y: (y * _sp(-z)).mean(),
    "sign": lambda z, y: -_bce(z, y).mean(),
    "terms swapped": lambda z, y: _bce(-z, y).mean(),
    "no y term": lambda z, y: ((1 - y) * _sp(z)).mean(),
    "squared error on sigmoid": lambda z, y: ((torch.sigmoid(z) - y) ** 2).mean(),
    "sum, not mean": lambda z, y: _bce(z, y).sum(),
    "logits clamped": lambda z, y: _bce(z.clamp(-1, 1), y).mean(),
    "a tenth": lambda z, y: 0.1 * _bce(z, y).mean(),
    "logits read as probabilities": lambda z, y: _bce_of_p(z.clamp(1e-7, 1 - 1e-7), y),
    "sigmoid twice": lambda z, y: _bce_of_p(torch.sigmoid(torch.sigmoid(z)), y),
    "log, not log1p": lambda z, y: (y * torch.exp(-z).clamp(min=1e-7).log() + (1 - y) * _sp(z)).mean(),
    "only -y·z": lambda z, y: (-y * z).mean(),
    "softplus(z) - z": lambda z, y: (_sp(z) - z).mean(),
    "softplus(z) + y·z": lambda z, y: (_sp(z) + y * z).mean(),
    "positives weighted 0.2": lambda z, y: (0.2 * y * _sp(-z) + (1 - y) * _sp(z)).mean(),
}
WRONG = {"cross_entropy": WRONG_CE, "bce_with_logits": WRONG_BCE}


def accuracy(loss: Loss, loss_name: str, seed: int, steps: int) -> float:
    """Held-out accuracy of the check's training with ``loss`` (0 where it raised)."""
    classes, _ = suite_losses.CONVERGENCE[loss_name]
    x, y = suite_losses.blobs(seed, max(classes, 2))
    target = y[:90] if classes > 1 else y[:90].float()
    module = type("Submission", (), {loss_name: staticmethod(loss)})
    try:
        scores, _ = suite_losses.probe_train_linear(
            module, loss_name, x[:90], target, x[90:], classes, steps, 0.5
        )
    except RuntimeError:
        return 0.0
    predicted = scores.argmax(1) if classes > 1 else (scores[:, 0] > 0).long()
    return (predicted == y[90:]).float().mean().item()


def caught(steps: int) -> tuple[float, dict[str, set[int]]]:
    """(the reference's lowest accuracy, {wrong loss: the seeds it fails}) at ``steps``."""
    reference = solution("losses")
    lowest, fails = 1.0, {}
    for loss_name, wrong in WRONG.items():
        threshold = suite_losses.CONVERGENCE[loss_name][1]
        lowest = min([lowest, *(accuracy(getattr(reference, loss_name), loss_name, s, steps) for s in SEEDS)])
        for label, loss in wrong.items():
            fails[f"{loss_name}: {label}"] = {
                s for s in SEEDS if accuracy(loss, loss_name, s, steps) < threshold
            }
    return lowest, fails


def main() -> None:
    torch.set_num_threads(1)
    counts = [int(a) for a in sys.argv[1:]] or [60, suite_losses.TRAIN_STEPS]
    results = {steps: caught(steps) for steps in counts}
    most = max(counts)
    for steps, (lowest, fails) in results.items():
        lost = {k: sorted(results[most][1][k] - v) for k, v in fails.items() if results[most][1][k] - v}
        total = sum(map(len, fails.values()))
        print(f"{steps} steps: reference's lowest accuracy {lowest:.3f}; {total} (wrong loss, seed) caught")
        print(f"  lost against {most} steps: {lost or 'none'}")
    for name in results[most][1]:
        print(f"  {name:<48}" + "".join(f"{len(results[s][1][name]):>4}" for s in counts))


if __name__ == "__main__":
    main()
