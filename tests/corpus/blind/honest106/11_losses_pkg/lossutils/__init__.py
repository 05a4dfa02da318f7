"""Helpers shared by my loss functions."""

from .reduce import REDUCTIONS, reduce
from .stable import logsumexp_keep, softplus

__all__ = ["REDUCTIONS", "reduce", "logsumexp_keep", "softplus"]
