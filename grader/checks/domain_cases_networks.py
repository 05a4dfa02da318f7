"""The domains of cnn, inception, resnet and rnn (grader/checks/domain_cases.py)."""

from __future__ import annotations

import torch

from grader.checks.domains import (
    F64,
    Case,
    declare,
    module_case,
    rand,
    randn,
)

# ---------------------------------------------------------------- cnn
C = "cnn"
C_TOL = {"tol32": (1e-5, 1e-5), "tol64": (1e-5, 1e-5)}  # float64 values: no figure stated, float32's


@declare(C, "corr2d", "dtype edge layout", **C_TOL)
def _corr2d() -> list[Case]:
    return [
        Case(
            "dtype",
            "corr2d",
            (randn(1, 5, 6, dtype=F64), randn(2, 2, 3, dtype=F64)),
            wrt=(0, 1),
            note="float64, gradients w.r.t. x and k",
        ),
        Case("edge", "corr2d", (randn(3, 3, 4), randn(4, 3, 4)), note="kernel as large as x"),
        Case("edge", "corr2d", (randn(5, 4, 7), randn(6, 1, 1)), note="H ≠ W, a 1×1 kernel"),
        Case(
            "layout",
            "corr2d",
            (randn(7, 5, 4), randn(8, 2, 2)),
            noncontig=(0, 1),
            note="non-contiguous x and k",
        ),
    ]


@declare(C, "conv2d", "edge layout default", **C_TOL)
def _conv2d() -> list[Case]:
    x, w = randn(1, 1, 2, 6, 5), randn(2, 3, 2, 3, 2)
    return [
        Case("edge", "conv2d", (x, w, randn(3, 3), 2, 1), note="n = 1, kh ≠ kw, stride 2, padding 1"),
        Case(
            "layout",
            "conv2d",
            (randn(4, 2, 2, 5, 5), w, None, 1, 0),
            noncontig=(0, 1),
            note="non-contiguous x and weight",
        ),
        Case("default", "conv2d", (x, w), note="bias, stride and padding at their defaults"),
    ]


@declare(C, "conv_output_size", "edge default", **C_TOL)
def _conv_output_size() -> list[Case]:
    return [
        Case("edge", "conv_output_size", (5, 5, 0, 1), note="k = n"),
        Case("edge", "conv_output_size", (7, 3, 1, 2), note="stride 2"),
        Case("edge", "conv_output_size", (10, 4, 0, 3), note="a stride not dividing"),
        Case("edge", "conv_output_size", (8, 5, 2, 3), note="padding 2, stride 3"),
        Case("default", "conv_output_size", (9, 4), note="padding and stride at their defaults"),
    ]


@declare(C, "max_pool2d", "signs default edge layout", **C_TOL)
def _max_pool2d() -> list[Case]:
    return [
        Case("signs", "max_pool2d", (-randn(1, 2, 2, 6, 6).abs(), 2, 2), note="all negative"),
        Case("default", "max_pool2d", (randn(2, 1, 3, 6, 4), 2), note="stride left at its default"),
        Case("edge", "max_pool2d", (randn(3, 1, 1, 7, 5), 3, 2), note="H ≠ W, windows not dividing"),
        Case("layout", "max_pool2d", (randn(4, 2, 2, 5, 5), 2, 1), noncontig=(0,), note="non-contiguous x"),
    ]


@declare(C, "SimpleCNN", "state edge layout", **C_TOL)
def _simple_cnn() -> list[Case]:
    x = randn(1, 2, 1, 9, 9)
    return [
        module_case(
            "state",
            "SimpleCNN",
            ((), {}),
            (randn(2, 2, 1, 8, 8), randn(3, 1, 1, 13, 11)),
            [(2, 10), (1, 10)],
            note="8×8, then 13×11",
        ),
        module_case(
            "edge",
            "SimpleCNN",
            ((4, 3), {}),
            (randn(4, 1, 3, 8, 10),),
            [(1, 4)],
            note="3 channels, 4 classes",
        ),
        module_case("layout", "SimpleCNN", ((), {}), (x,), mode="eval", note="a contiguous input"),
        module_case(
            "layout",
            "SimpleCNN",
            ((), {}),
            (x,),
            mode="eval",
            noncontig=(0,),
            same_as=2,
            note="a non-contiguous input",
        ),
    ]


# ---------------------------------------------------------------- inception
INC = "inception"


@declare(INC, "InceptionA", "edge layout")
def _inception_a() -> list[Case]:
    x = randn(1, 2, 3, 5, 7)
    return [
        module_case(
            "edge",
            "InceptionA",
            ((3,), {}),
            (randn(2, 1, 3, 1, 1), x),
            [(1, 88, 1, 1), (2, 88, 5, 7)],
            note="1×1 and 5×7",
        ),
        module_case("layout", "InceptionA", ((3,), {}), (x,), note="a contiguous input"),
        module_case(
            "layout", "InceptionA", ((3,), {}), (x,), noncontig=(0,), same_as=1, note="a non-contiguous input"
        ),
    ]


@declare(INC, "conv_mults", "edge")
def _conv_mults() -> list[Case]:
    return [
        Case("edge", "conv_mults", (28, 28, 192, 32, 5), note="the lecture's 5×5"),
        Case("edge", "conv_mults", (3, 5, 2, 4, 3), note="h ≠ w"),
        Case("edge", "conv_mults", (1, 1, 1, 1, 1), note="all ones"),
    ]


@declare(INC, "GoogLeNetMini", "default edge")
def _googlenet() -> list[Case]:
    x = randn(1, 2, 1, 28, 28)
    return [
        module_case(
            "default", "GoogLeNetMini", ((1, 10, 28), {}), (x,), mode="eval", note="GoogLeNetMini(1, 10, 28)"
        ),
        module_case("default", "GoogLeNetMini", ((), {}), (x,), mode="eval", same_as=0, note="its defaults"),
        module_case(
            "edge",
            "GoogLeNetMini",
            ((3, 4, 8), {}),
            (randn(2, 1, 3, 8, 8),),
            [(1, 4)],
            note="3 channels, 8×8, n = 1",
        ),
    ]


# ---------------------------------------------------------------- resnet
R = "resnet"


@declare(R, "ResidualBlock", "edge aliasing layout")
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


@declare(R, "batch_norm", "dtype edge magnitude default state", writes=(3, 4))
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


@declare(R, "BasicBlock", "edge")
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


@declare(R, "SmallResNet", "state edge")
def _small_resnet() -> list[Case]:
    return [
        module_case(
            "state",
            "SmallResNet",
            ((), {}),
            (randn(1, 2, 1, 8, 8), randn(2, 3, 1, 11, 13)),
            [(2, 10), (3, 10)],
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


# ---------------------------------------------------------------- rnn
N = "rnn"
N_TOL = {"tol32": (1e-5, 1e-5), "tol64": (1e-5, 1e-5)}  # float64 values: no figure stated, float32's


def _cell(
    k: int,
    gates: int,
    batch: int,
    n_in: int,
    hidden: int,
    dtype: torch.dtype = torch.float32,
) -> tuple[torch.Tensor, ...]:
    return (
        randn(k, batch, n_in, dtype=dtype),
        randn(k + 1, batch, hidden, dtype=dtype),
        randn(k + 2, gates * hidden, n_in, dtype=dtype),
        randn(k + 3, gates * hidden, hidden, dtype=dtype),
        randn(k + 4, gates * hidden, dtype=dtype),
        randn(k + 5, gates * hidden, dtype=dtype),
    )


def _saturated(cell: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
    """The weights ×300: pre-activations of several hundred, the units saturated."""
    x, h, w_ih, w_hh, b_ih, b_hh = cell
    return x, h, 300 * w_ih, 300 * w_hh, b_ih, b_hh


@declare(N, "rnn_cell", "magnitude dtype edge", **N_TOL)
def _rnn_cell() -> list[Case]:
    return [
        Case("magnitude", "rnn_cell", _saturated(_cell(1, 1, 3, 4, 5)), note="saturated units"),
        Case("dtype", "rnn_cell", _cell(2, 1, 2, 3, 4, F64), wrt=(0, 1, 2, 3), note="float64"),
        Case("edge", "rnn_cell", _cell(3, 1, 1, 1, 1), note="batch, input and hidden of 1"),
    ]


@declare(N, "rnn_forward", "edge", **N_TOL)
def _rnn_forward() -> list[Case]:
    def layers(k: int, n_in: int, hidden: int, count: int) -> list[list[torch.Tensor]]:
        return [
            [
                randn(k + 4 * i, hidden, n_in if i == 0 else hidden),
                randn(k + 4 * i + 1, hidden, hidden),
                randn(k + 4 * i + 2, hidden),
                randn(k + 4 * i + 3, hidden),
            ]
            for i in range(count)
        ]

    return [
        Case(
            "edge",
            "rnn_forward",
            (randn(1, 4, 2, 4), randn(2, 3, 2, 4), layers(10, 4, 4, 3)),
            note="three layers, input size = hidden",
        ),
        Case(
            "edge",
            "rnn_forward",
            (randn(3, 1, 1, 3), randn(4, 2, 1, 5), layers(30, 3, 5, 2)),
            note="seq 1, batch 1",
        ),
    ]


@declare(N, "embedding_lookup", "edge dtype", **N_TOL)
def _embedding() -> list[Case]:
    return [
        Case(
            "edge",
            "embedding_lookup",
            (randn(1, 6, 3), torch.tensor([[0, 5, 0], [2, 2, 1]])),
            note="2-D idx with repeats",
        ),
        Case("edge", "embedding_lookup", (randn(2, 6, 3), torch.tensor(4)), note="0-dim idx"),
        Case("edge", "embedding_lookup", (randn(3, 6, 3), torch.tensor([1, 1])), note="not every row named"),
        Case(
            "dtype", "embedding_lookup", (randn(4, 5, 2, dtype=F64), torch.tensor([3, 0, 1])), note="float64"
        ),
        Case(
            "edge",
            "embedding_lookup",
            (randn(5, 5, 2, dtype=F64), torch.tensor([4, 0, 4])),
            wrt=(0,),
            note="the gradient of a repeated row",
        ),
    ]


@declare(N, "encode_chars", "edge", **N_TOL)
def _encode_chars() -> list[Case]:
    return [
        Case("edge", "encode_chars", ("", "ehlo"), note="empty text"),
        Case("edge", "encode_chars", ("hello", ["e", "h", "l", "o"]), note="a list vocabulary"),
        Case("edge", "encode_chars", ("a", "a"), note="one character"),
    ]


@declare(N, "HelloRNN", "edge", **N_TOL)
def _hello_rnn() -> list[Case]:
    idx = torch.tensor([[1], [0], [2], [2], [3]])
    return [
        module_case("edge", "HelloRNN", ((4, 8), {}), (idx,), [(5, 1, 4)], note="one-hot input"),
        module_case(
            "edge",
            "HelloRNN",
            ((4, 8), {"embed_dim": 3}),
            (torch.tensor([[1, 0], [2, 3]]),),
            [(2, 2, 4)],
            note="an embedding, batch 2",
        ),
    ]


@declare(N, "gru_cell", "magnitude dtype edge", **N_TOL)
def _gru_cell() -> list[Case]:
    return [
        Case(
            "magnitude",
            "gru_cell",
            _saturated(_cell(1, 3, 3, 4, 5, F64)),
            wrt=(0, 1),
            note="float64, saturated gates",
        ),
        Case("dtype", "gru_cell", _cell(2, 3, 2, 3, 4, F64), wrt=(0, 1, 2, 3), note="float64"),
        Case("edge", "gru_cell", _cell(3, 3, 1, 1, 1), note="batch, input and hidden of 1"),
    ]
