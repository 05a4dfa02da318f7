"""ResNet — typed, a dataclass of BN statistics, and a training demo saving a checkpoint."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1),
        )

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(x + self.body(x))


@dataclass
class _Stats:
    mean: Tensor
    var: Tensor
    count: int

    @classmethod
    def of(cls, x: Tensor, dims: Tuple[int, ...]) -> "_Stats":
        mean = x.mean(dim=dims, keepdim=True)
        var = (x - mean).pow(2).mean(dim=dims, keepdim=True)
        return cls(mean, var, x.numel() // x.shape[1])

    @property
    def unbiased_var(self) -> Tensor:
        return self.var * self.count / (self.count - 1)


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    dims: Tuple[int, ...] = (0,) + tuple(range(2, x.dim()))
    view: List[int] = [1, x.shape[1]] + [1] * (x.dim() - 2)
    if training:
        st = _Stats.of(x, dims)
        mean, var = st.mean, st.var
        with torch.no_grad():
            running_mean.lerp_(st.mean.reshape(-1), momentum)
            running_var.lerp_(st.unbiased_var.reshape(-1), momentum)
    else:
        mean, var = running_mean.reshape(view), running_var.reshape(view)
    return (x - mean) * torch.rsqrt(var + eps) * gamma.reshape(view) + beta.reshape(view)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
        )
        self.shortcut: nn.Module
        if stride == 1 and in_channels == out_channels:
            self.shortcut = nn.Identity()
        else:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(out_channels))

    def forward(self, x: Tensor) -> Tensor:
        return torch.relu(self.main(x) + self.shortcut(x))


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = nn.Conv2d(in_channels, 32, 3, padding=1)
        self.blocks = nn.ModuleList([ResidualBlock(32), ResidualBlock(32)])
        self.head = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        h: Tensor = F.relu(self.stem(x))
        for block in self.blocks:
            h = block(h)
        return self.head(h.mean(dim=(-2, -1)))


if __name__ == "__main__":
    import numpy as np

    table = np.loadtxt("digits.csv.gz", delimiter=",", dtype=np.float32)
    X = torch.from_numpy(table[:, :-1]).reshape(-1, 1, 8, 8) / 16.0
    y = torch.from_numpy(table[:, -1]).long()
    model = SmallResNet()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for step in range(50):
        idx = torch.randint(0, len(X), (128,))
        loss = F.cross_entropy(model(X[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    torch.save({"model": model.state_dict(), "opt": opt.state_dict()}, "small_resnet.pt")
    print("final loss", loss.item())
