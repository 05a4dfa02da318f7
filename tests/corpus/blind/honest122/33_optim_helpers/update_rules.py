"""Pure update rules shared by the optimisers in optim.py (each works in place on p and its state)."""

from __future__ import annotations

import math

import torch
from torch import Tensor


def sgd_update(p: Tensor, grad: Tensor, state: dict, *, lr: float, momentum: float,
               dampening: float, weight_decay: float, nesterov: bool) -> None:
    g = grad.add(p, alpha=weight_decay) if weight_decay else grad
    if momentum:
        if "momentum_buffer" in state:
            buf = state["momentum_buffer"]
            buf.mul_(momentum).add_(g, alpha=1.0 - dampening)
        else:
            buf = state["momentum_buffer"] = g.detach().clone()
        g = g.add(buf, alpha=momentum) if nesterov else buf
    p.add_(g, alpha=-lr)


def adam_update(p: Tensor, grad: Tensor, state: dict, *, lr: float, beta1: float, beta2: float,
                eps: float, weight_decay: float) -> None:
    g = grad.add(p, alpha=weight_decay) if weight_decay else grad
    if not state:
        state["step"] = 0
        state["m"] = torch.zeros_like(p, memory_format=torch.preserve_format)
        state["v"] = torch.zeros_like(p, memory_format=torch.preserve_format)
    state["step"] += 1
    t = state["step"]
    state["m"].lerp_(g, 1.0 - beta1)
    state["v"].mul_(beta2).addcmul_(g, g, value=1.0 - beta2)
    bc1 = 1.0 - beta1 ** t
    bc2 = 1.0 - beta2 ** t
    denom = (state["v"].sqrt() / math.sqrt(bc2)).add_(eps)
    p.addcdiv_(state["m"], denom, value=-lr / bc1)
