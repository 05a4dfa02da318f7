# 残差网络 / 批量归一化 — homework, with a short digits run when executed directly.
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x):
        return F.relu(x + self.conv2(F.relu(self.conv1(x))))


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    # d2l's batch_norm, rewritten with torch's momentum convention and in-place running stats
    assert len(x.shape) in (2, 4)
    if not training:
        if len(x.shape) == 2:
            X_hat = (x - running_mean) / torch.sqrt(running_var + eps)
            return gamma * X_hat + beta
        X_hat = (x - running_mean.reshape(1, -1, 1, 1)) / torch.sqrt(running_var.reshape(1, -1, 1, 1) + eps)
        return gamma.reshape(1, -1, 1, 1) * X_hat + beta.reshape(1, -1, 1, 1)
    if len(x.shape) == 2:
        mean = x.mean(dim=0)
        var = ((x - mean) ** 2).mean(dim=0)
        X_hat = (x - mean) / torch.sqrt(var + eps)
        Y = gamma * X_hat + beta
        m = x.shape[0]
    else:
        mean = x.mean(dim=(0, 2, 3), keepdim=True)
        var = ((x - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        X_hat = (x - mean) / torch.sqrt(var + eps)
        Y = gamma.reshape(1, -1, 1, 1) * X_hat + beta.reshape(1, -1, 1, 1)
        m = x.shape[0] * x.shape[2] * x.shape[3]
    running_mean.data = (1.0 - momentum) * running_mean.data + momentum * mean.detach().reshape(-1)
    running_var.data = (1.0 - momentum) * running_var.data + momentum * var.detach().reshape(-1) * m / (m - 1)
    return Y


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.left = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
        )
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x):
        out = self.left(x)
        out += self.shortcut(x)
        return F.relu(out)


@dataclass
class ResNetConfig:
    width: int = 16
    blocks: int = 2


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        cfg = ResNetConfig()
        self.conv = nn.Conv2d(in_channels, cfg.width, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cfg.width)
        self.layers = nn.Sequential(*[BasicBlock(cfg.width, cfg.width) for _ in range(cfg.blocks)])
        self.linear = nn.Linear(cfg.width, num_classes)

    def forward(self, x):
        out = F.relu(self.bn(self.conv(x)))
        out = self.layers(out)
        out = F.adaptive_avg_pool2d(out, (1, 1))
        return self.linear(out.view(out.size(0), -1))


if __name__ == "__main__":
    import numpy as np
    xy = np.loadtxt("digits.csv.gz", delimiter=",", dtype=np.float32)
    X = torch.tensor(xy[:, :64] / 16.0).reshape(-1, 1, 8, 8)
    y = torch.tensor(xy[:, 64], dtype=torch.long)
    net = SmallResNet()
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for step in range(30):
        idx = torch.randint(0, len(X), (128,))
        loss = F.cross_entropy(net(X[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(step, loss.item())
    torch.save(net.state_dict(), "small_resnet.pt")
