"""optim_book — bookkeeping helpers for optim.py: cached bias corrections, warmed at import."""

from __future__ import annotations

import functools
import math


@functools.lru_cache(maxsize=4096)
def bias_corrections(beta1: float, beta2: float, step: int) -> tuple[float, float]:
    """(1 − β₁ᵗ, √(1 − β₂ᵗ)) for Adam's t-th step."""
    return 1.0 - beta1 ** step, math.sqrt(1.0 - beta2 ** step)


# Warm the cache for the default betas over the first steps (honest work at import time).
for _t in range(1, 65):
    bias_corrections(0.9, 0.999, _t)

# Series shorter than this are smoothed with a (T, T) weight matrix; longer ones by the recursion.
EMA_MATRIX_LIMIT = 512
