"""convkit — helpers for cnn.py: im2col windows and size arithmetic."""

from .sizes import out_size
from .windows import im2col, pool_windows

__all__ = ["im2col", "out_size", "pool_windows"]
