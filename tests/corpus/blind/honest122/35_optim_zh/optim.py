"""优化：解析解、梯度下降、随机梯度下降、小批量、SGD/Adam 优化器、指数加权均值、数据集、k 折。"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    """解析解（正规方程）：解 (XᵀX) w = Xᵀy，不求逆。"""
    return torch.linalg.solve(X.T.matmul(X), X.T.matmul(y))


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    """第 2 讲：全批量梯度下降。"""
    w = 1.0

    def cost() -> float:
        return ((x * w - y) ** 2).mean().item()

    def gradient() -> float:
        return (2 * x * (x * w - y)).mean().item()

    记录 = []
    for _ in range(steps):
        记录.append(cost())
        w -= lr * gradient()
    return w, 记录


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    """随机梯度下降：每个样本更新一次，每个 epoch 重新打乱顺序。"""
    w = 1.0
    记录 = []
    for epoch in range(epochs):
        顺序 = torch.randperm(len(x), generator=generator)
        for i in 顺序.tolist():
            grad = 2 * x[i] * (x[i] * w - y[i])
            w = w - lr * grad.item()
        记录.append(((x * w - y) ** 2).mean().item())
    return w, 记录


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    """小批量：打乱（或不打乱）后按 batch_size 切块，最后一块可以更小。"""
    下标 = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    i = 0
    while i < n:
        yield 下标[i:i + batch_size]
        i += batch_size


class SGD(torch.optim.Optimizer):
    """带动量、阻尼、Nesterov 和权重衰减的 SGD。"""

    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        默认 = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, 默认)

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for 组 in self.param_groups:
            for p in 组["params"]:
                if p.grad is None:
                    continue
                g = p.grad.clone()
                if 组["weight_decay"] != 0:
                    g.add_(p, alpha=组["weight_decay"])         # 权重衰减：g ← g + λ·p
                if 组["momentum"] != 0:
                    状态 = self.state[p]
                    if "momentum_buffer" not in 状态:
                        状态["momentum_buffer"] = g.clone()       # 第一步：b ← g
                    else:
                        状态["momentum_buffer"].mul_(组["momentum"]).add_(g, alpha=1 - 组["dampening"])
                    b = 状态["momentum_buffer"]
                    if 组["nesterov"]:
                        g.add_(b, alpha=组["momentum"])
                    else:
                        g = b
                p.add_(g, alpha=-组["lr"])
        return loss


class Adam(torch.optim.Optimizer):
    """Adam：梯度及其平方的滑动平均，并做偏差修正。"""

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for 组 in self.param_groups:
            β1, β2 = 组["betas"]
            for p in 组["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if 组["weight_decay"]:
                    g = g.add(p, alpha=组["weight_decay"])
                状态 = self.state[p]
                if "step" not in 状态:
                    状态["step"] = 0
                    状态["m"] = torch.zeros_like(p)
                    状态["v"] = torch.zeros_like(p)
                状态["step"] += 1
                t = 状态["step"]
                状态["m"].mul_(β1).add_((1 - β1) * g)
                状态["v"].mul_(β2).add_((1 - β2) * g * g)
                m_hat = 状态["m"] / (1 - β1 ** t)
                v_hat = 状态["v"] / (1 - β2 ** t)
                p.addcdiv_(m_hat, v_hat.sqrt().add(组["eps"]), value=-组["lr"])
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    """指数加权均值：s_t = β·s_{t−1} + (1 − β)·v_t，修正时除以 1 − β^t。"""
    结果 = torch.empty_like(values)
    s = 0.0
    for t in range(1, len(values) + 1):
        s = beta * s + (1 - beta) * values[t - 1].item()
        结果[t - 1] = s / (1 - beta ** t) if bias_correction else s
    return 结果


class DiabetesDataset(torch.utils.data.Dataset):
    """加载数据集：最后一列是标签，其余是特征。"""

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
    """k 折交叉验证的下标：连续、不相交，前 n % k 折多一个。"""
    return list(torch.arange(n).tensor_split(k))


if __name__ == "__main__":
    x = torch.tensor([1.0, 2.0, 3.0])
    y = torch.tensor([2.0, 4.0, 6.0])
    w, 损失 = gd_fit(x, y, 0.01, 100)
    print("梯度下降 w =", w, "最后的 MSE =", 损失[-1])
    w, 损失 = sgd_fit(x, y, 0.01, 100, torch.Generator().manual_seed(0))
    print("随机梯度下降 w =", w)
    print([b.tolist() for b in minibatch_indices(10, 4, shuffle=False)])
    print(ema(torch.tensor([1.0, 2.0, 3.0, 4.0]), 0.9))
