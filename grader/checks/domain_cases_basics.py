"""The domains of tensors, autograd and losses (grader/checks/domain_cases.py)."""

from __future__ import annotations

import torch

from grader.checks.domains import (
    EXTREME32,
    F64,
    TAIL64,
    Case,
    declare,
    named_function,
    rand,
    randn,
)

# ---------------------------------------------------------------- tensors
T = "tensors"


@declare(T, "add_into", "dtype edge layout", writes=(0,))
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
    ]


def _pairwise(note: str, dim: str, a: torch.Tensor, b: torch.Tensor, noncontig: tuple[int, ...] = ()) -> Case:
    scale = float((a.double() ** 2).sum(1).max() + (b.double() ** 2).sum(1).max())
    # the docstring's tolerance scales with |a[i]|² + |b[j]|²: this one takes the largest such scale
    return Case(
        dim, "pairwise_sq_dists", (a, b), noncontig=noncontig, tol=(1e-5, 1e-6 + 1e-5 * scale), note=note
    )


@declare(T, "pairwise_sq_dists", "dtype edge magnitude layout")
def _pairwise_sq_dists() -> list[Case]:
    return [
        _pairwise("float64", "dtype", randn(1, 4, 3, dtype=F64), randn(2, 5, 3, dtype=F64)),
        _pairwise("n = m = d = 1", "edge", randn(3, 1, 1), randn(4, 1, 1)),
        _pairwise("far from the origin", "magnitude", 1e3 + randn(5, 3, 2), 1e3 + randn(6, 4, 2)),
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


@declare(T, "accuracy", "ties edge dtype")
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


@declare(T, "flatten_batch", "edge dtype")
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


# ---------------------------------------------------------------- autograd
A = "autograd"
A_TOL = {"tol32": (1e-5, 1e-6), "tol64": (1e-7, 1e-12)}


@declare(A, "linear_grad", "dtype edge magnitude", **A_TOL)
def _linear_grad() -> list[Case]:
    x = 1e4 + randn(1, 50, dtype=F64)
    y = 2.0 * x + 1e-6 * randn(2, 50, dtype=F64)
    return [
        Case("dtype", "linear_grad", (torch.tensor(0.5), randn(3, 6), randn(4, 6)), note="float32"),
        Case(
            "edge",
            "linear_grad",
            (torch.tensor(1.5, dtype=F64), randn(5, 1, dtype=F64), randn(6, 1, dtype=F64)),
            note="n = 1",
        ),
        Case(
            "magnitude",
            "linear_grad",
            (torch.tensor(2.0, dtype=F64), x, y),
            tol=TAIL64,
            note="w·x ≈ y at |x| ~ 1e4",
        ),
    ]


@declare(A, "quadratic_grads", "edge magnitude", **A_TOL)
def _quadratic_grads() -> list[Case]:
    w = [torch.tensor(v, dtype=F64) for v in (0.3, -1.2, 0.7)]
    return [
        Case("edge", "quadratic_grads", (*w, randn(1, 1, dtype=F64), randn(2, 1, dtype=F64)), note="n = 1"),
        Case(
            "magnitude",
            "quadratic_grads",
            (*w, 100 * randn(3, 8, dtype=F64), 1e4 * randn(4, 8, dtype=F64)),
            note="|x| ~ 100",
        ),
    ]


@declare(A, "grad_of_vector_fn", "aliasing edge layout", **A_TOL)
def _grad_of_vector_fn() -> list[Case]:
    return [
        Case(
            "aliasing",
            "grad_of_vector_fn",
            (named_function("view"), randn(1, 6, dtype=F64)),
            note="f returning a view of its input",
        ),
        Case(
            "edge",
            "grad_of_vector_fn",
            (named_function("cube"), torch.tensor(0.7, dtype=F64)),
            note="0-dim x",
        ),
        Case(
            "layout",
            "grad_of_vector_fn",
            (named_function("cube"), randn(2, 3, 4, dtype=F64)),
            noncontig=(1,),
            note="non-contiguous x",
        ),
    ]


@declare(A, "detach_grad", "dtype edge layout", **A_TOL)
def _detach_grad() -> list[Case]:
    return [
        Case("dtype", "detach_grad", (randn(1, 4),), note="float32"),
        Case("edge", "detach_grad", (torch.tensor(-1.5, dtype=F64),), note="0-dim x"),
        Case("layout", "detach_grad", (randn(2, 2, 3, dtype=F64),), noncontig=(0,), note="non-contiguous x"),
    ]


@declare(A, "Sigmoid", "tail magnitude aliasing", **A_TOL)
def _sigmoid_function() -> list[Case]:
    return [
        Case(
            "tail",
            "Sigmoid.apply",
            (torch.linspace(-700, 5, 48, dtype=F64),),
            wrt=(0,),
            tol=TAIL64,
            note="float64, x in [-700, 5]",
        ),
        Case(
            "magnitude",
            "Sigmoid.apply",
            (torch.tensor([-1000.0, -100.0, 0.0, 100.0, 1000.0]),),
            wrt=(0,),
            note="|x| up to 1000",
        ),
        Case("aliasing", "Sigmoid.apply", (randn(1, 3, 4, dtype=F64),), note="x left as it was"),
    ]


@declare(A, "numerical_grad", "default edge aliasing", **A_TOL)
def _numerical_grad() -> list[Case]:
    x = 0.1 * rand(1, 3, dtype=F64)
    return [
        Case(
            "default",
            "numerical_grad",
            (named_function("exp30"), x),
            {"eps": 1e-6},
            tol=(1e-6, 1e-8),
            note="eps=1e-6",
        ),
        Case(
            "default",
            "numerical_grad",
            (named_function("exp30"), x),
            same_as=0,
            tol=TAIL64,
            note="eps left at its default",
        ),
        Case(
            "edge",
            "numerical_grad",
            (named_function("float_poly"), torch.tensor(0.4, dtype=F64)),
            {"eps": 1e-6},
            tol=(1e-6, 1e-8),
            note="0-dim x, f returning a float",
        ),
        Case(
            "edge",
            "numerical_grad",
            (named_function("sum_sq"), 0.1 * rand(2, 2, 3, dtype=F64)),
            {"eps": 1e-6},
            tol=(1e-6, 1e-8),
            note="a (2, 3) x",
        ),
        Case(
            "aliasing",
            "numerical_grad",
            (named_function("first"), 0.1 * rand(3, 2, 3, dtype=F64)),
            {"eps": 1e-6},
            tol=(1e-6, 1e-8),
            note="f returning a 0-dim view of x",
        ),
    ]


@declare(A, "Value", "magnitude edge", **A_TOL)
def _value() -> list[Case]:
    ops = [("tanh", 0.3), ("tanh", 400.0), ("tanh", -800.0), ("exp", 30.0), ("relu", -3.0)]
    return [
        *(Case("magnitude", "Value", (op, x), kind="value", note=f"Value({x}).{op}()") for op, x in ops),
        Case(
            "edge",
            "Value",
            ("relu", 0.0),
            kind="value",
            note="Value(0.0).relu(): its derivative at the kink is 0",
        ),
    ]


# ---------------------------------------------------------------- losses
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
    ]


@declare(L, "sigmoid", "tail magnitude", **L_TOL)
def _sigmoid() -> list[Case]:
    return [
        Case(
            "tail",
            "sigmoid",
            (torch.linspace(-700, 5, 48, dtype=F64),),
            wrt=(0,),
            tol=TAIL64,
            note="float64, x in [-700, 5]",
        ),
        # x = 0 left out of the gradient: the docstring judges gradients away from kinks
        Case(
            "magnitude",
            "sigmoid",
            (torch.tensor([-1000.0, -100.0, 0.5, 100.0, 1000.0]),),
            wrt=(0,),
            note="|x| up to 1000",
        ),
    ]


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
    ]


# bce_with_logits' float64 tail, as its docstring states it: half the terms y = 1 at z from 38 to
# 45, half y = 0 at z from −45 to −38, the halves of equal weight, every term below an ulp of 1.
# log(1 + u) for log1p(u) rounds them all to 0: off by 100 %. The stable forms that subtract y·z
# from a softplus (F.binary_cross_entropy_with_logits keeps the y = 1 half, softplus(z) − y·z and
# logaddexp(0, z) − y·z the y = 0 half) are off by exactly 50 %: an rtol halfway between.
HALF_TAIL = (0.75, 0.0)


@declare(L, "bce_with_logits", "tail magnitude", **L_TOL)
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
    ]


@declare(L, "softmax", "magnitude edge default layout", **L_TOL)
def _softmax() -> list[Case]:
    return _softmaxes("softmax")


@declare(L, "log_softmax", "magnitude edge default layout", **L_TOL)
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
