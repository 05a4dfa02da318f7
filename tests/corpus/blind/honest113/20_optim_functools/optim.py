"""Optimisation — functional flavour: itertools, functools.partial, generators."""
import functools
import itertools

import numpy as np
import torch


def closed_form_linear_regression(X, y):
    XtX = X.t().matmul(X)
    Xty = X.t().matmul(y)
    return torch.linalg.solve(XtX, Xty)


def _loss(w, x, y):
    return ((w * x - y) ** 2).mean().item()


def _grad(w, x, y):
    return (2 * x * (w * x - y)).mean().item()


def gd_fit(x, y, lr, steps):
    def step(state, _):
        w, _prev = state
        return w - lr * _grad(w, x, y), _loss(w, x, y)

    states = list(itertools.accumulate(range(steps), step, initial=(1.0, None)))
    return states[-1][0], [loss for _, loss in states[1:]]


def sgd_fit(x, y, lr, epochs, generator=None):
    w = 1.0
    record = []
    for _ in range(epochs):
        perm = torch.randperm(x.numel(), generator=generator)
        w = functools.reduce(lambda w_, i: w_ - lr * _grad(w_, x[i], y[i]), perm, w)
        record.append(_loss(w, x, y))
    return w, record


def minibatch_indices(n, batch_size, shuffle=True, generator=None):
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    it = iter(order.tolist())
    while True:
        chunk = list(itertools.islice(it, batch_size))
        if not chunk:
            return
        yield torch.tensor(chunk, dtype=torch.int64)


class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    def _update(self, p, group):
        g = p.grad
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p
        mu = group["momentum"]
        if mu:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            buf = g.clone() if buf is None else buf * mu + (1 - group["dampening"]) * g
            state["momentum_buffer"] = buf
            g = g + mu * buf if group["nesterov"] else buf
        p.add_(g, alpha=-group["lr"])

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            update = functools.partial(self._update, group=group)
            for p in filter(lambda q: q.grad is not None, group["params"]):
                update(p)
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group, p in ((g, p) for g in self.param_groups for p in g["params"]):
            if p.grad is None:
                continue
            b1, b2 = group["betas"]
            grad = p.grad + group["weight_decay"] * p if group["weight_decay"] else p.grad
            s = self.state[p]
            s.setdefault("step", 0)
            s.setdefault("m", torch.zeros_like(p))
            s.setdefault("v", torch.zeros_like(p))
            s["step"] += 1
            s["m"] = b1 * s["m"] + (1 - b1) * grad
            s["v"] = b2 * s["v"] + (1 - b2) * grad ** 2
            mhat = s["m"] / (1 - b1 ** s["step"])
            vhat = s["v"] / (1 - b2 ** s["step"])
            p -= group["lr"] * mhat / (torch.sqrt(vhat) + group["eps"])
        return loss


def ema(values, beta, bias_correction=True):
    running = list(itertools.accumulate(values.tolist(), lambda s, v: beta * s + (1 - beta) * v, initial=0.0))[1:]
    if bias_correction:
        running = [s / (1 - beta ** t) for t, s in enumerate(running, start=1)]
    return torch.tensor(running, dtype=values.dtype, device=values.device)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path):
        xy = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.samples = [(torch.from_numpy(row[:-1].copy()), torch.from_numpy(row[-1:].copy())) for row in xy]

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        return self.samples[i]


def k_fold_indices(n, k):
    sizes = [n // k + (i < n % k) for i in range(k)]
    ends = list(itertools.accumulate(sizes))
    return [torch.arange(e - s, e) for s, e in zip(sizes, ends)]
