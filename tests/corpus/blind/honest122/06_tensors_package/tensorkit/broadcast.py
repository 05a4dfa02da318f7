"""Broadcasting building blocks."""

from torch import Tensor


def outer_diff_sq(a: Tensor, b: Tensor) -> Tensor:
    """(n, d), (m, d) -> (n, m) of squared differences summed over d."""
    return (a.unsqueeze(-2) - b.unsqueeze(-3)).square().sum(-1)


def outer_product_sum(a: Tensor, b: Tensor) -> Tensor:
    """(n, k), (k, m) -> (n, m) = sum_k a[i,k] b[k,j], by broadcasting."""
    return (a.unsqueeze(-1) * b.unsqueeze(-3)).sum(-2)
