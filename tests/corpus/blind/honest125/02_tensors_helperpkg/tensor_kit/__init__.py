"""tensor_kit — small helpers shared by the tensors exercises (a helper package)."""

from .products import broadcast_product, row_dot
from .reductions import REDUCERS, masked_mean

__all__ = ["broadcast_product", "row_dot", "REDUCERS", "masked_mean"]
