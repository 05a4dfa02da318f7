"""CNN — d2l 6.4 多输入多输出通道: conv2d built from corr2d, channel by channel (loops are fine here)."""
from __future__ import annotations

import torch
from torch import Tensor, nn

POOL = 2


def corr2d(x: Tensor, k: Tensor, stride: int = 1) -> Tensor:
    """Cross-correlation; a stride argument of my own for conv2d's sake (default 1 as the exercise asks)."""
    kh, kw = k.shape
    h_out = (x.shape[0] - kh) // stride + 1
    w_out = (x.shape[1] - kw) // stride + 1
    out = []
    for i in range(h_out):
        for j in range(w_out):
            r, c = i * stride, j * stride
            out.append(torch.sum(x[r:r + kh, c:c + kw] * k))
    return torch.stack(out).reshape(h_out, w_out)


def corr2d_multi_in(x: Tensor, k: Tensor, stride: int) -> Tensor:
    return sum(corr2d(xc, kc, stride) for xc, kc in zip(x, k))


def corr2d_multi_in_out(x: Tensor, k: Tensor, stride: int) -> Tensor:
    return torch.stack([corr2d_multi_in(x, kk, stride) for kk in k], 0)


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n + 2 * padding - k) // stride + 1


def _pad(x: Tensor, p: int) -> Tensor:
    if p == 0:
        return x
    n, c, h, w = x.shape
    out = x.new_zeros((n, c, h + 2 * p, w + 2 * p))
    out[:, :, p:p + h, p:p + w] = x
    return out


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    x = _pad(x, padding)
    y = torch.stack([corr2d_multi_in_out(sample, weight, stride) for sample in x])
    if bias is not None:
        y = y + bias.view(1, -1, 1, 1)
    return y


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    s = stride if stride is not None else kernel_size
    n, c, h, w = x.shape
    h_out, w_out = conv_output_size(h, kernel_size, 0, s), conv_output_size(w, kernel_size, 0, s)
    cols = []
    for i in range(h_out):
        for j in range(w_out):
            win = x[:, :, i * s:i * s + kernel_size, j * s:j * s + kernel_size]
            cols.append(win.reshape(n, c, -1).max(dim=2).values)
    return torch.stack(cols, dim=-1).reshape(n, c, h_out, w_out)


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(in_channels, 12, 3, padding=1), nn.Conv2d(12, 24, 3, padding=1)])
        self.pool = nn.MaxPool2d(POOL)
        self.out = nn.Linear(24, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        for conv in self.convs:
            x = self.pool(torch.relu(conv(x)))
        return self.out(torch.amax(x, dim=(2, 3)))
