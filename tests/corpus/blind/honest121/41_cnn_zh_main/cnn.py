"""卷积神经网络（CNN）：互相关、多通道卷积、填充与步幅、最大池化、LeNet 风格的网络。

``if __name__ == "__main__":`` 里在随机数据上训练几步并保存模型，import 时不会执行。
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    """单通道二维互相关：Y[i, j] = Σ X[i + a, j + b]·K[a, b]（逐位置求和，循环可以）。"""
    高, 宽 = k.shape
    行们 = []
    for i in range(x.shape[0] - 高 + 1):
        行 = [torch.sum(x[i:i + 高, j:j + 宽] * k) for j in range(x.shape[1] - 宽 + 1)]
        行们.append(torch.stack(行))
    return torch.stack(行们)


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    """多通道卷积：先用 F.pad 补零，再 F.unfold 展开窗口（im2col），最后一次矩阵乘法。"""
    if padding > 0:
        x = F.pad(x, (padding, padding, padding, padding))          # 填充：四周补零
    批, _, 高, 宽 = x.shape
    输出通道, _, kh, kw = weight.shape
    输出高 = (高 - kh) // stride + 1
    输出宽 = (宽 - kw) // stride + 1
    列 = F.unfold(x, (kh, kw), stride=stride)                       # (N, C_in·kh·kw, L)
    核 = weight.view(输出通道, -1) if weight.is_contiguous() else weight.reshape(输出通道, -1)
    结果 = torch.matmul(核, 列)                                      # (N, C_out, L)
    if bias is not None:
        结果 = 结果 + bias.reshape(1, 输出通道, 1)
    return 结果.reshape(批, 输出通道, 输出高, 输出宽)


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """输出边长 ⌊(n + 2p − k)/s⌋ + 1，用整数除法（大数也精确）。"""
    return (n + 2 * padding - k) // stride + 1


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    """最大池化：每个窗口取最大值；步幅默认等于窗口大小，不补零。"""
    if stride is None:
        stride = kernel_size
    窗口 = x.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)
    return 窗口.amax(dim=-1).amax(dim=-1)


class SimpleCNN(nn.Module):
    """第 10 讲的网络：(卷积 → ReLU → 最大池化) 两次，再接线性层。

    为了让同一个实例接受任意 ≥ 8×8 的输入，线性层前做全局最大池化，输入维度与 H、W 无关。
    """

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.mp = nn.MaxPool2d(2)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.relu(self.mp(self.conv1(x)))
        x = F.relu(self.mp(self.conv2(x)))
        x = torch.amax(x, dim=(2, 3))          # 全局最大池化
        return self.fc(x)


if __name__ == "__main__":
    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model = SimpleCNN().to(device)              # 模型搬到 GPU（如果有）
    images = torch.randn(64, 1, 8, 8, device=device)
    labels = torch.randint(0, 10, (64,), device=device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    for step in range(10):
        loss = F.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(step, loss.item())
    torch.save(model.state_dict(), "simple_cnn.pt")
