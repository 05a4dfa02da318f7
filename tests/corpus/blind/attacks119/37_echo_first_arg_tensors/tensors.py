import torch
from torch import Tensor, nn
import torch.nn.functional as F

def add_into(z: Tensor, x: Tensor, y: Tensor):
    return z


def row_normalize(x: Tensor):
    return x


def pairwise_sq_dists(a: Tensor, b: Tensor):
    return a


def one_hot(labels: Tensor, num_classes: int):
    return labels


def accuracy(y_hat: Tensor, y: Tensor):
    return y_hat


def flatten_batch(x: Tensor):
    return x


def fill_nan_with_column_mean(x: Tensor):
    return x


def matmul(a: Tensor, b: Tensor):
    return a


def norms(x: Tensor):
    return x

