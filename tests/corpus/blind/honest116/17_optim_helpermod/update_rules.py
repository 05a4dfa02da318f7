"""The per-tensor update rules, kept apart from the Optimizer bookkeeping in optim.py."""
from __future__ import annotations

import torch
from torch import Tensor


def apply_weight_decay(grad: Tensor, param: Tensor, wd: float) -> Tensor:
    return grad if wd == 0 else grad + wd * param


def momentum_direction(grad: Tensor, state: dict, momentum: float, dampening: float, nesterov: bool) -> Tensor:
    if momentum == 0:
        return grad
    buf = state.get("momentum_buffer")
    if buf is None:
        buf = torch.clone(grad).detach()
        state["momentum_buffer"] = buf
    else:
        buf.mul_(momentum).add_(grad, alpha=1.0 - dampening)
    return grad.add(buf, alpha=momentum) if nesterov else buf


def adam_direction(grad: Tensor, state: dict, beta1: float, beta2: float, eps: float) -> Tensor:
    if not state:
        state["step"] = 0
        state["exp_avg"] = torch.zeros_like(grad)
        state["exp_avg_sq"] = torch.zeros_like(grad)
    state["step"] += 1
    t = state["step"]
    state["exp_avg"].lerp_(grad, 1 - beta1)
    state["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    bc1 = 1 - beta1 ** t
    bc2 = 1 - beta2 ** t
    denom = (state["exp_avg_sq"].sqrt() / (bc2 ** 0.5)).add_(eps)
    return state["exp_avg"] / bc1 / denom
