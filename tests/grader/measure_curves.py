"""Measure the reference solutions' training curves: ``python tests/grader/measure_curves.py [CHECK ...]``.

For every convergence check it runs the check's probe in this process on the reference solution
(trusted code: no sandbox needed) over seeds 0–19 and prints the final loss (min, median, max:
the ``FINAL_LOSS`` band written beside the check), the highest point over the start (correct code
must stay under ``CURVE_DIVERGED_RISE``) and the smallest fall below the start (it must stay
above ``CURVE_FLAT_FALL``). ``test_curves.py`` imports :data:`RUNS` to hold correct code's curves
to never being called NaN, diverged or flat.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import types
from collections.abc import Callable
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "suites"))

from grader.checks import probes  # noqa: E402
from grader.checks.judging.data import held_out_split, load_diabetes, load_digits  # noqa: E402


def load(path: Path, name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def solution(topic: str) -> types.ModuleType:
    return load(REPO / "solutions" / f"{topic}.py", f"reference_{topic}")


def suite(topic: str) -> types.ModuleType:
    return load(REPO / "tests" / "suites" / f"suite_{topic}.py", f"measured_suite_{topic}")


def _classifier(cls: str, topic: str, kwargs: dict, epochs: int, lr: float) -> Callable[[int], dict]:
    def run(seed: int) -> dict:
        x_train, y_train, x_test, _ = held_out_split(load_digits, seed)
        return probes.train_classifier(
            solution(topic), cls, (), kwargs, x_train, y_train, x_test, seed, epochs, lr
        )[1]

    return run


def _mlp_digits(seed: int) -> dict:
    x_train, y_train, x_test, _ = held_out_split(load_digits, seed)
    return suite("mlp").probe_train_digits(
        solution("mlp"), x_train, y_train, x_test, seed, suite("mlp").DIGITS_EPOCHS
    )[1]


def _mlp_diabetes(seed: int) -> dict:
    x_train, y_train, x_test, _ = held_out_split(load_diabetes, seed)
    return suite("mlp").probe_train_diabetes(
        solution("mlp"), x_train, y_train, x_test, seed, suite("mlp").DIABETES_STEPS
    )[1]


def _losses(loss_name: str) -> Callable[[int], dict]:
    def run(seed: int) -> dict:
        losses = suite("losses")
        classes, _ = losses.CONVERGENCE[loss_name]
        x, y = losses.blobs(seed, max(classes, 2))
        target = y[:90] if classes > 1 else y[:90].float()
        return losses.probe_train_linear(
            solution("losses"), loss_name, x[:90], target, x[90:], classes, losses.TRAIN_STEPS, 0.5
        )[1]

    return run


def _optim(seed: int) -> dict:
    x_train, y_train, x_test, _ = held_out_split(load_diabetes, seed)
    return suite("optim").probe_train_logistic(solution("optim"), x_train, y_train, x_test, seed)[1]


def _quadratic(seed: int) -> dict:
    g = torch.Generator().manual_seed(100 + seed)
    x = torch.rand(40, generator=g, dtype=torch.float64) * 3 - 1.5
    y = 2 * x**2 - x + 1 + 0.1 * torch.randn(40, generator=g, dtype=torch.float64)
    return suite("autograd").probe_descend(solution("autograd"), x, y, 0.05, 400, 5)[1]


def _hello(embed_dim: int | None) -> Callable[[int], dict]:
    return lambda seed: suite("rnn").probe_train_hello(solution("rnn"), embed_dim, seed, 60)[1]


# check → a function of the seed that returns the reference's curve, as the check's probe records it
RUNS: dict[str, Callable[[int], dict]] = {
    "mlp_learns_digits": _mlp_digits,
    "diabetes_net_beats_the_majority_class": _mlp_diabetes,
    "simple_cnn_learns_digits": lambda seed: _classifier(  # the suite's length, read when run
        "SimpleCNN", "cnn", {"num_classes": 10, "in_channels": 1}, suite("cnn").TRAIN_EPOCHS, 0.01
    )(seed),
    "googlenet_mini_learns_digits": _classifier(
        "GoogLeNetMini", "inception", {"in_channels": 1, "num_classes": 10, "input_size": 8}, 4, 0.003
    ),
    "small_resnet_learns_digits": lambda seed: _classifier(  # the suite's length, read when run
        "SmallResNet",
        "resnet",
        {"in_channels": 1, "num_classes": 10},
        suite("resnet").TRAIN_EPOCHS,
        suite("resnet").TRAIN_LR,
    )(seed),
    "loss_trains_a_classifier[cross_entropy]": _losses("cross_entropy"),
    "loss_trains_a_classifier[bce_with_logits]": _losses("bce_with_logits"),
    "logistic_regression_learns_diabetes_with_your_sgd": _optim,
    "gradient_descent_fits_a_quadratic": _quadratic,
    "hello_rnn_learns_ohlol[one-hot]": _hello(None),
    "hello_rnn_learns_ohlol[embedding]": _hello(6),
}


def measure(check: str, seeds: range = range(20)) -> str:
    torch.set_num_threads(1)
    curves = [RUNS[check](seed) for seed in seeds]
    finals = [c["loss"][-1] for c in curves]
    rises = [max(c["loss"]) / c["loss"][0] for c in curves]
    falls = [1 - min(c["loss"]) / c["loss"][0] for c in curves]
    return (
        f"{check}: final loss min {min(finals):.4g}, median {statistics.median(finals):.4g}, "
        f"max {max(finals):.4g}; highest point / start max {max(rises):.3f}; "
        f"fall below the start min {min(falls):.1%}"
    )


if __name__ == "__main__":
    for name in sys.argv[1:] or list(RUNS):
        print(measure(name), flush=True)
