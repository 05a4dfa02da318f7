"""卷积神经网络 —— 卷积、填充、步幅、池化（中文注释，循环写法）。

conv2d 在卷积核的 kh×kw 个位置上循环（循环次数与输入大小无关），每次做一次整批的乘加。
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    """单通道互相关：逐个输出位置计算窗口与卷积核的乘积之和。"""
    kh, kw = k.shape
    行数, 列数 = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    # 注意：不先建 torch.zeros 再逐个赋值（那样默认是 float32、CPU），直接把每个和堆叠起来
    行列表 = []
    for i in range(行数):
        一行 = [(x[i:i + kh, j:j + kw] * k).sum() for j in range(列数)]
        行列表.append(torch.stack(一行))
    return torch.stack(行列表)


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    """多通道卷积：对卷积核的每个 (a, b) 偏移取一次步幅切片，再与对应权重做通道混合。"""
    if padding:
        x = F.pad(x, (padding, padding, padding, padding))       # 四周补零
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    ho = (h - kh) // stride + 1
    wo = (w - kw) // stride + 1
    out = None
    for a in range(kh):
        for b in range(kw):
            # 所有输出位置在偏移 (a, b) 处看到的输入：(N, C_in, Ho, Wo)
            切片 = x[:, :, a:a + stride * (ho - 1) + 1:stride, b:b + stride * (wo - 1) + 1:stride]
            项 = torch.einsum("nchw,oc->nohw", 切片, weight[:, :, a, b])
            out = 项 if out is None else out + 项
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """输出边长 ⌊(n + 2p − k)/s⌋ + 1，整数除法（不用浮点，避免大数舍入）。"""
    return (n + 2 * padding - k) // stride + 1


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    """最大池化：在窗口的每个偏移上取切片，逐个取较大值（循环次数只与窗口大小有关）。"""
    s = stride or kernel_size
    h, w = x.shape[-2:]
    ho = (h - kernel_size) // s + 1
    wo = (w - kernel_size) // s + 1
    结果 = None
    for a in range(kernel_size):
        for b in range(kernel_size):
            片 = x[..., a:a + s * (ho - 1) + 1:s, b:b + s * (wo - 1) + 1:s]
            结果 = 片 if 结果 is None else torch.maximum(结果, 片)
    return 结果


class SimpleCNN(nn.Module):
    """第十讲的网络：两次（卷积 → relu → 池化），再接全连接。

    为了让同一个实例接受任意 ≥ 8×8 的输入，全连接之前做全局平均池化。
    """

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=3, padding=1)
        self.fc = nn.Linear(20, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        批 = x.size(0)
        x = max_pool2d(F.relu(self.conv1(x)), 2)
        x = max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.mean(dim=(2, 3)).view(批, -1)
        return self.fc(x)
