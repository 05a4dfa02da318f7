"""Shape arithmetic and window extraction shared by cnn.py."""
import torch


def out_size(n, k, padding=0, stride=1):
    return (n + 2 * padding - k) // stride + 1


def windows(x, kh, kw, stride):
    """(N, C, H, W) -> (N, C, H_out, W_out, kh, kw) strided views."""
    return x.unfold(2, kh, stride).unfold(3, kw, stride)


def zero_pad(x, p):
    if p == 0:
        return x
    n, c, h, w = x.shape
    out = x.new_zeros(n, c, h + 2 * p, w + 2 * p)
    out[:, :, p:p + h, p:p + w] = x
    return out
