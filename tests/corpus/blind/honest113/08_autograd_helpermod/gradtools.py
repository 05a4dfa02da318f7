"""Helpers for autograd.py: a leaf copy and the residual of a polynomial model."""
import torch


def fresh_leaf(x: torch.Tensor) -> torch.Tensor:
    """A copy of x that requires grad and shares nothing with the caller's tensor."""
    return x.detach().clone().requires_grad_(True)


def residual(coeffs, x, y):
    """y_hat - y for y_hat = sum_k coeffs[k] * x**(len-1-k)."""
    y_hat = torch.zeros_like(x)
    for c in coeffs:
        y_hat = y_hat * x + c
    return y_hat - y


def stable_sigmoid(x: torch.Tensor) -> torch.Tensor:
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
