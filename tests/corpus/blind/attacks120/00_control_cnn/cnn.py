"""Convolutional networks — reference solution. The specification is the docstrings in exercises/cnn.py."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn






def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """⌊(n + 2p − k)/s⌋ + 1."""
    return (n + 2 * padding - k) // stride + 1




class SimpleCNN(nn.Module):
    """conv-relu-pool twice, global average pooling, linear."""

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.features(x).flatten(1))


import math
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

def corr2d(x, k):
    return F.conv2d(x[None, None], k[None, None])[0, 0]


def conv2d(x, weight, bias=None, stride=1, padding=0):
    return F.conv2d(x, weight, bias, stride, padding)


def max_pool2d(x, kernel_size, stride=None):
    return F.max_pool2d(x, kernel_size, stride)
