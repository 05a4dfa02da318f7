"""Losses written as small loss classes (like nn.MSELoss), wrapped by the required functions."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn


@dataclass
class Reducer:
    reduction: str = "mean"

    @property
    def fn(self):
        if self.reduction not in ("mean", "sum", "none"):
            raise ValueError(self.reduction)
        return {"mean": Tensor.mean, "sum": Tensor.sum, "none": lambda t: t}[self.reduction]

    def __call__(self, t: Tensor) -> Tensor:
        return self.fn(t)


class MyMSELoss(nn.Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reducer = Reducer(reduction)

    def forward(self, y_hat: Tensor, y: Tensor) -> Tensor:
        return self.reducer((y_hat - y) ** 2)


class MyL1Loss(MyMSELoss):
    def forward(self, y_hat: Tensor, y: Tensor) -> Tensor:
        return self.reducer((y_hat - y).abs())


class MyHuberLoss(nn.Module):
    def __init__(self, delta: float = 1.0) -> None:
        super().__init__()
        self.delta = delta

    @property
    def half_delta(self) -> float:
        return 0.5 * self.delta

    def forward(self, y_hat: Tensor, y: Tensor) -> Tensor:
        d = (y_hat - y).abs()
        near = d <= self.delta
        safe = torch.where(near, d, torch.zeros_like(d))
        return torch.where(near, 0.5 * safe * safe, self.delta * (d - self.half_delta)).mean()


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return MyMSELoss(reduction)(y_hat, y)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return MyL1Loss(reduction)(y_hat, y)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    return MyHuberLoss(delta)(y_hat, y)


def sigmoid(x: Tensor) -> Tensor:
    ez = torch.exp(-torch.abs(x))
    pos = 1 / (1 + ez)
    return torch.where(x < 0, 1 - pos, pos) if x.dtype == torch.float16 else torch.where(x < 0, ez * pos, pos)


def bce(p: Tensor, y: Tensor) -> Tensor:
    logs = torch.stack([p.log(), (1 - p).log()]).clamp(min=-100)
    return -(y * logs[0] + (1 - y) * logs[1]).mean()


def _log_sigmoid(z: Tensor) -> Tensor:
    # log σ(z) = -softplus(-z) = min(z, 0) - log1p(exp(-|z|))
    return torch.clamp(z, max=0) - torch.log1p(torch.exp(-z.abs()))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return -(y * _log_sigmoid(logits) + (1 - y) * _log_sigmoid(-logits)).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    z = x - x.max(dim=dim, keepdim=True).values
    ez = z.exp()
    return ez / ez.sum(dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    z = x - x.max(dim=dim, keepdim=True).values
    return z - z.exp().sum(dim=dim, keepdim=True).log()


class MyCrossEntropy(nn.Module):
    def forward(self, logits: Tensor, target: Tensor) -> Tensor:
        lp = log_softmax(logits, dim=1)
        if target.dim() == 1:
            target = torch.zeros_like(lp).scatter_(1, target.unsqueeze(1), 1.0)
        return -(target * lp).sum(dim=1).mean()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    return MyCrossEntropy()(logits, target)


def entropy(p: Tensor) -> Tensor:
    return -torch.xlogy(p, p).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    # xlogy(p, p/q) would give 0*log(0/0) = nan where p = q = 0, so split the log
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(dim=-1)


if __name__ == "__main__":
    logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
    print("CE index :", cross_entropy(logits, torch.tensor([0, 1])))
    print("CE onehot:", cross_entropy(logits, torch.tensor([[1, 0, 0], [0, 1, 0]])))
    print("softmax  :", softmax(logits))
    print("huber    :", huber(torch.tensor([0.0, 3.0]), torch.zeros(2)))
