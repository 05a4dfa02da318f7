"""多层感知机（MLP）：激活函数、丢弃法、Xavier 初始化、逻辑斯蒂回归、糖尿病网络、多分类、训练全流程。

文件末尾的 ``if __name__ == "__main__":`` 只在直接运行本文件时执行（训练演示 + torch.save），
被 import 时不会运行。
"""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    """ReLU(x) = max(x, 0)：(x + |x|) / 2。"""
    return (x + x.abs()) / 2


def tanh(x: Tensor) -> Tensor:
    """tanh：用 e^(−2|x|)，再补回符号，±1000 也不会溢出。"""
    t = torch.exp(-2 * x.abs())
    绝对值部分 = (1 - t) / (1 + t)
    return torch.where(x < 0, -绝对值部分, 绝对值部分)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    """两个 ReLU 之差就是一个"硬 sigmoid"：relu(x + 0.5) − relu(x − 0.5)。"""
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    """反向丢弃法：以概率 p 置零，幸存者乘 1/(1 − p)，期望不变。"""
    if not training:
        return x                            # 评估时什么也不做
    保留 = (torch.rand_like(x) > p).to(x.dtype)
    if p >= 1.0:
        return x * 保留                     # 全部丢弃：全零（保留全为 0），不除以零
    return x * 保留 / (1.0 - p)


def xavier_uniform_(tensor: Tensor) -> Tensor:
    """Xavier 初始化：U(−a, a)，a = √(6 / (fan_in + fan_out))；卷积核要乘上感受野大小。"""
    感受野 = 1
    for k in tensor.shape[2:]:
        感受野 *= int(k)
    fan_in = tensor.shape[1] * 感受野
    fan_out = tensor.shape[0] * 感受野
    a = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-a, a)              # 原地填充，返回同一个张量
    return tensor


class LogisticRegression(nn.Module):
    """逻辑斯蒂回归：一个线性层 + sigmoid，输出概率 (n, 1)。"""

    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return torch.sigmoid(self.linear(x))


class DiabetesNet(nn.Module):
    """多维特征输入：in_features → 6 → 4 → 1，每层后面都接 sigmoid（课上的 8→6→4→1）。"""

    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.linear1 = nn.Linear(in_features, 6)
        self.linear2 = nn.Linear(6, 4)
        self.linear3 = nn.Linear(4, 1)
        self.activate = nn.Sigmoid()

    def forward(self, x: Tensor) -> Tensor:
        x = self.activate(self.linear1(x))
        x = self.activate(self.linear2(x))
        x = self.activate(self.linear3(x))
        return x


class MLP(nn.Module):
    """多分类 MLP：隐藏层后接激活函数（和可选的 dropout），最后一层输出 logits，不做 softmax。"""

    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        激活 = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
        层: list[nn.Module] = []
        for 序号 in range(len(sizes) - 1):
            层.append(nn.Linear(sizes[序号], sizes[序号 + 1]))
            是隐藏层 = 序号 < len(sizes) - 2
            if 是隐藏层:
                层.append(激活[activation]())
                if dropout > 0:
                    层.append(nn.Dropout(dropout))
        self.layers = nn.Sequential(*层)

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() > 2:
            x = x.reshape(len(x), -1)       # 图像 (n, 1, 8, 8) → (n, 64)
        return self.layers(x)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    """训练一个 epoch：前向、损失、清零梯度 + 反向、更新；返回按样本数加权的平均损失。"""
    model.train()
    总损失, 总样本 = 0.0, 0
    for 输入, 标签 in loader:
        输入, 标签 = 输入.to(device), 标签.to(device)
        预测 = model(输入)                   # 1. 前向
        损失 = loss_fn(预测, 标签)           # 2. 损失
        optimizer.zero_grad()               # 3. 清零 + 反向
        损失.backward()
        optimizer.step()                    # 4. 更新
        总损失 += 损失.item() * len(输入)
        总样本 += len(输入)
    return 总损失 / 总样本


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    """准确率：eval 模式 + no_grad；(n, 1) 输出按 0.5 阈值，(n, c) 输出取 argmax。"""
    model.eval()
    对, 总 = 0, 0
    with torch.no_grad():
        for 输入, 标签 in loader:
            输出 = model(输入.to(device))
            标签 = 标签.to(device)
            if 输出.shape[1] == 1:
                预测 = (输出[:, 0] > 0.5).long()
                标签 = 标签.reshape(-1).long()
            else:
                预测 = 输出.argmax(dim=1)
            对 += int((预测 == 标签).sum())
            总 += 标签.shape[0]
    return 对 / 总


if __name__ == "__main__":
    # 演示：在随机数据上训练糖尿病网络几轮，保存参数（import 时不会执行）
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(0)
    X = torch.randn(256, 7)
    y = (X[:, :1] + 0.5 * X[:, 1:2] > 0).float()
    loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
    net = DiabetesNet(7)
    opt = torch.optim.SGD(net.parameters(), lr=0.5)
    for epoch in range(20):
        l = train_epoch(net, loader, nn.BCELoss(), opt, "cpu")
        print(f"epoch {epoch}: loss {l:.4f}, acc {evaluate(net, loader, 'cpu'):.3f}")
    torch.save(net.state_dict(), "diabetes_net.pt")
