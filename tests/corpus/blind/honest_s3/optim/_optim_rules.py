"""Pure update rules used by o_functional_helpers.py (state in, state out)."""

from __future__ import annotations

import torch
from torch import Tensor


def closure_loss(closure):
    if closure is None:
        return None
    with torch.enable_grad():
        return closure()


def sgd_rule(p: Tensor, g: Tensor, buf: Tensor | None, *, lr: float, momentum: float, dampening: float,
             weight_decay: float, nesterov: bool) -> tuple[Tensor, Tensor | None]:
    if weight_decay:
        g = g + weight_decay * p
    if momentum:
        buf = g.clone() if buf is None else momentum * buf + (1 - dampening) * g
        g = g + momentum * buf if nesterov else buf
    return p - lr * g, buf


def adam_rule(p: Tensor, g: Tensor, m: Tensor, v: Tensor, t: int, *, lr: float, betas, eps: float,
              weight_decay: float) -> tuple[Tensor, Tensor, Tensor]:
    b1, b2 = betas
    if weight_decay:
        g = g + weight_decay * p
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g * g
    m_hat = m / (1 - b1 ** t)
    v_hat = v / (1 - b2 ** t)
    return p - lr * m_hat / (v_hat.sqrt() + eps), m, v
