"""autodiff: helpers for the autograd exercises (a scalar engine and finite differences)."""

from autodiff.engine import Value
from autodiff.numeric import central_difference

__all__ = ["Value", "central_difference"]
