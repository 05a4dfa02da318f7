# Graded code is a subset of Python: public names of torch, numpy and the standard helpers
# (math, typing, collections...; no `_private` module), attributes written out by name, no
# eval/exec/globals(); anything else is refused before it runs, with what to write instead.
"""Residual networks — 残差块, 批量归一化, 梯度消失.

Stacking more layers should never hurt — the extra layers could learn the identity — yet
plain deep networks train worse: gradients shrink as they pass back through many layers
(梯度消失, vanishing gradients) and accuracy degrades (退化问题). A residual block adds its
input back: y = relu(x + F(x)). The skip connection (跳跃连接) gives the gradient a direct path,
and the block only has to learn the residual F(x) = H(x) − x.

Batch normalisation (批量归一化) standardises each channel with the batch's mean and variance,
then rescales with learned γ and β; at evaluation it uses running averages collected during
training. ResNet's BasicBlock combines both, with a 1×1 "projection" shortcut where the shape
changes.

How your code is checked (``grade exercises/ --topic resnet``): shapes for several input sizes,
values against torch and against the lecture's formula built from your own layers' weights
(whatever you name them), gradients in float64 (rtol=1e-7), that deep residual stacks keep their gradients
where plain stacks lose them, a network trained on the shipped 8×8 digits, and devices.
Inputs may be non-contiguous views (``x.T``, slices) unless a docstring says contiguous:
use ``reshape`` where ``view`` would fail.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    """The lecture 11 residual block: y = relu(x + conv2(relu(conv1(x)))).

    ``ResidualBlock(channels)``: conv1 and conv2 are 3×3 convolutions channels → channels with
    zero padding 1 and a bias, so the shape (N, channels, H, W) is kept.
    """

    def __init__(self, channels: int) -> None:
        raise NotImplementedError("ResidualBlock: two 3×3 convolutions, padding 1")




class BasicBlock(nn.Module):
    """ResNet's basic block: ``BasicBlock(in_channels, out_channels, stride=1)``.

    Main path: 3×3 conv (stride, padding 1, no bias) → BatchNorm2d → ReLU → 3×3 conv (padding 1,
    no bias) → BatchNorm2d. Shortcut: the identity when stride == 1 and in_channels ==
    out_channels, otherwise a 1×1 conv (stride, no bias) → BatchNorm2d (a projection). Output:
    relu(main + shortcut), (N, out_channels, ⌈H/stride⌉, ⌈W/stride⌉).
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        raise NotImplementedError("BasicBlock: the main path, the shortcut, relu of their sum")


class SmallResNet(nn.Module):
    """A small ResNet: ``SmallResNet(in_channels=1, num_classes=10)``.

    A stem convolution, then at least two residual blocks of this module (``ResidualBlock`` or
    ``BasicBlock`` instances), global average pooling and a linear layer. One instance accepts
    any input (n, in_channels, H, W) with H, W ≥ 8 and returns logits (n, num_classes).
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        raise NotImplementedError("SmallResNet: stem, residual blocks, global pooling, linear")


# ---------------------------------------------------------------------------
# batch_norm — d2l's from-scratch batch_norm as posted in junliu-cn/junliu-cn.github.io,
# _posts/2023-10-13-Batchnorm-Implementation.md (commit faa07b66…). Taken unchanged
# as d2l_batch_norm; the stub's signature reorders the arguments into it and returns
# Y (the function hands back new moving statistics instead of updating in place).
# ---------------------------------------------------------------------------
def d2l_batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    # 通过is_grad_enabled来判断当前模式是训练模式还是预测模式
    if not torch.is_grad_enabled():
        # 如果是在预测模式下，直接使用传入的移动平均所得的均值和方差
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            # 使用全连接层的情况，计算特征维上的均值和方差
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
        else:
            # 使用二维卷积层的情况，计算通道维上（axis=1）的均值和方差。
            # 这里我们需要保持X的形状以便后面可以做广播运算
            mean = X.mean(dim=(0, 2, 3), keepdim=True)
            var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        # 训练模式下，用当前的均值和方差做标准化
        X_hat = (X - mean) / torch.sqrt(var + eps)
        # 更新移动平均的均值和方差
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
        moving_var = momentum * moving_var + (1.0 - momentum) * var
    Y = gamma * X_hat + beta  # 缩放和移位
    return Y, moving_mean.data, moving_var.data


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    Y, _, _ = d2l_batch_norm(x, gamma, beta, running_mean, running_var, eps, momentum)
    return Y
