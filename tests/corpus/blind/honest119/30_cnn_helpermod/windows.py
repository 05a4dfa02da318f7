"""Sliding-window helpers for my cnn answers."""
from torch import Tensor


def out_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n + 2 * padding - k) // stride + 1


def windows(x: Tensor, kh: int, kw: int, stride: int) -> Tensor:
    """(N, C, H, W) → (N, C, oh, ow, kh, kw) views of every window."""
    return x.unfold(2, kh, stride).unfold(3, kw, stride)
