from torch import Tensor


def outer_diff(a: Tensor, b: Tensor) -> Tensor:
    """(n, d), (m, d) -> (n, m, d) of a_i - b_j."""
    return a.unsqueeze(1) - b.unsqueeze(0)


def outer_prod(a: Tensor, b: Tensor) -> Tensor:
    """(n, k), (k, m) -> (n, k, m) of a_ik * b_kj."""
    return a.unsqueeze(-1) * b.unsqueeze(0)
