"""Helper package for losses.py: reductions and a stable LogSumExp."""
from .reduce import reduce_loss
from .stable import logsumexp_keepdim, softplus_stable

__all__ = ["reduce_loss", "logsumexp_keepdim", "softplus_stable"]
