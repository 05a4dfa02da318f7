"""The input domains of the norms topic's exercises, read off their docstrings: each exercise's
cases over the dimensions its docstring opens (grader/checks/domains.py lists them).
`grade author record norms` stores what the reference answers on them (answers_norms.pt)."""

from __future__ import annotations

import torch

from grader.checks.domains import F64, Case, declare, module_case, rand, randn

T = "norms"
# rows at ±1e3 with a standard deviation of 1: float32 rounds x itself by 6e-5, so honest two-pass
# forms differ by 3e-5 (E[x²] - E[x]² by 2e-2); values only: the docstring promises the result there
SPREAD = (1e-4, 1e-4)


def _ln(dim: str, args: tuple, note: str, wrt: tuple[int, ...] = (0,), tol=None, **kwargs) -> Case:
    return Case(dim, "layer_norm", args, kwargs, wrt=wrt, tol=tol, note=note)


@declare(T, "layer_norm", "default dtype edge magnitude aliasing leading")
def _layer_norm() -> list[Case]:
    wb = (randn(2, 6), randn(3, 6))
    wb2 = (randn(5, 3, 4), randn(6, 3, 4))
    return [
        _ln("default", (randn(1, 2, 3, 6),), "x (2, 3, 6), no weight or bias"),
        _ln("default", (randn(4, 4, 6), *wb), "x (4, 6), weight and bias", wrt=(0, 1, 2)),
        _ln("default", (randn(7, 4, 6), wb[0]), "weight, no bias", wrt=(0, 1)),
        _ln("default", (randn(8, 4, 6), None, wb[1]), "bias, no weight", wrt=(0, 2)),
        _ln("default", (randn(9, 4, 6), *wb), "eps = 0.1", wrt=(0, 1, 2), eps=0.1),
        _ln("dtype", (randn(10, 3, 6, dtype=F64), *(t.double() for t in wb)), "float64", wrt=(0, 1, 2)),
        _ln("dtype", (randn(22, 3, 6, dtype=F64),), "float64, no weight or bias"),
        _ln("aliasing", (randn(23, 3, 6), *wb), "x not requiring grad", wrt=()),
        _ln("edge", (randn(11, 2, 3, 4), *wb2), "dims = 2: x (2, 3, 4)", wrt=(0, 1, 2), dims=2),
        _ln("edge", (randn(12, 1, 3, 4), *wb2), "dims = 2, one row", wrt=(0, 1, 2), dims=2),
        _ln("edge", (randn(13, 2, 2, 3, 4),), "dims = 3: x (2, 2, 3, 4)", dims=3),
        _ln("edge", (randn(14, 6), *wb), "no leading dimension", wrt=(0, 1, 2)),
        _ln("edge", (randn(15, 5, 1), randn(16, 1), randn(17, 1)), "rows of one element", wrt=(0, 1, 2)),
        _ln("edge", (torch.full((3, 6), 2.0), *wb), "rows of equal values", wrt=(0, 1, 2)),
        _ln("edge", (1e-3 * randn(18, 4, 6),), "a spread of 1e-3: var well below eps"),
        _ln("magnitude", (1e3 + randn(19, 4, 16),), "values near 1e3, spread 1", wrt=(), tol=SPREAD),
        _ln("magnitude", (-1e3 + randn(20, 3, 2, 16), randn(21, 16)), "values near -1e3", wrt=(), tol=SPREAD),
    ]


def _rms(dim: str, args: tuple, note: str, wrt: tuple[int, ...] = (0,), **kwargs) -> Case:
    return Case(dim, "rms_norm", args, kwargs, wrt=wrt, note=note)


@declare(T, "rms_norm", "default dtype edge magnitude aliasing leading")
def _rms_norm() -> list[Case]:
    signs = torch.where(randn(30, 4, 8) < 0, -1.0, 1.0)
    return [
        _rms("default", (randn(31, 2, 3, 8),), "x (2, 3, 8), no weight"),
        _rms("default", (randn(32, 4, 8), randn(33, 8)), "x (4, 8), weight", wrt=(0, 1)),
        _rms("default", (randn(34, 4, 8), randn(33, 8)), "eps = 0.1", wrt=(0, 1), eps=0.1),
        _rms("dtype", (randn(35, 3, 8, dtype=F64), randn(36, 8, dtype=F64)), "float64", wrt=(0, 1)),
        _rms("dtype", (randn(44, 3, 8, dtype=F64),), "float64, no weight"),
        _rms("aliasing", (randn(45, 3, 8), randn(36, 8)), "x not requiring grad", wrt=()),
        _rms("edge", (randn(37, 8), randn(38, 8)), "no leading dimension", wrt=(0, 1)),
        _rms("edge", (randn(39, 5, 1),), "rows of one element"),
        _rms("edge", (torch.zeros(2, 8),), "rows of zeros", wrt=()),
        _rms("magnitude", (signs * (1e-4 + 1e-4 * rand(40, 4, 8)),), "values near 1e-4: eps counts"),
        _rms("magnitude", (1e15 * randn(41, 4, 8), randn(42, 8)), "values near 1e15", wrt=()),
        _rms("magnitude", (1e15 * randn(43, 2, 8, dtype=F64),), "values near 1e15, float64", wrt=()),
    ]


def _stats(k: int, c: int, dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    return randn(k, c, dtype=dtype), 0.5 + rand(k + 1, c, dtype=dtype)


def _bn(dim: str, x: torch.Tensor, note: str, *rest, wrt=(0, 3, 4), **kwargs) -> Case:
    c = x.shape[1]
    stats = _stats(100 + c, c, x.dtype)
    args = (
        (x, *stats, *rest)
        if rest
        else (x, *stats, randn(102, c, dtype=x.dtype), randn(103, c, dtype=x.dtype))
    )
    wrt = tuple(i for i in wrt if i < len(args) and args[i] is not None)
    return Case(dim, "batch_norm", args, kwargs, wrt=wrt, note=note)


@declare(
    T,
    "batch_norm",
    "default dtype edge aliasing magnitude",
    writes=(1, 2),
    exempt={"prior": "the running statistics it writes are updated from their prior values, which count"},
)
def _batch_norm() -> list[Case]:
    train = {"training": True}
    return [
        _bn("default", randn(50, 4, 3), "eval, x (4, 3)"),
        _bn("default", randn(51, 6, 3), "training, x (6, 3)", **train),
        _bn("default", randn(52, 6, 3), "training, momentum 0.3, eps 0.01", **train, momentum=0.3, eps=0.01),
        _bn("default", randn(53, 5, 3), "training, momentum 1", **train, momentum=1.0),
        _bn("default", randn(54, 5, 3), "training, momentum 0", **train, momentum=0.0),
        _bn("default", randn(55, 6, 3), "training, no weight or bias", None, None, **train),
        _bn("default", randn(56, 4, 3), "eval, no weight or bias", None, None),
        Case(
            "default",
            "batch_norm",
            (randn(57, 6, 3), None, None),
            train,
            wrt=(0,),
            note="training, no running stats",
        ),
        _bn("dtype", randn(58, 6, 3, dtype=F64), "training, float64", **train),
        _bn("dtype", randn(59, 4, 3, dtype=F64), "eval, float64"),
        _bn("dtype", randn(67, 6, 3, dtype=F64), "training, float64, no weight or bias", None, None, **train),
        _bn("aliasing", randn(68, 6, 3), "training, x not requiring grad", wrt=(), **train),
        _bn("aliasing", randn(69, 4, 3, 2), "eval, x not requiring grad", wrt=()),
        _bn("edge", randn(60, 4, 3, 5), "training, x (4, 3, 5)", **train),
        _bn("edge", randn(61, 4, 3, 5), "eval, x (4, 3, 5)"),
        _bn("edge", randn(62, 2, 3), "training, a batch of two", **train),
        _bn("edge", randn(63, 1, 3, 2), "training, N = 1, L = 2", **train),
        _bn("edge", randn(64, 1, 3), "eval, a batch of one"),
        _bn("edge", 1e-3 * randn(65, 6, 3), "training, a spread of 1e-3: var well below eps", **train),
        _bn("edge", 5.0 + randn(66, 6, 2), "training, channel means far from 0", **train),
        _bn(
            "magnitude",
            1e5 + 1e-2 * randn(70, 6, 3, dtype=F64),
            "training, float64, mean 1e5, spread 1e-2",
            **train,
        ),
    ]


def _mod(dim: str, name: str, ctor: tuple, inputs: tuple, note: str, **more) -> Case:
    return module_case(dim, name, (ctor, {}), inputs, [tuple(x.shape) for x in inputs], note=note, **more)


TRAIN_EVAL = "train train eval"  # one mode per input
_TE = "trained on x (6, 3) and x (4, 3, 5), then eval on x (4, 3)"


def _trained(k: int) -> tuple[torch.Tensor, ...]:
    return 2.0 + randn(k, 6, 3), 3.0 * randn(k + 1, 4, 3, 5), randn(k + 2, 4, 3)


@declare(
    T,
    "BatchNorm1d",
    "edge state structure creation",
    exempt={
        "magnitude": "its forward normalises as the pack's batch_norm, whose magnitudes that function's cases walk"
    },
)
def _batch_norm_module() -> list[Case]:
    return [
        _mod("edge", "BatchNorm1d", (3,), (randn(70, 5, 3),), "3 features, x (5, 3)"),
        _mod("edge", "BatchNorm1d", (4,), (randn(71, 2, 4, 6),), "4 features, x (2, 4, 6)"),
        _mod("state", "BatchNorm1d", (3,), (randn(72, 4, 3), randn(73, 2, 3, 5)), "two calls"),
        module_case("structure", "BatchNorm1d", ((3,), {}), (randn(74, 6, 3),), fill=True, note="training"),
        module_case(
            "structure",
            "BatchNorm1d",
            ((4,), {}),
            (randn(75, 3, 4, 5),),
            fill=True,
            note="x (3, 4, 5), training",
        ),
        module_case(
            "structure", "BatchNorm1d", ((3,), {}), (randn(76, 2, 3),), fill=True, mode="eval", note="eval"
        ),
        module_case(
            "structure",
            "BatchNorm1d",
            ((3,), {"eps": 0.5}),
            (randn(77, 4, 3),),
            fill=True,
            mode="eval",
            note="eps 0.5",
        ),
        # train → eval: the running statistics two training calls leave, then normalising alone
        module_case("state", "BatchNorm1d", ((3,), {}), _trained(90), fill=True, mode=TRAIN_EVAL, note=_TE),
        module_case(
            "state",
            "BatchNorm1d",
            ((3,), {"eps": 0.1, "momentum": 0.5}),
            _trained(93),
            fill=True,
            mode=TRAIN_EVAL,
            note=f"eps 0.1, momentum 0.5, {_TE}",
        ),
    ]


@declare(
    T,
    "RMSNorm",
    "edge state structure creation",
    exempt={
        "magnitude": "its forward normalises as the pack's rms_norm, whose magnitudes that function's cases walk"
    },
)
def _rms_norm_module() -> list[Case]:
    return [
        _mod("edge", "RMSNorm", (8,), (randn(80, 2, 3, 8),), "8 features, x (2, 3, 8)"),
        _mod("edge", "RMSNorm", (1,), (randn(81, 4, 1),), "1 feature"),
        _mod(
            "state",
            "RMSNorm",
            (6,),
            (randn(82, 6), randn(83, 2, 2, 6)),
            "two calls, other leading dimensions",
        ),
        module_case("structure", "RMSNorm", ((8,), {}), (randn(84, 3, 8),), fill=True, note="8 features"),
        module_case(
            "structure", "RMSNorm", ((8,), {}), (randn(85, 3, 8),), fill=True, mode="eval", note="eval"
        ),
        module_case(
            "structure", "RMSNorm", ((6,), {"eps": 0.5}), (1e-1 * randn(86, 2, 6),), fill=True, note="eps 0.5"
        ),
        module_case(
            "state",
            "RMSNorm",
            ((8,), {}),
            (randn(87, 3, 8),) * 2,
            fill=True,
            mode="train eval",
            note="train, then eval",
        ),
    ]
