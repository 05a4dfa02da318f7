# 梯度下降 / 随机梯度下降 / 小批量 — homework, with a training demo on the diabetes table.
from __future__ import annotations

from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    # 解析解: (X^T X) w = X^T y
    return torch.linalg.solve(torch.mm(X.t(), X), torch.mm(X.t(), y.reshape(len(y), -1))).reshape(
        (X.shape[1],) + tuple(y.shape[1:]))


def forward(w, x):
    return x * w


def cost(w, xs, ys):
    return ((forward(w, xs) - ys) ** 2).mean()


def gradient(w, xs, ys):
    return (2 * xs * (xs * w - ys)).mean()


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    w = 1.0
    cost_list = []
    for epoch in range(steps):
        cost_val = cost(w, x, y)
        grad_val = gradient(w, x, y)
        w -= lr * grad_val.item()
        cost_list.append(cost_val.item())
    return w, cost_list


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    w = 1.0
    loss_list = []
    for epoch in range(epochs):
        order = torch.randperm(x.shape[0], generator=generator)
        for idx in order:
            grad = 2 * x[idx] * (x[idx] * w - y[idx])
            w = w - lr * grad.item()
        loss_list.append(cost(w, x, y).item())
    return w, loss_list


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    if shuffle:
        indices = torch.randperm(n, generator=generator)
    else:
        indices = torch.arange(n)
    i = 0
    while i < n:
        yield indices[i: min(i + batch_size, n)]
        i += batch_size


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)
        super(SGD, self).__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad
                if group["weight_decay"] != 0:
                    d_p = d_p.add(p, alpha=group["weight_decay"])
                if group["momentum"] != 0:
                    param_state = self.state[p]
                    if "momentum_buffer" not in param_state:
                        buf = param_state["momentum_buffer"] = torch.clone(d_p).detach()
                    else:
                        buf = param_state["momentum_buffer"]
                        buf.mul_(group["momentum"]).add_(d_p, alpha=1 - group["dampening"])
                    if group["nesterov"]:
                        d_p = d_p.add(buf, alpha=group["momentum"])
                    else:
                        d_p = buf
                p.add_(d_p, alpha=-group["lr"])
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        super(Adam, self).__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
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
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                beta1, beta2 = group["betas"]
                state["step"] += 1
                step = state["step"].item()
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                step_size = group["lr"] / bias_correction1
                denom = (exp_avg_sq.sqrt() / (bias_correction2 ** 0.5)).add_(group["eps"])
                p.addcdiv_(exp_avg, denom, value=-step_size)
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    result = values.clone()
    v = 0.0
    for i in range(values.shape[0]):
        v = beta * v + (1 - beta) * float(values[i])
        result[i] = v / (1 - beta ** (i + 1)) if bias_correction else v
    return result


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        xy = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.len = xy.shape[0]
        self.x_data = torch.from_numpy(xy[:, :-1])
        self.y_data = torch.from_numpy(xy[:, [-1]])

    def __getitem__(self, index):
        return self.x_data[index], self.y_data[index]

    def __len__(self):
        return self.len


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    fold_size = n // k
    rest = n % k
    out = []
    start = 0
    for j in range(k):
        end = start + fold_size + (1 if j < rest else 0)
        out.append(torch.arange(start, end, dtype=torch.long))
        start = end
    return out


if __name__ == "__main__":
    dataset = DiabetesDataset("diabetes.csv.gz")
    loader = torch.utils.data.DataLoader(dataset, batch_size=32, shuffle=True)
    model = torch.nn.Sequential(torch.nn.Linear(dataset.x_data.shape[1], 1), torch.nn.Sigmoid())
    criterion = torch.nn.BCELoss()
    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    for epoch in range(10):
        for inputs, labels in loader:
            y_pred = model(inputs)
            loss = criterion(y_pred, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(epoch, loss.item())
    torch.save(model.state_dict(), "diabetes_logreg.pt")
    print(ema(torch.rand(10), 0.9))
