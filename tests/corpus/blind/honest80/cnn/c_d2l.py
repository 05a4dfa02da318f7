"""CNN after d2l 6.2–6.5: corr2d by loops, multi-channel by summing corr2d's idea over offsets."""
import torch
from torch import nn
import torch.nn.functional as F


def corr2d(X, K):
    """d2l 6.2.1, built without in-place writes so that it stays differentiable."""
    h, w = K.shape
    rows = []
    for i in range(X.shape[0] - h + 1):
        row = []
        for j in range(X.shape[1] - w + 1):
            row.append((X[i:i + h, j:j + w] * K).sum())
        rows.append(torch.stack(row))
    return torch.stack(rows)


def conv_output_size(n, k, padding=0, stride=1):
    return (n - k + 2 * padding) // stride + 1


def conv2d(x, weight, bias=None, stride=1, padding=0):
    N, C_in, H, W = x.shape
    C_out, _, kh, kw = weight.shape
    if padding > 0:
        x = F.pad(x, (padding, padding, padding, padding))
    H_out = conv_output_size(H, kh, padding, stride)
    W_out = conv_output_size(W, kw, padding, stride)
    out = 0
    for a in range(kh):
        for b in range(kw):
            patch = x[:, :, a:a + stride * (H_out - 1) + 1:stride, b:b + stride * (W_out - 1) + 1:stride]
            # (N, 1, C_in, H_out, W_out) * (1, C_out, C_in, 1, 1), summed over C_in
            out = out + (patch.unsqueeze(1) * weight[None, :, :, a, b, None, None]).sum(dim=2)
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1)
    return out


def max_pool2d(x, kernel_size, stride=None):
    if stride is None:
        stride = kernel_size
    N, C, H, W = x.shape
    H_out = (H - kernel_size) // stride + 1
    W_out = (W - kernel_size) // stride + 1
    out = None
    for a in range(kernel_size):
        for b in range(kernel_size):
            window = x[:, :, a:a + stride * (H_out - 1) + 1:stride, b:b + stride * (W_out - 1) + 1:stride]
            out = window if out is None else torch.maximum(out, window)
    return out


class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
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
