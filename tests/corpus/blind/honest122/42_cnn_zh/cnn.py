"""卷积神经网络：互相关、多通道卷积、输出尺寸、最大池化、LeNet 风格的网络。"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    """单通道二维互相关：窗口与核逐元素相乘再求和。"""
    h, w = k.shape
    输出 = x.new_zeros((x.shape[0] - h + 1, x.shape[1] - w + 1))
    for i in range(输出.shape[0]):
        for j in range(输出.shape[1]):
            输出[i, j] = (x[i:i + h, j:j + w] * k).sum()
    return 输出


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """输出边长 ⌊(n + 2p − k)/s⌋ + 1（整数除法，大数也精确）。"""
    return (n + 2 * padding - k) // stride + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    """多输入多输出通道卷积：先用 unfold 展开窗口（im2col），再做矩阵乘法。"""
    批, _, 高, 宽 = x.shape
    输出通道, 输入通道, kh, kw = weight.shape
    列 = F.unfold(x, (kh, kw), stride=stride, padding=padding)          # (N, C·kh·kw, L)
    结果 = torch.matmul(weight.view(输出通道, -1), 列)                     # (N, C_out, L)
    if bias is not None:
        结果 += bias.view(-1, 1)
    return 结果.view(批, 输出通道, conv_output_size(高, kh, padding, stride), conv_output_size(宽, kw, padding, stride))


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    """最大池化：每个窗口取最大值；步幅默认等于窗口大小。"""
    步幅 = kernel_size if stride is None else stride
    窗口 = x.unfold(2, kernel_size, 步幅).unfold(3, kernel_size, 步幅)
    return 窗口.reshape(*窗口.shape[:4], -1).max(dim=-1).values


class SimpleCNN(nn.Module):
    """第 10 讲的网络：(卷积 → relu → 池化) × 2，再接线性层。用全局平均池化，任意 ≥ 8×8 的输入都行。"""

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=3, padding=1)
        self.pooling = nn.MaxPool2d(2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(20, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        batch_size = x.size(0)
        x = F.relu(self.pooling(self.conv1(x)))
        x = F.relu(self.pooling(self.conv2(x)))
        x = self.gap(x).view(batch_size, -1)
        return self.fc(x)


if __name__ == "__main__":
    # 在随机数据上跑几步，检查形状，并把模型移到 GPU（如果有）
    device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    model = SimpleCNN().to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
    criterion = nn.CrossEntropyLoss()
    for size in (8, 28):
        inputs = torch.randn(16, 1, size, size, device=device)
        target = torch.randint(0, 10, (16,), device=device)
        optimizer.zero_grad()
        loss = criterion(model(inputs), target)
        loss.backward()
        optimizer.step()
        print(size, loss.item())
    X = torch.randn(2, 3, 7, 7)
    K = torch.randn(4, 3, 3, 3)
    print((conv2d(X, K, stride=2, padding=1) - F.conv2d(X, K, stride=2, padding=1)).abs().max())
