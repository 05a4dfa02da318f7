"""GoogLeNet 与 Inception 模块（1×1 卷积）。

四个分支看同一个输入，按通道合并（torch.cat(..., dim=1)）：16 + 24 + 24 + 24 = 88 个通道。
1×1 卷积把各通道同一位置的值融合，放在大卷积核前面当"瓶颈"可以减少运算数量。
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    """课上的 Inception 模块；模块内部没有激活函数。"""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        # 分支一：1×1 卷积 → 16
        self.分支1x1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        # 分支二：1×1 → 16，再 5×5（padding 2）→ 24
        self.分支5x5_1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.分支5x5_2 = nn.Conv2d(16, 24, kernel_size=5, padding=2)
        # 分支三：1×1 → 16，3×3 → 24，3×3 → 24
        self.分支3x3_1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.分支3x3_2 = nn.Conv2d(16, 24, kernel_size=3, padding=1)
        self.分支3x3_3 = nn.Conv2d(24, 24, kernel_size=3, padding=1)
        # 分支四：3×3 平均池化（步幅 1，padding 1）→ 1×1 → 24
        self.池化分支 = nn.Conv2d(in_channels, 24, kernel_size=1)

    def forward(self, x: Tensor) -> Tensor:
        一 = self.分支1x1(x)
        二 = self.分支5x5_2(self.分支5x5_1(x))
        三 = self.分支3x3_3(self.分支3x3_2(self.分支3x3_1(x)))
        四 = self.池化分支(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))
        return torch.cat([一, 二, 三, 四], dim=1)     # 按照通道合并


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    """k×k 卷积（c_in → c_out）输出 h×w 时的乘法次数；不计偏置。"""
    每个输出元素 = k * k * c_in
    return 每个输出元素 * c_out * h * w


class GoogLeNetMini(nn.Module):
    """第 11 讲的网络：卷积 → 池化 → Inception → 卷积 → 池化 → Inception → 线性层。

    线性层的输入维度用一次"空跑"（全零张量前向）算出来，不写死 1408；卷积用 padding 2，
    8×8 的图也能经过两次池化。
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(88, 20, kernel_size=5, padding=2)
        self.incep1 = InceptionA(in_channels=10)
        self.incep2 = InceptionA(in_channels=20)
        self.mp = nn.MaxPool2d(2)
        with torch.no_grad():
            空跑 = self._特征(torch.zeros(1, in_channels, input_size, input_size))
        self.fc = nn.Linear(空跑.numel(), num_classes)

    def _特征(self, x: Tensor) -> Tensor:
        x = F.relu(self.mp(self.conv1(x)))
        x = self.incep1(x)
        x = F.relu(self.mp(self.conv2(x)))
        x = self.incep2(x)
        return x.flatten(1)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self._特征(x))


if __name__ == "__main__":
    print("5×5 卷积 192→32, 28×28：", conv_mults(28, 28, 192, 32, 5))
    print("加 1×1 瓶颈：", conv_mults(28, 28, 192, 16, 1) + conv_mults(28, 28, 16, 32, 5))
    net = GoogLeNetMini(input_size=8)
    print(net(torch.randn(2, 1, 8, 8)).shape)
    torch.save(net.state_dict(), "googlenet_mini.pt")
