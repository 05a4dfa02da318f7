"""scalar_engine: a micrograd-style scalar autodiff engine (my own rewrite for the course)."""
from .node import Value

__all__ = ["Value"]
