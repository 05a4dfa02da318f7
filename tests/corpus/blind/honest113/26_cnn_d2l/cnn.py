"""CNN exercises in the d2l style (corr2d with two loops, multi-channel by summing corr2d)."""
import torch
from torch import nn
import torch.nn.functional as F


def corr2d(x, k):
    """Compute 2D cross-correlation."""
    h, w = k.shape
    rows = []
    for i in range(x.shape[0] - h + 1):
        row = []
        for j in range(x.shape[1] - w + 1):
            row.append((x[i:i + h, j:j + w] * k).sum())
        rows.append(torch.stack(row))
    return torch.stack(rows)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    if padding > 0:
        x = F.pad(x, (padding, padding, padding, padding))
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    h_out = (h - kh) // stride + 1
    w_out = (w - kw) // stride + 1
    out = x.new_zeros(n, c_out, h_out, w_out)
    for i in range(kh):
        for j in range(kw):
            patch = x[:, :, i:i + stride * (h_out - 1) + 1:stride, j:j + stride * (w_out - 1) + 1:stride]
            # (n, c_in, h_out, w_out) x (c_out, c_in) -> (n, c_out, h_out, w_out)
            out = out + torch.einsum("nchw,oc->nohw", patch, weight[:, :, i, j])
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out


def conv_output_size(n, k, padding=0, stride=1):
    return (n - k + 2 * padding) // stride + 1


def max_pool2d(x, kernel_size, stride=None):
    if stride is None:
        stride = kernel_size
    n, c, h, w = x.shape
    h_out = (h - kernel_size) // stride + 1
    w_out = (w - kernel_size) // stride + 1
    out = None
    for i in range(kernel_size):
        for j in range(kernel_size):
            window = x[:, :, i:i + stride * (h_out - 1) + 1:stride, j:j + stride * (w_out - 1) + 1:stride]
            out = window if out is None else torch.maximum(out, window)
    return out


class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super(SimpleCNN, self).__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=3, padding=1)
        self.pooling = nn.MaxPool2d(2)
        self.gap = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(20, num_classes)

    def forward(self, x):
        batch_size = x.size(0)
        x = F.relu(self.pooling(self.conv1(x)))
        x = F.relu(self.pooling(self.conv2(x)))
        x = self.gap(x).view(batch_size, -1)
        return self.fc(x)
