"""scalar_engine — a tiny scalar reverse-mode autodiff package used by autograd.py."""

from .node import Value
from .ops import topological_order

__all__ = ["Value", "topological_order"]
