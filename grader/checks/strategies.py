"""Edge inputs for the suites' probes, one generator per kind of input clause: the first cases
pinned to the edges a docstring's clause allows, the rest drawn inside the stated domain, seeded
through :func:`grader.checks.inputs.seed` (docs/checks.md: the edge inputs clause). Plain data only: the
suites build the tensors."""

from __future__ import annotations

import random
from typing import NamedTuple

from grader.checks import inputs

CASES = 6  # cases a draw returns: the pinned edges, then random ones
MAX_NUMEL = 24  # elements of a drawn "any shape"
SMALLEST_IMAGE, LARGEST_IMAGE, IMAGES = 8, 16, 3  # "any input of at least 8×8"
LARGEST_SIDE, MATRICES = 7, 5  # sides of drawn matrices
LARGEST_BATCH, BATCHES = 9, 3
LENGTHS, INDICES = 4, 4  # lengths and row indices a draw returns


def _rng(k: int) -> random.Random:
    return random.Random(inputs.seed(k))


class ConvCase(NamedTuple):
    n: int
    c_in: int
    c_out: int
    h: int
    w: int
    kh: int
    kw: int
    stride: int
    padding: int


def conv_cases(k: int, count: int = CASES) -> list[ConvCase]:
    """conv2d inputs: a batch of one, H ≠ W, kh ≠ kw, strides that do not divide H + 2p − kh,
    then random cases with kh ≤ H + 2p and kw ≤ W + 2p."""
    rng = _rng(k)
    pinned = [
        ConvCase(1, 1, 1, 5, 5, 3, 3, 1, 0),  # batch of one, one channel
        ConvCase(2, 3, 4, 6, 9, 3, 2, 1, 1),  # non-square input and kernel
        ConvCase(2, 2, 3, 7, 10, 3, 3, 2, 1),  # stride 2 over odd and even sizes
        ConvCase(1, 2, 5, 9, 5, 2, 4, 3, 2),  # stride 3 not dividing either side
    ]
    drawn: list[ConvCase] = []
    while len(pinned) + len(drawn) < count:
        kh, kw, padding = rng.randint(1, 4), rng.randint(1, 4), rng.randint(0, 2)
        h = rng.randint(max(1, kh - 2 * padding), 11)
        w = rng.randint(max(1, kw - 2 * padding), 11)
        drawn.append(
            ConvCase(
                rng.randint(1, 3),
                rng.randint(1, 3),
                rng.randint(1, 4),
                h,
                w,
                kh,
                kw,
                rng.randint(1, 3),
                padding,
            )
        )
    return pinned + drawn


class PoolCase(NamedTuple):
    n: int
    c: int
    h: int
    w: int
    kernel: int
    stride: int | None


def pool_cases(k: int, count: int = CASES) -> list[PoolCase]:
    """max_pool2d inputs: kernels that do not divide H or W, strides other than the kernel,
    the default stride, a batch of one, H ≠ W; then random cases with kernel ≤ min(H, W)."""
    rng = _rng(k)
    pinned = [
        PoolCase(1, 1, 5, 7, 2, None),  # default stride, kernel divides neither side
        PoolCase(2, 3, 7, 4, 3, None),  # H > W, remainders dropped
        PoolCase(2, 2, 6, 9, 3, 2),  # overlapping windows
        PoolCase(1, 2, 8, 5, 2, 3),  # stride larger than the kernel
        PoolCase(1, 2, 6, 5, 1, 2),  # a 1×1 window with a stride: every other pixel, not the input
    ]
    drawn: list[PoolCase] = []
    while len(pinned) + len(drawn) < count:
        kernel = rng.randint(1, 4)
        stride = rng.choice([None, rng.randint(1, 4)])
        drawn.append(
            PoolCase(
                rng.randint(1, 3),
                rng.randint(1, 3),
                rng.randint(kernel, 11),
                rng.randint(kernel, 11),
                kernel,
                stride,
            )
        )
    return pinned + drawn


def any_shapes(k: int, count: int = CASES, max_numel: int = MAX_NUMEL) -> list[tuple[int, ...]]:
    """Shapes for a clause "any shape": 0-dim, a single element, a vector, a non-square matrix,
    a 3-d tensor with a unit axis; then random shapes of up to ``max_numel`` elements."""
    rng = _rng(k)
    pinned: list[tuple[int, ...]] = [(), (1,), (5,), (2, 3), (3, 1, 2)]
    drawn: list[tuple[int, ...]] = []
    while len(pinned) + len(drawn) < count:
        shape = tuple(rng.randint(1, 4) for _ in range(rng.randint(1, 3)))
        numel = 1
        for side in shape:
            numel *= side
        if numel <= max_numel:
            drawn.append(shape)
    return pinned + drawn


def image_sizes(
    k: int, low: int = SMALLEST_IMAGE, high: int = LARGEST_IMAGE, count: int = IMAGES
) -> list[tuple[int, int]]:
    """(H, W) for a module that accepts "any input of at least low×low": the smallest square,
    H ≠ W both ways, odd sides; then random sizes in [low, high]."""
    rng = _rng(k)
    pinned = [(low, low), (low, low + 3), (low + 5, low + 1)]
    drawn = [(rng.randint(low, high), rng.randint(low, high)) for _ in range(max(0, count - len(pinned)))]
    return (pinned + drawn)[: max(count, len(pinned))]


def matrix_sizes(k: int, count: int = MATRICES, high: int = LARGEST_SIDE) -> list[tuple[int, int, int]]:
    """(n, d, m) triples for (n, d) and (m, d) or (n, d)·(d, m) inputs: all ones, n ≠ m,
    d = 1, n = 1; then random sizes up to ``high``."""
    rng = _rng(k)
    pinned = [(1, 1, 1), (4, 3, 2), (3, 1, 5), (1, 6, 4)]
    drawn = [
        (rng.randint(1, high), rng.randint(1, high), rng.randint(1, high))
        for _ in range(max(0, count - len(pinned)))
    ]
    return pinned + drawn


def batch_sizes(k: int, high: int = LARGEST_BATCH, count: int = BATCHES) -> list[int]:
    """Batch sizes: one, then others up to ``high`` (at least one of them odd)."""
    rng = _rng(k)
    return [1, rng.randrange(3, high + 1, 2)] + [rng.randint(2, high) for _ in range(max(0, count - 2))]


def lengths(k: int, long: int = 1000, high: int = 40, count: int = LENGTHS) -> list[int]:
    """Lengths n of 1-D inputs ("of any length n"): one, two, a long one; then random ones up to
    ``high``."""
    rng = _rng(k)
    return [1, 2, long] + [rng.randint(3, high) for _ in range(max(0, count - 3))]


def split_sizes(k: int, count: int = CASES + 1, high: int = 40) -> list[tuple[int, int]]:
    """(n, parts) for a clause that cuts range(n) into parts or batches: one of one, more parts
    than items, remainders of 1 and of parts − 3 (where rounding rules differ), parts = n;
    then random pairs with n ≤ ``high``."""
    rng = _rng(k)
    pinned = [(1, 1), (3, 5), (13, 4), (12, 5), (6, 6)]
    drawn = [(rng.randint(1, high), rng.randint(1, 12)) for _ in range(max(0, count - len(pinned)))]
    return pinned + drawn


def weight_shapes(k: int, count: int = CASES) -> list[tuple[int, ...]]:
    """Weight shapes (out, in, *kernel): 1×1, a non-square linear weight, a 1-d, a non-square
    2-d and a 3-d kernel; then random shapes of two to four dims."""
    rng = _rng(k)
    pinned: list[tuple[int, ...]] = [(1, 1), (3, 5), (4, 2, 3), (2, 3, 1, 2), (2, 2, 2, 1, 3)]
    drawn = [
        tuple(rng.randint(1, 5) for _ in range(rng.randint(2, 4))) for _ in range(max(0, count - len(pinned)))
    ]
    return pinned + drawn


def graphs(k: int, deepest: int, count: int = 5, high: int = 120) -> list[tuple[int, int]]:
    """(seed, length) of random expression graphs: one step, the deepest the docstring allows,
    two steps; then random lengths up to ``high``, each with a seed of its own."""
    rng = _rng(k)
    depths = [1, deepest, 2] + [rng.randint(3, high) for _ in range(max(0, count - 3))]
    return [(rng.randrange(2**31), length) for length in depths]


def indices(k: int, n: int, count: int = INDICES) -> list[int]:
    """Positions in a sequence of ``n`` items: the first, the last; then random ones."""
    rng = _rng(k)
    return [0, n - 1] + [rng.randrange(n) for _ in range(max(0, count - 2))]
