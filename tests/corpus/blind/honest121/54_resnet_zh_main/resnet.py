"""残差网络（ResNet）：残差块、批量归一化（BatchNorm）、BasicBlock、小型 ResNet。

y = relu(x + F(x))：跳跃连接让梯度有一条直通的路，缓解梯度消失。
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    """第 11 讲的残差块：两个 3×3 卷积（padding 1，带偏置），形状不变。"""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.channels = channels
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)   # padding 保证尺寸不变
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        y = F.relu(self.conv1(x))
        y = self.conv2(y)
        return F.relu(x + y)                # 先相加再激活


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """批量归一化：训练时用本批的均值与有偏方差，并原地更新滑动平均（方差用无偏估计）；
    评估时用滑动平均。方差用 x − μ 计算（E[x²] − E[x]² 在均值很大时会相消）。"""
    if x.dim() == 4:
        维度 = (0, 2, 3)
        形状 = (1, x.shape[1], 1, 1)
    else:
        维度 = (0,)
        形状 = (1, x.shape[1])
    if training:
        均值 = x.mean(dim=维度, keepdim=True)
        方差 = ((x - 均值) ** 2).mean(dim=维度, keepdim=True)
        个数 = x.numel() // x.shape[1]
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * 均值.reshape(-1))
            无偏方差 = 方差.reshape(-1) * 个数 / (个数 - 1)
            running_var.mul_(1 - momentum).add_(momentum * 无偏方差)
        x_hat = (x - 均值) / torch.sqrt(方差 + eps)
    else:
        x_hat = (x - running_mean.reshape(形状)) / torch.sqrt(running_var.reshape(形状) + eps)
    return gamma.reshape(形状) * x_hat + beta.reshape(形状)      # 缩放和移位


class BasicBlock(nn.Module):
    """ResNet 的基本块：主路 3×3(步幅) → BN → ReLU → 3×3 → BN；捷径在形状变化时用 1×1 投影。"""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.捷径 = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.捷径 = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x: Tensor) -> Tensor:
        主路 = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(主路 + self.捷径(x))


class SmallResNet(nn.Module):
    """小型 ResNet：stem 卷积 → 两个残差块（BasicBlock）→ 全局平均池化 → 线性层。"""

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_channels, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.layer1 = BasicBlock(16, 16)
        self.layer2 = BasicBlock(16, 32, stride=2)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.layer2(self.layer1(self.stem(x)))
        x = F.adaptive_avg_pool2d(x, (1, 1)).flatten(1)       # 全局平均池化
        return self.fc(x)


if __name__ == "__main__":
    torch.manual_seed(0)
    net = SmallResNet()
    x = torch.randn(4, 1, 8, 8)
    print(net(x).shape)
    g, b = torch.ones(3), torch.zeros(3)
    rm, rv = torch.zeros(3), torch.ones(3)
    y = batch_norm(torch.randn(5, 3, 4, 4), g, b, rm, rv, training=True)
    print(y.mean().item(), rm, rv)
    torch.save(net.state_dict(), "small_resnet.pt")
