import math

from torch import Tensor


def fans(t: Tensor) -> tuple[int, int]:
    receptive_field = math.prod(t.shape[2:]) if t.dim() > 2 else 1
    return t.shape[1] * receptive_field, t.shape[0] * receptive_field


def xavier_bound(t: Tensor) -> float:
    fan_in, fan_out = fans(t)
    return math.sqrt(6.0 / float(fan_in + fan_out))
