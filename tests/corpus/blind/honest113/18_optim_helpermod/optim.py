"""Optimisers using helpers from optimkit.py beside this file."""
from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from optimkit import decayed_grad, mse, run_closure


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    A = torch.einsum("ni,nj->ij", X, X)
    b = torch.einsum("ni,n...->i...", X, y)
    return torch.linalg.solve(A, b)


def gd_fit(x, y, lr, steps):
    w, hist = 1.0, []
    for _ in range(steps):
        hist.append(mse(w, x, y))
        w = w - lr * float(torch.mean(2 * x * (w * x - y)))
    return w, hist


def sgd_fit(x, y, lr, epochs, generator=None):
    w, hist = 1.0, []
    for _ in range(epochs):
        perm = torch.randperm(x.shape[0], generator=generator)
        for xi, yi in zip(x[perm].tolist(), y[perm].tolist()):
            w -= lr * 2 * xi * (w * xi - yi)
        hist.append(mse(w, x, y))
    return w, hist


def minibatch_indices(n, batch_size, shuffle=True, generator=None):
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    start = 0
    while start < n:
        yield order[start:start + batch_size]
        start += batch_size


class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov})

    @torch.no_grad()
    def step(self, closure=None):
        loss = run_closure(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = decayed_grad(p, group["weight_decay"])
                if group["momentum"] != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = state["momentum_buffer"] = g.detach().clone()
                    else:
                        buf.mul_(group["momentum"]).add_((1 - group["dampening"]) * g)
                    g = g + group["momentum"] * buf if group["nesterov"] else buf
                p.add_(-group["lr"] * g)
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure=None):
        loss = run_closure(closure)
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = decayed_grad(p, group["weight_decay"])
                state = self.state[p]
                if not state:
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                t = state["step"].item()
                state["exp_avg"].lerp_(g, 1 - beta1)
                state["exp_avg_sq"].mul_(beta2).add_((1 - beta2) * g * g)
                m_hat = state["exp_avg"] / (1 - beta1 ** t)
                v_hat = state["exp_avg_sq"] / (1 - beta2 ** t)
                p.sub_(group["lr"] * m_hat / (v_hat.sqrt() + group["eps"]))
        return loss


def ema(values, beta, bias_correction=True):
    out = values.new_empty(values.shape)
    s = torch.zeros((), dtype=torch.float64)
    for t in range(values.shape[0]):
        s = beta * s + (1 - beta) * values[t].double()
        out[t] = s / (1 - beta ** (t + 1)) if bias_correction else s
    return out


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path):
        data = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.features = torch.as_tensor(data[:, :-1])
        self.labels = torch.as_tensor(data[:, -1]).unsqueeze(1)

    def __len__(self):
        return len(self.features)

    def __getitem__(self, idx):
        return self.features[idx], self.labels[idx]


def k_fold_indices(n, k):
    return [t.clone() for t in torch.arange(n).tensor_split(k)]
