"""ResNet — batch_norm as a custom autograd Function with a hand-written backward."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.autograd.function import once_differentiable


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(channels, channels, 3, padding=1, bias=True) for _ in range(2)])

    def forward(self, x: Tensor) -> Tensor:
        first, second = self.convs
        return F.relu(x + second(F.relu(first(x))))


def _layout(x: Tensor) -> tuple[list[int], list[int], int]:
    dims = [d for d in range(x.dim()) if d != 1]
    shape = [1] * x.dim()
    shape[1] = -1
    count = x.numel() // x.shape[1]
    return dims, shape, count


class _BatchNormFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor, gamma: Tensor, beta: Tensor,
                running_mean: Tensor, running_var: Tensor, training: bool, momentum: float, eps: float) -> Tensor:
        dims, shape, count = _layout(x)
        if training:
            mu = x.mean(dim=dims, keepdim=True)
            dev = x - mu
            var = dev.pow(2).mean(dim=dims, keepdim=True)          # biased, from the deviations
            running_mean.mul_(1 - momentum).add_(momentum * mu.reshape(-1))
            running_var.mul_(1 - momentum).add_(momentum * var.reshape(-1) * count / (count - 1))
        else:
            dev = x - running_mean.reshape(shape)
            var = running_var.reshape(shape)
        invstd = torch.rsqrt(var + eps)
        x_hat = dev * invstd
        ctx.save_for_backward(x_hat, invstd, gamma)
        ctx.training = training
        ctx.dims = dims
        ctx.shape = shape
        return gamma.reshape(shape) * x_hat + beta.reshape(shape)

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", g: Tensor):
        x_hat, invstd, gamma = ctx.saved_tensors
        dims: Sequence[int] = ctx.dims
        grad_beta = g.sum(dim=dims) if ctx.needs_input_grad[2] else None
        grad_gamma = (g * x_hat).sum(dim=dims) if ctx.needs_input_grad[1] else None
        grad_x = None
        if ctx.needs_input_grad[0]:
            d_xhat = g * gamma.reshape(ctx.shape)
            if ctx.training:
                mean_d = d_xhat.mean(dim=dims, keepdim=True)
                mean_dx = (d_xhat * x_hat).mean(dim=dims, keepdim=True)
                grad_x = invstd * (d_xhat - mean_d - x_hat * mean_dx)
            else:
                grad_x = d_xhat * invstd
        return grad_x, grad_gamma, grad_beta, None, None, None, None, None


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    return _BatchNormFn.apply(x, gamma, beta, running_mean, running_var, training, momentum, eps)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False),
            nn.BatchNorm2d(out_channels),
        )
        self.project = stride != 1 or in_channels != out_channels
        self.shortcut = (nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                       nn.BatchNorm2d(out_channels))
                         if self.project else nn.Identity())

    def forward(self, x: Tensor) -> Tensor:
        return torch.relu(self.main(x) + self.shortcut(x))


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_channels, 16, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(16), nn.ReLU(inplace=True))
        self.layer1 = BasicBlock(16, 16)
        self.layer2 = BasicBlock(16, 32, stride=2)
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.layer2(self.layer1(self.stem(x)))
        return self.fc(torch.flatten(self.pool(x), 1))
