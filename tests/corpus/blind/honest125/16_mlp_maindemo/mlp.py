"""多层感知机 —— 全流程（前向、损失、清零+反向、更新），附一个直接运行时的训练演示。"""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn

# 导入时创建的带种子的生成器：只给下面的演示造数据用，不影响全局随机数。
_DEMO_GEN = torch.Generator().manual_seed(2024)


def relu(x: Tensor) -> Tensor:
    """正的保留，其余置 0。"""
    return torch.where(x > 0, x, torch.zeros_like(x))


def tanh(x: Tensor) -> Tensor:
    """用 e^(−2|x|) 写，保证不溢出；再按符号还原。"""
    e = torch.exp(-2 * torch.abs(x))
    mag = -torch.expm1(-2 * torch.abs(x)) / (1 + e)
    return torch.where(x < 0, -mag, mag)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    """两个 ReLU 相减得到“硬 sigmoid”。"""
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    """丢弃法：以概率 p 置 0，保留的放大 1/(1−p)。"""
    if not training:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = torch.rand_like(x) > p
    return torch.where(keep, x / (1 - p), torch.zeros_like(x))


def xavier_uniform_(tensor: Tensor) -> Tensor:
    """Xavier 初始化：卷积核的感受野也算进 fan_in / fan_out。"""
    rf = math.prod(tensor.shape[2:]) if tensor.dim() > 2 else 1
    fan_in, fan_out = tensor.size(1) * rf, tensor.size(0) * rf
    a = math.sqrt(6 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-a, a)
    return tensor


class LogisticRegression(nn.Module):
    """逻辑斯蒂回归：一个线性层加 sigmoid。"""

    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear(x).sigmoid()


class DiabetesNet(nn.Module):
    """多维特征输入：in → 6 → 4 → 1，每层后都接 sigmoid。"""

    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(in_features, 6), nn.Sigmoid(),
            nn.Linear(6, 4), nn.Sigmoid(),
            nn.Linear(4, 1), nn.Sigmoid(),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.model(x)


class MLP(nn.Module):
    """多分类用的 MLP，最后一层输出 logits（不加 softmax）。"""

    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        if activation == "relu":
            act = nn.ReLU
        elif activation == "tanh":
            act = nn.Tanh
        elif activation == "sigmoid":
            act = nn.Sigmoid
        else:
            raise ValueError(activation)
        blocks: list[nn.Module] = [nn.Flatten()]
        for i in range(len(sizes) - 1):
            blocks.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i + 2 < len(sizes):
                blocks.append(act())
                if dropout > 0:
                    blocks.append(nn.Dropout(p=dropout))
        self.body = nn.Sequential(*blocks)

    def forward(self, x: Tensor) -> Tensor:
        return self.body(x)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    """一个 epoch：每个 batch 四步走，返回按样本数加权的平均损失。"""
    model.train()
    loss_sum = 0.0
    n_samples = 0
    for batch_x, batch_y in loader:
        batch_x = batch_x.to(device)
        batch_y = batch_y.to(device)
        y_pred = model(batch_x)                 # 1. 前向
        loss = loss_fn(y_pred, batch_y)         # 2. 损失
        optimizer.zero_grad()                   # 3. 清零 + 反向
        loss.backward()
        optimizer.step()                        # 4. 更新
        loss_sum += loss.item() * batch_x.size(0)
        n_samples += batch_x.size(0)
    return loss_sum / n_samples


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    """准确率：eval 模式 + no_grad。"""
    model.eval()
    correct = 0
    total = 0
    with torch.no_grad():
        for batch_x, batch_y in loader:
            out = model(batch_x.to(device))
            batch_y = batch_y.to(device)
            if out.size(1) == 1:
                pred = (out > 0.5).float().view(-1)
                correct += (pred == batch_y.view(-1).float()).sum().item()
            else:
                correct += (out.argmax(1) == batch_y).sum().item()
            total += out.size(0)
    return correct / total


if __name__ == "__main__":
    # 演示：用带种子的生成器造一个可分的二分类数据集，训练 DiabetesNet 并保存。
    from torch.utils.data import DataLoader, TensorDataset

    X = torch.randn(256, 8, generator=_DEMO_GEN)
    Y = (X[:, :2].sum(1, keepdim=True) > 0).float()
    loader = DataLoader(TensorDataset(X, Y), batch_size=32, shuffle=True)
    net = DiabetesNet(8)
    opt = torch.optim.SGD(net.parameters(), lr=0.5)
    for epoch in range(30):
        loss = train_epoch(net, loader, nn.BCELoss(), opt, "cpu")
        if epoch % 10 == 0:
            print(f"epoch {epoch}: loss {loss:.4f}, acc {evaluate(net, loader, 'cpu'):.3f}")
    torch.save(net.state_dict(), "diabetes_net_demo.pt")
