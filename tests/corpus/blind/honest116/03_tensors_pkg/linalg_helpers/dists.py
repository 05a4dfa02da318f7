from torch import Tensor


def sq_dists_broadcast(a: Tensor, b: Tensor) -> Tensor:
    return ((a.unsqueeze(1) - b.unsqueeze(0)) ** 2).sum(-1)


def sq_dists_expanded(a: Tensor, b: Tensor) -> Tensor:
    aa = (a ** 2).sum(1, keepdim=True)
    bb = (b ** 2).sum(1, keepdim=True).T
    ab = (a.unsqueeze(1) * b.unsqueeze(0)).sum(-1)
    return (aa + bb - 2 * ab).clamp(min=0)
