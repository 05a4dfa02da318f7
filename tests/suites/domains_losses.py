"""The input domains of the losses topic's exercises, read off their docstrings: each
exercise's cases over the dimensions its docstring opens (grader/checks/domains.py lists them;
docs/authors.md). ``python tests/grader/record_domain_answers.py`` stores what the references
answer on them in answers_losses.pt."""

from __future__ import annotations

import torch

from grader.checks import N_
from grader.checks.domains import (
    EXTREME32,
    F16,
    F64,
    TAIL64,
    Case,
    declare,
    rand,
    randn,
)

L = "losses"
L_TOL = {"tol32": (1e-5, 1e-6), "tol64": (1e-7, 1e-12)}


def _pair(k: int, *shape: int, dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    return randn(k, *shape, dtype=dtype), randn(k + 1, *shape, dtype=dtype)


@declare(L, "mse", "edge dtype default layout", **L_TOL)
def _mse() -> list[Case]:
    return _regression("mse")


@declare(L, "l1", "edge dtype default layout magnitude", **L_TOL)
def _l1() -> list[Case]:
    return [
        *_regression("l1"),
        Case(
            "magnitude",
            "l1",
            (torch.tensor([1e20, -3e19, 1.0]), torch.tensor([0.0, 0.0, -2.0])),
            {"reduction": "none"},
            wrt=(0,),
            note="float32 |ŷ − y| up to 1e20",
        ),
    ]


def _regression(name: str) -> list[Case]:
    return [
        Case("edge", name, _pair(1), {"reduction": "mean"}, note="0-dim inputs"),
        Case("edge", name, _pair(2, 2, 3, 4), {"reduction": "mean"}, note="(2, 3, 4), mean"),
        Case("dtype", name, _pair(3, 3, 5, dtype=F64), {"reduction": "sum"}, wrt=(0,), note="float64, sum"),
        Case("default", name, _pair(4, 4, 2), note="reduction left at its default"),
        Case(
            "layout",
            name,
            _pair(5, 3, 4),
            {"reduction": "none"},
            noncontig=(0,),
            note="non-contiguous y_hat, none",
        ),
    ]


@declare(L, "huber", "default edge magnitude", **L_TOL)
def _huber() -> list[Case]:
    y_hat, y = randn(1, 20) * 3, randn(2, 20)
    return [
        Case("default", "huber", (y_hat, y), note="delta left at its default"),
        Case("edge", "huber", (y_hat, y), {"delta": 0.5}, note="delta = 0.5"),
        Case("edge", "huber", (y_hat, y), {"delta": 2.5}, note="delta = 2.5"),
        Case(
            "magnitude",
            "huber",
            (1e3 * randn(3, 6, dtype=F64), randn(4, 6, dtype=F64)),
            {"delta": 2.0},
            wrt=(0,),
            note="|d| ~ 1000",
        ),
        Case(
            "magnitude",
            "huber",
            (torch.tensor([1e20, -3e19, 0.5, 2.0]), torch.zeros(4)),
            wrt=(0,),
            note="float32 |d| up to 1e20: d² overflows where the linear piece is selected",
        ),
    ]


@declare(L, "sigmoid", "tail magnitude dtype edge", **L_TOL)
def _sigmoid() -> list[Case]:
    return [
        Case(
            "tail",
            "sigmoid",
            (torch.linspace(-740, 5, 48, dtype=F64),),
            wrt=(0,),
            tol=TAIL64,
            note="float64, x in [-740, 5]",
        ),
        # x = 0 left out of the gradient: the docstring judges gradients away from kinks
        Case(
            "magnitude",
            "sigmoid",
            (torch.tensor([-1000.0, -100.0, 0.5, 100.0, 1000.0]),),
            wrt=(0,),
            note="|x| up to 1000",
        ),
        Case("dtype", "sigmoid", (torch.linspace(-12, 12, 13).to(F16),), note="float16"),
        Case("edge", "sigmoid", (torch.tensor(-0.3, dtype=F64),), wrt=(0,), note="0-dim x"),
    ]


TINY32 = torch.finfo(torch.float32).tiny  # the smallest normal float32; below it, subnormals


@declare(L, "bce", "edge magnitude", tol32=(1e-5, 1e-6), tol64=(1e-5, 1e-6))  # "Checked within rtol=1e-5"
def _bce() -> list[Case]:
    p = torch.tensor([0.0, 1.0, 0.5, 1e-30, 1 - 1e-7, 0.3])
    return [
        Case(
            "edge", "bce", (p, torch.tensor([0.0, 1.0, 0.2, 0.0, 1.0, 0.7])), note="p at 0 and 1, soft labels"
        ),
        Case(
            "magnitude",
            "bce",
            (p, torch.tensor([1.0, 0.0, 0.5, 1.0, 0.0, 0.4])),
            note="logs at the −100 floor",
        ),
        Case(
            "magnitude",
            "bce",
            (torch.tensor([1e-12, 1 - 1e-6, 1e-5], dtype=F64), torch.tensor([1.0, 0.0, 0.9], dtype=F64)),
            note="float64, p near 0 and 1",
        ),
        # subnormal p: log p below −100 though p is not 0 (a floor applied to −inf alone misses it)
        Case(
            "magnitude",
            "bce",
            (torch.tensor([1e-45, TINY32 / 2, 0.5, 1 - 2**-24]), torch.tensor([1.0, 1.0, 0.5, 0.0])),
            note="subnormal p (float32)",
        ),
        Case(
            "magnitude",
            "bce",
            (torch.tensor([5e-324, 1e-320, 0.5], dtype=F64), torch.tensor([1.0, 0.7, 0.0], dtype=F64)),
            note="subnormal p (float64)",
        ),
    ]


# bce_with_logits' float64 tail, as its docstring states it: half the terms y = 1 at z from 38 to
# 45, half y = 0 at z from −45 to −38, the halves of equal weight, every term below an ulp of 1.
# log(1 + u) for log1p(u) rounds them all to 0: off by 100 %. The stable forms that subtract y·z
# from a softplus (F.binary_cross_entropy_with_logits keeps the y = 1 half, softplus(z) − y·z and
# logaddexp(0, z) − y·z the y = 0 half) are off by exactly 50 %: an rtol halfway between.
HALF_TAIL = (0.75, 0.0)
LOG_OF_ONE_PLUS = N_(
    "these values are log(1 + u)'s where log1p(u) belongs: 1 + u is 1 once u is below an ulp of 1 "
    "(2.2e-16 in float64), and its log 0; torch.log1p(u) keeps the tiny term"
)


def _log_of_one_plus(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The stable softplus of the docstring with log(1 + u) for log1p(u)."""
    softplus = [t.clamp(min=0) + torch.log(1 + torch.exp(-t.abs())) for t in (-z, z)]
    return (y * softplus[0] + (1 - y) * softplus[1]).mean()


@declare(
    L, "bce_with_logits", "tail magnitude edge", mistakes=((LOG_OF_ONE_PLUS, _log_of_one_plus),), **L_TOL
)
def _bce_with_logits() -> list[Case]:
    z = torch.cat([torch.linspace(38, 45, 4, dtype=F64), torch.linspace(-45, -38, 4, dtype=F64)])
    y = torch.cat([torch.ones(4, dtype=F64), torch.zeros(4, dtype=F64)])
    return [
        Case("tail", "bce_with_logits", (z, y), tol=HALF_TAIL, note="float64, confident and right"),
        Case(
            "magnitude",
            "bce_with_logits",
            (torch.tensor([1000.0, -1000.0, 999.0, -3.0]), torch.tensor([0.0, 1.0, 1.0, 0.3])),
            tol=EXTREME32,
            note="logits of ±1000",
        ),
        Case(
            "edge",
            "bce_with_logits",
            (randn(5, 4, 1, dtype=F64), rand(6, 4, 1, dtype=F64)),
            wrt=(0,),  # the logits: the targets are labels
            note="(n, 1) logits and labels",
        ),
    ]


def _softmaxes(name: str) -> list[Case]:
    far = torch.stack([randn(1, 4) + 1000, randn(2, 4) - 1000, randn(3, 4)])
    return [
        Case("magnitude", name, (far,), {"dim": -1}, tol=EXTREME32, note="rows at +1000, −1000 and 0"),
        Case("edge", name, (randn(4, 4, 4),), {"dim": 0}, note="dim 0 of a square"),
        Case("edge", name, (randn(5, 2, 3, 4),), {"dim": 1}, note="dim 1 of a 3-D tensor"),
        Case("edge", name, (randn(6, 3, 1),), {"dim": -1}, note="a dim of size 1"),
        Case(
            "default", name, (randn(7, 2, 5, 3, dtype=F64),), wrt=(0,), note="dim left at its default (3-D)"
        ),
        Case("layout", name, (randn(8, 3, 4),), {"dim": 0}, noncontig=(0,), note="non-contiguous x"),
        Case("dtype", name, ((3 * randn(9, 4, 6)).to(F16),), {"dim": -1}, note="float16"),
        Case(
            "tail",
            name,
            (torch.tensor([[60.0, 0.0, -5.0], [0.0, 45.0, 1.0]], dtype=F64),),
            {"dim": -1},
            tol=TAIL64,
            note="float64, one class dominant",
        ),
    ]


@declare(L, "softmax", "magnitude edge default layout dtype tail", **L_TOL)
def _softmax() -> list[Case]:
    return _softmaxes("softmax")


@declare(L, "log_softmax", "magnitude edge default layout dtype tail", **L_TOL)
def _log_softmax() -> list[Case]:
    return _softmaxes("log_softmax")


@declare(L, "cross_entropy", "dtype edge magnitude", **L_TOL)
def _cross_entropy() -> list[Case]:
    labels = torch.tensor([2, 0, 1])
    return [
        Case(
            "dtype",
            "cross_entropy",
            (randn(1, 3, 4), torch.nn.functional.one_hot(labels, 4)),
            note="int64 one-hot targets",
        ),
        Case(
            "dtype",
            "cross_entropy",
            (randn(2, 3, 4, dtype=F64), rand(3, 3, 4, dtype=F64).softmax(1)),
            wrt=(0,),
            note="float64 probabilities",
        ),
        Case("edge", "cross_entropy", (randn(4, 1, 5), torch.tensor([4])), note="n = 1"),
        Case(
            "magnitude",
            "cross_entropy",
            (torch.tensor([[1000.0, -1000.0], [-1000.0, 1000.0]]), torch.tensor([1, 1])),
            tol=EXTREME32,
            note="logits of ±1000",
        ),
    ]


@declare(L, "entropy", "edge dtype tail", **L_TOL)
def _entropy() -> list[Case]:
    return [
        Case("edge", "entropy", (rand(1, 2, 3, 4).softmax(-1),), note="(2, 3, 4)"),
        Case("edge", "entropy", (torch.tensor([0.0, 0.25, 0.75]),), note="1-D with a zero"),
        Case("dtype", "entropy", (rand(3, 3, 5, dtype=F64).softmax(-1),), note="float64"),
        Case(
            "tail",
            "entropy",
            (torch.tensor([[1.0, 1e-20], [1.0, 1e-300], [1.0, 0.0]], dtype=F64),),
            tol=TAIL64,
            note="float64, nearly certain: H = 4.6e-19, 6.9e-298 and 0",
        ),
    ]


@declare(L, "kl_div", "edge magnitude dtype tail", **L_TOL)
def _kl_div() -> list[Case]:
    return [
        Case(
            "edge", "kl_div", (rand(1, 2, 3, 4).softmax(-1), rand(2, 2, 3, 4).softmax(-1)), note="(2, 3, 4)"
        ),
        Case(
            "magnitude",
            "kl_div",
            (
                torch.tensor([[0.5, 0.5, 0.0], [0.2, 0.8, 0.0]]),
                torch.tensor([[1.0, 0.0, 0.0], [0.1, 0.4, 0.5]]),
            ),
            note="q = 0 < p and p = 0",
        ),
        Case(
            "dtype",
            "kl_div",
            (rand(4, 3, 5, dtype=F64).softmax(-1), rand(5, 3, 5, dtype=F64).softmax(-1)),
            note="float64",
        ),
        Case(
            "tail",
            "kl_div",
            (
                torch.tensor([[1.0, 1e-20], [1.0, 1e-200]], dtype=F64),
                torch.tensor([[1.0, 1e-30], [1.0, 1e-100]], dtype=F64),
            ),
            tol=TAIL64,
            note="float64, nearly certain: KL = 2.3e-19 and −2.3e-198",
        ),
    ]
