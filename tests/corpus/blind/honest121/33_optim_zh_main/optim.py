"""优化（Optimisation）：解析解、梯度下降、随机梯度下降、小批量、SGD/Adam 优化器、指数加权均值、
Dataset、k 折交叉验证。

``if __name__ == "__main__":`` 里是一个小演示（只在直接运行时执行）。
"""

from __future__ import annotations

import csv
import gzip
from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    """正规方程（解析解）：解线性方程组 (XᵀX) w = Xᵀy，而不是求逆。"""
    return torch.linalg.solve(X.t() @ X, X.t() @ y)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    """全批量梯度下降（第 2 讲）：先记录 MSE，再 w ← w − lr·mean(2x(wx − y))。"""
    w = 1.0
    损失记录 = []
    for _ in range(steps):
        损失记录.append(((w * x - y) ** 2).mean().item())
        梯度 = (2 * x * (w * x - y)).mean().item()
        w -= lr * 梯度
    return w, 损失记录


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    """随机梯度下降：每个 epoch 用 randperm 打乱一次，逐个样本更新；epoch 结束记录全体 MSE。"""
    w = 1.0
    记录 = []
    for _ in range(epochs):
        顺序 = torch.randperm(len(x), generator=generator)
        for i in 顺序.tolist():
            w -= lr * (2 * x[i] * (w * x[i] - y[i])).item()
        记录.append(((w * x - y) ** 2).mean().item())
    return w, 记录


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    """小批量下标：打乱（或不打乱）后按 batch_size 切块，最后一块可以更小。"""
    顺序 = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    起点 = 0
    while 起点 < n:
        yield 顺序[起点:起点 + batch_size]
        起点 += batch_size


class SGD(torch.optim.Optimizer):
    """动量、阻尼、Nesterov、权重衰减；动量缓冲放在 self.state[p] 里，state_dict 能带走。"""

    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        默认 = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, 默认)

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        损失 = None
        if closure is not None:
            with torch.enable_grad():
                损失 = closure()
        for 组 in self.param_groups:
            for p in 组["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if 组["weight_decay"] != 0:
                    g = g + 组["weight_decay"] * p           # 权重衰减：梯度加上 λ·w
                if 组["momentum"] != 0:
                    状态 = self.state[p]
                    if "momentum_buffer" not in 状态:
                        状态["momentum_buffer"] = g.clone()   # 第一步：b ← g
                    else:
                        状态["momentum_buffer"].mul_(组["momentum"]).add_(g, alpha=1 - 组["dampening"])
                    b = 状态["momentum_buffer"]
                    g = g.add(b, alpha=组["momentum"]) if 组["nesterov"] else b
                p.add_(g, alpha=-组["lr"])
        return 损失


class Adam(torch.optim.Optimizer):
    """Adam：梯度与梯度平方的指数加权均值，加偏差修正。"""

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        损失 = None
        if closure is not None:
            with torch.enable_grad():
                损失 = closure()
        for 组 in self.param_groups:
            β1, β2 = 组["betas"]
            for p in 组["params"]:
                if p.grad is None:
                    continue
                g = p.grad if 组["weight_decay"] == 0 else p.grad + 组["weight_decay"] * p
                状态 = self.state[p]
                if len(状态) == 0:
                    状态["step"] = 0
                    状态["m"] = torch.zeros_like(p)
                    状态["v"] = torch.zeros_like(p)
                状态["step"] += 1
                t = 状态["step"]
                状态["m"].mul_(β1).add_((1 - β1) * g)
                状态["v"].mul_(β2).add_((1 - β2) * g * g)
                m_hat = 状态["m"] / (1 - β1 ** t)
                v_hat = 状态["v"] / (1 - β2 ** t)
                p.addcdiv_(m_hat, v_hat.sqrt() + 组["eps"], value=-组["lr"])
        return 损失


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    """指数加权均值：s₀ = 0，sₜ = β·sₜ₋₁ + (1 − β)·vₜ；修正时除以 1 − βᵗ。"""
    结果 = torch.empty_like(values)
    s = 0.0
    for t, v in enumerate(values.tolist(), start=1):
        s = beta * s + (1 - beta) * v
        结果[t - 1] = s / (1 - beta ** t) if bias_correction else s
    return 结果


class DiabetesDataset(torch.utils.data.Dataset):
    """加载数据集：gzip 压缩的 CSV，无表头，最后一列是标签。用 csv 模块读一次。"""

    def __init__(self, path: str) -> None:
        with gzip.open(path, "rt", newline="") as 文件:
            行 = [[float(v) for v in r] for r in csv.reader(文件) if r]
        表 = np.asarray(行, dtype=np.float32)
        self.x_data = torch.from_numpy(表[:, :-1].copy())
        self.y_data = torch.from_numpy(表[:, -1:].copy())

    def __len__(self) -> int:
        return self.x_data.shape[0]

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        return self.x_data[index], self.y_data[index]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    """k 折：连续、互不相交，前 n % k 折各多一个。"""
    全部 = torch.arange(n)
    每折, 余数 = divmod(n, k)
    折 = []
    开始 = 0
    for i in range(k):
        长度 = 每折 + (1 if i < 余数 else 0)
        折.append(全部[开始:开始 + 长度])
        开始 += 长度
    return 折


if __name__ == "__main__":
    torch.manual_seed(0)
    x = torch.linspace(1, 3, 10)
    y = 2 * x
    print("梯度下降:", gd_fit(x, y, 0.05, 20)[0])
    print("随机梯度下降:", sgd_fit(x, y, 0.01, 5)[0])
    w = torch.nn.Parameter(torch.zeros(3))
    opt = Adam([w], lr=0.1)
    target = torch.tensor([1.0, -2.0, 3.0])
    for _ in range(200):
        opt.zero_grad()
        ((w - target) ** 2).sum().backward()
        opt.step()
    print("Adam:", w.data)
    print("k 折:", k_fold_indices(10, 3))
    torch.save(opt.state_dict(), "adam_state.pt")
