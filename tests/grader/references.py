"""The battery's references, one namespace per topic with the exercises' names: torch's own
functions where torch has one, the docstrings' formulas (computed in float64 where rounding
matters, then given the input's dtype) where it has none. Never solutions/.

They hold closed forms, i.e. answers, so they stay in tests/ and never reach a release: the
grader judges against what they computed, stored by ``python tests/grader/domain_answers.py
update`` in ``tests/suites/answers_<topic>.pt`` (:mod:`grader.checks.cases.domain_answers`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


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
    """One node of the docstring's Value, in float64 torch: its unary ops, ``a ** k`` and ``a * k`` (k a
    number), and their gradient."""

    def __init__(self, data: float) -> None:
        self.leaf = torch.tensor(float(data), dtype=torch.float64, requires_grad=True)

    def _unary(self, fn: Callable[[torch.Tensor], torch.Tensor]) -> SimpleNamespace:
        out = SimpleNamespace(data=float(fn(self.leaf).detach()), grad=0.0)
        node = self

        def backward() -> None:
            fn(node.leaf).backward()
            out.grad = 1.0

        out.backward = backward
        return out

    def tanh(self):
        return self._unary(torch.tanh)

    def exp(self):
        return self._unary(torch.exp)

    def relu(self):
        return self._unary(torch.relu)

    def __pow__(self, k: float):
        return self._unary(lambda t: t**k)

    def __mul__(self, k: float):
        return self._unary(lambda t: t * k)

    __rmul__ = __mul__

    @property
    def data(self) -> float:
        return float(self.leaf.detach())

    @property
    def grad(self) -> float:
        return float(self.leaf.grad) if self.leaf.grad is not None else 0.0


autograd = SimpleNamespace(
    linear_grad=lambda w, x, y: (2 * x * (w * x - y)).mean(),
    quadratic_grads=lambda w1, w2, b, x, y: tuple(
        (2 * (w1 * x**2 + w2 * x + b - y) * f).mean() for f in (x**2, x, torch.ones_like(x))
    ),
    grad_of_vector_fn=lambda f, x: _autograd(f)(x),
    detach_grad=lambda x: x * x,
    Sigmoid=SimpleNamespace(apply=lambda x: _sigmoid(x)),
    numerical_grad=_numerical_grad,
    Value=_Value,
)


def _sigmoid(x: torch.Tensor) -> torch.Tensor:
    # σ exact in the float64 tails: torch.sigmoid gives 0 below x ≈ −709 where σ is a subnormal
    # (its gradient too: through torch.where, none through |x|'s kink at 0)
    positive = x >= 0
    e_pos = torch.exp(-torch.where(positive, x, torch.zeros_like(x)))
    e_neg = torch.exp(torch.where(positive, torch.zeros_like(x), x))
    return torch.where(positive, 1 / (1 + e_pos), e_neg / (1 + e_neg))


def _softplus(z: torch.Tensor) -> torch.Tensor:
    # log(e^z + 1), exact to an ulp in the tails (torch's BCE-with-logits rounds log(1 + e) there)
    return torch.logaddexp(z, torch.zeros_like(z))


losses = SimpleNamespace(
    mse=lambda y_hat, y, reduction="mean": F.mse_loss(y_hat, y, reduction=reduction),
    l1=lambda y_hat, y, reduction="mean": F.l1_loss(y_hat, y, reduction=reduction),
    huber=lambda y_hat, y, delta=1.0: F.huber_loss(y_hat, y, delta=delta),
    sigmoid=lambda x: _sigmoid(x),
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


class _Logistic(nn.Module):
    def __init__(self, in_features):
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x):
        return torch.sigmoid(self.linear(x))


class _Diabetes(nn.Module):
    def __init__(self, in_features=7):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(in_features, 6), nn.Linear(6, 4), nn.Linear(4, 1)])

    def forward(self, x):
        for layer in self.layers:
            x = torch.sigmoid(layer(x))
        return x


class _MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(a, b) for a, b in zip(sizes, sizes[1:])])
        self.act = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[activation]
        self.p = dropout

    def forward(self, x):
        x = x.reshape(x.shape[0], -1)
        for layer in self.layers[:-1]:
            x = F.dropout(self.act(layer(x)), self.p, self.training)
        return self.layers[-1](x)


mlp.LogisticRegression, mlp.DiabetesNet, mlp.MLP = _Logistic, _Diabetes, _MLP


class _InceptionA(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.b1 = nn.Conv2d(c, 16, 1)
        self.b5 = nn.Sequential(nn.Conv2d(c, 16, 1), nn.Conv2d(16, 24, 5, padding=2))
        self.b3 = nn.Sequential(
            nn.Conv2d(c, 16, 1), nn.Conv2d(16, 24, 3, padding=1), nn.Conv2d(24, 24, 3, padding=1)
        )
        self.bp = nn.Conv2d(c, 24, 1)

    def forward(self, x):
        pooled = F.avg_pool2d(x, 3, stride=1, padding=1)
        return torch.cat([self.b1(x), self.b5(x), self.b3(x), self.bp(pooled)], dim=1)


def _googlenet(pad1, pad2, global_pool):
    """GoogLeNetMini as its docstring allows it: 5×5 convolutions padded ``pad1``/``pad2``, a
    linear head on the flattened features or on their global average."""

    class GoogLeNetMini(nn.Module):
        def __init__(self, in_channels=1, num_classes=10, input_size=28):
            super().__init__()
            self.conv1, self.conv2 = (
                nn.Conv2d(in_channels, 10, 5, padding=pad1),
                nn.Conv2d(88, 20, 5, padding=pad2),
            )
            self.incep1, self.incep2 = _InceptionA(10), _InceptionA(20)
            side = input_size
            for pad in (pad1, pad2):
                side = (side + 2 * pad - 4) // 2
            self.fc = nn.Linear(88 if global_pool else 88 * side * side, num_classes)

        def forward(self, x):
            x = self.incep1(F.max_pool2d(torch.relu(self.conv1(x)), 2))
            x = self.incep2(F.max_pool2d(torch.relu(self.conv2(x)), 2))
            return self.fc(x.mean(dim=(2, 3)) if global_pool else x.flatten(1))

    return GoogLeNetMini


def _survives(pad1, pad2):
    for side in (8, 28):
        for pad in (pad1, pad2):
            side = (side + 2 * pad - 4) // 2
        if side < 1:
            return False
    return True


inception = SimpleNamespace(
    conv_mults=lambda h, w, c_in, c_out, k: k * k * c_in * c_out * h * w,
    InceptionA=_InceptionA,
    GoogLeNetMini=_googlenet(2, 2, False),
)


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


class _Residual(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return torch.relu(x + self.conv2(torch.relu(self.conv1(x))))


class _Basic(nn.Module):
    def __init__(self, c_in, c_out, stride=1):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False),
            nn.BatchNorm2d(c_out),
            nn.ReLU(),
            nn.Conv2d(c_out, c_out, 3, padding=1, bias=False),
            nn.BatchNorm2d(c_out),
        )
        projection = stride != 1 or c_in != c_out
        self.shortcut = (
            nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False), nn.BatchNorm2d(c_out))
            if projection
            else nn.Identity()
        )

    def forward(self, x):
        return torch.relu(self.main(x) + self.shortcut(x))


resnet = SimpleNamespace(batch_norm=_batch_norm, ResidualBlock=_Residual, BasicBlock=_Basic)


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


# Where a docstring allows several structures, each one's answers are stored too (key|1, key|2…)
VARIANTS = {
    ("inception", "GoogLeNetMini"): [
        SimpleNamespace(**{**vars(inception), "GoogLeNetMini": _googlenet(p1, p2, head)})
        for p1 in range(4)
        for p2 in range(4)
        for head in (False, True)
        if _survives(p1, p2) and (p1, p2, head) != (2, 2, False)
    ],
}
