# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""卷积神经网络 — d2l 风格 (互相关运算, 填充和步幅, 汇聚层, LeNet)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    """计算二维互相关运算 (d2l 的 corr2d)."""
    h, w = k.shape
    Y = torch.zeros((x.shape[0] - h + 1, x.shape[1] - w + 1), dtype=x.dtype, device=x.device)
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (x[i:i + h, j:j + w] * k).sum()
    return Y


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    # 输出形状: ⌊(n + 2p − k)/s⌋ + 1
    return (n + 2 * padding - k) // stride + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    N, C_in, H, W = x.shape
    C_out, _, kh, kw = weight.shape
    H_out = conv_output_size(H, kh, padding, stride)
    W_out = conv_output_size(W, kw, padding, stride)
    # im2col: 每一列是一个窗口, 形状 (N, C_in*kh*kw, H_out*W_out)
    cols = F.unfold(x, kernel_size=(kh, kw), padding=padding, stride=stride)
    K = weight.reshape(C_out, C_in * kh * kw)
    Y = torch.matmul(K, cols)                      # (N, C_out, L)
    if bias is not None:
        Y = Y + bias.reshape(1, C_out, 1)
    return Y.reshape(N, C_out, H_out, W_out)


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    if stride is None:
        stride = kernel_size
    N, C, H, W = x.shape
    p = kernel_size
    H_out = (H - p) // stride + 1
    W_out = (W - p) // stride + 1
    # 先把每个窗口取出来: (N, C*p*p, L), 再在窗口内取最大值
    cols = F.unfold(x, kernel_size=p, stride=stride).reshape(N, C, p * p, H_out * W_out)
    return cols.max(dim=2).values.reshape(N, C, H_out, W_out)


class SimpleCNN(nn.Module):
    """两次 (卷积 → ReLU → 最大汇聚), 然后全局平均汇聚和一个全连接层."""

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)   # 课上的 10 个通道
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5, padding=2)            # 课上的 20 个通道
        self.pooling = nn.MaxPool2d(2)
        self.gap = nn.AdaptiveAvgPool2d((1, 1))                             # 与输入大小无关
        self.fc = nn.Linear(20, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        batch_size = x.size(0)
        x = self.pooling(F.relu(self.conv1(x)))
        x = self.pooling(F.relu(self.conv2(x)))
        x = self.gap(x).view(batch_size, -1)
        return self.fc(x)
