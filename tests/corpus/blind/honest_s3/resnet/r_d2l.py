# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""残差网络 — d2l 风格 (batch_norm 从零实现, Residual 块, resnet_block 辅助函数)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    """课上的残差块: y = relu(x + conv2(relu(conv1(x))))."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, 1, 1, bias=True)
        self.conv2 = nn.Conv2d(channels, channels, 3, 1, 1, bias=True)

    def forward(self, X: Tensor) -> Tensor:
        Y = torch.relu(self.conv1(X))
        return torch.relu(self.conv2(Y) + X)


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    # d2l 的 batch_norm, 改成 PyTorch 的 momentum 约定, 并原地更新移动平均
    assert len(x.shape) in (2, 4)
    shape = (1, x.shape[1]) if len(x.shape) == 2 else (1, x.shape[1], 1, 1)
    if not training:
        # 预测模式: 直接使用移动平均所得的均值和方差
        X_hat = (x - running_mean.view(shape)) / torch.sqrt(running_var.view(shape) + eps)
    else:
        dims = (0,) if len(x.shape) == 2 else (0, 2, 3)
        mean = x.mean(dim=dims, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=dims, keepdim=True)     # 用偏差计算方差, 避免相消
        X_hat = (x - mean) / torch.sqrt(var + eps)
        m = x.numel() / x.shape[1]                               # 每个通道的样本数
        # 更新移动平均的均值和方差 (方差用无偏估计)
        running_mean.copy_((1.0 - momentum) * running_mean + momentum * mean.detach().view(-1))
        running_var.copy_((1.0 - momentum) * running_var + momentum * var.detach().view(-1) * m / (m - 1))
    return gamma.view(shape) * X_hat + beta.view(shape)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        use_1x1conv = stride != 1 or in_channels != out_channels
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, stride=stride, bias=False)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1, bias=False)
        if use_1x1conv:
            self.conv3 = nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False)
            self.bn3 = nn.BatchNorm2d(out_channels)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)

    def forward(self, X: Tensor) -> Tensor:
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3 is not None:
            X = self.bn3(self.conv3(X))
        Y += X
        return F.relu(Y)


def resnet_block(input_channels: int, num_channels: int, num_residuals: int, first_block: bool = False) -> list:
    blk = []
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.append(BasicBlock(input_channels, num_channels, stride=2))
        else:
            blk.append(BasicBlock(num_channels, num_channels))
    return blk


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        b1 = nn.Sequential(nn.Conv2d(in_channels, 16, kernel_size=3, stride=1, padding=1),
                           nn.BatchNorm2d(16), nn.ReLU())
        b2 = nn.Sequential(*resnet_block(16, 16, 1, first_block=True))
        b3 = nn.Sequential(*resnet_block(16, 32, 1))
        self.net = nn.Sequential(b1, b2, b3, nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(32, num_classes))

    def forward(self, X: Tensor) -> Tensor:
        return self.net(X)
