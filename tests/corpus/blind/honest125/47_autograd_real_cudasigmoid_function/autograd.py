# Graded code is a subset of Python: public names of torch, numpy and the standard helpers
# (math, typing, collections...; no `_private` module), attributes written out by name, no
# eval/exec/globals(); anything else is refused before it runs, with what to write instead.
"""Autograd — 自动求导, 反向传播, 链式法则.

Training needs the gradient of the loss with respect to every parameter. Lectures 3–4
derive it by hand for tiny models (y_hat = w·x, loss = mean((y_hat − y)²) gives
dloss/dw = mean(2·x·(w·x − y))); back-propagation (反向传播) does the same for any graph
of operations by the chain rule (链式法则), from the output back to the inputs, and
PyTorch's autograd does it for you: ``loss.backward()`` fills ``w.grad``.

Things the notes stress:
- ``backward()`` needs a scalar: reduce a vector output first (``y.sum().backward()``);
- gradients accumulate in ``.grad`` until you zero them;
- ``.detach()`` (分离计算) makes a tensor a constant for autograd: no gradient flows into it.

How your code is checked (``grade exercises/ --topic autograd``): values and gradients in
float64 against torch's autograd and the formulas (rtol=1e-7 unless a docstring says
otherwise); hand-derived gradients must not use autograd; inputs are left as they were;
tensors stay on their input's device; and gradient descent with your gradients converges.
Inputs may be non-contiguous views (``x.T``, slices) unless a docstring says contiguous:
use ``reshape`` where ``view`` would fail.
"""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """d(MSE)/dw for the linear model y_hat = w·x, derived by hand (lecture 3).

        loss = mean((w·x − y)²)   ⇒   dloss/dw = mean(2·x·(w·x − y))

    w: 0-dim tensor; x, y: (n,) tensors of w's dtype. Returns a 0-dim tensor. The float64 check
    (rtol=1e-7) includes w·x ≈ y at large |x|: compute the residual w·x − y first (an expanded
    form 2·(w·mean(x²) − mean(x·y)) cancels there).
    No autograd: no ``.backward()``, no ``torch.autograd.grad``.
    """
    raise NotImplementedError("linear_grad: mean(2 * x * (w * x - y))")


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """By hand (lecture 4 homework): y_hat = w1·x² + w2·x + b, L = mean((y_hat − y)²).

    Returns the 0-dim tensors (dL/dw1, dL/dw2, dL/db). With r = y_hat − y:
    dL/dw1 = mean(2·r·x²), dL/dw2 = mean(2·r·x), dL/db = mean(2·r).
    w1, w2, b: 0-dim; x, y: (n,); all float32 or all float64, the results in that dtype.
    No autograd: no ``.backward()``, no ``torch.autograd.grad``.
    """
    raise NotImplementedError("quadratic_grads: the chain rule through r = y_hat - y")


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """The gradient of ``f(x).sum()`` with respect to x, computed with autograd.

    f maps a tensor to a tensor of any shape; a non-scalar output must be reduced to a
    scalar before ``backward()`` (the notes: "通常把y转换成一个标量再来求导").
    x is float32 or float64; returns a tensor of x's shape and dtype. The caller's x is left
    untouched: its values, its ``requires_grad`` flag and its ``.grad`` (work on a detached copy).
    """
    raise NotImplementedError("grad_of_vector_fn: copy x, requires_grad_, f(copy).sum().backward()")


def detach_grad(x: Tensor) -> Tensor:
    """Gradient of z.sum() w.r.t. x for y = x·x, u = y.detach(), z = u·x (分离计算), with autograd.

    Because u is detached it is a constant: the answer is u (= x·x), not 3·x².
    x: any shape, floating point. Returns a tensor of x's shape; x is left untouched.
    """
    raise NotImplementedError("detach_grad: build y, detach it into u, backprop z = u * x")




def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    """Central differences: ∂f/∂xᵢ ≈ (f(x + ε·eᵢ) − f(x − ε·eᵢ)) / 2ε, for every element i.

    f returns a 0-dim tensor or a Python float; x is a contiguous tensor of any shape (so a
    flat ``view`` of it is x itself) that does not require grad; f's 0-dim tensor may be a view of x.
    Returns a tensor of x's shape and dtype. x may be perturbed in between, but its values must be
    restored when you return. Checked in float64, and in float32 (x's dtype kept).
    """
    raise NotImplementedError("numerical_grad: perturb one element at a time, both ways")


class Value:
    """A scalar that remembers how it was computed, for reverse-mode autodiff (反向传播).

    ``Value(data)`` holds ``.data`` (a Python float, whether data is an int or a float:
    ``Value(2).data`` is ``2.0``) and ``.grad`` (a Python float, 0.0 until backward).
    Supported, each building a new Value that records its inputs and local derivative:
      ``a + b``, ``a - b``, ``a * b``, ``a / b``, ``-a`` — with Values or plain numbers on
      either side (``2 * a``, ``1 - a``, ``3 / a`` included);
      ``a ** k`` for a number k; ``a.tanh()``, ``a.exp()``, ``a.relu()`` (its derivative at
      exactly 0 is 0, as torch's relu has it).
    ``out.backward()`` sets ``out.grad = 1`` and propagates gradients to every Value it
    depends on, in reverse topological order (each node once, after every node that uses
    it); a node used several times accumulates (+=) the contributions. Called once, on a
    freshly built graph. Graphs may be 500 nodes deep: mind Python's recursion limit.
    Checked against torch on random expression graphs.
    """

    def __init__(self, data: float) -> None:
        raise NotImplementedError("Value: store data, grad = 0.0, the parents and a backward step")


# ---------------------------------------------------------------------------
# Sigmoid — taken as found from gfickel/cuda-sigmoid, sigmoid.py
# (commit 20ec9287736ca0a5bf62098c22de31608f6720c1), including its __main__ check.
# Only the forward parameter `input` is renamed x (the stub's name).
# ---------------------------------------------------------------------------
class Sigmoid(torch.autograd.Function):
    """The Sigmoid activation function."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        """Performs a forward pass."""

        out_tensor = torch.empty_like(x)
        positive_mask = x >= 0
        out_tensor[positive_mask] = 1. / (1. + torch.exp(-x[positive_mask]))
        out_tensor[~positive_mask] = torch.exp(x[~positive_mask]) / (1. + torch.exp(x[~positive_mask]))
        
        ctx.save_for_backward(out_tensor)

        return out_tensor

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor) -> torch.Tensor:
        """Performs a backpropagation."""

        (result,) = ctx.saved_tensors
        grad = result * (1 - result)
        return grad_output * grad


if __name__ == "__main__":
    torch.manual_seed(42)

    sigmoid = Sigmoid.apply
    data = torch.randn(4, dtype=torch.double, requires_grad=True)

    if torch.autograd.gradcheck(sigmoid, data, eps=1e-8, atol=1e-7):
        print('gradcheck successful :D')
    else:
        print('gradcheck unsuccessful :D')
