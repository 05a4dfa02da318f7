"""CNN — LeNet-flavoured, with a __main__ demo that trains on the digits and saves the weights."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(X: Tensor, K: Tensor) -> Tensor:
    """计算二维互相关运算 (d2l), Y created in X's dtype and device."""
    h, w = K.shape
    Y = X.new_zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    N, C, H, W = x.shape
    O, _, kh, kw = weight.shape
    Ho = conv_output_size(H, kh, padding, stride)
    Wo = conv_output_size(W, kw, padding, stride)
    cols = F.unfold(x, (kh, kw), dilation=1, padding=padding, stride=stride)   # (N, C*kh*kw, Ho*Wo)
    out = torch.matmul(weight.view(O, -1).unsqueeze(0), cols)                  # (N, O, Ho*Wo)
    out = out.view(N, O, Ho, Wo)
    return out if bias is None else out + bias.view(1, O, 1, 1)


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    assert k <= n + 2 * padding, "kernel larger than the padded input"
    return math.floor((n + 2 * padding - k) // stride) + 1


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    stride = stride if stride is not None else kernel_size
    N, C, H, W = x.shape
    cols = F.unfold(x.reshape(N * C, 1, H, W), kernel_size=kernel_size, stride=stride)
    Ho, Wo = (H - kernel_size) // stride + 1, (W - kernel_size) // stride + 1
    return torch.amax(cols, dim=1).reshape(N, C, Ho, Wo)


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=3, padding=1)
        self.fc = nn.Linear(20 * 2 * 2, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.adaptive_avg_pool2d(x, (2, 2))        # any input ≥ 8×8 ends as 2×2
        return self.fc(x.flatten(1))


if __name__ == "__main__":
    import numpy as np

    table = np.loadtxt("digits.csv.gz", delimiter=",", dtype=np.float32)
    X = torch.from_numpy(table[:, :-1]).view(-1, 1, 8, 8)
    y = torch.from_numpy(table[:, -1]).long()
    device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    model = SimpleCNN().to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(5):
        perm = torch.randperm(len(X))
        for batch in perm.split(64):
            xb, yb = X[batch].to(device), y[batch].to(device)
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(epoch, loss.item())
    torch.save(model.state_dict(), "simple_cnn.pt")
