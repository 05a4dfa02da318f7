"""ResNet — lecture 11 ResidualBlock and d2l 7.5/7.6 (batch_norm from scratch, Residual)."""
import torch
from torch import nn
from torch.nn import functional as F


class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super(ResidualBlock, self).__init__()
        self.channels = channels
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x):
        y = F.relu(self.conv1(x))
        y = self.conv2(y)
        return F.relu(x + y)


def batch_norm(X, gamma, beta, moving_mean, moving_var, training, momentum=0.1, eps=1e-5):
    """d2l 7.5.3, with torch's momentum convention and the unbiased running variance."""
    assert len(X.shape) in (2, 4)
    if len(X.shape) == 2:
        shape = (1, X.shape[1])
        dims = (0,)
    else:
        shape = (1, X.shape[1], 1, 1)
        dims = (0, 2, 3)
    if not training:
        X_hat = (X - moving_mean.reshape(shape)) / torch.sqrt(moving_var.reshape(shape) + eps)
    else:
        mean = X.mean(dim=dims, keepdim=True)
        var = ((X - mean) ** 2).mean(dim=dims, keepdim=True)
        X_hat = (X - mean) / torch.sqrt(var + eps)
        m = X.numel() / X.shape[1]
        with torch.no_grad():
            moving_mean.copy_((1.0 - momentum) * moving_mean + momentum * mean.reshape(-1))
            moving_var.copy_((1.0 - momentum) * moving_var + momentum * var.reshape(-1) * m / (m - 1))
    return gamma.reshape(shape) * X_hat + beta.reshape(shape)


class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, stride=stride, bias=False)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1, bias=False)
        if stride != 1 or in_channels != out_channels:
            self.conv3 = nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False)
            self.bn3 = nn.BatchNorm2d(out_channels)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3 is not None:
            X = self.bn3(self.conv3(X))
        Y += X
        return F.relu(Y)


class SmallResNet(nn.Module):
    def __init__(self, in_channels=1, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 16, kernel_size=5, padding=2)
        self.rblock1 = ResidualBlock(16)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.rblock2 = ResidualBlock(32)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = self.rblock1(x)
        x = F.relu(self.conv2(x))
        x = self.rblock2(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)
