"""Cells of the contract grid walked, in process: the reference solution with one exercise changed
runs its battery (grader/checks/battery.py) here, its walker on the changed namespace, judged
against the stored answers; the reference itself passes every battery it runs."""

from __future__ import annotations

import importlib.util
import types
from typing import Any

import pytest
import torch
from helpers import REPO

from grader.checks import battery
from grader.checks.verdict.failed import CheckFailed

pytestmark = pytest.mark.unit


def _solution(topic: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(f"grid_cells_{topic}", REPO / "solutions" / f"{topic}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _InProcess:
    """A ``sub`` whose probes run here, on ``module``."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module

    def run(self, probe: Any, *args: Any) -> Any:
        return probe(self.module, *args)


def battery_passes(topic: str, name: str, **changed: Any) -> bool:
    module = _solution(topic)
    for attribute, value in changed.items():
        setattr(module, attribute, value)
    try:
        battery.run(_InProcess(module), topic, name)
    except CheckFailed:
        return False
    return True


def huber_mask_multiply(y_hat: torch.Tensor, y: torch.Tensor, delta: float = 1.0) -> torch.Tensor:
    """Both pieces everywhere, each masked by a multiply: inf·0 is NaN where the square overflows."""
    d = (y_hat - y).abs()
    small = (d <= delta).to(d.dtype)
    return (small * 0.5 * d**2 + (1 - small) * delta * (d - 0.5 * delta)).mean()


def numerical_grad_float64(f: Any, x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """A float64 buffer whatever x's dtype: a float32 x answered in float64."""
    grad = torch.zeros(x.shape, dtype=torch.float64)
    with torch.no_grad():
        flat = x.view(-1)
        for i in range(flat.numel()):
            original = flat[i].item()
            flat[i] = original + eps
            plus = float(f(x))
            flat[i] = original - eps
            minus = float(f(x))
            flat[i] = original
            grad.view(-1)[i] = (plus - minus) / (2 * eps)
    return grad


@pytest.mark.parametrize(("topic", "name"), [("losses", "huber"), ("autograd", "numerical_grad")])
def test_the_reference_passes(topic, name):
    assert battery_passes(topic, name)


def test_huber_whose_unselected_piece_overflows():
    """The magnitude cell: a square that overflows where the linear piece is selected (inf·0 = NaN)."""
    assert not battery_passes("losses", "huber", huber=huber_mask_multiply)


def test_numerical_grad_of_a_float32_x():
    """The dtype cell: a float32 x answered in x's dtype, not float64."""
    assert not battery_passes("autograd", "numerical_grad", numerical_grad=numerical_grad_float64)
