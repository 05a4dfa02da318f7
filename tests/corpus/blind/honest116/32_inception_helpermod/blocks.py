"""Small layer factories shared by inception.py."""
from torch import nn


def conv1x1(c_in: int, c_out: int) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, kernel_size=1)


def conv_same(c_in: int, c_out: int, k: int) -> nn.Conv2d:
    """k×k convolution (k odd) that keeps H and W."""
    return nn.Conv2d(c_in, c_out, kernel_size=k, padding=k // 2)


class ConvReluPool(nn.Sequential):
    def __init__(self, c_in: int, c_out: int, k: int = 5) -> None:
        super().__init__(conv_same(c_in, c_out, k), nn.ReLU(inplace=True), nn.MaxPool2d(2))
