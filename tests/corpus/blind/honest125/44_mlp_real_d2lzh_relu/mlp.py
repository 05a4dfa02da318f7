# Graded code is a subset of Python: public names of torch, numpy and the standard helpers
# (math, typing, collections...; no `_private` module), attributes written out by name, no
# eval/exec/globals(); anything else is refused before it runs, with what to write instead.
"""Multilayer perceptrons — 多层感知机, 逻辑斯蒂回归, 多维输入, 多分类, 激活函数, 正则化.

A linear layer computes x·Wᵀ + b. Stacking linear layers alone stays linear, so each hidden
layer is followed by a non-linear activation (激活函数): ReLU max(x, 0), tanh, sigmoid.
Two ReLUs already make a "hard sigmoid", and sums of such pieces can approximate any curve.

- Logistic regression (逻辑斯蒂回归) is one linear layer and a sigmoid: a probability.
- The lecture's diabetes network (多维特征输入) maps 8 features → 6 → 4 → 1 with a sigmoid
  after every layer.
- A classifier with c classes (多分类) outputs c scores (logits); softmax + cross-entropy
  turn them into a loss.
- Dropout (丢弃法, a regulariser) zeroes each activation with probability p during training
  and scales the survivors by 1/(1 − p), so nothing changes in expectation; at evaluation it
  does nothing.
- Xavier initialisation keeps the variance of activations steady from layer to layer.
- Training (全流程) repeats four steps per batch: forward, loss, zero_grad + backward, step.

How your code is checked (``grade exercises/ --topic mlp``): values against torch (float32
within rtol=1e-5, atol=1e-6; float64 within rtol=1e-7; float16 within rtol=1e-2, atol=1e-3), gradients in float64 (rtol=1e-7), the statistics of dropout and Xavier
initialisation with seeded generators and generous bounds, modules by their behaviour and the
parameter shapes their docstrings pin, training loops against a replay of the same steps,
models trained on the shipped digits and diabetes data, and devices.
Inputs may be non-contiguous views (``x.T``, slices) unless a docstring says contiguous:
use ``reshape`` where ``view`` would fail.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn




def tanh(x: Tensor) -> Tensor:
    """tanh(x) = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ), element-wise; same shape and dtype.

    Finite at ±1000: write it so no exponential overflows (e.g. with e^(−2|x|) and the sign of x).
    Its gradient at exactly 0 is not judged (``torch.sign`` has none).
    Off limits: ``torch.tanh``, ``F.tanh``, ``Tensor.tanh``, ``nn.Tanh``, ``torch.tan`` (on complex
    numbers, tan(ix) = i·tanh(x)), and what computes tanh inside: ``F.mish`` (x·tanh(softplus(x))),
    ``F.gelu`` and ``nn.GELU`` (its tanh approximation), the recurrent layers ``nn.RNN``, ``nn.LSTM``, ``nn.GRU``, ``nn.RNNCell``, ``nn.LSTMCell``, ``nn.GRUCell``;
    and no gradient taken inside the call (``.backward()``, ``torch.autograd.grad``: the gradient of
    logaddexp(x, −x) is tanh).
    """
    raise NotImplementedError("tanh: use exp(-2|x|) so nothing overflows, then restore the sign")


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    """relu(x + 0.5) − relu(x − 0.5): 0 below −0.5, 1 above 0.5, linear in between.

    Two ReLUs make a hard sigmoid (the ML lecture's piecewise-linear curves). Judged on |x| ≤ 100.
    Off limits: ``F.hardsigmoid``, ``F.hardswish`` (x·hardsigmoid(x)), ``F.hardtanh``, ``torch.clamp``,
    ``torch.clip``, and relu's other twins: ``F.leaky_relu``, ``F.rrelu``, ``F.prelu``, ``F.elu``,
    ``F.celu``, ``F.threshold``, ``F.relu6``, ``F.softplus`` and the losses with a hinge.
    """
    raise NotImplementedError("hard_sigmoid_from_relus: the difference of two shifted ReLUs")


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    """Inverted dropout (丢弃法): zero each element with probability p, scale survivors by 1/(1 − p).

    Use torch's random number generator (e.g. ``torch.rand_like(x) > p``), so results follow
    ``torch.manual_seed``. ``p = 1`` gives zeros (no division by zero); ``training=False``
    returns x unchanged. Same shape and dtype as x. Off limits: ``F.dropout``, ``nn.Dropout`` and
    torch's other dropouts (``F.dropout1d`` on one channel a value is a dropout of values).
    """
    raise NotImplementedError("dropout: a random keep-mask, then multiply by mask / (1 - p)")


def xavier_uniform_(tensor: Tensor) -> Tensor:
    """Xavier (Glorot) initialisation (Xavier 初始化), in place: values from U(−a, a).

        a = √(6 / (fan_in + fan_out))

    with torch's fan rule: for a weight of shape (out, in, *kernel), fan_in = in·∏kernel and
    fan_out = out·∏kernel (a linear weight (out, in) has no kernel). Fill ``tensor`` itself
    (under ``torch.no_grad()``) with torch's RNG and return it.
    Off limits: ``nn.init.xavier_uniform_``, ``nn.init.kaiming_uniform_`` (its slope chosen to
    give the same bound).
    """
    raise NotImplementedError("xavier_uniform_: compute the fans, then tensor.uniform_(-a, a)")


class LogisticRegression(nn.Module):
    """Logistic regression (逻辑斯蒂回归): one linear layer in_features → 1, then a sigmoid.

    forward(x (n, in_features)) → probabilities (n, 1) in (0, 1).
    """

    def __init__(self, in_features: int) -> None:
        raise NotImplementedError("LogisticRegression: one nn.Linear(in_features, 1)")


class DiabetesNet(nn.Module):
    """The lecture's network for multi-dimensional input (多维特征输入): in_features → 6 → 4 → 1.

    Three ``nn.Linear`` layers (with bias) and a sigmoid after every one of them.
    forward(x (n, in_features)) → probabilities (n, 1). (The shipped diabetes table has 7
    features, so it is used as ``DiabetesNet(7)``.)
    """

    def __init__(self, in_features: int = 8) -> None:
        raise NotImplementedError("DiabetesNet: Linear(in, 6), Linear(6, 4), Linear(4, 1)")


class MLP(nn.Module):
    """A multilayer perceptron for a softmax classifier (多分类).

    ``MLP(sizes, activation="relu", dropout=0.0)``: ``nn.Linear`` layers (with bias)
    sizes[0] → sizes[1] → … → sizes[-1]; after each hidden layer (every layer but the last)
    the activation ("relu" | "tanh" | "sigmoid") and then, if ``dropout > 0``, dropout with that
    probability (active in train mode only). Inputs with more than 2 dims are flattened to
    (n, sizes[0]) first (images (n, 1, 8, 8) → (n, 64)). Returns logits (n, sizes[-1]) — no
    softmax. Apply each ``nn.Linear`` by calling it (``layer(h)``, as ``nn.Sequential`` does),
    not by hand from its ``weight`` and ``bias``: the checks watch what each layer receives.
    """

    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        raise NotImplementedError("MLP: Linear layers with the activation (and dropout) between them")


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    """One epoch of training (全流程): for each (inputs, targets) batch of ``loader``:

        move both to ``device`` (the model is already there), forward, loss = loss_fn(outputs, targets),
        optimizer.zero_grad(), loss.backward(), optimizer.step()

    Puts the model in train mode. Returns the epoch's mean loss weighted by batch size
    (Σ loss·batch_size / number of samples; the last batch may be smaller) as a Python float.
    """
    raise NotImplementedError("train_epoch: the four steps per batch, and a weighted mean of the losses")


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    """Accuracy of ``model`` over ``loader`` as a Python float, in eval mode under ``torch.no_grad()``.

    Batches are moved to ``device``. Outputs (n, 1) are probabilities: predict 1 where > 0.5,
    compared with labels (n,) or (n, 1). Outputs (n, c) with c ≥ 2 are scores: predict their
    argmax, compared with int64 labels (n,).
    """
    raise NotImplementedError("evaluate: eval(), no_grad, count correct predictions over all batches")


# ---------------------------------------------------------------------------
# relu — taken as found from d2l-ai/d2l-zh,
# chapter_multilayer-perceptrons/mlp-scratch.md (the `#@tab pytorch` cell,
# commit 10b71cd3315ffe467a8e1115632dc16594b2e1e0); parameter X renamed x.
# ---------------------------------------------------------------------------
def relu(x):
    a = torch.zeros_like(x)
    return torch.max(x, a)
