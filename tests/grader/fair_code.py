"""The fair-code corpus: ordinary PyTorch a learner writes, each snippet one correct exercise.

A snippet redefines one exercise of a topic's reference solution (``solutions/<topic>.py`` with
the snippet appended): the module is correct, so it must score full. ``COSTS_ITS_EXERCISE`` are
correct too but outside the graded subset (eval, ``globals()[name]``, ``sys.modules``): they cost
only the exercise whose code holds the line, never the rest of the topic.
"""

from __future__ import annotations

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
    "relu by F.threshold(x, 0.0, 0.0)": (
        "mlp",
        "relu",
        """
import torch.nn.functional as F


def relu(x):
    return F.threshold(x, 0.0, 0.0)
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


def module_of(topic: str, snippet: str) -> str:
    """The reference solution with the snippet's redefinition appended."""
    return (REPO / "solutions" / f"{topic}.py").read_text() + "\n" + snippet
