"""The input domains of the resnet topic's exercises, read off their docstrings: each
exercise's cases over the dimensions its docstring opens (grader/checks/domains.py lists them;
docs/authors.md). ``python tests/grader/record_domain_answers.py`` stores what the references
answer on them in answers_resnet.pt."""

from __future__ import annotations

import torch

from grader.checks import N_
from grader.checks.domains import (
    F64,
    Case,
    declare,
    module_case,
    rand,
    randn,
    shown,
)

R = "resnet"


@declare(
    R,
    "ResidualBlock",
    "edge aliasing layout",
    shown=(shown(((4,), {}), (randn(906, 2, 4, 5, 6),), note="ResidualBlock(4)"),),
)
def _residual_block() -> list[Case]:
    x = randn(1, 2, 4, 5, 7)
    return [
        module_case(
            "edge",
            "ResidualBlock",
            ((4,), {}),
            (randn(2, 1, 4, 1, 1), x),
            [(1, 4, 1, 1), (2, 4, 5, 7)],
            note="1×1 and 5×7",
        ),
        module_case("aliasing", "ResidualBlock", ((4,), {}), (x,), note="x left as it was"),
        module_case(
            "layout",
            "ResidualBlock",
            ((4,), {}),
            (x,),
            noncontig=(0,),
            same_as=1,
            note="a non-contiguous input",
        ),
    ]


def _stats(
    k: int, c: int, dtype: torch.dtype = torch.float32
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    return (
        1 + 0.1 * randn(k, c, dtype=dtype),
        0.1 * randn(k + 1, c, dtype=dtype),
        0.1 * randn(k + 2, c, dtype=dtype),
        0.5 + rand(k + 3, c, dtype=dtype),
    )


def _moments_variance(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    """batch_norm with the variance as E[x²] − E[x]² (in training): it cancels where the mean is
    large beside the spread."""
    if not training:
        return None
    dims = [d for d in range(x.dim()) if d != 1]
    shape = [1, -1] + [1] * (x.dim() - 2)
    mu = x.mean(dims, keepdim=True)
    var = (x * x).mean(dims, keepdim=True) - mu * mu
    return gamma.reshape(shape) * (x - mu) / torch.sqrt(var + eps) + beta.reshape(shape)


MOMENTS_VARIANCE = N_(
    "these values are what the variance as E[x²] − E[x]² gives: with a mean large beside the spread "
    "the two terms nearly cancel and their difference is rounding; compute it from the deviations, "
    "((x − μ)²).mean(...)"
)


@declare(
    R,
    "batch_norm",
    "dtype edge magnitude default state",
    writes=(3, 4),
    mistakes=((MOMENTS_VARIANCE, _moments_variance),),
    exempt={"prior": "the running statistics it writes are updated from their prior values, which count"},
)
def _batch_norm() -> list[Case]:
    big = 1e5 + 1e-2 * randn(1, 8, 3, 2, 2, dtype=F64)
    tiny = _stats(30, 3)[:3] + (torch.full((3,), 1e-8),)
    return [
        Case("edge", "batch_norm", (randn(2, 6, 3), *_stats(3, 3), True, 0.1, 1e-5), note="(N, C), training"),
        Case(
            "dtype",
            "batch_norm",
            (randn(4, 4, 3, 2, 5, dtype=F64), *_stats(5, 3, F64), True, 0.2, 1e-5),
            note="float64 (N, C, H, W), training",
        ),
        Case(
            "magnitude",
            "batch_norm",
            (big, *_stats(6, 3, F64), True, 0.1, 1e-5),
            note="mean 1e5, spread 1e-2",
        ),
        Case(
            "magnitude",
            "batch_norm",
            (randn(7, 4, 3), *tiny, False, 0.1, 1e-5),
            note="eval, running_var 1e-8",
        ),
        Case(
            "default",
            "batch_norm",
            (randn(8, 4, 3, 3, 3), *_stats(9, 3), True),
            note="momentum and eps at their defaults",
        ),
        Case(
            "state",
            "batch_norm",
            (randn(10, 4, 3, 2, 2), *_stats(11, 3), False, 0.1, 1e-5),
            note="eval: running stats kept",
        ),
    ]


BASIC_SHOWN = (
    shown(((4, 4), {}), (randn(907, 3, 4, 6, 5),), note="BasicBlock(4, 4): the identity shortcut"),
    shown(((4, 8, 2), {}), (randn(908, 3, 4, 7, 6),), note="BasicBlock(4, 8, 2): a projection"),
    shown(((4, 4, 2), {}), (randn(909, 3, 4, 6, 6),), note="BasicBlock(4, 4, 2): stride alone"),
    shown(((4, 8, 2), {}), (randn(910, 2, 4, 5, 5),), note="BasicBlock(4, 8, 2) in eval mode", mode="eval"),
    shown(((4, 4), {}), (randn(911, 2, 4, 5, 5),), note="BasicBlock(4, 4) in eval mode", mode="eval"),
)


@declare(R, "BasicBlock", "edge", shown=BASIC_SHOWN)
def _basic_block() -> list[Case]:
    return [
        module_case(
            "edge",
            "BasicBlock",
            ((4, 4, 2), {}),
            (randn(1, 2, 4, 7, 5),),
            [(2, 4, 4, 3)],
            note="stride 2, equal channels",
        ),
        module_case(
            "edge",
            "BasicBlock",
            ((4, 8), {}),
            (randn(2, 1, 4, 6, 6),),
            [(1, 8, 6, 6)],
            note="channels change, n = 1",
        ),
    ]


@declare(
    R,
    "SmallResNet",
    "state edge",
    exempt={
        "magnitude": "its layers beyond the outline are the learner's (docstring): no reference weights",
        "gradient": "its layers beyond the outline are the learner's (docstring): no reference weights",
    },
)
def _small_resnet() -> list[Case]:
    return [
        module_case(
            "state",
            "SmallResNet",
            ((), {}),
            (randn(1, 2, 1, 8, 8), randn(2, 3, 1, 11, 13)),
            [(2, 10), (3, 10)],
            again=True,
            note="8×8, then 11×13",
        ),
        module_case(
            "edge",
            "SmallResNet",
            ((3, 5), {}),
            (randn(3, 1, 3, 9, 8),),
            [(1, 5)],
            note="3 channels, n = 1 in train mode",
        ),
    ]
