import torch
from torch import Tensor, nn
import torch.nn.functional as F

def relu(x: Tensor):
    return x


def tanh(x: Tensor):
    return x


def hard_sigmoid_from_relus(x: Tensor):
    return x


def dropout(x: Tensor, p: float, training: bool=True):
    return x


def xavier_uniform_(tensor: Tensor):
    return tensor


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor], optimizer: torch.optim.Optimizer, device: torch.device | str):
    return model


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str):
    return model

