"""Cells of the contract grid walked, in process: the reference solution with one exercise changed
runs its battery (grader/checks/battery.py) here, its walker on the changed namespace, judged
against the stored answers; the reference itself passes every battery it runs."""

from __future__ import annotations

import types
from typing import Any

import pytest
import torch
from helpers import REPO, InProcess, load_file

from grader.checks import battery
from grader.checks.verdict.failed import CheckFailed

pytestmark = pytest.mark.unit


def _solution(topic: str) -> types.ModuleType:
    return load_file(REPO / "solutions" / f"{topic}.py", f"grid_cells_{topic}")


def battery_passes(topic: str, name: str, **changed: Any) -> bool:
    module = _solution(topic)
    for attribute, value in changed.items():
        setattr(module, attribute, value)
    try:
        battery.run(InProcess(module), topic, name)
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


# The top of a dtype's range (batch 113): values near a dtype's limits, not only 2^±20 of a plain case
def add_into_in_float32(z: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Adds in float32 and writes back: int64 values above 2^24 lose digits."""
    z[:] = x.float() + y.float()
    return z


def conv_output_size_by_float_division(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """int() of a float division: digits lost for n above 2^53."""
    return int((n + 2 * padding - k) / stride) + 1


def mse_sum_over_numel(y_hat: torch.Tensor, y: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """The mean as sum() / numel(): a float16 sum overflows where the mean does not."""
    values = (y_hat - y) ** 2
    if reduction == "mean":
        return values.sum() / values.numel()
    return values.sum() if reduction == "sum" else values


def relu_by_abs(x: torch.Tensor) -> torch.Tensor:
    """(x + |x|) / 2: x + |x| overflows near float32's largest value."""
    return (x + x.abs()) / 2


class SigmoidNaive(torch.autograd.Function):
    """1 / (1 + e^(−x)): e^(−x) overflows below x ≈ −709 in float64 (0, not a subnormal)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        out = 1 / (1 + torch.exp(-x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad_output: torch.Tensor) -> torch.Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)


# A kink of a helper at a point where the docstring's function is smooth
def sigmoid_through_abs(x: torch.Tensor) -> torch.Tensor:
    """e^(−|x|): right values, but |x|'s zero slope at x = 0 gives σ'(0) = 0, not 0.25."""
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, torch.ones_like(x), e) / (1 + e)


# The global RNG honoured
def xavier_from_its_own_generator(tensor: torch.Tensor) -> torch.Tensor:
    """A generator of its own, seeded 0: the same values whatever torch.manual_seed said."""
    fan_in, fan_out = tensor.shape[1] * tensor[0][0].numel(), tensor.shape[0] * tensor[0][0].numel()
    bound = (6 / (fan_in + fan_out)) ** 0.5
    with torch.no_grad():
        return tensor.uniform_(-bound, bound, generator=torch.Generator().manual_seed(0))


ESCAPES = {
    "add_into": ("tensors", add_into_in_float32),
    "Sigmoid": ("autograd", SigmoidNaive),
    "xavier_uniform_": ("mlp", xavier_from_its_own_generator),
}

# Forms the docstrings allow, each by a clause they state: full, as the corpus' correct/ variants
ALLOWED = {
    "conv_output_size": ("cnn", conv_output_size_by_float_division),  # "sizes below 2^53"
    "mse": ("losses", mse_sum_over_numel),  # "whose sum of squares overflows ... not tried"
    "relu": ("mlp", relu_by_abs),  # "beyond the square root of the dtype's largest ... not tried"
    "sigmoid": ("losses", sigmoid_through_abs),  # "the gradient at exactly x = 0 is not judged"
}


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_the_reference_passes_the_batch113_kinds(name):
    assert battery_passes(ESCAPES[name][0], name)


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_batch113_kinds(name):
    """The top of a dtype's range, a helper's kink at a smooth point, the global RNG: each caught."""
    topic, wrong = ESCAPES[name]
    assert not battery_passes(topic, name, **{name: wrong})


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_the_forms_the_docstrings_allow_pass(name):
    topic, form = ALLOWED[name]
    assert battery_passes(topic, name, **{name: form})


def test_keepdim_norms_is_its_shape_never_a_non_answer():
    """Causes by cause: norms answering (1,)-shaped norms (keepdim) fails its battery with
    the shape's cause, never a non-answer's (silent:…), so a class's groups put it with its shape
    (grader/batch/causes.py answers_nothing). A pin of what main does: not seen failing."""
    module = _solution("tensors")
    module.norms = lambda x: (x.abs().sum().reshape(1), (x * x).sum().sqrt().reshape(1))
    with pytest.raises(CheckFailed) as failed:
        battery.run(InProcess(module), "tensors", "norms")
    assert failed.value.cause == "shape"
