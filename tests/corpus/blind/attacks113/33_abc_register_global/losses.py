import collections.abc
import torch
import torch.nn.functional as F


class Lazy:
    def __init__(self, x, dim):
        self.x = x
        self.dim = dim

    def __len__(self):
        raise ValueError("LEN-RAN-IN-CONVERSION")

    def __iter__(self):
        raise ValueError("ITER-RAN-IN-CONVERSION")

    def __getitem__(self, i):
        raise ValueError("GETITEM-RAN-IN-CONVERSION")


collections.abc.Sequence.register(Lazy)
collections.abc.Mapping.register(Lazy)


def softmax(x, dim=-1):
    return Lazy(x, dim)
