"""多层感知机：激活函数、丢弃法、Xavier 初始化、逻辑斯蒂回归、糖尿病网络与训练全流程。"""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    """ReLU(x) = max(x, 0)。"""
    return (x + x.abs()) / 2


def tanh(x: Tensor) -> Tensor:
    """用 e^(−2|x|) 计算，避免指数溢出，再恢复符号。"""
    e = torch.exp(-2 * x.abs())
    正 = (1 - e) / (1 + e)
    return torch.where(x >= 0, 正, -正)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    """两个 ReLU 拼出一个“硬” sigmoid。"""
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    """丢弃法：以概率 p 置零，保留下来的除以 1 − p，期望不变。"""
    assert 0 <= p <= 1
    if not training:
        return x
    if p == 1:
        return torch.zeros_like(x)
    if p == 0:
        return x
    掩码 = (torch.rand_like(x) > p).to(x.dtype)
    return 掩码 * x / (1.0 - p)


def xavier_uniform_(tensor: Tensor) -> Tensor:
    """Xavier 初始化：U(−a, a)，a = √(6 / (fan_in + fan_out))。"""
    形状 = tensor.shape
    感受野 = 1
    for k in 形状[2:]:
        感受野 *= k
    a = math.sqrt(6 / (形状[0] * 感受野 + 形状[1] * 感受野))
    with torch.no_grad():
        tensor.uniform_(-a, a)
    return tensor


class LogisticRegression(nn.Module):
    """逻辑斯蒂回归：线性层 + sigmoid，输出概率。"""

    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return torch.sigmoid(self.linear(x))


class DiabetesNet(nn.Module):
    """多维特征输入：8 → 6 → 4 → 1，每层后面都接 sigmoid。"""

    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.linear1 = nn.Linear(in_features, 6)
        self.linear2 = nn.Linear(6, 4)
        self.linear3 = nn.Linear(4, 1)

    def forward(self, x: Tensor) -> Tensor:
        x = torch.sigmoid(self.linear1(x))
        x = torch.sigmoid(self.linear2(x))
        x = torch.sigmoid(self.linear3(x))
        return x


class MLP(nn.Module):
    """多分类的多层感知机，输出 logits（不做 softmax）。"""

    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        self.层 = nn.ModuleList([nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)])
        self.激活 = activation
        self.p = dropout

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() > 2:
            x = x.view(x.size(0), -1) if x.is_contiguous() else x.reshape(x.size(0), -1)
        for i, 线性 in enumerate(self.层):
            x = 线性(x)
            if i < len(self.层) - 1:
                if self.激活 == "relu":
                    x = F.relu(x)
                elif self.激活 == "tanh":
                    x = torch.tanh(x)
                else:
                    x = torch.sigmoid(x)
                if self.p > 0:
                    x = dropout(x, self.p, self.training)
        return x


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    """训练一个 epoch：前向、算损失、清零梯度 + 反向、更新。返回按样本数加权的平均损失。"""
    model.train()
    损失和, 样本数 = 0.0, 0
    for 输入, 目标 in loader:
        输入, 目标 = 输入.to(device), 目标.to(device)
        y_pred = model(输入)
        loss = loss_fn(y_pred, 目标)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        损失和 += loss.item() * 输入.size(0)
        样本数 += 输入.size(0)
    return 损失和 / 样本数


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    """评估模式 + no_grad 下计算精度。"""
    model.eval()
    正确 = 总数 = 0
    with torch.no_grad():
        for 输入, 标签 in loader:
            输出 = model(输入.to(device))
            标签 = 标签.to(device)
            if 输出.shape[1] == 1:
                预测 = (输出 > 0.5).float().view(-1)
                正确 += (预测 == 标签.view(-1).float()).sum().item()
            else:
                _, 预测 = torch.max(输出.data, dim=1)
                正确 += (预测 == 标签).sum().item()
            总数 += 标签.size(0)
    return 正确 / 总数


if __name__ == "__main__":
    # 演示：在随机生成的“糖尿病”数据上训练 DiabetesNet，并保存模型
    torch.manual_seed(0)
    X = torch.randn(256, 8)
    y = (X[:, :2].sum(dim=1, keepdim=True) > 0).float()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=32, shuffle=True)
    模型 = DiabetesNet(8)
    优化器 = torch.optim.SGD(模型.parameters(), lr=0.5)
    for epoch in range(20):
        损失 = train_epoch(模型, loader, nn.BCELoss(), 优化器, "cpu")
        print(epoch, 损失, evaluate(模型, loader, "cpu"))
    torch.save(模型.state_dict(), "diabetes_net.pt")
