import torch
import torch.nn.functional as F
from torch import Tensor


class Box(torch.nn.Module):
    @classmethod
    def peek(self):
        return self.__dict__


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    d = Box().peek()
    raise ValueError("GOT " + repr(sorted(d)[:12]))
