import functools
import operator

import torch


def _scale(row):
    return list(map(functools.partial(operator.mul, 1.0 / sum(row)), row))


def row_normalize(x):
    return torch.tensor(list(map(_scale, x.tolist())), dtype=x.dtype, device=x.device)


def _sqd(pair):
    return sum(map(operator.mul, *[list(map(operator.sub, pair[0], pair[1]))] * 2))


def pairwise_sq_dists(a, b):
    bl = b.tolist()
    rows = list(map(lambda r: list(map(_sqd, zip([r] * len(bl), bl))), a.tolist()))
    return torch.tensor(rows, dtype=a.dtype, device=a.device).reshape(a.shape[0], b.shape[0])
