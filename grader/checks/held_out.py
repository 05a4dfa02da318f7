"""Held-out sets: what a training exercise's metric on data the release never held is
(docs/authors.md, "Held-out sets"). The worker is sent the inputs alone; :func:`judged` reads
its predictions against the labels here, on the trusted side. A non-answer (no tensor, the wrong
shape, NaN, the same output for every input) earns no metric."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.base.i18n import N_, _

if TYPE_CHECKING:  # torch is imported where predictions are judged: a course file reads this module
    import torch

ORDERS = ("asc", "desc")  # Gradescope's: ascending (lower is better) or descending


@dataclass(frozen=True)
class HeldOut:
    """One exercise's held-out set: ``predict(session, inputs)`` asks the worker for predictions
    (through the session's probes: it trains the learner's model on the shipped data first),
    ``metric`` names one of :data:`METRICS`, ``order`` how a leaderboard ranks it."""

    predict: Callable[[Any, torch.Tensor], Any]
    metric: str = "accuracy"
    order: str = "desc"

    def __post_init__(self) -> None:
        if self.metric not in METRICS or self.order not in ORDERS:
            raise ValueError(f"held-out metric one of {sorted(METRICS)}, order one of {ORDERS}")


def declared(declaration: Path) -> dict[str, tuple[str, str]]:
    """{exercise: (metric, order)} of what a ``held_out_<topic>.py`` declares (its ``HELD_OUT``
    dict), read from its source without running it (a course file is checked without torch): a
    ``HeldOut(...)``'s constant ``metric=`` and ``order=``, else :class:`HeldOut`'s defaults."""
    try:
        tree = ast.parse(declaration.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return {}
    for node in tree.body:
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Dict):
            continue
        if any(isinstance(t, ast.Name) and t.id == "HELD_OUT" for t in node.targets):
            pairs = zip(node.value.keys, node.value.values)
            return {
                k.value: _metric_order(v)
                for k, v in pairs
                if isinstance(k, ast.Constant) and isinstance(k.value, str)
            }
    return {}


def _metric_order(value: ast.expr) -> tuple[str, str]:
    given = {
        keyword.arg: keyword.value.value
        for keyword in (value.keywords if isinstance(value, ast.Call) else [])
        if isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str)
    }
    fields = HeldOut.__dataclass_fields__
    return str(given.get("metric", fields["metric"].default)), str(
        given.get("order", fields["order"].default)
    )


def trained_on_digits(
    cls: str, kwargs: dict[str, Any], epochs: int, lr: float, seed: int = 0
) -> Callable[[Any, torch.Tensor], Any]:
    """A ``predict`` for :class:`HeldOut`: ``cls(**kwargs)`` of the learner's module trained as the
    suites' convergence checks train it (``probes.train_classifier``: Adam, cross-entropy, batches
    of 64) on every shipped digit, then its scores on the inputs (pixels 0–16, scaled as
    ``load_digits`` scales them)."""

    def predict(session: Any, inputs: torch.Tensor) -> Any:
        from grader.checks import probes
        from grader.checks.judging.data import load_digits

        x, y = load_digits()
        images = inputs.float() / 16
        scores, _ = session.run(probes.train_classifier, cls, (), kwargs, x, y, images, seed, epochs, lr)
        return scores

    return predict


NO_TENSOR = N_("the predictions are not a tensor")
WRONG_SHAPE = N_("the predictions are shaped %(got)s, not %(expected)s")
NOT_FINITE = N_("the predictions hold NaN or infinity")
CONSTANT = N_("the same prediction for every input: no answer")


def _decisions(predictions: torch.Tensor, labels: torch.Tensor) -> torch.Tensor | str:
    """The predicted class per row (scores: their argmax; one probability: at least 0.5), or
    why there is none."""
    n = len(labels)
    if labels.dtype.is_floating_point:  # binary labels (n, 1): a probability per row
        expected: tuple[int, ...] = (n, 1)
        if tuple(predictions.shape) in ((n,), (n, 1)):
            return (predictions.reshape(n, 1) >= 0.5).to(labels.dtype)
    else:  # class indices (n,): a score per class per row
        expected = (n, int(labels.max()) + 1)
        if predictions.dim() == 2 and len(predictions) == n and predictions.shape[1] >= expected[1]:
            return predictions.argmax(1)
    return _(WRONG_SHAPE) % {"got": tuple(predictions.shape), "expected": expected}


def share_right(predictions: torch.Tensor, labels: torch.Tensor) -> float | str:
    """The share of rows whose predicted class is the label, or why there is none."""
    import torch

    decided = _decisions(predictions, labels)
    if isinstance(decided, str):
        return decided
    return float((decided == labels).to(torch.float64).mean())


METRICS: dict[str, Callable[[torch.Tensor, torch.Tensor], float | str]] = {"accuracy": share_right}
METRIC_NAMES = tuple(METRICS)


def judged(predictions: Any, labels: torch.Tensor, metric: str) -> float | str:
    """``metric`` of the worker's ``predictions`` against the trusted ``labels``, or why the
    predictions earn none: validated first (type, finiteness, an output that varies with the input)."""
    import torch

    if not isinstance(predictions, torch.Tensor) or type(predictions) is not torch.Tensor:
        return _(NO_TENSOR)
    predictions = predictions.detach().to("cpu", torch.float64)
    if predictions.numel() == 0 or len(predictions) != len(labels):
        return _(WRONG_SHAPE) % {"got": tuple(predictions.shape), "expected": (len(labels), "...")}
    if not bool(torch.isfinite(predictions).all()):
        return _(NOT_FINITE)
    if bool((predictions == predictions[:1]).all()):
        return _(CONSTANT)
    return METRICS[metric](predictions, labels)
