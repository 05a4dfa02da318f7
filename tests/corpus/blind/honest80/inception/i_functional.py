"""Inception where the forward is functional: own weights registered as nn.Conv2d, pooling by F."""
import torch
from torch import nn
from torch.nn import functional as F


def conv_output(n, k, padding=0, stride=1):
    return (n + 2 * padding - k) // stride + 1


class InceptionA(nn.Module):
    """Convolutions created branch by branch, deepest branch first."""

    def __init__(self, in_channels):
        super().__init__()
        self.c3_1 = nn.Conv2d(in_channels, 16, 1)
        self.c3_2 = nn.Conv2d(16, 24, 3, padding=1)
        self.c3_3 = nn.Conv2d(24, 24, 3, padding=1)
        self.c5_1 = nn.Conv2d(in_channels, 16, 1)
        self.c5_2 = nn.Conv2d(16, 24, 5, padding=2)
        self.c1 = nn.Conv2d(in_channels, 16, 1)
        self.cp = nn.Conv2d(in_channels, 24, 1)

    def forward(self, x):
        b3 = self.c3_3(self.c3_2(self.c3_1(x)))
        b5 = self.c5_2(self.c5_1(x))
        b1 = self.c1(x)
        bp = self.cp(F.avg_pool2d(x, 3, 1, 1))
        return torch.cat([b1, b5, b3, bp], dim=1)


def conv_mults(h, w, c_in, c_out, k):
    return h * w * c_out * (c_in * k ** 2)


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels=1, num_classes=10, input_size=28):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, 5, padding=2)
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(88, 20, 5, padding=2)
        self.incep2 = InceptionA(20)
        side = conv_output(conv_output(input_size, 2, stride=2), 2, stride=2)
        self.fc = nn.Linear(88 * side * side, num_classes)

    def forward(self, x):
        x = self.incep1(F.relu(F.max_pool2d(self.conv1(x), 2)))
        x = self.incep2(F.relu(F.max_pool2d(self.conv2(x), 2)))
        return self.fc(torch.flatten(x, 1))
