"""优化 —— 梯度下降、随机梯度下降、小批量、解析解、权重衰减、指数加权均值（中文注释版）。

文件末尾的 ``if __name__ == "__main__":`` 是演示：训练一个逻辑斯蒂回归并保存参数；
被 import 时不会执行。
"""

from __future__ import annotations

import math
from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    """正规方程：解 (XᵀX) w = Xᵀy，不求逆。"""
    Xt = X.transpose(0, 1)
    return torch.linalg.solve(torch.mm(Xt, X), Xt @ y)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    """全批量梯度下降（第二讲），w 从 1.0 开始；每步先记损失再更新。"""
    w = 1.0
    损失记录 = []
    for _ in range(steps):
        预测 = w * x
        损失记录.append(float(((预测 - y) ** 2).mean()))
        梯度 = float((2 * x * (预测 - y)).mean())
        w -= lr * 梯度
    return w, 损失记录


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    """随机梯度下降：每个样本更新一次，每轮用 randperm 打乱一次顺序。"""
    w = 1.0
    每轮损失 = []
    样本数 = x.numel()
    for _ in range(epochs):
        顺序 = torch.randperm(样本数, generator=generator)
        for i in 顺序.tolist():
            w = w - lr * float(2 * x[i] * (w * x[i] - y[i]))
        每轮损失.append(float(((w * x - y) ** 2).mean()))
    return w, 每轮损失


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    """小批量下标：先得到一轮的顺序，再按 batch_size 切块（最后一块可以更小）。"""
    顺序 = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    块数 = math.ceil(n / batch_size) if n else 0
    for b in range(块数):
        yield 顺序[b * batch_size:(b + 1) * batch_size]


class SGD(torch.optim.Optimizer):
    """带动量、阻尼、Nesterov 和权重衰减的 SGD（直接继承 torch.optim.Optimizer）。"""

    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        默认 = {"lr": lr, "momentum": momentum, "dampening": dampening,
              "weight_decay": weight_decay, "nesterov": nesterov}
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
                g = p.grad.clone()                       # 不改动 p.grad 本身
                if 组["weight_decay"] != 0:
                    g.add_(p, alpha=组["weight_decay"])  # 权重衰减：g ← g + λ·p
                if 组["momentum"] != 0:
                    状态 = self.state[p]
                    if "momentum_buffer" not in 状态:
                        状态["momentum_buffer"] = g.clone()   # 第一步：b ← g
                    else:
                        b = 状态["momentum_buffer"]
                        b.mul_(组["momentum"]).add_(g, alpha=1 - 组["dampening"])
                    b = 状态["momentum_buffer"]
                    if 组["nesterov"]:
                        g.add_(b, alpha=组["momentum"])
                    else:
                        g = b
                p.add_(g, alpha=-组["lr"])
        return 损失


class Adam(torch.optim.Optimizer):
    """Adam：一阶矩 m、二阶矩 v 的指数加权平均，带偏差修正。"""

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

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
                g = p.grad
                if 组["weight_decay"] != 0:
                    g = g + 组["weight_decay"] * p
                状态 = self.state[p]
                if not 状态:
                    状态["step"] = 0
                    状态["exp_avg"] = torch.zeros_like(p)
                    状态["exp_avg_sq"] = torch.zeros_like(p)
                状态["step"] += 1
                t = 状态["step"]
                m, v = 状态["exp_avg"], 状态["exp_avg_sq"]
                m.mul_(β1).add_(g, alpha=1 - β1)
                v.mul_(β2).addcmul_(g, g, value=1 - β2)
                m_hat = m / (1 - β1 ** t)
                v_hat = v / (1 - β2 ** t)
                p.addcdiv_(m_hat, v_hat.sqrt().add_(组["eps"]), value=-组["lr"])
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
    """糖尿病数据集（Dataset & DataLoader，加载数据集）：最后一列是标签。"""

    def __init__(self, path: str) -> None:
        xy = np.loadtxt(path, delimiter=",", dtype=np.float32)
        if xy.ndim == 1:                # 只有一行时 loadtxt 返回一维数组
            xy = xy.reshape(1, -1)
        self.len = xy.shape[0]
        self.x_data = torch.from_numpy(xy[:, :-1].copy())
        self.y_data = torch.from_numpy(xy[:, [-1]])

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        return self.x_data[index], self.y_data[index]

    def __len__(self) -> int:
        return self.len


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    """k 折交叉验证：前 n % k 折各多一个下标。"""
    全部 = torch.arange(n)
    q, r = divmod(n, k)
    折 = []
    起点 = 0
    for i in range(k):
        长度 = q + (1 if i < r else 0)
        折.append(全部[起点:起点 + 长度])
        起点 += 长度
    return 折


if __name__ == "__main__":
    # 演示：在随机生成的数据上用自己写的 SGD 训练逻辑斯蒂回归
    torch.manual_seed(0)
    X = torch.randn(200, 7)
    y = (X[:, :1] + 0.5 * X[:, 1:2] > 0).float()
    model = torch.nn.Sequential(torch.nn.Linear(7, 1))
    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    for epoch in range(50):
        for idx in minibatch_indices(200, 32):
            logits = model(X[idx])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch % 10 == 0:
            print("epoch", epoch, "loss", loss.item())
    print("平滑后的损失曲线末尾：", ema(torch.rand(20), 0.9)[-3:])
    torch.save(model.state_dict(), "logreg_demo.pt")
