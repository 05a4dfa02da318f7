"""Hand-written update rules (our own functional forms, not torch.optim's), used by optim.py."""

from __future__ import annotations

from typing import MutableMapping, Optional

import torch
from torch import Tensor


def sgd_update(p: Tensor, g: Tensor, state: MutableMapping, *, lr: float, momentum: float,
               dampening: float, weight_decay: float, nesterov: bool) -> None:
    """One SGD step for one parameter, in place on p (the caller holds torch.no_grad())."""
    if weight_decay:
        g = g + weight_decay * p
    if momentum:
        buf: Optional[Tensor] = state.get("momentum_buffer")
        if buf is None:
            buf = g.detach().clone()
            state["momentum_buffer"] = buf
        else:
            buf.mul_(momentum).add_(g, alpha=1.0 - dampening)
        g = g + momentum * buf if nesterov else buf
    p.sub_(lr * g)


def adam_update(p: Tensor, g: Tensor, state: MutableMapping, *, lr: float, beta1: float, beta2: float,
                eps: float, weight_decay: float) -> None:
    """One Adam step for one parameter, in place on p."""
    if weight_decay:
        g = g + weight_decay * p
    if not state:
        state["t"] = 0
        state["m"] = torch.zeros_like(p, memory_format=torch.preserve_format)
        state["v"] = torch.zeros_like(p, memory_format=torch.preserve_format)
    state["t"] += 1
    t = state["t"]
    m, v = state["m"], state["v"]
    m.lerp_(g, 1.0 - beta1)                       # m ← β₁m + (1 − β₁)g
    v.mul_(beta2).add_(g * g, alpha=1.0 - beta2)
    bias1 = 1.0 - beta1 ** t
    bias2 = 1.0 - beta2 ** t
    denom = (v / bias2).sqrt().add_(eps)
    p.addcdiv_(m, denom, value=-lr / bias1)
