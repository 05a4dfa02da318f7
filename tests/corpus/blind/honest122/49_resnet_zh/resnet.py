"""残差网络：残差块、批量归一化（手写）、BasicBlock、小型 ResNet。"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    """第 11 讲的残差块：两个 3×3 卷积（padding=1，带偏置），输出 relu(x + F(x))，形状不变。"""

    def __init__(self, channels: int) -> None:
        super(ResidualBlock, self).__init__()
        self.channels = channels
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        y = F.relu(self.conv1(x))
        y = self.conv2(y)
        return F.relu(x + y)          # 先相加再激活（跳跃连接）


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """批量归一化：训练时用本批的均值和（有偏）方差，并原地更新滑动统计量；评估时用滑动统计量。"""
    assert x.dim() in (2, 4)
    if x.dim() == 2:
        形状 = (1, x.shape[1])
        维 = (0,)
    else:
        形状 = (1, x.shape[1], 1, 1)
        维 = (0, 2, 3)
    if not training:
        x_hat = (x - running_mean.view(形状)) / torch.sqrt(running_var.view(形状) + eps)
    else:
        均值 = x.mean(dim=维, keepdim=True)
        方差 = ((x - 均值) ** 2).mean(dim=维, keepdim=True)       # 用偏差计算方差，避免大数相减
        x_hat = (x - 均值) / torch.sqrt(方差 + eps)
        个数 = x.numel() / x.shape[1]
        with torch.no_grad():
            running_mean[:] = (1.0 - momentum) * running_mean + momentum * 均值.view(-1)
            running_var[:] = (1.0 - momentum) * running_var + momentum * 方差.view(-1) * 个数 / (个数 - 1)
    return gamma.view(形状) * x_hat + beta.view(形状)


class BasicBlock(nn.Module):
    """ResNet 的基本块：3×3 卷积(步幅) → BN → ReLU → 3×3 卷积 → BN，加上捷径后再 ReLU。"""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.需要投影 = stride != 1 or in_channels != out_channels
        if self.需要投影:
            self.conv3 = nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)
            self.bn3 = nn.BatchNorm2d(out_channels)

    def forward(self, x: Tensor) -> Tensor:
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        捷径 = self.bn3(self.conv3(x)) if self.需要投影 else x
        return F.relu(y + 捷径)


class SmallResNet(nn.Module):
    """卷积 → 残差块 × 2 → 全局平均池化 → 线性层；任意 ≥ 8×8 的输入都可以。"""

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 16, kernel_size=5, padding=2)
        self.mp = nn.MaxPool2d(2)
        self.rblock1 = ResidualBlock(16)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.rblock2 = ResidualBlock(32)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        in_size = x.size(0)
        x = self.mp(F.relu(self.conv1(x)))
        x = self.rblock1(x)
        x = self.mp(F.relu(self.conv2(x)))
        x = self.rblock2(x)
        x = x.mean(dim=(2, 3)).view(in_size, -1)
        return self.fc(x)


if __name__ == "__main__":
    x = torch.randn(8, 3, 5, 5, dtype=torch.float64)
    g, b = torch.ones(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
    rm, rv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    y = batch_norm(x, g, b, rm, rv, True)
    print("与 F.batch_norm 的差:", (y - F.batch_norm(x, torch.zeros(3, dtype=torch.float64),
                                                  torch.ones(3, dtype=torch.float64), g, b, True)).abs().max())
    net = SmallResNet()
    print(net(torch.randn(2, 1, 8, 8)).shape, net(torch.randn(2, 1, 28, 28)).shape)
