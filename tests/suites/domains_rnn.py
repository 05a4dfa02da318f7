"""The input domains of the rnn topic's exercises, read off their docstrings: each
exercise's cases over the dimensions its docstring opens (grader/checks/domains.py lists them;
docs/authors.md). ``python tests/grader/record_domain_answers.py`` stores what the references
answer on them in answers_rnn.pt."""

from __future__ import annotations

import torch

from grader.checks.domains import (
    F64,
    Case,
    declare,
    module_case,
    randn,
)

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


@declare(N, "rnn_forward", "edge dtype", forms={2: ("tuple",)}, grads=(0, 1), **N_TOL)  # params: a Sequence
def _rnn_forward() -> list[Case]:
    def layers(
        k: int, n_in: int, hidden: int, count: int, dtype: torch.dtype = torch.float32
    ) -> list[list[torch.Tensor]]:
        return [
            [
                randn(k + 4 * i, hidden, n_in if i == 0 else hidden, dtype=dtype),
                randn(k + 4 * i + 1, hidden, hidden, dtype=dtype),
                randn(k + 4 * i + 2, hidden, dtype=dtype),
                randn(k + 4 * i + 3, hidden, dtype=dtype),
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
        Case(
            "dtype",
            "rnn_forward",
            (randn(5, 4, 3, 2, dtype=F64), randn(6, 2, 3, 3, dtype=F64), layers(50, 2, 3, 2, F64)),
            note="float64",
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


@declare(N, "encode_chars", "edge", forms={1: ("tuple",)}, **N_TOL)  # vocab: str | Sequence[str]
def _encode_chars() -> list[Case]:
    return [
        Case("edge", "encode_chars", ("", "ehlo"), note="empty text"),
        Case("edge", "encode_chars", ("hello", ["e", "h", "l", "o"]), note="a list vocabulary"),
        Case("edge", "encode_chars", ("a", "a"), note="one character"),
    ]


@declare(
    N,
    "HelloRNN",
    "edge state",
    learns=True,  # every row learns
    exempt={axis: "its input is int64 indices (docstring)" for axis in ("dtype", "magnitude")},
    **N_TOL,
)
def _hello_rnn() -> list[Case]:
    idx = torch.tensor([[1, 3], [0, 0], [2, 1], [2, 2], [3, 0]])  # batch 2: a view with other strides exists
    return [
        module_case("edge", "HelloRNN", ((4, 8), {}), (idx,), [(5, 2, 4)], note="one-hot input"),
        module_case(
            "edge",
            "HelloRNN",
            ((4, 8), {"embed_dim": 3}),
            (torch.tensor([[1, 0], [2, 3]]),),
            [(2, 2, 4)],
            note="an embedding, batch 2",
        ),
        # the same object three times in a row, each call as a new object's (no state kept)
        module_case(
            "state",
            "HelloRNN",
            ((4, 8), {}),
            (idx, idx.flip(0), idx),
            again=True,
            note="one-hot input, called three times",
        ),
        module_case(
            "state",
            "HelloRNN",
            ((4, 8), {"embed_dim": 3}),
            (idx, idx.flip(1)),
            again=True,
            note="an embedding, called twice",
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
