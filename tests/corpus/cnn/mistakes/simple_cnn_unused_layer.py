# mistake: a second conv defined but never used in forward (breaks: gradients reach every parameter)
# cause: SimpleCNN simple_cnn_gradient_reaches_every_parameter:failed
"""CNN exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x, k):
    windows = x.unfold(0, k.shape[0], 1).unfold(1, k.shape[1], 1)   # (oh, ow, kh, kw)
    return (windows * k).sum(dim=(-2, -1))


def conv2d(x, weight, bias=None, stride=1, padding=0):
    xp = F.pad(x, (padding, padding, padding, padding))
    c_out, c_in, kh, kw = weight.shape
    oh = (xp.shape[2] - kh) // stride + 1
    ow = (xp.shape[3] - kw) // stride + 1
    out = x.new_zeros(x.shape[0], c_out, oh, ow)
    for a in range(kh):
        for b in range(kw):
            patch = xp[:, :, a:a + stride * (oh - 1) + 1:stride, b:b + stride * (ow - 1) + 1:stride]
            out = out + torch.einsum("nchw,oc->nohw", patch, weight[:, :, a, b])
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n + 2 * padding - k) // stride + 1


def max_pool2d(x, kernel_size, stride=None):
    s = stride if stride is not None else kernel_size
    oh = (x.shape[2] - kernel_size) // s + 1
    ow = (x.shape[3] - kernel_size) // s + 1
    out = None
    for a in range(kernel_size):
        for b in range(kernel_size):
            part = x[:, :, a:a + s * (oh - 1) + 1:s, b:b + s * (ow - 1) + 1:s]
            out = part if out is None else torch.maximum(out, part)
    return out


class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 16, 3, padding=1)
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(x), 2)
        return self.fc(x.mean(dim=(2, 3)))
