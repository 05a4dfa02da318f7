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


class Sigmoid(torch.autograd.Function):
    """σ(x) = 1 / (1 + e^(−x)) as a custom autograd Function, used as ``Sigmoid.apply(x)``.

    forward(ctx, x): computes σ(x) by the formula, stable for |x| ≥ 100 (no inf/NaN), exact in the
    float64 tails too (rtol=1e-7, no atol: σ(−700) ≈ 1e−304 is not 0; (1 + tanh(x/2))/2 rounds
    everything below x ≈ −37 to 0), and
    saves its OUTPUT for backward (``ctx.save_for_backward``).
    backward(ctx, grad_output): returns grad_output·σ(x)·(1 − σ(x)) from the saved output.
    Off limits in both: ``torch.sigmoid``, ``F.sigmoid``, ``Tensor.sigmoid``,
    ``torch.special.expit``, and the functions that give σ as part of their value:
    ``F.logsigmoid``, ``F.glu``, ``F.silu``, ``torch.softmax``, ``F.softmax``,
    ``torch.log_softmax``, ``F.log_softmax`` (over the pair (x, 0), the first is σ(x)),
    ``F.scaled_dot_product_attention`` (its weights are a softmax), and softplus's gradient taken
    inside the call (σ is its derivative; ``F.softplus`` itself is allowed).
    Double backward is not required.
    """

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        raise NotImplementedError("Sigmoid.forward: stable formula, save the output")

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        raise NotImplementedError("Sigmoid.backward: grad_output * s * (1 - s)")


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    """Central differences: ∂f/∂xᵢ ≈ (f(x + ε·eᵢ) − f(x − ε·eᵢ)) / 2ε, for every element i.

    f returns a 0-dim tensor or a Python float; x is a contiguous tensor of any shape (so a
    flat ``view`` of it is x itself) that does not require grad; f's 0-dim tensor may be a view of x.
    Returns a tensor of x's shape and dtype. x may be perturbed in between, but its values must be
    restored when you return. Checked in float64, and in float32 (x's dtype kept).
    """
    raise NotImplementedError("numerical_grad: perturb one element at a time, both ways")




# ---------------------------------------------------------------------------
# Value — taken as found from ent0n29/tonygrad, tonygrad/engine.py
# (commit 5083a4da94f634a1fbb78ba2ee190dae0235544e), unchanged.
# ---------------------------------------------------------------------------
import math 

class Value:
  
    def __init__(self, data, _children=(), _op='', label=''):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data})"
  
    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')
    
        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad
        out._backward = _backward
    
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')
    
        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
      
        return out
  
    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only supporting int/float powers for now"
        out = Value(self.data**other, (self,), f'**{other}')

        def _backward():
            self.grad += other * (self.data ** (other - 1)) * out.grad
        out._backward = _backward

        return out
  
    def __rmul__(self, other): # other * self
        return self * other

    def __truediv__(self, other): # self / other
        return self * other**-1

    def __neg__(self): # -self
        return self * -1

    def __sub__(self, other): # self - other
        return self + (-other)

    def __radd__(self, other): # other + self
        return self + other

    def tanh(self):
        x = self.data
        t = (math.exp(2*x) - 1)/(math.exp(2*x) + 1)
        out = Value(t, (self, ), 'tanh')
    
        def _backward():
            self.grad += (1 - t**2) * out.grad
        out._backward = _backward
    
        return out
  
    def exp(self):
        x = self.data
        out = Value(math.exp(x), (self, ), 'exp')
    
        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
    
        return out
  
  
    def backward(self):
    
        topo = []
        visited = set()
        def build_topo(v):
            if v not in visited:
                visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)
        build_topo(self)
    
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
