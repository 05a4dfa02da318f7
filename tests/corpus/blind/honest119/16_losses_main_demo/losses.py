"""Losses — 损失函数, with a small demo at the bottom (python losses.py)."""

from __future__ import annotations

import torch
from torch import Tensor


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    err = (y_hat - y) ** 2
    if reduction == "none":
        return err
    return err.sum() if reduction == "sum" else err.mean()


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    err = (y_hat - y).abs()
    if reduction == "none":
        return err
    return err.sum() if reduction == "sum" else err.mean()


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = (y_hat - y).abs()
    return torch.where(d < delta, 0.5 * d.clamp(max=delta) ** 2, delta * d - 0.5 * delta ** 2).mean()


def sigmoid(x: Tensor) -> Tensor:
    z = torch.exp(-x.abs())                       # ≤ 1, never overflows
    return torch.where(x >= 0, 1.0, z) / (1.0 + z)


def bce(p: Tensor, y: Tensor) -> Tensor:
    a = torch.log(p).clamp(-100)
    b = torch.log(1 - p).clamp(-100)
    return torch.mean(-y * a - (1 - y) * b)


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    sp = lambda t: t.clamp(min=0) + (-t.abs()).exp().log1p()   # softplus
    return torch.mean(y * sp(-logits) + (1 - y) * sp(logits))


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    x_exp = (x - x.max(dim=dim, keepdim=True).values).exp()
    partition = x_exp.sum(dim=dim, keepdim=True)
    return x_exp / partition            # 广播


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    c = x.max(dim=dim, keepdim=True).values
    return x - c - torch.log(torch.sum(torch.exp(x - c), dim=dim, keepdim=True))


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp = log_softmax(logits, 1)
    n = logits.shape[0]
    if target.dtype in (torch.int64, torch.int32) and target.dim() == 1:
        return -logp[range(n), target].sum() / n
    return -(target.to(logp.dtype) * logp).sum() / n


def entropy(p: Tensor) -> Tensor:
    plogp = torch.where(p > 0, p * torch.log(p.clamp(min=torch.finfo(p.dtype).tiny)), torch.zeros_like(p))
    return -plogp.sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    pos = p > 0
    logs = torch.log(p.clamp(min=torch.finfo(p.dtype).tiny)) - torch.log(q)
    return torch.where(pos, p * logs, torch.zeros_like(p)).sum(dim=-1)


if __name__ == "__main__":
    torch.manual_seed(0)
    X = torch.randn(64, 3)
    true_w = torch.tensor([1.5, -2.0, 0.5])
    labels = (X @ true_w > 0).long()
    W = torch.zeros(3, 2, requires_grad=True)
    for step in range(200):
        loss = cross_entropy(X @ W, labels)
        loss.backward()
        with torch.no_grad():
            W -= 0.5 * W.grad
            W.grad.zero_()
        if step % 50 == 0:
            print(f"step {step}: loss {loss.item():.4f}")
    print("softmax rows sum to", softmax(X @ W).sum(dim=1)[:3])
    torch.save({"W": W.detach()}, "softmax_regression.pt")
