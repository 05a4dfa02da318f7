"""The input domains of the pairs topic's exercises, read off their docstrings (grader/checks/domains.py
lists the dimensions). `grade author record pairs` stores what the reference answers on them."""

from __future__ import annotations

import torch

from grader.checks.domains import Case, declare, fed, gen, module_case, randn

T = "pairs"


def _classes(k: int, c: int, *shape: int) -> torch.Tensor:
    return torch.randint(0, c, shape, generator=gen(k))


def _cm(dim: str, c: int, *shape: int, note: str) -> Case:
    return Case(
        dim, "confusion_matrix", (_classes(2 * c, c, *shape), _classes(2 * c + 1, c, *shape), c), note=note
    )


@declare(T, "confusion_matrix", "default edge aliasing")
def _confusion_matrix() -> list[Case]:
    return [
        _cm("default", 3, 12, note="3 classes, 12 positions"),
        _cm("default", 5, 4, 6, note="5 classes, positions (4, 6)"),
        _cm("edge", 1, 7, note="one class"),
        _cm("edge", 4, note="0-dim: one position"),
        _cm("edge", 6, 3, note="6 classes, 3 positions: some never occur"),
        _cm("aliasing", 2, 2, 5, note="2 classes, positions (2, 5)"),
    ]


def _qk(k: int, *lead: int, L: int = 3, S: int = 5, d: int = 4, dtype: torch.dtype = torch.float32):
    return randn(k, *lead, L, d, dtype=dtype), randn(k + 1, *lead, S, d, dtype=dtype)


def _pair(dim: str, d: int, *calls: tuple, note: str, fill: bool = False) -> Case:
    """PairScores(d) fed each of ``calls``: their output shapes judged, or (``fill``) their values."""
    shapes = None if fill else [(*q.shape[:-1], k.shape[-2]) for _, (q, k), _ in calls]
    return module_case(dim, "PairScores", ((d,), {}), calls, shapes, note=note, fill=fill)


@declare(
    T,
    "PairScores",
    "edge structure state creation",
    learns=True,  # "Gradients flow to q, k and the projection": every row of proj learns
    exempt={"magnitude": "its forward is a softmax of bounded scores; the weights' shapes fix their scale"},
)
def _pair_scores() -> list[Case]:
    mask = torch.rand(3, 5, generator=gen(3)) < 0.5
    mask[:, 0] = True  # every query attends to at least one key
    causal = torch.ones(3, 2, dtype=torch.bool).tril()
    return [
        _pair("edge", 4, fed(*_qk(10, 2)), note="q (2, 3, 4), k (2, 5, 4), no mask"),
        _pair("edge", 4, fed(*_qk(11, 2), mask=mask), note="a mask"),
        _pair("edge", 4, fed(*_qk(12)), note="no leading dimension"),
        _pair("edge", 3, fed(*_qk(13, 1, L=1, S=1, d=3)), note="L = S = 1"),
        # weights drawn from their shapes alone: the values judged, and the gradients into q and k
        _pair("structure", 4, fed(*_qk(14, 2)), note="q (2, 3, 4), k (2, 5, 4)", fill=True),
        _pair("structure", 4, fed(*_qk(15, 2), mask=mask), note="a mask", fill=True),
        _pair("structure", 6, fed(*_qk(16, 2, 3, d=6)), note="two leading dimensions", fill=True),
        _pair(
            "state",
            4,
            fed(*_qk(17, 2)),
            fed(*_qk(18, 1, L=3, S=2), mask=causal),
            note="two calls, a causal mask the second time",
            fill=True,
        ),
    ]
