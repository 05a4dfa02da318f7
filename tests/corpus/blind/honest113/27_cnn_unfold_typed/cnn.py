"""CNN — im2col with F.unfold, typed, and a digits training demo that saves the model."""
from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    h_out, w_out = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    y: Tensor = torch.zeros(h_out, w_out, dtype=x.dtype, device=x.device)
    for a in range(kh):
        for b in range(kw):
            y = y + x[a:a + h_out, b:b + w_out] * k[a, b]
    return y


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return int((n + 2 * padding - k) / stride) + 1 if n + 2 * padding >= k else 0


def conv2d(x: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: int = 1, padding: int = 0) -> Tensor:
    n, _, h, w = x.shape
    c_out, c_in, kh, kw = weight.shape
    cols: Tensor = F.unfold(x, kernel_size=(kh, kw), padding=padding, stride=stride)  # (n, c_in*kh*kw, L)
    w2: Tensor = weight.reshape(c_out, c_in * kh * kw)
    out: Tensor = (w2.unsqueeze(0) @ cols)  # (n, c_out, L)
    if bias is not None:
        out = out + bias.view(1, c_out, 1)
    return out.view(n, c_out, conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride))


def max_pool2d(x: Tensor, kernel_size: int, stride: Optional[int] = None) -> Tensor:
    s: int = kernel_size if stride is None else stride
    n, c, h, w = x.shape
    cols: Tensor = F.unfold(x.reshape(n * c, 1, h, w), kernel_size, stride=s)  # (n*c, k*k, L)
    pooled: Tensor = cols.max(dim=1).values
    return pooled.view(n, c, conv_output_size(h, kernel_size, 0, s), conv_output_size(w, kernel_size, 0, s))


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1: nn.Conv2d = nn.Conv2d(in_channels, 16, 3, padding=1)
        self.conv2: nn.Conv2d = nn.Conv2d(16, 32, 3, padding=1)
        self.fc: nn.Linear = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.mean(dim=(2, 3))
        return self.fc(x)


if __name__ == "__main__":
    import numpy as np

    data = np.loadtxt("digits.csv.gz", delimiter=",", dtype=np.float32)
    X = torch.from_numpy(data[:, :-1]).view(-1, 1, 8, 8) / 16
    y = torch.from_numpy(data[:, -1]).long()
    net = SimpleCNN()
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for epoch in range(30):
        loss = F.cross_entropy(net(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {epoch}: loss {loss.item():.4f}")
    torch.save(net.state_dict(), "simple_cnn.pt")
    print("check conv2d:", torch.allclose(conv2d(X[:2], net.conv1.weight, net.conv1.bias, 1, 1), net.conv1(X[:2]), atol=1e-5))
