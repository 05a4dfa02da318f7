"""The battery's references, one namespace per topic with the exercises' names: torch's own
functions where torch has one, the docstrings' formulas (computed in float64 where rounding
matters, then given the input's dtype) where it has none. Never solutions/."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F


def _in(dtype: torch.dtype, value: torch.Tensor) -> torch.Tensor:
    return value.to(dtype)


tensors = SimpleNamespace(
    add_into=lambda z, x, y: z.copy_(x + y),
    row_normalize=lambda x: _in(x.dtype, x.double() / x.double().sum(1, keepdim=True)),
    pairwise_sq_dists=lambda a, b: _in(a.dtype, ((a.double()[:, None] - b.double()[None]) ** 2).sum(-1)),
    one_hot=lambda labels, num_classes: F.one_hot(labels, num_classes).float(),
    accuracy=lambda y_hat, y: ((y_hat.argmax(1) if y_hat.dim() == 2 else y_hat) == y).double().mean().item(),
    flatten_batch=lambda x: x.reshape(x.shape[0], -1),
    fill_nan_with_column_mean=lambda x: torch.where(x.isnan(), x.nanmean(0, keepdim=True), x),
    matmul=lambda a, b: _in(a.dtype, a.double() @ b.double()),
    norms=lambda x: (
        _in(x.dtype, x.double().abs().sum()),
        _in(x.dtype, x.double().pow(2).sum().sqrt()),
    ),
)


def _autograd(fn: Callable[[torch.Tensor], torch.Tensor]) -> Callable[[torch.Tensor], torch.Tensor | None]:
    def grad(x: torch.Tensor) -> torch.Tensor | None:
        leaf = x.detach().clone().requires_grad_(True)
        fn(leaf).sum().backward()
        return leaf.grad

    return grad


def _numerical_grad(f: Callable[[torch.Tensor], Any], x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        e = torch.zeros_like(x).reshape(-1)
        e[i] = eps
        e = e.reshape(x.shape)
        grad.reshape(-1)[i] = (float(f(x + e)) - float(f(x - e))) / (2 * eps)
    return grad


class _Value:
    """One node of the docstring's Value, in float64 torch: its unary ops and their gradient."""

    def __init__(self, data: float) -> None:
        self.leaf = torch.tensor(float(data), dtype=torch.float64, requires_grad=True)

    def _unary(self, fn: Callable[[torch.Tensor], torch.Tensor]) -> SimpleNamespace:
        out = SimpleNamespace(data=float(fn(self.leaf)), grad=0.0)
        node = self

        def backward() -> None:
            fn(node.leaf).backward()
            out.grad = 1.0

        out.backward = backward
        return out

    @property
    def grad(self) -> float:
        return float(self.leaf.grad) if self.leaf.grad is not None else 0.0


# Value's unary operations, through torch's autograd (not written out as Value's own)
for _name, _fn in (("tanh", torch.tanh), ("exp", torch.exp), ("relu", torch.relu)):
    setattr(_Value, _name, lambda self, fn=_fn: self._unary(fn))


autograd = SimpleNamespace(
    linear_grad=lambda w, x, y: (2 * x * (w * x - y)).mean(),
    quadratic_grads=lambda w1, w2, b, x, y: tuple(
        (2 * (w1 * x**2 + w2 * x + b - y) * f).mean() for f in (x**2, x, torch.ones_like(x))
    ),
    grad_of_vector_fn=lambda f, x: _autograd(f)(x),
    detach_grad=lambda x: x * x,
    Sigmoid=SimpleNamespace(apply=torch.sigmoid),
    numerical_grad=_numerical_grad,
    Value=_Value,
)


def _softplus(z: torch.Tensor) -> torch.Tensor:
    # log(e^z + 1), exact to an ulp in the tails (torch's BCE-with-logits rounds log(1 + e) there)
    return torch.logaddexp(z, torch.zeros_like(z))


losses = SimpleNamespace(
    mse=lambda y_hat, y, reduction="mean": F.mse_loss(y_hat, y, reduction=reduction),
    l1=lambda y_hat, y, reduction="mean": F.l1_loss(y_hat, y, reduction=reduction),
    huber=lambda y_hat, y, delta=1.0: F.huber_loss(y_hat, y, delta=delta),
    sigmoid=torch.sigmoid,
    bce=F.binary_cross_entropy,
    bce_with_logits=lambda z, y: (y * _softplus(-z) + (1 - y) * _softplus(z)).mean(),
    softmax=lambda x, dim=-1: torch.softmax(x, dim),
    log_softmax=lambda x, dim=-1: torch.log_softmax(x, dim),
    cross_entropy=lambda logits, target: F.cross_entropy(
        logits, target if target.shape != logits.shape else target.to(logits.dtype)
    ),
    entropy=lambda p: torch.special.entr(p).sum(-1),
    kl_div=lambda p, q: torch.where(p > 0, p * (p.log() - q.log()), torch.zeros_like(p)).sum(-1),
)


def _gd_fit(x: torch.Tensor, y: torch.Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    w, found = 1.0, []
    for _ in range(steps):
        found.append(float(((w * x - y) ** 2).mean()))
        w = w - lr * float((2 * x * (w * x - y)).mean())
    return w, found


def _sgd_fit(
    x: torch.Tensor, y: torch.Tensor, lr: float, epochs: int, generator: torch.Generator | None = None
) -> tuple[float, list[float]]:
    w, found = 1.0, []
    for _ in range(epochs):
        for i in torch.randperm(len(x), generator=generator).tolist():
            w = w - lr * float(2 * x[i] * (w * x[i] - y[i]))
        found.append(float(((w * x - y) ** 2).mean()))
    return w, found


def _minibatch_indices(
    n: int, batch_size: int, shuffle: bool = True, generator: torch.Generator | None = None
) -> list[torch.Tensor]:
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    return list(order.split(batch_size))


def _ema(values: torch.Tensor, beta: float, bias_correction: bool = True) -> torch.Tensor:
    s, out = 0.0, []
    for t, v in enumerate(values.double().tolist(), start=1):
        s = beta * s + (1 - beta) * v
        out.append(s / (1 - beta**t) if bias_correction else s)
    return torch.tensor(out, dtype=torch.float64).to(values.dtype)


def _closed_form(X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    Xd, yd = X.double(), y.double()
    solved: torch.Tensor = torch.linalg.solve(Xd.T @ Xd, Xd.T @ yd)
    return solved.to(X.dtype)


class _Diabetes:
    def __init__(self, path: str) -> None:
        table = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.x, self.y = torch.from_numpy(table[:, :-1]), torch.from_numpy(table[:, [-1]])

    def __len__(self) -> int:
        return len(self.y)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.x[i], self.y[i]


optim = SimpleNamespace(
    closed_form_linear_regression=_closed_form,
    gd_fit=_gd_fit,
    sgd_fit=_sgd_fit,
    minibatch_indices=_minibatch_indices,
    SGD=torch.optim.SGD,
    Adam=torch.optim.Adam,
    ema=_ema,
    DiabetesDataset=_Diabetes,
    k_fold_indices=lambda n, k: list(torch.arange(n).tensor_split(k)),
)


def _train_epoch(
    model: torch.nn.Module,
    loader: Iterable[tuple[torch.Tensor, torch.Tensor]],
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    device: str,
) -> float:
    model.train()
    total, count = 0.0, 0
    for x, y in loader:
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total, count = total + loss.item() * len(x), count + len(x)
    return total / count


@torch.no_grad()
def _evaluate(
    model: torch.nn.Module, loader: Iterable[tuple[torch.Tensor, torch.Tensor]], device: str
) -> float:
    model.eval()
    right, count = 0, 0
    for x, y in loader:
        out = model(x)
        hit = (out[:, 0] > 0.5).long() == y.reshape(-1).long() if out.shape[1] == 1 else out.argmax(1) == y
        right, count = right + int(hit.sum()), count + len(x)
    return right / count


def _xavier_bound(tensor: torch.Tensor) -> float:
    receptive = math.prod(tensor.shape[2:])
    return math.sqrt(6 / ((tensor.shape[0] + tensor.shape[1]) * receptive))


mlp = SimpleNamespace(
    # only the cases the docstring pins; a random mask is judged by its relations (same seed, other seed)
    dropout=lambda x, p, training=True: (
        x if not training or p == 0 else torch.zeros_like(x) if p >= 1 else None
    ),
    xavier_uniform_=lambda tensor: torch.tensor(_xavier_bound(tensor)),
    relu=torch.relu,
    tanh=torch.tanh,
    hard_sigmoid_from_relus=lambda x: torch.relu(x + 0.5) - torch.relu(x - 0.5),
    train_epoch=_train_epoch,
    evaluate=_evaluate,
)


def _corr2d(x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    return F.conv2d(x[None, None], k[None, None])[0, 0]


cnn = SimpleNamespace(
    corr2d=_corr2d,
    conv2d=F.conv2d,
    conv_output_size=lambda n, k, padding=0, stride=1: (n + 2 * padding - k) // stride + 1,
    max_pool2d=lambda x, kernel_size, stride=None: F.max_pool2d(x, kernel_size, stride),
)

inception = SimpleNamespace(conv_mults=lambda h, w, c_in, c_out, k: k * k * c_in * c_out * h * w)


DOCSTRING_DEFAULTS = (0.1, 1e-5)  # batch_norm's momentum and eps, as exercises/resnet.py states


def _batch_norm(
    x: torch.Tensor,
    gamma: torch.Tensor,
    beta: torch.Tensor,
    running_mean: torch.Tensor | None,
    running_var: torch.Tensor | None,
    training: bool,
    *options: float,
) -> torch.Tensor:
    momentum, eps = [*options, *DOCSTRING_DEFAULTS[len(options) :]]
    return F.batch_norm(x, running_mean, running_var, gamma, beta, training, momentum, eps)


resnet = SimpleNamespace(batch_norm=_batch_norm)


def _rnn_forward(
    x: torch.Tensor,
    h0: torch.Tensor,
    params: Sequence[tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]],
) -> tuple[torch.Tensor, torch.Tensor]:
    layer_input = x
    last: list[torch.Tensor] = []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h, steps = h0[layer], []
        for x_t in layer_input:
            h = torch.rnn_tanh_cell(x_t, h, w_ih, w_hh, b_ih, b_hh)
            steps.append(h)
        layer_input, last = torch.stack(steps), [*last, h]
    return layer_input, torch.stack(last)


rnn = SimpleNamespace(
    rnn_cell=torch.rnn_tanh_cell,
    rnn_forward=_rnn_forward,
    embedding_lookup=lambda weight, idx: F.embedding(idx, weight),
    encode_chars=lambda text, vocab: torch.tensor([list(vocab).index(c) for c in text], dtype=torch.int64),
    gru_cell=torch.gru_cell,
)
