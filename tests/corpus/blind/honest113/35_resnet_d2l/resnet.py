"""d2l-style: batch_norm in the book's form (moving stats), Residual with use_1x1conv."""
import torch
from torch import nn
from torch.nn import functional as F


class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, X):
        Y = self.conv2(F.relu(self.conv1(X)))
        return F.relu(Y + X)


def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    assert len(x.shape) in (2, 4)
    bshape = (1, -1) + (1,) * (x.dim() - 2)
    if not training:
        X_hat = (x - running_mean.reshape(bshape)) / torch.sqrt(running_var.reshape(bshape) + eps)
    else:
        if len(x.shape) == 2:
            mean = x.mean(dim=0)
            var = ((x - mean) ** 2).mean(dim=0)
        else:
            mean = x.mean(dim=(0, 2, 3), keepdim=True)
            var = ((x - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        X_hat = (x - mean) / torch.sqrt(var + eps)
        n = x.numel() // x.shape[1]
        running_mean.mul_(1 - momentum).add_(momentum * mean.detach().reshape(-1))
        running_var.mul_(1 - momentum).add_(momentum * var.detach().reshape(-1) * n / (n - 1))
    return gamma.reshape(bshape) * X_hat + beta.reshape(bshape)


class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        use_1x1conv = stride != 1 or in_channels != out_channels
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, stride=stride, bias=False)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1, bias=False)
        if use_1x1conv:
            self.conv3 = nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False)
            self.bn3 = nn.BatchNorm2d(out_channels)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.bn3(self.conv3(X))
        Y += X
        return F.relu(Y)


def resnet_block(input_channels, num_channels, num_residuals, first_block=False):
    blk = []
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.append(BasicBlock(input_channels, num_channels, stride=2))
        else:
            blk.append(BasicBlock(num_channels, num_channels))
    return blk


class SmallResNet(nn.Module):
    def __init__(self, in_channels=1, num_classes=10):
        super().__init__()
        b1 = nn.Sequential(nn.Conv2d(in_channels, 16, kernel_size=3, stride=1, padding=1),
                           nn.BatchNorm2d(16), nn.ReLU())
        b2 = nn.Sequential(*resnet_block(16, 16, 2, first_block=True))
        b3 = nn.Sequential(*resnet_block(16, 32, 2))
        self.net = nn.Sequential(b1, b2, b3, nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(32, num_classes))

    def forward(self, X):
        return self.net(X)
