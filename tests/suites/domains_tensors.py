"""The input domains of the tensors topic's exercises, read off their docstrings: each
exercise's cases over the dimensions its docstring opens (grader/checks/domains.py lists them;
docs/authors.md). ``python tests/grader/record_domain_answers.py`` stores what the references
answer on them in answers_tensors.pt."""

from __future__ import annotations

import torch

from grader.checks.domains import (
    F16,
    F64,
    Case,
    declare,
    rand,
    randn,
)

T = "tensors"


def near_tied_rows(c: int, dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """Scores (n, c) whose maximum sits 1 to 4 ulps above an earlier score of its row (at every
    pair of positions; values near 0.001, 0.1 and 0.5, where softmax maps many such pairs to one
    value), and each row's argmax."""
    rows, at = [], []
    for base in (1e-3, 0.1, 0.5):
        low = torch.tensor(base, dtype=dtype)
        for ulps in range(1, 5):
            high = low
            for _ in range(ulps):
                high = torch.nextafter(high, torch.tensor(1.0, dtype=dtype))
            for i in range(c - 1):
                for j in range(i + 1, c):
                    row = torch.full((c,), -base, dtype=dtype)
                    row[i], row[j] = low, high
                    rows.append(row)
                    at.append(j)
    return torch.stack(rows), torch.tensor(at)


@declare(
    T,
    "add_into",
    "dtype edge layout",
    writes=(0,),
    overwrites=(0,),
    exempt={
        "gradient": "writes into z in place, out= allowed (docstring): an out-argument takes no gradient"
    },
)  # "z holds x + y"
def _add_into() -> list[Case]:
    return [
        Case(
            "dtype",
            "add_into",
            (randn(3, 3, 4, dtype=F64), randn(1, 3, 4, dtype=F64), randn(2, 3, 4, dtype=F64)),
            note="float64",
        ),
        Case("edge", "add_into", (randn(3, 1), randn(1, 1), randn(2, 1)), note="one element"),
        Case(
            "layout",
            "add_into",
            (randn(3, 4, 3), randn(1, 4, 3), randn(2, 4, 3)),
            noncontig=(0, 1),
            note="non-contiguous z and x",
        ),
    ]


@declare(T, "row_normalize", "dtype edge magnitude layout")
def _row_normalize() -> list[Case]:
    return [
        Case("dtype", "row_normalize", (rand(1, 4, 3, dtype=F64) + 0.1,), note="float64"),
        Case("edge", "row_normalize", (rand(2, 1, 1) + 0.1,), note="(1, 1)"),
        Case("magnitude", "row_normalize", (rand(3, 3, 4) * 1e-30,), note="rows summing to ~1e-30"),
        Case(
            "magnitude",
            "row_normalize",
            (torch.tensor([[0.0, 0.0, 1e-20], [1e30, 2e30, 0.0]]),),
            note="tiny and huge rows",
        ),
        Case("layout", "row_normalize", (rand(4, 3, 5) + 0.1,), noncontig=(0,), note="non-contiguous x"),
        Case("dtype", "row_normalize", ((rand(5, 4, 3) + 0.1).to(F16),), note="float16"),
    ]


def _pairwise(note: str, dim: str, a: torch.Tensor, b: torch.Tensor, noncontig: tuple[int, ...] = ()) -> Case:
    scale = float((a.double() ** 2).sum(1).max() + (b.double() ** 2).sum(1).max())
    # the docstring's tolerance scales with |a[i]|² + |b[j]|²: this one takes the largest such
    # scale, with no floor of its own (a clamp at 1e-12 shows on rows near the origin)
    return Case(dim, "pairwise_sq_dists", (a, b), noncontig=noncontig, tol=(1e-5, 1e-5 * scale), note=note)


@declare(T, "pairwise_sq_dists", "dtype edge magnitude layout")
def _pairwise_sq_dists() -> list[Case]:
    near = randn(9, 3, 2)
    return [
        _pairwise("float64", "dtype", randn(1, 4, 3, dtype=F64), randn(2, 5, 3, dtype=F64)),
        _pairwise("n = m = d = 1", "edge", randn(3, 1, 1), randn(4, 1, 1)),
        _pairwise("far from the origin", "magnitude", 1e3 + randn(5, 3, 2), 1e3 + randn(6, 4, 2)),
        _pairwise("rows near the origin, some equal", "magnitude", 1e-9 * near, 1e-9 * near[:2].flip(0)),
        _pairwise("non-contiguous a and b", "layout", randn(7, 3, 4), randn(8, 5, 4), noncontig=(0, 1)),
    ]


@declare(T, "one_hot", "edge")
def _one_hot() -> list[Case]:
    return [
        Case("edge", "one_hot", (torch.tensor([0]), 1), note="one label, one class"),
        Case("edge", "one_hot", (torch.tensor([0, 1, 0]), 5), note="labels below the top class"),
    ]


def tied_rows(c: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Scores (n, c) whose rows tie every multiplicity 2..c at several offsets (the maxima spread
    over the row), with each row's first and last maximal index."""
    rows, first, last = [], [], []
    for m in range(2, c + 1):
        for start in range(c - m + 1):
            at = [start + (i * (c - 1 - start)) // (m - 1) for i in range(m)]
            row = torch.arange(c, dtype=torch.float32) % 3 - 2.0  # below the maximum 1
            row[at] = 1.0
            rows.append(row)
            first.append(at[0])
            last.append(at[-1])
    return torch.stack(rows), torch.tensor(first), torch.tensor(last)


@declare(T, "accuracy", "ties edge dtype", exempt={"gradient": "returns a Python float (docstring)"})
def _accuracy() -> list[Case]:
    scores = torch.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0], [0.0, 5.0, 5.0], [4.0, 1.0, 4.0]])
    tied, first, last = tied_rows(9)  # ties of 2 to 9 classes (topk on a CPU breaks those of 4+)
    return [
        Case("ties", "accuracy", (tied, first), note="ties of every multiplicity up to 9 classes"),
        Case(
            "ties",
            "accuracy",
            (tied, last),
            note="ties of every multiplicity, each label at the last maximum: none correct",
        ),
        Case("ties", "accuracy", (scores, torch.tensor([1, 0, 1, 0])), note="ties at other positions"),
        Case(
            "ties",
            "accuracy",
            (scores, torch.tensor([2, 1, 2, 2])),
            note="each label at a later maximum than the first: none correct",
        ),
        Case(
            "ties",
            "accuracy",
            near_tied_rows(3),
            note="near ties: the maximum 1-4 ulps above an earlier score",
        ),
        Case(
            "ties",
            "accuracy",
            near_tied_rows(4, F64),
            note="float64 near ties: the maximum 1-4 ulps above an earlier score",
        ),
        Case("edge", "accuracy", (torch.tensor([[0.2, 0.7]]), torch.tensor([1])), note="n = 1"),
        Case(
            "edge",
            "accuracy",
            (torch.tensor([2, 0, 1]), torch.tensor([2, 1, 1])),
            note="labels of shape (n,)",
        ),
        Case(
            "dtype",
            "accuracy",
            (randn(5, 6, 3, dtype=F64), torch.tensor([0, 1, 2, 0, 1, 2])),
            note="float64 scores",
        ),
    ]


@declare(T, "flatten_batch", "edge dtype", contiguous=True)  # "contiguous (N, C, H, W)"
def _flatten_batch() -> list[Case]:
    return [
        Case("edge", "flatten_batch", (randn(1, 1, 3, 2, 5),), note="N = 1, H ≠ W"),
        Case("edge", "flatten_batch", (randn(2, 2, 1, 1, 1),), note="1×1×1 samples"),
        Case("dtype", "flatten_batch", (randn(3, 3, 2, 4, 3, dtype=F64),), note="float64"),
    ]


@declare(T, "fill_nan_with_column_mean", "dtype edge aliasing layout", fresh=True)
def _fill_nan() -> list[Case]:
    nan = float("nan")
    holes = torch.tensor([[nan, 1.0, 2.0], [2.0, nan, 4.0], [nan, 5.0, nan]], dtype=F64)
    return [
        Case("aliasing", "fill_nan_with_column_mean", (randn(1, 3, 4),), note="nothing missing"),
        Case("dtype", "fill_nan_with_column_mean", (holes,), note="float64"),
        Case(
            "edge",
            "fill_nan_with_column_mean",
            (torch.tensor([[nan, 3.0], [1.0, nan], [nan, nan]]),),
            note="one number in a column",
        ),
        Case(
            "layout", "fill_nan_with_column_mean", (holes.float(),), noncontig=(0,), note="non-contiguous x"
        ),
        Case("dtype", "fill_nan_with_column_mean", (holes.to(F16),), note="float16"),
    ]


@declare(T, "matmul", "dtype edge layout")
def _matmul() -> list[Case]:
    return [
        Case("dtype", "matmul", (randn(1, 3, 4, dtype=F64), randn(2, 4, 2, dtype=F64)), note="float64"),
        Case("edge", "matmul", (randn(3, 1, 1), randn(4, 1, 1)), note="n = k = m = 1"),
        Case("edge", "matmul", (randn(5, 1, 4), randn(6, 4, 1)), note="n = m = 1"),
        Case(
            "layout",
            "matmul",
            (randn(7, 3, 5), randn(8, 5, 2)),
            noncontig=(0, 1),
            note="non-contiguous a and b",
        ),
    ]


@declare(T, "norms", "dtype edge signs layout")
def _norms() -> list[Case]:
    return [
        Case("edge", "norms", (torch.zeros(3, 4),), note="all zeros"),
        Case("edge", "norms", (torch.tensor(-2.5),), note="0-dim"),
        Case("dtype", "norms", (randn(1, 2, 3, 2, dtype=F64),), note="float64"),
        Case("signs", "norms", (-(randn(2, 5).abs()),), note="all negative"),
        Case("layout", "norms", (randn(3, 4, 3),), noncontig=(0,), note="non-contiguous x"),
    ]
