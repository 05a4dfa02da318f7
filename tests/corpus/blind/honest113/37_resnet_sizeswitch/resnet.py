"""ResNet; batch_norm picks a two-pass formula for small batches, Welford-style chunks for big ones."""
import torch
import torch.nn.functional as F
from torch import nn

CHUNK = 1 << 16  # samples per channel above which statistics are merged from chunks


def _moments_two_pass(x2d):
    mean = x2d.mean(dim=1)
    var = (x2d - mean[:, None]).pow(2).mean(dim=1)
    return mean, var


def _moments_chunked(x2d):
    # Chan et al.: merge (count, mean, M2) of chunks along the sample axis
    count, mean, m2 = 0, None, None
    for part in torch.split(x2d, CHUNK, dim=1):
        c = part.shape[1]
        mu = part.mean(dim=1)
        m2_part = (part - mu[:, None]).pow(2).sum(dim=1)
        if mean is None:
            count, mean, m2 = c, mu, m2_part
        else:
            delta = mu - mean
            total = count + c
            mean = mean + delta * c / total
            m2 = m2 + m2_part + delta.pow(2) * count * c / total
            count = total
    return mean, m2 / count


def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    c = x.shape[1]
    per_channel = x.transpose(0, 1).reshape(c, -1)          # (C, N*H*W)
    shape = (1, c) + (1,) * (x.dim() - 2)
    if training:
        n = per_channel.shape[1]
        mean, var = (_moments_two_pass if n <= CHUNK else _moments_chunked)(per_channel)
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(mean, alpha=momentum)
            running_var.mul_(1 - momentum).add_(var * (n / (n - 1)), alpha=momentum)
    else:
        mean, var = running_mean, running_var
    x_hat = (x - mean.reshape(shape)) / (var.reshape(shape) + eps).sqrt()
    return x_hat * gamma.reshape(shape) + beta.reshape(shape)


class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.c1 = nn.Conv2d(channels, channels, 3, 1, 1)
        self.c2 = nn.Conv2d(channels, channels, 3, 1, 1)

    def forward(self, x):
        return F.relu(x + self.c2(F.relu(self.c1(x))))


class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.project = stride != 1 or in_channels != out_channels
        if self.project:
            self.proj_conv = nn.Conv2d(in_channels, out_channels, 1, stride, bias=False)
            self.proj_bn = nn.BatchNorm2d(out_channels)

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        skip = self.proj_bn(self.proj_conv(x)) if self.project else x
        return F.relu(out + skip)


class SmallResNet(nn.Module):
    def __init__(self, in_channels=1, num_classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_channels, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.layer1 = BasicBlock(16, 16)
        self.layer2 = BasicBlock(16, 32, stride=2)
        self.layer3 = BasicBlock(32, 64, stride=2)
        self.fc = nn.Linear(64, num_classes)

    def forward(self, x):
        x = self.layer3(self.layer2(self.layer1(self.stem(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, (1, 1)), 1))
