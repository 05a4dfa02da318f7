"""Inception — 刘二大人 lecture 11 style, with a training demo under __main__."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super(InceptionA, self).__init__()
        # 分支1: 1x1 卷积
        self.branch1x1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        # 分支2: 1x1 降维 → 5x5
        self.branch5x5_1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch5x5_2 = nn.Conv2d(16, 24, kernel_size=5, padding=2)
        # 分支3: 1x1 → 3x3 → 3x3
        self.branch3x3dbl_1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch3x3dbl_2 = nn.Conv2d(16, 24, kernel_size=3, padding=1)
        self.branch3x3dbl_3 = nn.Conv2d(24, 24, kernel_size=3, padding=1)
        # 分支4: 平均池化 → 1x1
        self.branch_pool = nn.Conv2d(in_channels, 24, kernel_size=1)
        self.avg = nn.AvgPool2d(kernel_size=3, stride=1, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        b1 = self.branch1x1(x)
        b2 = self.branch5x5_2(self.branch5x5_1(x))
        b3 = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        b4 = self.branch_pool(self.avg(x))
        return torch.cat([b1, b2, b3, b4], dim=1)   # 按照通道合并: b, c, h, w


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    mults = 0
    mults += k ** 2 * c_in * c_out * h * w
    return int(mults)


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(88, 20, kernel_size=5, padding=2)
        self.incep1 = InceptionA(in_channels=10)
        self.incep2 = InceptionA(in_channels=20)
        self.mp = nn.MaxPool2d(2)
        self.fc = nn.Linear(self._flat(in_channels, input_size), num_classes)

    def _flat(self, in_channels: int, input_size: int) -> int:
        dummy = torch.zeros(2, in_channels, input_size, input_size)
        was_training = self.training
        self.eval()
        with torch.no_grad():
            out = self._body(dummy)
        self.train(was_training)
        return out.shape[1]

    def _body(self, x: Tensor) -> Tensor:
        x = F.relu(self.mp(self.conv1(x)))
        x = self.incep1(x)
        x = F.relu(self.mp(self.conv2(x)))
        x = self.incep2(x)
        return x.view(x.size(0), -1)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self._body(x))


if __name__ == "__main__":
    print("multiplications, 5x5 direct:", conv_mults(28, 28, 192, 32, 5))
    print("with a 1x1 bottleneck:", conv_mults(28, 28, 192, 16, 1) + conv_mults(28, 28, 16, 32, 5))
    model = GoogLeNetMini(input_size=8)
    x = torch.randn(4, 1, 8, 8)
    print(model(x).shape)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
    y = torch.randint(0, 10, (4,))
    for epoch in range(3):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        print(epoch, loss.item())
    torch.save(model.state_dict(), "googlenet_mini.pt")
