import numpy as np
import torch
from torch.utils.data import Dataset


def closed_form_linear_regression(X, y):
    return torch.linalg.solve(X.T @ X, X.T @ y)


def gd_fit(x, y, lr, steps):
    w = 1.0
    losses = []
    for epoch in range(steps):
        y_pred = x * w
        loss = ((y_pred - y) ** 2).mean()
        losses.append(loss.item())
        grad = (2 * x * (x * w - y)).mean()
        w = w - lr * grad.item()
    return w, losses


def sgd_fit(x, y, lr, epochs, generator=None):
    w = 1.0
    losses = []
    n = len(x)
    for epoch in range(epochs):
        for i in torch.randperm(n, generator=generator):
            grad = 2 * x[i] * (x[i] * w - y[i])
            w = w - lr * grad.item()
        losses.append(((x * w - y) ** 2).mean().item())
    return w, losses


def minibatch_indices(n, batch_size, shuffle=True, generator=None):
    if shuffle:
        indices = torch.randperm(n, generator=generator)
    else:
        indices = torch.arange(n)
    for i in range(0, n, batch_size):
        yield indices[i: min(i + batch_size, n)]


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
            for p in group['params']:
                if p.grad is None:
                    continue
                d_p = p.grad
                if group['weight_decay'] != 0:
                    d_p = d_p.add(p, alpha=group['weight_decay'])
                if group['momentum'] != 0:
                    param_state = self.state[p]
                    if 'momentum_buffer' not in param_state:
                        buf = param_state['momentum_buffer'] = torch.clone(d_p).detach()
                    else:
                        buf = param_state['momentum_buffer']
                        buf.mul_(group['momentum']).add_(d_p, alpha=1 - group['dampening'])
                    if group['nesterov']:
                        d_p = d_p.add(buf, alpha=group['momentum'])
                    else:
                        d_p = buf
                p.add_(d_p, alpha=-group['lr'])
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
            beta1, beta2 = group['betas']
            for p in group['params']:
                if p.grad is None:
                    continue
                grad = p.grad
                if group['weight_decay'] != 0:
                    grad = grad.add(p, alpha=group['weight_decay'])
                state = self.state[p]
                if len(state) == 0:
                    state['step'] = 0
                    state['exp_avg'] = torch.zeros_like(p)
                    state['exp_avg_sq'] = torch.zeros_like(p)
                exp_avg, exp_avg_sq = state['exp_avg'], state['exp_avg_sq']
                state['step'] += 1
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                bias_correction1 = 1 - beta1 ** state['step']
                bias_correction2 = 1 - beta2 ** state['step']
                denom = (exp_avg_sq / bias_correction2).sqrt().add_(group['eps'])
                p.addcdiv_(exp_avg, denom, value=-group['lr'] / bias_correction1)
        return loss


def ema(values, beta, bias_correction=True):
    out = torch.zeros_like(values)
    s = 0.0
    for t in range(len(values)):
        s = beta * s + (1 - beta) * values[t].item()
        if bias_correction:
            out[t] = s / (1 - beta ** (t + 1))
        else:
            out[t] = s
    return out


class DiabetesDataset(Dataset):
    def __init__(self, path):
        xy = np.loadtxt(path, delimiter=',', dtype=np.float32)
        self.len = xy.shape[0]
        self.x_data = torch.from_numpy(xy[:, :-1])
        self.y_data = torch.from_numpy(xy[:, [-1]])

    def __getitem__(self, index):
        return self.x_data[index], self.y_data[index]

    def __len__(self):
        return self.len


def k_fold_indices(n, k):
    folds = []
    start = 0
    for i in range(k):
        size = n // k + (1 if i < n % k else 0)
        folds.append(torch.arange(start, start + size))
        start += size
    return folds
