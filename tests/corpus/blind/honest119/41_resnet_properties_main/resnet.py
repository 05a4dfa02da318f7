"""ResNet — properties for the derived sizes, a classmethod factory, and a demo under __main__."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self._channels = channels
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    @property
    def channels(self) -> int:
        return self._channels

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(x + self.conv2(F.relu(self.conv1(x))))


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    def per_channel(t: Tensor) -> Tensor:
        return t.reshape((1, -1) + (1,) * (x.dim() - 2))

    if training:
        dims = tuple(d for d in range(x.dim()) if d != 1)
        mean = x.mean(dims)
        dev = x - per_channel(mean)
        sq = (dev * dev).sum(dims)
        n = x.numel() // x.size(1)
        var = sq / n
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(mean, alpha=momentum)
            running_var.mul_(1 - momentum).add_(sq / (n - 1), alpha=momentum)
        return per_channel(gamma) * dev / torch.sqrt(per_channel(var) + eps) + per_channel(beta)
    inv_std = torch.rsqrt(running_var + eps)
    return per_channel(gamma * inv_std) * (x - per_channel(running_mean)) + per_channel(beta)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.in_channels, self.out_channels, self.stride = in_channels, out_channels, stride
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = self._make_shortcut()

    @property
    def projects(self) -> bool:
        return self.stride != 1 or self.in_channels != self.out_channels

    def _make_shortcut(self) -> nn.Module:
        if not self.projects:
            return nn.Identity()
        return nn.Sequential(nn.Conv2d(self.in_channels, self.out_channels, 1, stride=self.stride, bias=False),
                             nn.BatchNorm2d(self.out_channels))

    def forward(self, x: Tensor) -> Tensor:
        main = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(main + self.shortcut(x))


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = nn.Conv2d(in_channels, 16, 5, padding=2)
        self.blocks = nn.ModuleList([ResidualBlock(16), BasicBlock(16, 32), ResidualBlock(32)])
        self.fc = nn.Linear(32, num_classes)

    @classmethod
    def for_digits(cls) -> SmallResNet:
        return cls(in_channels=1, num_classes=10)

    @property
    def num_blocks(self) -> int:
        return len(self.blocks)

    def forward(self, x: Tensor) -> Tensor:
        x = F.max_pool2d(F.relu(self.stem(x)), 2)
        for block in self.blocks:
            x = block(x)
        return self.fc(x.mean(dim=(2, 3)))


if __name__ == "__main__":
    torch.manual_seed(0)
    net = SmallResNet.for_digits()
    print(net.num_blocks, "blocks;", sum(p.numel() for p in net.parameters()), "parameters")
    x = torch.randn(8, 1, 8, 8)
    y = torch.randint(0, 10, (8,))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    for step in range(5):
        loss = F.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(step, round(loss.item(), 4))
    torch.save(net.state_dict(), "small_resnet.pt")
