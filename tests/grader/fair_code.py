"""The fair-code corpus: ordinary PyTorch a learner writes, each snippet one correct exercise.

A snippet redefines one exercise of a topic's reference solution (``solutions/<topic>.py`` with
the snippet appended): the module is correct, so it must score full. ``COSTS_ITS_EXERCISE`` are
correct too but outside the graded subset (eval, ``globals()[name]``, ``sys.modules``): they cost
only the exercise whose code holds the line, never the rest of the topic.
"""

from __future__ import annotations

import ast

from helpers import REPO

# name -> (topic, exercise, snippet)
FAIR: dict[str, tuple[str, str, str]] = {
    "getattr(values, reduction)() after a membership check": (
        "losses",
        "mse",
        """
def _reduce(values, reduction):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"unknown reduction {reduction!r}")
    return values if reduction == "none" else getattr(values, reduction)()
""",
    ),
    "a match statement on the reduction": (
        "losses",
        "l1",
        """
def l1(y_hat, y, reduction="mean"):
    d = (y_hat - y).abs()
    match reduction:
        case "mean":
            return d.mean()
        case "sum":
            return d.sum()
        case "none":
            return d
        case other:
            raise ValueError(other)
""",
    ),
    "a dict of lambdas": (
        "losses",
        "mse",
        """
REDUCTIONS = {"mean": lambda v: v.mean(), "sum": lambda v: v.sum(), "none": lambda v: v}


def mse(y_hat, y, reduction="mean"):
    return REDUCTIONS[reduction]((y_hat - y) ** 2)
""",
    ),
    "typing annotations (Optional, Union, Literal)": (
        "losses",
        "huber",
        """
from typing import Literal, Optional, Union

Number = Union[int, float]


def huber(y_hat: torch.Tensor, y: torch.Tensor, delta: Number = 1.0) -> torch.Tensor:
    d: torch.Tensor = (y_hat - y).abs()
    kind: Optional[Literal["quadratic"]] = None
    quadratic = 0.5 * d**2
    return torch.where(d <= delta, quadratic, delta * (d - 0.5 * delta)).mean()
""",
    ),
    "softmax with keepdim and an f-string check": (
        "losses",
        "softmax",
        """
def softmax(x, dim=-1):
    assert x.dim() > 0, f"softmax needs at least one dimension, got {x.shape}"
    shifted = x - x.amax(dim=dim, keepdim=True)
    e = shifted.exp()
    return e / e.sum(dim=dim, keepdim=True)
""",
    ),
    "log_softmax through a named LogSumExp": (
        "losses",
        "log_softmax",
        """
def _logsumexp(x, dim):
    m = x.amax(dim=dim, keepdim=True)
    return m + (x - m).exp().sum(dim=dim, keepdim=True).log()


def log_softmax(x, dim=-1):
    return x - _logsumexp(x, dim)
""",
    ),
    "cross_entropy with a match on the target's shape": (
        "losses",
        "cross_entropy",
        """
def cross_entropy(logits, target):
    logp = log_softmax(logits, dim=1)
    match target.dim():
        case 1:
            return -logp.gather(1, target[:, None]).mean()
        case _:
            return -(target.to(logp.dtype) * logp).sum(dim=1).mean()
""",
    ),
    "entropy with torch.special.xlogy": (
        "losses",
        "entropy",
        """
def entropy(p):
    return -torch.special.xlogy(p, p).sum(dim=-1)
""",
    ),
    "kl_div with math.inf": (
        "losses",
        "kl_div",
        """
import math


def kl_div(p, q):
    terms = torch.where(p > 0, p * (p.log() - q.log()), torch.zeros_like(p))
    terms = torch.where((p > 0) & (q == 0), torch.full_like(p, math.inf), terms)
    return terms.sum(dim=-1)
""",
    ),
    "functools.partial of a shared helper": (
        "losses",
        "l1",
        """
import functools


def _pointwise(y_hat, y, reduction="mean", *, fn):
    return _reduce(fn(y_hat - y), reduction)


_l1 = functools.partial(_pointwise, fn=torch.abs)


def l1(y_hat, y, reduction="mean"):
    return _l1(y_hat, y, reduction)
""",
    ),
    "getattr(F, name)(x) in forward": (
        "mlp",
        "MLP",
        """
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.activation, self.p = activation, dropout

    def forward(self, x):
        x = x.flatten(1)
        for linear in self.linears[:-1]:
            x = F.dropout(getattr(F, self.activation)(linear(x)), self.p, self.training)
        return self.linears[-1](x)
""",
    ),
    "getattr(nn, activation)()": (
        "mlp",
        "MLP",
        """
CLASS_NAMES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}


class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
            layers.append(nn.Linear(n_in, n_out))
            if i < len(sizes) - 2:
                layers.append(getattr(nn, CLASS_NAMES[activation])())
                if dropout:
                    layers.append(nn.Dropout(dropout))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x.flatten(1))
""",
    ),
    'setattr(self, f"fc{i}", nn.Linear(...))': (
        "mlp",
        "MLP",
        """
class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        self.n = len(sizes) - 1
        for i in range(self.n):
            setattr(self, f"fc{i}", nn.Linear(sizes[i], sizes[i + 1]))
        self.act = ACTIVATIONS[activation]()
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = x.flatten(1)
        for i in range(self.n):
            x = getattr(self, f"fc{i}")(x)
            if i < self.n - 1:
                x = self.drop(self.act(x))
        return x
""",
    ),
    "hasattr with a computed name": (
        "mlp",
        "MLP",
        """
class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
            setattr(self, f"layer{i}", nn.Linear(a, b))
        self.act, self.p = ACTIVATIONS[activation](), dropout

    def forward(self, x):
        x, i = x.flatten(1), 0
        while hasattr(self, f"layer{i}"):
            x = getattr(self, f"layer{i}")(x)
            if hasattr(self, f"layer{i + 1}"):
                x = nn.functional.dropout(self.act(x), self.p, self.training)
            i += 1
        return x
""",
    ),
    "a ResidualBlock that applies its convolutions' weights with F.conv2d": (
        "resnet",
        "ResidualBlock",
        """
class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        h = F.relu(F.conv2d(x, self.conv1.weight, self.conv1.bias, padding=1))
        return F.relu(x + F.conv2d(h, self.conv2.weight, self.conv2.bias, padding=1))
""",
    ),
    "nn.ModuleDict": (
        "mlp",
        "DiabetesNet",
        """
class DiabetesNet(nn.Module):
    def __init__(self, in_features=8):
        super().__init__()
        self.layers = nn.ModuleDict(
            {"hidden1": nn.Linear(in_features, 6), "hidden2": nn.Linear(6, 4), "out": nn.Linear(4, 1)}
        )

    def forward(self, x):
        for layer in self.layers.values():
            x = torch.sigmoid(layer(x))
        return x
""",
    ),
    "nn.Sequential built from a list comprehension": (
        "mlp",
        "MLP",
        """
class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        blocks = [
            [nn.Linear(a, b), ACTIVATIONS[activation](), nn.Dropout(dropout)]
            for a, b in zip(sizes[:-2], sizes[1:-1])
        ]
        self.net = nn.Sequential(*[m for block in blocks for m in block], nn.Linear(sizes[-2], sizes[-1]))

    def forward(self, x):
        return self.net(torch.flatten(x, 1))
""",
    ),
    "a dataclass for the layer sizes": (
        "mlp",
        "MLP",
        """
from dataclasses import dataclass, field


@dataclass
class Spec:
    sizes: list
    activation: str = "relu"
    dropout: float = 0.0
    extra: dict = field(default_factory=dict)


class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        spec = Spec(list(sizes), activation, dropout)
        layers = []
        for i in range(len(spec.sizes) - 1):
            layers.append(nn.Linear(spec.sizes[i], spec.sizes[i + 1]))
            if i < len(spec.sizes) - 2:
                layers += [ACTIVATIONS[spec.activation](), nn.Dropout(spec.dropout)]
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x.flatten(1))
""",
    ),
    "a lambda bound to a name": (
        "mlp",
        "relu",
        """
relu = lambda x: torch.where(x > 0, x, torch.zeros_like(x))  # noqa: E731
""",
    ),
    "tanh with a nested helper": (
        "mlp",
        "tanh",
        """
def tanh(x):
    def odd(z):
        return torch.sign(x) * z

    e = torch.exp(-2 * x.abs())
    return odd((1 - e) / (1 + e))
""",
    ),
    "dropout with torch.bernoulli": (
        "mlp",
        "dropout",
        """
def dropout(x, p, training=True):
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    mask = torch.bernoulli(torch.full_like(x, 1 - p))
    return x * mask / (1 - p)
""",
    ),
    "@torch.no_grad() on an initialiser": (
        "mlp",
        "xavier_uniform_",
        """
@torch.no_grad()
def xavier_uniform_(tensor):
    fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(tensor)
    a = math.sqrt(6.0 / (fan_in + fan_out))
    return tensor.uniform_(-a, a)
""",
    ),
    "evaluate with @torch.no_grad() and zip": (
        "mlp",
        "evaluate",
        """
@torch.no_grad()
def evaluate(model, loader, device):
    model.eval()
    right = total = 0
    for inputs, targets in loader:
        scores = model(inputs.to(device))
        binary = scores.shape[1] == 1
        predicted = (scores[:, 0] > 0.5).long() if binary else scores.argmax(dim=1)
        labels = targets.reshape(-1).long().tolist()
        right += sum(int(p == t) for p, t in zip(predicted.tolist(), labels))
        total += len(labels)
    return right / total
""",
    ),
    "train_epoch as on a GPU: pinned batches, copies without blocking, synchronize": (
        "mlp",
        "train_epoch",
        """
def train_epoch(model, loader, loss_fn, optimizer, device):
    on_gpu = str(device).startswith("cuda")
    model.train()
    total, count = 0.0, 0
    for inputs, targets in loader:
        if on_gpu:
            inputs = inputs.pin_memory().to(device, non_blocking=True)
            targets = targets.pin_memory().to(device, non_blocking=True)
        else:
            inputs, targets = inputs.to(device), targets.to(device)
        loss = loss_fn(model(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(inputs)
        count += len(inputs)
    if on_gpu:
        torch.cuda.synchronize(device)
    return total / count
""",
    ),
    "evaluate on torch.device('cuda', 0) when CUDA is there": (
        "mlp",
        "evaluate",
        """
@torch.no_grad()
def evaluate(model, loader, device):
    if torch.device(device) == torch.device("cuda", 0):
        torch.cuda.synchronize()
    model.eval()
    right = total = 0
    for inputs, targets in loader:
        scores = model(inputs.to(device))
        predicted = (scores[:, 0] > 0.5).long() if scores.shape[1] == 1 else scores.argmax(dim=1)
        labels = targets.to(device).reshape(-1).long()
        right += int((predicted == labels).sum())
        total += len(labels)
    return right / total
""",
    ),
    "LogisticRegression as one nn.Sequential": (
        "mlp",
        "LogisticRegression",
        """
class LogisticRegression(nn.Module):
    def __init__(self, in_features):
        super().__init__()
        self.model = nn.Sequential(nn.Linear(in_features, 1), nn.Sigmoid())

    def forward(self, x):
        return self.model(x)
""",
    ),
    "row_normalize with keepdim": (
        "tensors",
        "row_normalize",
        """
def row_normalize(x):
    return x / x.sum(dim=1, keepdim=True)
""",
    ),
    "one_hot with scatter_": (
        "tensors",
        "one_hot",
        """
def one_hot(labels: torch.Tensor, num_classes: int) -> torch.Tensor:
    out = torch.zeros(len(labels), num_classes, device=labels.device)
    return out.scatter_(1, labels[:, None], 1.0)
""",
    ),
    "accuracy with a conditional expression": (
        "tensors",
        "accuracy",
        """
def accuracy(y_hat, y):
    labels = y_hat.argmax(dim=1) if y_hat.dim() > 1 else y_hat
    return (labels == y).float().mean().item()
""",
    ),
    "norms as a tuple from a generator": (
        "tensors",
        "norms",
        """
def norms(x):
    return tuple(f(x) for f in (lambda t: t.abs().sum(), lambda t: (t * t).sum().sqrt()))
""",
    ),
    "pairwise_sq_dists by broadcasting with None": (
        "tensors",
        "pairwise_sq_dists",
        """
def pairwise_sq_dists(a, b):
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1)
""",
    ),
    "flatten_batch with reshape and len": (
        "tensors",
        "flatten_batch",
        """
def flatten_batch(x):
    return x.reshape(len(x), -1)
""",
    ),
    "matmul with unsqueeze and sum": (
        "tensors",
        "matmul",
        """
def matmul(a, b):
    return (a.unsqueeze(2) * b.unsqueeze(0)).sum(dim=1)
""",
    ),
    "fill_nan with torch.nanmean": (
        "tensors",
        "fill_nan_with_column_mean",
        """
def fill_nan_with_column_mean(x):
    means = torch.nanmean(x, dim=0, keepdim=True)
    return torch.where(torch.isnan(x), means.expand_as(x), x)
""",
    ),
    "add_into with a slice assignment": (
        "tensors",
        "add_into",
        """
def add_into(z, x, y):
    z[...] = x + y
    return z
""",
    ),
    "ema with enumerate and a list": (
        "optim",
        "ema",
        """
def ema(values, beta, bias_correction=True):
    s, out = 0.0, []
    for t, v in enumerate(values.tolist(), 1):
        s = beta * s + (1 - beta) * v
        out.append(s / (1 - beta**t) if bias_correction else s)
    return torch.tensor(out, dtype=values.dtype, device=values.device)
""",
    ),
    "k_fold_indices with a list comprehension": (
        "optim",
        "k_fold_indices",
        """
def k_fold_indices(n, k):
    return [chunk for chunk in torch.arange(n).tensor_split(k)]
""",
    ),
    "minibatch_indices as a generator": (
        "optim",
        "minibatch_indices",
        """
def minibatch_indices(n, batch_size, shuffle=True, generator=None):
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]
""",
    ),
    "a DataLoader without workers": (
        "optim",
        "DiabetesDataset",
        """
from torch.utils.data import DataLoader, Dataset


class DiabetesDataset(Dataset):
    def __init__(self, path):
        rows = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.x, self.y = torch.from_numpy(rows[:, :-1]), torch.from_numpy(rows[:, -1:])

    def __len__(self):
        return self.x.shape[0]

    def __getitem__(self, i):
        return self.x[i], self.y[i]

    def batches(self, size):
        return DataLoader(self, batch_size=size, shuffle=False, num_workers=0)
""",
    ),
    "gd_fit with annotations and f-strings": (
        "optim",
        "gd_fit",
        """
def gd_fit(x: torch.Tensor, y: torch.Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    w: float = 1.0
    history: list[float] = []
    for step in range(steps):
        history.append(float(((w * x - y) ** 2).mean()))
        w -= lr * float((2 * x * (w * x - y)).mean())
        label = f"step {step}: w={w:.4f}"
    return w, history
""",
    ),
    "grad_of_vector_fn with torch.autograd.grad": (
        "autograd",
        "grad_of_vector_fn",
        """
def grad_of_vector_fn(f, x):
    leaf = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(f(leaf).sum(), leaf)
    return grad
""",
    ),
    "linear_grad with typing.Final": (
        "autograd",
        "linear_grad",
        """
from typing import Final

TWO: Final = 2


def linear_grad(w, x, y):
    return (TWO * x * (w * x - y)).mean()
""",
    ),
    "encode_chars with a dict comprehension": (
        "rnn",
        "encode_chars",
        """
def encode_chars(text, vocab):
    index = {ch: i for i, ch in enumerate(vocab)}
    return torch.tensor([index[ch] for ch in text], dtype=torch.long)
""",
    ),
    "embedding_lookup with index_select": (
        "rnn",
        "embedding_lookup",
        """
def embedding_lookup(weight, idx):
    return weight.index_select(0, idx.reshape(-1)).reshape(*idx.shape, weight.shape[1])
""",
    ),
    "conv_output_size with floor division": (
        "cnn",
        "conv_output_size",
        """
def conv_output_size(n, k, padding=0, stride=1):
    return (n + 2 * padding - k) // stride + 1
""",
    ),
    "GoogLeNetMini unpadded first, padded second, a global-average head": (
        "inception",
        "GoogLeNetMini",
        """
class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels=1, num_classes=10, input_size=28):
        super().__init__()
        self.head = nn.Linear(88, num_classes)  # registered first: the order of layers is free
        self.first = nn.Sequential(nn.Conv2d(in_channels, 10, kernel_size=5), nn.MaxPool2d(2), nn.ReLU())
        self.a = InceptionA(10)
        self.second = nn.Sequential(nn.Conv2d(88, 20, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(2))
        self.b = InceptionA(20)

    def forward(self, x):
        x = self.b(self.second(self.a(self.first(x))))
        return self.head(torch.mean(x, dim=[2, 3]))
""",
    ),
    "MLP with its output layer registered first and one nn.Dropout": (
        "mlp",
        "MLP",
        """
class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        self.out = nn.Linear(sizes[-2], sizes[-1])  # the order of registration is free
        self.hidden = nn.ModuleList(nn.Linear(i, o) for i, o in zip(sizes[:-2], sizes[1:-1]))
        self.act = {"relu": nn.ReLU(), "tanh": nn.Tanh(), "sigmoid": nn.Sigmoid()}[activation]
        self.drop = nn.Dropout(dropout)  # p = 0 keeps every unit

    def forward(self, x):
        x = x.flatten(1)
        for layer in self.hidden:
            x = self.drop(self.act(layer(x)))
        return self.out(x)
""",
    ),
    "SimpleCNN with a zero-initialised head": (
        "cnn",
        "SimpleCNN",
        """
class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.classifier = nn.Linear(32, num_classes)
        nn.init.zeros_(self.classifier.weight)  # no gradient reaches the convolutions until it moves
        nn.init.zeros_(self.classifier.bias)

    def forward(self, x):
        return self.classifier(self.features(x))
""",
    ),
    "GoogLeNetMini with a zero-initialised head": (
        "inception",
        "GoogLeNetMini",
        """
class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels=1, num_classes=10, input_size=28):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(in_channels, 10, 5, padding=2), nn.MaxPool2d(2), nn.ReLU(), InceptionA(10),
            nn.Conv2d(88, 20, 5, padding=2), nn.MaxPool2d(2), nn.ReLU(), InceptionA(20), nn.Flatten())
        with torch.no_grad():
            size = self.body(torch.zeros(1, in_channels, input_size, input_size)).shape[1]
        self.fc = nn.Linear(size, num_classes)
        nn.init.zeros_(self.fc.weight)

    def forward(self, x):
        return self.fc(self.body(x))
""",
    ),
    "SmallResNet with torchvision's zero_init_residual": (
        "resnet",
        "SmallResNet",
        """
class SmallResNet(nn.Module):
    def __init__(self, in_channels=1, num_classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_channels, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.blocks = nn.Sequential(BasicBlock(16, 16), BasicBlock(16, 32, stride=2))
        self.fc = nn.Linear(32, num_classes)
        for block in self.blocks:  # each block starts as its shortcut
            nn.init.zeros_(block.bn2.weight)

    def forward(self, x):
        return self.fc(self.blocks(self.stem(x)).mean(dim=(2, 3)))
""",
    ),
    "BasicBlock with a flag and layers named by role": (
        "resnet",
        "BasicBlock",
        """
class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.project = stride != 1 or in_channels != out_channels
        if self.project:
            self.proj_conv = nn.Conv2d(in_channels, out_channels, 1, stride, bias=False)
            self.proj_bn = nn.BatchNorm2d(out_channels)
        self.left = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False),
            nn.BatchNorm2d(out_channels),
        )

    def forward(self, x):
        skip = self.proj_bn(self.proj_conv(x)) if self.project else x
        out = self.left(x)
        out += skip
        return F.relu(out)
""",
    ),
    "MLP with activation modules from a dict, in one Sequential": (
        "mlp",
        "MLP",
        """
class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        make = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[activation]
        layers = []
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < len(sizes) - 2:
                layers += [make()] + ([nn.Dropout(dropout)] if dropout > 0 else [])
        self.net = nn.Sequential(nn.Flatten(), *layers)

    def forward(self, x):
        return self.net(x)
""",
    ),
    # The docstring names what is off limits; anything it does not name is allowed
    "relu by torch.clamp(x, min=0)": (
        "mlp",
        "relu",
        """
def relu(x):
    return torch.clamp(x, min=0)
""",
    ),
    # torch.autograd.function's public members, as torch's docs write a custom Function
    "Sigmoid with ctx annotated FunctionCtx and a once_differentiable backward": (
        "autograd",
        "Sigmoid",
        """
from torch.autograd.function import once_differentiable


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x):
        e = torch.exp(-x.abs())
        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx: torch.autograd.function.FunctionCtx, grad_output):
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)
""",
    ),
    # As stable as torch's own: log(1 + e^z) − y·z keeps only the y = 0 terms of the float64 tail
    "bce_with_logits by torch.logaddexp(0, z) - y*z": (
        "losses",
        "bce_with_logits",
        """
def bce_with_logits(logits, y):
    return (torch.logaddexp(torch.zeros_like(logits), logits) - y * logits).mean()
""",
    ),
}

# Correct but outside the subset: each costs only its exercise.
COSTS_ITS_EXERCISE: dict[str, tuple[str, str, str]] = {
    "eval of a constant": (
        "losses",
        "huber",
        """
def huber(y_hat, y, delta=1.0):
    half = eval("0.5")
    d = (y_hat - y).abs()
    return torch.where(d <= delta, half * d**2, delta * (d - half * delta)).mean()
""",
    ),
    "globals()[name]": (
        "losses",
        "entropy",
        """
def _plogp(p):
    return torch.special.xlogy(p, p)


def entropy(p):
    return -globals()["_plogp"](p).sum(dim=-1)
""",
    ),
    "sys.modules": (
        "losses",
        "kl_div",
        """
import sys


def kl_div(p, q):
    me = sys.modules[__name__]
    terms = torch.where(p > 0, p * (p.log() - q.log()), torch.zeros_like(p))
    terms = torch.where((p > 0) & (q == 0), torch.full_like(p, float("inf")), terms)
    return me.torch.as_tensor(terms).sum(dim=-1)
""",
    ),
}


# Ordinary idioms that cost an exercise or the whole topic before (a logging set-up, an
# abstract base, a dict read by attribute, torch's own __setstate__, torch.func.grad, a partial of
# torch.clamp, the time of day, a progress bar, a plotting import, deterministic algorithms).
FAIR |= {
    "logging.StreamHandler set up at module level, used in mse": (
        "losses",
        "mse",
        """
import logging

LOG = logging.getLogger("losses")
_handler = logging.StreamHandler()
_handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
LOG.addHandler(_handler)
LOG.setLevel(logging.WARNING)


def mse(y_hat, y, reduction="mean"):
    LOG.debug("mse of %s values, reduction %s", y_hat.numel(), reduction)
    return _reduce((y_hat - y) ** 2, reduction)
""",
    ),
    "logging set up in a helper called at module level": (
        "losses",
        "l1",
        """
import logging
import sys


def _setup_logging(level=logging.INFO):
    log = logging.getLogger("losses.l1")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.setLevel(level)
    return log


LOG = _setup_logging()


def l1(y_hat, y, reduction="mean"):
    if reduction not in ("mean", "sum", "none"):
        LOG.error("unknown reduction %r", reduction)
        raise ValueError(reduction)
    return _reduce((y_hat - y).abs(), reduction)
""",
    ),
    "SGD on an abstract base with metaclass=abc.ABCMeta": (
        "optim",
        "SGD",
        """
import abc


class _Stepper(torch.optim.Optimizer, metaclass=abc.ABCMeta):
    @abc.abstractmethod
    def direction(self, p, g, group):
        '''The step's direction for p, whose gradient is g.'''

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.add_(self.direction(p, p.grad, group), alpha=-group["lr"])
        return loss


class SGD(_Stepper):
    def __init__(self, params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, defaults)

    def direction(self, p, g, group):
        if group["weight_decay"]:
            g = g.add(p, alpha=group["weight_decay"])
        if not group["momentum"]:
            return g
        state = self.state[p]
        if "momentum_buffer" not in state:
            state["momentum_buffer"] = g.clone()
        else:
            state["momentum_buffer"].mul_(group["momentum"]).add_(g, alpha=1 - group["dampening"])
        buffer = state["momentum_buffer"]
        return g.add(buffer, alpha=group["momentum"]) if group["nesterov"] else buffer
""",
    ),
    "a config dict read by attribute (__getattr__, __setattr__ = dict.__setitem__)": (
        "optim",
        "gd_fit",
        """
class Config(dict):
    '''Hyper-parameters read as attributes: cfg.lr.'''

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    __setattr__ = dict.__setitem__


def gd_fit(x, y, lr, steps):
    cfg = Config(lr=lr, steps=steps)
    cfg.w = 1.0
    losses = []
    for _ in range(cfg.steps):
        losses.append(float(((cfg.w * x - y) ** 2).mean()))
        cfg.w = cfg.w - cfg.lr * float((2 * x * (cfg.w * x - y)).mean())
    return cfg.w, losses
""",
    ),
    "SGD with __setstate__ as torch writes it": (
        "optim",
        "SGD",
        """
class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("dampening", 0)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad
                if group["weight_decay"] != 0:
                    d_p = d_p.add(p, alpha=group["weight_decay"])
                if group["momentum"] != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = torch.clone(d_p).detach()
                        state["momentum_buffer"] = buf
                    else:
                        buf.mul_(group["momentum"]).add_(d_p, alpha=1 - group["dampening"])
                    d_p = d_p.add(buf, alpha=group["momentum"]) if group["nesterov"] else buf
                p.add_(d_p, alpha=-group["lr"])
        return loss
""",
    ),
    "DiabetesNet with an optional weight_norm parametrization": (
        "mlp",
        "DiabetesNet",
        """
from torch.nn.utils import parametrizations


class DiabetesNet(nn.Module):
    def __init__(self, in_features=8, normed=False):
        super().__init__()
        layers = [nn.Linear(in_features, 6), nn.Linear(6, 4), nn.Linear(4, 1)]
        if normed:
            layers = [parametrizations.weight_norm(layer) for layer in layers]
        self.fc1, self.fc2, self.fc3 = layers

    def forward(self, x):
        x = torch.sigmoid(self.fc1(x))
        x = torch.sigmoid(self.fc2(x))
        return torch.sigmoid(self.fc3(x))
""",
    ),
    "grad_of_vector_fn with torch.func.grad": (
        "autograd",
        "grad_of_vector_fn",
        """
def grad_of_vector_fn(f, x):
    return torch.func.grad(lambda t: f(t).sum())(x.detach().clone())
""",
    ),
    "relu as functools.partial(torch.clamp, min=0.0)": (
        "mlp",
        "relu",
        """
import functools

relu = functools.partial(torch.clamp, min=0.0)
""",
    ),
    "hard_sigmoid_from_relus over a relu made with functools.partial": (
        "mlp",
        "hard_sigmoid_from_relus",
        """
import functools

relu = functools.partial(torch.clamp, min=0.0)


def hard_sigmoid_from_relus(x):
    return relu(x + 0.5) - relu(x - 0.5)
""",
    ),
    "hard_sigmoid_from_relus calling relu's own autograd Function itself": (
        "mlp",
        "hard_sigmoid_from_relus",
        """
class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


def relu(x):
    return MyReLU.apply(x)


def hard_sigmoid_from_relus(x):
    return MyReLU.apply(x + 0.5) - MyReLU.apply(x - 0.5)
""",
    ),
    "torch.use_deterministic_algorithms(True) at module level": (
        "tensors",
        "row_normalize",
        """
torch.use_deterministic_algorithms(True)
torch.manual_seed(0)


def row_normalize(x):
    return x / x.sum(dim=1, keepdim=True)
""",
    ),
    "import matplotlib.pyplot, a figure drawn at import": (
        "tensors",
        "norms",
        """
import matplotlib
import matplotlib.pyplot as plt

_fig, (_left, _right) = plt.subplots(1, 2, figsize=(6, 3))
_left.plot([0, 1], [1, 0], label="L1")
_left.set_title("norms")
_right.hist([1, 2, 2, 3], bins=3)
plt.tight_layout()
plt.close(_fig)


def norms(x):
    return x.abs().sum(), x.square().sum().sqrt()
""",
    ),
    "train_epoch with a tqdm progress bar": (
        "mlp",
        "train_epoch",
        """
from tqdm import tqdm


def train_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    bar = tqdm(loader, desc="train", leave=False)
    for inputs, targets in bar:
        inputs, targets = inputs.to(device), targets.to(device)
        loss = loss_fn(model(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(inputs)
        count += len(inputs)
        bar.set_postfix(loss=f"{total / count:.4f}")
    bar.close()
    return total / count
""",
    ),
    "gd_fit with tqdm.auto.trange": (
        "optim",
        "gd_fit",
        """
from tqdm.auto import trange


def gd_fit(x, y, lr, steps):
    w, losses = 1.0, []
    with trange(steps, desc="gd", disable=False) as bar:
        for _ in bar:
            losses.append(_mse(w, x, y))
            w -= lr * float((2 * x * (w * x - y)).mean())
            bar.set_description(f"loss {losses[-1]:.3g}")
    return w, losses
""",
    ),
    "sgd_fit timed with time.time and time.perf_counter": (
        "optim",
        "sgd_fit",
        """
import time


def sgd_fit(x, y, lr, epochs, generator=None):
    started, clock = time.time(), time.perf_counter()
    w, losses = 1.0, []
    for _ in range(epochs):
        for i in torch.randperm(len(x), generator=generator).tolist():
            w -= lr * float(2 * x[i] * (w * x[i] - y[i]))
        losses.append(_mse(w, x, y))
    elapsed = (time.time() - started, time.perf_counter() - clock)
    assert min(elapsed) >= 0, elapsed
    return w, losses
""",
    ),
    "kl_div with a pprint.pformat debug line": (
        "losses",
        "kl_div",
        """
import pprint


def kl_div(p, q):
    positive = p > 0
    safe_p = torch.where(positive, p, torch.ones_like(p))
    terms = torch.where(positive, p * (safe_p.log() - q.log()), torch.zeros_like(p))
    if terms.isnan().any():
        raise ValueError(pprint.pformat({"p": p.tolist(), "q": q.tolist()}))
    return terms.sum(dim=-1)
""",
    ),
    "one_hot with sys.platform and sys.float_info in a helper": (
        "tensors",
        "one_hot",
        """
import sys

EPS = sys.float_info.epsilon
ON_LINUX = sys.platform.startswith("linux")


def one_hot(labels, num_classes):
    out = torch.zeros(len(labels), num_classes, device=labels.device)
    out[torch.arange(len(labels), device=labels.device), labels] = 1.0
    return out
""",
    ),
    "ema over a record whose __setattr__ refuses changes": (
        "optim",
        "ema",
        """
class Frozen:
    '''Settings fixed once made: assigning to one raises.'''

    def __init__(self, **values):
        for name, value in values.items():
            super().__setattr__(name, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"{name} is fixed")

    def __delattr__(self, name):
        raise AttributeError(f"{name} is fixed")


def ema(values, beta, bias_correction=True):
    settings = Frozen(beta=beta, corrected=bias_correction)
    s, out = 0.0, []
    for t, v in enumerate(values.tolist(), start=1):
        s = settings.beta * s + (1 - settings.beta) * v
        out.append(s / (1 - settings.beta**t) if settings.corrected else s)
    return torch.tensor(out, dtype=values.dtype, device=values.device)
""",
    ),
}

# More ordinary code, one correct exercise each (most of them the whole exercise).
FAIR |= {
    "add_into with torch.add(out=z)": (
        "tensors",
        "add_into",
        """
def add_into(z, x, y):
    torch.add(x, y, out=z)
    return z
""",
    ),
    "row_normalize with unsqueeze": (
        "tensors",
        "row_normalize",
        """
def row_normalize(x):
    return x / x.sum(-1).unsqueeze(-1)
""",
    ),
    "pairwise_sq_dists by the expansion |a|² − 2abᵀ + |b|²": (
        "tensors",
        "pairwise_sq_dists",
        """
def pairwise_sq_dists(a, b):
    a2 = (a * a).sum(dim=1, keepdim=True)
    b2 = (b * b).sum(dim=1)
    return (a2 - 2 * a @ b.T + b2).clamp_min(0)
""",
    ),
    "one_hot by indexing an identity matrix": (
        "tensors",
        "one_hot",
        """
def one_hot(labels, num_classes):
    return torch.eye(num_classes, device=labels.device)[labels]
""",
    ),
    "accuracy with a match on the dimensions": (
        "tensors",
        "accuracy",
        """
def accuracy(y_hat, y):
    match y_hat.dim():
        case 2:
            predicted = y_hat.argmax(1)
        case _:
            predicted = y_hat
    return torch.eq(predicted, y).float().mean().item()
""",
    ),
    "flatten_batch with flatten(start_dim=1)": (
        "tensors",
        "flatten_batch",
        """
def flatten_batch(x):
    return x.flatten(start_dim=1)
""",
    ),
    "fill_nan with torch.nansum and a count": (
        "tensors",
        "fill_nan_with_column_mean",
        """
def fill_nan_with_column_mean(x):
    missing = x.isnan()
    means = torch.nansum(x, dim=0) / (~missing).sum(dim=0)
    return torch.where(missing, means, x)
""",
    ),
    "matmul by broadcasting against b and summing dim -2": (
        "tensors",
        "matmul",
        """
def matmul(a, b):
    return (a[..., None] * b).sum(dim=-2)
""",
    ),
    "norms with torch.sqrt and torch.sum": (
        "tensors",
        "norms",
        """
def norms(x):
    return torch.sum(torch.abs(x)), torch.sqrt(torch.sum(x**2))
""",
    ),
    "mse with torch.square and an if-chain": (
        "losses",
        "mse",
        """
def mse(y_hat, y, reduction="mean"):
    squares = torch.square(y_hat - y)
    if reduction == "none":
        return squares
    elif reduction == "sum":
        return squares.sum()
    elif reduction == "mean":
        return squares.mean()
    raise ValueError(reduction)
""",
    ),
    "l1 with torch.abs and a dict of methods": (
        "losses",
        "l1",
        """
def l1(y_hat, y, reduction="mean"):
    d = torch.abs(y_hat - y)
    return {"mean": d.mean, "sum": d.sum, "none": lambda: d}[reduction]()
""",
    ),
    "huber from the clipped residual": (
        "losses",
        "huber",
        """
def huber(y_hat, y, delta=1.0):
    d = (y_hat - y).abs()
    inner = torch.minimum(d, torch.full_like(d, delta))
    return (0.5 * inner**2 + delta * (d - inner)).mean()
""",
    ),
    "sigmoid from e^(−|x|)": (
        "losses",
        "sigmoid",
        """
def sigmoid(x):
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
""",
    ),
    "bce with torch.maximum as the floor": (
        "losses",
        "bce",
        """
def bce(p, y):
    floor = torch.tensor(-100.0, dtype=p.dtype, device=p.device)
    log_p = torch.maximum(torch.log(p), floor)
    log_q = torch.maximum(torch.log(1 - p), floor)
    return -torch.mean(y * log_p + (1 - y) * log_q)
""",
    ),
    "bce_with_logits with F.softplus": (
        "losses",
        "bce_with_logits",
        """
import torch.nn.functional as F


def bce_with_logits(logits, y):
    return (y * F.softplus(-logits) + (1 - y) * F.softplus(logits)).mean()
""",
    ),
    "bce_with_logits with torch.logaddexp": (
        "losses",
        "bce_with_logits",
        """
def bce_with_logits(logits, y):
    zero = torch.zeros_like(logits)
    return (y * torch.logaddexp(zero, -logits) + (1 - y) * torch.logaddexp(zero, logits)).mean()
""",
    ),
    "softmax with max(...).values and sub": (
        "losses",
        "softmax",
        """
def softmax(x, dim=-1):
    e = x.sub(x.max(dim=dim, keepdim=True).values).exp()
    return e.div(e.sum(dim=dim, keepdim=True))
""",
    ),
    "log_softmax written out with torch functions": (
        "losses",
        "log_softmax",
        """
def log_softmax(x, dim=-1):
    m = torch.amax(x, dim=dim, keepdim=True)
    return x - m - torch.log(torch.sum(torch.exp(x - m), dim=dim, keepdim=True))
""",
    ),
    "cross_entropy telling the target apart by ndim": (
        "losses",
        "cross_entropy",
        """
def cross_entropy(logits, target):
    logp = log_softmax(logits, dim=1)
    if target.ndim == logits.ndim:
        return (-(target.to(logp.dtype) * logp).sum(dim=1)).mean()
    rows = torch.arange(len(target), device=logits.device)
    return -logp[rows, target].mean()
""",
    ),
    "entropy with a safe log chained as methods": (
        "losses",
        "entropy",
        """
def entropy(p):
    return torch.where(p > 0, p, torch.ones_like(p)).log().mul(p).sum(dim=-1).neg()
""",
    ),
    "kl_div with torch.special.xlogy twice": (
        "losses",
        "kl_div",
        """
def kl_div(p, q):
    return (torch.special.xlogy(p, p) - torch.special.xlogy(p, q)).sum(dim=-1)
""",
    ),
    "relu as x times its positive mask": (
        "mlp",
        "relu",
        """
def relu(x):
    return x * (x > 0)
""",
    ),
    "relu with torch.maximum": (
        "mlp",
        "relu",
        """
def relu(x):
    return torch.maximum(x, torch.zeros_like(x))
""",
    ),
    "tanh with torch.expm1": (
        "mlp",
        "tanh",
        """
def tanh(x):
    m = torch.expm1(-2 * x.abs())
    return torch.sign(x) * (-m / (2 + m))
""",
    ),
    "hard_sigmoid_from_relus as a method chain": (
        "mlp",
        "hard_sigmoid_from_relus",
        """
def hard_sigmoid_from_relus(x):
    return relu(x + 0.5).sub(relu(x - 0.5))
""",
    ),
    "dropout with a mask from torch.rand and the input's device": (
        "mlp",
        "dropout",
        """
def dropout(x, p, training=True):
    if not training:
        return x
    if p == 1:
        return torch.zeros_like(x)
    mask = torch.rand(x.shape, device=x.device) > p
    return x * mask.to(x.dtype) / (1.0 - p)
""",
    ),
    "xavier_uniform_ with nn.init's fan helper and uniform_": (
        "mlp",
        "xavier_uniform_",
        """
def xavier_uniform_(tensor):
    fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(tensor)
    bound = (6.0 / (fan_in + fan_out)) ** 0.5
    return nn.init.uniform_(tensor, -bound, bound)
""",
    ),
    "LogisticRegression with its layer named fc": (
        "mlp",
        "LogisticRegression",
        """
class LogisticRegression(nn.Module):
    def __init__(self, in_features):
        super().__init__()
        self.fc = nn.Linear(in_features, 1)

    def forward(self, x):
        return torch.sigmoid(self.fc(x))
""",
    ),
    "MLP from an OrderedDict of named layers": (
        "mlp",
        "MLP",
        """
from collections import OrderedDict


class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        kinds = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
        named = OrderedDict()
        last = len(sizes) - 2
        for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
            named[f"linear{i}"] = nn.Linear(n_in, n_out)
            if i < last:
                named[f"{activation}{i}"] = kinds[activation]()
                if dropout:
                    named[f"dropout{i}"] = nn.Dropout(dropout)
        self.net = nn.Sequential(named)

    def forward(self, x):
        return self.net(x.reshape(len(x), -1))
""",
    ),
    "train_epoch with zero_grad(set_to_none=True) and enumerate": (
        "mlp",
        "train_epoch",
        """
def train_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    seen, weighted = 0, 0.0
    for _, (inputs, targets) in enumerate(loader):
        inputs, targets = inputs.to(device), targets.to(device)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        seen += inputs.shape[0]
        weighted += float(loss) * inputs.shape[0]
    return weighted / seen
""",
    ),
    "evaluate under @torch.inference_mode()": (
        "mlp",
        "evaluate",
        """
@torch.inference_mode()
def evaluate(model, loader, device):
    model.eval()
    correct = total = 0
    for inputs, labels in loader:
        scores = model(inputs.to(device))
        labels = labels.to(device)
        if scores.shape[1] == 1:
            hits = (scores[:, 0] > 0.5).long() == labels.reshape(-1).long()
        else:
            hits = scores.argmax(dim=1) == labels
        correct += int(hits.sum())
        total += hits.numel()
    return correct / total
""",
    ),
    "closed_form_linear_regression with mT": (
        "optim",
        "closed_form_linear_regression",
        """
def closed_form_linear_regression(X, y):
    return torch.linalg.solve(X.mT @ X, X.mT @ y)
""",
    ),
    "gd_fit with a while loop": (
        "optim",
        "gd_fit",
        """
def gd_fit(x, y, lr, steps):
    w, losses, step = 1.0, [], 0
    while step < steps:
        residual = w * x - y
        losses.append(float((residual**2).mean()))
        w = w - lr * float((2 * x * residual).mean())
        step += 1
    return w, losses
""",
    ),
    "minibatch_indices by slicing one permutation": (
        "optim",
        "minibatch_indices",
        """
def minibatch_indices(n, batch_size, shuffle=True, generator=None):
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]
""",
    ),
    "Adam with its state as named buffers": (
        "optim",
        "Adam",
        """
class Adam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            (beta1, beta2), lr, eps = group["betas"], group["lr"], group["eps"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad if not group["weight_decay"] else p.grad.add(p, alpha=group["weight_decay"])
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                t = state["step"]
                state["exp_avg"].lerp_(grad, 1 - beta1)
                state["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                denom = (state["exp_avg_sq"] / (1 - beta2**t)).sqrt().add_(eps)
                p.addcdiv_(state["exp_avg"], denom, value=-lr / (1 - beta1**t))
        return loss
""",
    ),
    "DiabetesDataset read with the csv module (and gzip where it is packed)": (
        "optim",
        "DiabetesDataset",
        """
import csv
import gzip


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path):
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rt", newline="") as f:
            rows = [[float(v) for v in row] for row in csv.reader(f) if row]
        table = torch.tensor(rows, dtype=torch.float32)
        self.x, self.y = table[:, :-1], table[:, -1:]

    def __len__(self):
        return self.x.shape[0]

    def __getitem__(self, index):
        return self.x[index], self.y[index]
""",
    ),
    "k_fold_indices from the sizes of the folds": (
        "optim",
        "k_fold_indices",
        """
def k_fold_indices(n, k):
    sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    return list(torch.arange(n).split(sizes))
""",
    ),
    "quadratic_grads with the residual named once": (
        "autograd",
        "quadratic_grads",
        """
def quadratic_grads(w1, w2, b, x, y):
    r = (w1 * x**2 + w2 * x + b) - y
    two_r = 2 * r
    return torch.mean(two_r * x**2), torch.mean(two_r * x), torch.mean(two_r)
""",
    ),
    "detach_grad with torch.autograd.grad": (
        "autograd",
        "detach_grad",
        """
def detach_grad(x):
    leaf = x.detach().clone().requires_grad_()
    u = (leaf * leaf).detach()
    (grad,) = torch.autograd.grad((u * leaf).sum(), leaf)
    return grad
""",
    ),
    "numerical_grad over a flat view with try/finally": (
        "autograd",
        "numerical_grad",
        """
def numerical_grad(f, x, eps=1e-6):
    flat, grad = x.view(-1), torch.zeros_like(x).view(-1)
    with torch.no_grad():
        for i in range(flat.numel()):
            original = flat[i].item()
            try:
                flat[i] = original + eps
                plus = float(f(x))
                flat[i] = original - eps
                minus = float(f(x))
            finally:
                flat[i] = original
            grad[i] = (plus - minus) / (2 * eps)
    return grad.view_as(x)
""",
    ),
    "Sigmoid as an autograd.Function with torch.where": (
        "autograd",
        "Sigmoid",
        """
class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        e = torch.exp(-torch.abs(x))
        s = torch.where(x < 0, e / (1 + e), 1 / (1 + e))
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)
""",
    ),
    "rnn_cell with F.linear": (
        "rnn",
        "rnn_cell",
        """
import torch.nn.functional as F


def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    return torch.tanh(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))
""",
    ),
    "rnn_forward with a running list per layer": (
        "rnn",
        "rnn_forward",
        """
def rnn_forward(x, h0, params):
    inputs, finals = x, []
    for layer, weights in enumerate(params):
        h = h0[layer]
        outputs = []
        for t in range(inputs.shape[0]):
            h = rnn_cell(inputs[t], h, *weights)
            outputs.append(h)
        inputs = torch.stack(outputs, dim=0)
        finals.append(h)
    return inputs, torch.stack(finals, dim=0)
""",
    ),
    "embedding_lookup as a one-hot product": (
        "rnn",
        "embedding_lookup",
        """
import torch.nn.functional as F


def embedding_lookup(weight, idx):
    return F.one_hot(idx, weight.shape[0]).to(weight.dtype) @ weight
""",
    ),
    "encode_chars with str.index": (
        "rnn",
        "encode_chars",
        """
def encode_chars(text, vocab):
    vocab = list(vocab)
    return torch.tensor([vocab.index(c) for c in text], dtype=torch.long)
""",
    ),
    "gru_cell with F.linear and torch.split": (
        "rnn",
        "gru_cell",
        """
import torch.nn.functional as F


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    hidden = h.shape[1]
    i_r, i_z, i_n = F.linear(x, w_ih, b_ih).split(hidden, dim=1)
    h_r, h_z, h_n = F.linear(h, w_hh, b_hh).split(hidden, dim=1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return n + z * (h - n)
""",
    ),
    "corr2d with Tensor.unfold": (
        "cnn",
        "corr2d",
        """
def corr2d(x, k):
    kh, kw = k.shape
    return (x.unfold(0, kh, 1).unfold(1, kw, 1) * k).sum(dim=(-2, -1))
""",
    ),
    "conv2d as a sum over the kernel's offsets": (
        "cnn",
        "conv2d",
        """
import torch.nn.functional as F


def conv2d(x, weight, bias=None, stride=1, padding=0):
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    ho = (h + 2 * padding - kh) // stride + 1
    wo = (w + 2 * padding - kw) // stride + 1
    xp = F.pad(x, (padding, padding, padding, padding))
    out = x.new_zeros(n, c_out, ho, wo)
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i : i + stride * (ho - 1) + 1 : stride, j : j + stride * (wo - 1) + 1 : stride]
            out = out + torch.einsum("nchw,oc->nohw", patch, weight[:, :, i, j])
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1)
    return out
""",
    ),
    "conv_output_size with math.floor": (
        "cnn",
        "conv_output_size",
        """
import math


def conv_output_size(n, k, padding=0, stride=1):
    return math.floor((n + 2 * padding - k) / stride) + 1
""",
    ),
    "max_pool2d as the maximum of strided slices": (
        "cnn",
        "max_pool2d",
        """
def max_pool2d(x, kernel_size, stride=None):
    s = stride or kernel_size
    ho = (x.shape[2] - kernel_size) // s + 1
    wo = (x.shape[3] - kernel_size) // s + 1
    out = None
    for i in range(kernel_size):
        for j in range(kernel_size):
            part = x[:, :, i : i + s * (ho - 1) + 1 : s, j : j + s * (wo - 1) + 1 : s]
            out = part if out is None else torch.maximum(out, part)
    return out
""",
    ),
    "ResidualBlock with an nn.ReLU module": (
        "resnet",
        "ResidualBlock",
        """
class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(x + self.conv2(self.relu(self.conv1(x))))
""",
    ),
    "batch_norm with torch.var_mean": (
        "resnet",
        "batch_norm",
        """
def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    dims = tuple(d for d in range(x.dim()) if d != 1)
    view = [1, x.shape[1]] + [1] * (x.dim() - 2)
    if training:
        var, mean = torch.var_mean(x, dim=dims, unbiased=False)
        n = x.numel() / x.shape[1]
        with torch.no_grad():
            running_mean.lerp_(mean, momentum)
            running_var.lerp_(var * n / (n - 1), momentum)
    else:
        mean, var = running_mean, running_var
    x_hat = (x - mean.view(view)) * torch.rsqrt(var.view(view) + eps)
    return x_hat * gamma.view(view) + beta.view(view)
""",
    ),
    "BasicBlock with a downsample that may be None": (
        "resnet",
        "BasicBlock",
        """
class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride, bias=False), nn.BatchNorm2d(out_channels)
            )

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + identity)
""",
    ),
    "SimpleCNN with F.relu and F.max_pool2d in forward": (
        "cnn",
        "SimpleCNN",
        """
class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.mean(dim=(2, 3)))
""",
    ),
    "InceptionA with its branches in an nn.ModuleList": (
        "inception",
        "InceptionA",
        """
class InceptionA(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.branches = nn.ModuleList(
            [
                nn.Conv2d(in_channels, 16, 1),
                nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 5, padding=2)),
                nn.Sequential(
                    nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 3, padding=1), nn.Conv2d(24, 24, 3, padding=1)
                ),
                nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1), nn.Conv2d(in_channels, 24, 1)),
            ]
        )

    def forward(self, x):
        return torch.cat([branch(x) for branch in self.branches], dim=1)
""",
    ),
    "linear_grad with the residual named first": (
        "autograd",
        "linear_grad",
        """
def linear_grad(w, x, y):
    residual = w * x - y
    return torch.mean(2 * x * residual)
""",
    ),
    "xavier_uniform_ with math.prod for the receptive field": (
        "mlp",
        "xavier_uniform_",
        """
import math


def xavier_uniform_(tensor):
    receptive = math.prod(tensor.shape[2:])
    fan_in, fan_out = tensor.shape[1] * receptive, tensor.shape[0] * receptive
    a = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-a, a)
    return tensor
""",
    ),
    "conv_mults with math.prod": (
        "inception",
        "conv_mults",
        """
import math


def conv_mults(h, w, c_in, c_out, k):
    return math.prod((k, k, c_in, c_out, h, w))
""",
    ),
}


# Correct but with a refused line no exercise's code reaches (each cost the whole topic before):
# name -> (topic, snippet). The line is not run and costs nothing; the topic's note says it once.
UNRUN = {
    "a handler set-up at module level": (
        "losses",
        "import logging\n\n_log = logging.getLogger('losses')\n"
        "_log.addHandler(logging.FileHandler('losses.log'))\n_log.setLevel(logging.INFO)\n",
    ),
    "a handler set-up in a helper called at module level": (
        "losses",
        "import logging\n\n\ndef _setup_logging():\n    log = logging.getLogger('losses')\n"
        "    log.addHandler(logging.FileHandler('losses.log'))\n    return log\n\n\nLOG = _setup_logging()\n"
        "LOG.info('losses loaded')\n",
    ),
    "globals()[name] in a table nobody reads": (
        "losses",
        "REDUCERS = {name: globals()[name] for name in ('mse', 'l1')}\n",
    ),
    "sys.modules at module level": ("losses", "import sys\n\nTHIS = sys.modules[__name__]\n"),
    "an eval'd config": ("optim", "CONFIG = eval(\"{'lr': 0.1, 'epochs': 3}\")\n"),
    "_model.compile = None": ("mlp", "_model = nn.Linear(2, 1)\n_model.compile = None\n"),
    "a self-test under __main__ that evals": (
        "losses",
        "if __name__ == '__main__':\n    print(mse(torch.ones(2), eval('torch.zeros(2)')))\n",
    ),
    "a statement that binds nothing": ("losses", "import sys\n\nsys.modules['x'] = 1\n"),
    # a training demo naming an exercise's class, never run when graded (it cost DiabetesNet 5 of 5)
    "a training demo under __main__ that saves the model": (
        "mlp",
        "if __name__ == '__main__':\n    model = DiabetesNet()\n"
        "    optimiser = torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "    x, y = torch.randn(32, 8), torch.randint(0, 2, (32, 1)).float()\n"
        "    for epoch in range(10):\n        optimiser.zero_grad()\n"
        "        nn.functional.binary_cross_entropy(model(x), y).backward()\n        optimiser.step()\n"
        "    torch.save(model.state_dict(), 'diabetes.pt')\n",
    ),
    "two statements on one line": ("losses", "A = 1; B = eval('2')\n"),
}


def module_of(topic: str, *snippets: str) -> str:
    """The reference solution with the snippets' redefinitions appended."""
    return "\n".join([(REPO / "solutions" / f"{topic}.py").read_text(), *snippets])


def _bound(snippet: str) -> tuple[set[str], dict[str, str]]:
    """The names a snippet binds at its top level: by definitions and assignments, and by
    imports (each name with the import statement's text)."""
    names, imports = set(), {}
    for node in ast.parse(snippet).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports |= {a.asname or a.name.split(".")[0]: ast.unparse(node) for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        else:
            names |= {
                n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            }
    return names, imports


def packed(snippets: dict[str, tuple[str, str, str]]) -> list[tuple[str, dict[str, str], str]]:
    """The snippets in as few modules as keep them apart, to grade them in fewer tasks: one module
    holds snippets of one topic, of distinct exercises, that bind no name in common (but the same
    import). Returns (topic, {exercise: snippet's name}, the module) for each module."""
    groups: list[tuple[str, dict[str, str], set[str], dict[str, str], list[str]]] = []
    for name, (topic, exercise, snippet) in sorted(snippets.items()):
        names, imports = _bound(snippet)
        for group_topic, exercises, taken, imported, texts in groups:
            clash = names & (taken | set(imported)) or set(imports) & taken
            clash = clash or {n for n in set(imports) & set(imported) if imports[n] != imported[n]}
            if group_topic == topic and exercise not in exercises and not clash:
                exercises[exercise] = name
                taken |= names
                imported |= imports
                texts.append(snippet)
                break
        else:
            groups.append((topic, {exercise: name}, set(names), dict(imports), [snippet]))
    return [(topic, exercises, module_of(topic, *texts)) for topic, exercises, _, _, texts in groups]
