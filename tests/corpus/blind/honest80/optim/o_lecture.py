"""Optimisation — 刘二大人 lectures 2/3/8 style, with torch's own Optimizer machinery."""
import numpy as np
import torch


def closed_form_linear_regression(X, y):
    XtX = X.t().mm(X)
    Xty = X.t().mm(y.unsqueeze(1)) if y.dim() == 1 else X.t().mm(y)
    w = torch.linalg.solve(XtX, Xty)
    return w.squeeze(1) if y.dim() == 1 else w


def forward(x, w):
    return x * w


def cost(xs, ys, w):
    return float(((forward(xs, w) - ys) ** 2).mean())


def gradient(xs, ys, w):
    return float((2 * xs * (xs * w - ys)).mean())


def gd_fit(x, y, lr, steps):
    w = 1.0
    cost_list = []
    for epoch in range(steps):
        cost_val = cost(x, y, w)
        grad_val = gradient(x, y, w)
        w -= lr * grad_val
        cost_list.append(cost_val)
    return w, cost_list


def sgd_fit(x, y, lr, epochs, generator=None):
    w = 1.0
    mse_list = []
    n = len(x)
    for epoch in range(epochs):
        order = torch.randperm(n, generator=generator)
        for i in order:
            xi, yi = x[i].item(), y[i].item()
            grad = 2 * xi * (xi * w - yi)
            w = w - lr * grad
        mse_list.append(cost(x, y, w))
    return w, mse_list


def minibatch_indices(n, batch_size, shuffle=True, generator=None):
    if shuffle:
        indices = torch.randperm(n, generator=generator)
    else:
        indices = torch.arange(n)
    for start in range(0, n, batch_size):
        yield indices[start:start + batch_size]


class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov)
        super(SGD, self).__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr = group["lr"]
            momentum = group["momentum"]
            dampening = group["dampening"]
            weight_decay = group["weight_decay"]
            nesterov = group["nesterov"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad
                if weight_decay != 0:
                    d_p = d_p.add(p, alpha=weight_decay)
                if momentum != 0:
                    param_state = self.state[p]
                    if "momentum_buffer" not in param_state:
                        buf = param_state["momentum_buffer"] = torch.clone(d_p).detach()
                    else:
                        buf = param_state["momentum_buffer"]
                        buf.mul_(momentum).add_(d_p, alpha=1 - dampening)
                    if nesterov:
                        d_p = d_p.add(buf, alpha=momentum)
                    else:
                        d_p = buf
                p.add_(d_p, alpha=-lr)
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        super(Adam, self).__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad
                if group["weight_decay"] != 0:
                    grad = grad.add(p, alpha=group["weight_decay"])
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                beta1, beta2 = group["betas"]
                state["step"] += 1
                bias_correction1 = 1 - beta1 ** state["step"]
                bias_correction2 = 1 - beta2 ** state["step"]
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                denom = (exp_avg_sq / bias_correction2).sqrt().add_(group["eps"])
                p.addcdiv_(exp_avg / bias_correction1, denom, value=-group["lr"])
        return loss


def ema(values, beta, bias_correction=True):
    out = []
    s = 0.0
    for t in range(1, len(values) + 1):
        s = beta * s + (1 - beta) * values[t - 1].item()
        out.append(s / (1 - beta ** t) if bias_correction else s)
    return torch.tensor(out, dtype=values.dtype, device=values.device)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, filepath):
        xy = np.loadtxt(filepath, delimiter=",", dtype=np.float32)
        self.len = xy.shape[0]
        self.x_data = torch.from_numpy(xy[:, :-1])
        self.y_data = torch.from_numpy(xy[:, [-1]])

    def __getitem__(self, index):
        return self.x_data[index], self.y_data[index]

    def __len__(self):
        return self.len


def k_fold_indices(n, k):
    folds = []
    base, extra = divmod(n, k)
    start = 0
    for i in range(k):
        size = base + (1 if i < extra else 0)
        folds.append(torch.arange(start, start + size, dtype=torch.int64))
        start += size
    return folds
