"""CNN — d2l-style loops for corr2d and pooling, explicit padding, LeNet-ish network with global pooling."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    h, w = k.shape
    out_rows = []
    for i in range(x.shape[0] - h + 1):
        row = []
        for j in range(x.shape[1] - w + 1):
            row.append((x[i:i + h, j:j + w] * k).sum())
        out_rows.append(torch.stack(row))
    return torch.stack(out_rows)


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n + 2 * padding - k) // stride + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    if padding:
        x = F.pad(x, (padding, padding, padding, padding))
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    h_out = (h - kh) // stride + 1
    w_out = (w - kw) // stride + 1
    out = x.new_zeros(n, c_out, h_out, w_out)
    # accumulate one kernel offset at a time (kh*kw iterations, each a full tensor product)
    for a in range(kh):
        for b in range(kw):
            patch = x[:, :, a:a + stride * (h_out - 1) + 1:stride, b:b + stride * (w_out - 1) + 1:stride]  # (N, C_in, Ho, Wo)
            out = out + (patch.unsqueeze(1) * weight[:, :, a, b].reshape(1, c_out, c_in, 1, 1)).sum(dim=2)
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    s = kernel_size if stride is None else stride
    n, c, h, w = x.shape
    ho = (h - kernel_size) // s + 1
    wo = (w - kernel_size) // s + 1
    result = None
    for a in range(kernel_size):
        for b in range(kernel_size):
            view = x[:, :, a:a + s * (ho - 1) + 1:s, b:b + s * (wo - 1) + 1:s]
            result = view if result is None else torch.maximum(result, view)
    return result


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=3, padding=1)
        self.pooling = nn.MaxPool2d(2)
        self.gap = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(20, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        batch_size = x.size(0)
        x = F.relu(self.pooling(self.conv1(x)))
        x = F.relu(self.pooling(self.conv2(x)))
        x = self.gap(x).view(batch_size, -1)
        return self.fc(x)


if __name__ == "__main__":
    device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    model = SimpleCNN().to(device)
    print(model(torch.randn(4, 1, 28, 28, device=device)).shape)
