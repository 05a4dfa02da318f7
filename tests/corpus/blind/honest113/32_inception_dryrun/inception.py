"""Inception with a dry run on a zero tensor to size the linear layer."""
import math

import torch
from torch import nn


def conv1x1(cin, cout):
    return nn.Conv2d(cin, cout, kernel_size=1)


class InceptionA(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.branch_a = conv1x1(in_channels, 16)
        self.branch_b = nn.ModuleList([conv1x1(in_channels, 16), nn.Conv2d(16, 24, 5, padding=2)])
        self.branch_c = nn.ModuleList([conv1x1(in_channels, 16), nn.Conv2d(16, 24, 3, padding=1),
                                       nn.Conv2d(24, 24, 3, padding=1)])
        self.pool = nn.AvgPool2d(kernel_size=3, stride=1, padding=1)
        self.branch_d = conv1x1(in_channels, 24)

    @staticmethod
    def _chain(layers, x):
        for layer in layers:
            x = layer(x)
        return x

    def forward(self, x):
        a = self.branch_a(x)
        b = self._chain(self.branch_b, x)
        c = self._chain(self.branch_c, x)
        d = self.branch_d(self.pool(x))
        return torch.cat([a, b, c, d], 1)


def conv_mults(h, w, c_in, c_out, k):
    return math.prod((k, k, c_in, c_out, h, w))


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels=1, num_classes=10, input_size=28):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 10, 5, padding=2), nn.MaxPool2d(2), nn.ReLU(),
            InceptionA(10),
            nn.Conv2d(88, 20, 5, padding=2), nn.MaxPool2d(2), nn.ReLU(),
            InceptionA(20),
        )
        with torch.no_grad():
            n_flat = self.features(torch.zeros(1, in_channels, input_size, input_size)).numel()
        self.fc = nn.Linear(n_flat, num_classes)

    def forward(self, x):
        return self.fc(self.features(x).flatten(1))
