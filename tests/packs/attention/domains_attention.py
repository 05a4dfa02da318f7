"""The input domains of the attention topic's exercises, read off their docstrings: each
exercise's cases over the dimensions its docstring opens (grader/checks/domains.py lists them).
`grade author record attention` stores what the reference answers on them (answers_attention.pt)."""

from __future__ import annotations

import torch

from grader.checks.domains import F64, Case, declare, module_case, randn

T = "attention"


@declare(T, "causal_mask", "edge default")
def _causal_mask() -> list[Case]:
    return [
        Case("edge", "causal_mask", (1,), note="n = 1"),
        Case("edge", "causal_mask", (5,), note="n = 5"),
        Case("default", "causal_mask", (4,), {"device": "cpu"}, note="device given"),
    ]


def _qkv(k: int, *lead: int, L: int = 4, S: int = 5, d: int = 3, dv: int = 2, dtype=torch.float32):
    return (
        randn(k, *lead, L, d, dtype=dtype),
        randn(k + 1, *lead, S, d, dtype=dtype),
        randn(k + 2, *lead, S, dv, dtype=dtype),
    )


def _sdpa(dim: str, args: tuple, note: str, mask: torch.Tensor | None = None) -> Case:
    kwargs = {} if mask is None else {"mask": mask}
    return Case(dim, "scaled_dot_product_attention", args, kwargs, wrt=(0, 1, 2), note=note)


@declare(T, "scaled_dot_product_attention", "dtype edge magnitude default aliasing extremes leading")
def _scaled_dot_product_attention() -> list[Case]:
    mask = torch.rand(4, 5, generator=torch.Generator().manual_seed(3)) < 0.5
    mask[:, 0] = True  # every query attends to at least one key
    return [
        _sdpa("default", _qkv(10, 2), "no mask, batch 2"),
        _sdpa("dtype", _qkv(11, 2, dtype=F64), "float64"),
        _sdpa("edge", _qkv(12), "no leading dimension"),
        _sdpa("edge", _qkv(13, 2, 3), "two leading dimensions"),
        _sdpa("edge", _qkv(14, 1, L=1, S=1, d=1, dv=1), "L = S = d = 1"),
        _sdpa("default", _qkv(15, 2), "a random mask", mask),
        _sdpa("default", _qkv(16, 2, L=5, S=5), "a causal mask", torch.ones(5, 5, dtype=torch.bool).tril()),
        _sdpa("magnitude", tuple(t * 100 for t in _qkv(17, 2)), "scores near ±10^4 (q, k up to ±100)"),
        _sdpa("aliasing", _qkv(18, 3, L=5, S=5, d=4, dv=4), "square shapes"),
    ]


@declare(
    T,
    "MultiHeadAttention",
    "edge state structure creation",
    exempt={
        "magnitude": "its forward normalises as the pack's scaled_dot_product_attention, whose magnitudes that function's cases walk"
    },
)
def _multi_head_attention() -> list[Case]:
    return [
        module_case(
            "edge",
            "MultiHeadAttention",
            ((8, 2), {}),
            (randn(20, 3, 5, 8),),
            [(3, 5, 8)],
            note="8 features, 2 heads",
        ),
        module_case(
            "edge", "MultiHeadAttention", ((6, 1), {}), (randn(21, 2, 4, 6),), [(2, 4, 6)], note="one head"
        ),
        module_case(
            "edge",
            "MultiHeadAttention",
            ((4, 4), {}),
            (randn(22, 1, 1, 4),),
            [(1, 1, 4)],
            note="L = 1, head size 1",
        ),
        # weights drawn from their shapes alone (the four projections alike): the values judged
        module_case(
            "structure",
            "MultiHeadAttention",
            ((8, 2), {}),
            (randn(25, 3, 5, 8),),
            fill=True,
            note="8 features, 2 heads",
        ),
        module_case(
            "structure",
            "MultiHeadAttention",
            ((12, 3), {}),
            (randn(26, 2, 4, 12),),
            fill=True,
            note="12 features, 3 heads",
        ),
        module_case(
            "state",
            "MultiHeadAttention",
            ((8, 4), {}),
            (randn(23, 2, 3, 8), randn(24, 1, 7, 8)),
            [(2, 3, 8), (1, 7, 8)],
            note="two sequence lengths",
        ),
    ]
