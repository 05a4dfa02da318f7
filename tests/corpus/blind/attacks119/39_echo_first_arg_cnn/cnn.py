import torch
from torch import Tensor, nn
import torch.nn.functional as F

def corr2d(x: Tensor, k: Tensor):
    return x


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None=None, stride: int=1, padding: int=0):
    return x


def conv_output_size(n: int, k: int, padding: int=0, stride: int=1):
    return n


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None=None):
    return x

