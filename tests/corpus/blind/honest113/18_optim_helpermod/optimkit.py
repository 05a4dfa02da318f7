"""Helpers for optim.py: group options and the per-parameter state initialisation."""
import torch


def decayed_grad(p, weight_decay):
    g = p.grad
    return g if weight_decay == 0 else g + weight_decay * p




def run_closure(closure):
    if closure is None:
        return None
    with torch.enable_grad():
        return closure()


def mse(w, x, y):
    return float(((w * x - y) ** 2).mean())
