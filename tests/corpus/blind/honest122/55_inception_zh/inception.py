"""GoogLeNet / Inception：四个分支按通道拼接；1×1 卷积减少运算量。"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    """课上的 Inception 模块：输出 16 + 24 + 24 + 24 = 88 个通道，宽高不变。"""

    def __init__(self, in_channels: int) -> None:
        super(InceptionA, self).__init__()
        self.branch1x1 = nn.Conv2d(in_channels, 16, kernel_size=1)

        self.branch5x5_1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch5x5_2 = nn.Conv2d(16, 24, kernel_size=5, padding=2)

        self.branch3x3_1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch3x3_2 = nn.Conv2d(16, 24, kernel_size=3, padding=1)
        self.branch3x3_3 = nn.Conv2d(24, 24, kernel_size=3, padding=1)

        self.branch_pool = nn.Conv2d(in_channels, 24, kernel_size=1)

    def forward(self, x: Tensor) -> Tensor:
        branch1x1 = self.branch1x1(x)

        branch5x5 = self.branch5x5_1(x)
        branch5x5 = self.branch5x5_2(branch5x5)

        branch3x3 = self.branch3x3_1(x)
        branch3x3 = self.branch3x3_2(branch3x3)
        branch3x3 = self.branch3x3_3(branch3x3)

        branch_pool = F.avg_pool2d(x, kernel_size=3, stride=1, padding=1)
        branch_pool = self.branch_pool(branch_pool)

        outputs = [branch1x1, branch5x5, branch3x3, branch_pool]
        return torch.cat(outputs, dim=1)       # 按照通道合并


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    """k×k 卷积、输出 h×w 时的乘法次数：每个输出元素 k·k·c_in 次，共 c_out·h·w 个输出元素。"""
    每个输出 = k * k * c_in
    return 每个输出 * c_out * h * w


def _池化后(n: int) -> int:
    """5×5 卷积 padding=2 保持尺寸，2×2 最大池化向下取整减半。"""
    return n // 2


class GoogLeNetMini(nn.Module):
    """第 11 讲的网络：卷积 → 池化 → Inception → 卷积 → 池化 → Inception → 线性层。"""

    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super(GoogLeNetMini, self).__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(88, 20, kernel_size=5, padding=2)
        self.incep1 = InceptionA(in_channels=10)
        self.incep2 = InceptionA(in_channels=20)
        self.mp = nn.MaxPool2d(2)
        边长 = _池化后(_池化后(input_size))
        self.fc = nn.Linear(88 * 边长 * 边长, num_classes)     # 由 input_size 算出，不写死 1408

    def forward(self, x: Tensor) -> Tensor:
        in_size = x.size(0)
        x = F.relu(self.mp(self.conv1(x)))
        x = self.incep1(x)
        x = F.relu(self.mp(self.conv2(x)))
        x = self.incep2(x)
        x = x.view(in_size, -1)
        return self.fc(x)


if __name__ == "__main__":
    print(conv_mults(28, 28, 192, 32, 5))                                          # 120422400
    print(conv_mults(28, 28, 192, 16, 1) + conv_mults(28, 28, 16, 32, 5))          # 12443648
    for s in (8, 28):
        print(s, GoogLeNetMini(input_size=s)(torch.zeros(2, 1, s, s)).shape)
