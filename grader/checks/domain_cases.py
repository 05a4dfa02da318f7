"""Every exercise's domain (grader/checks/domains.py), topic by topic, read off its docstring."""

from __future__ import annotations

from typing import Any

import torch

from grader.checks.domains import REGISTRY, Case, declare, rand, randn

__all__ = ["REGISTRY"]  # filled by the declarations below

F64 = torch.float64
TAIL64 = (1e-7, 0.0)  # a bare rtol: the docstrings' float64 tolerance, no atol to hide a tail in
EXTREME32 = (1e-5, 8 * torch.finfo(torch.float32).eps * 1000)  # logits of ±1000 (losses docstring)


def _g(seed: int) -> tuple[str, int]:
    return ("__gen__", seed)


def _f(name: str) -> tuple[str, str]:
    return ("__fn__", name)


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


@declare(T, "accuracy", "ties edge dtype")
def _accuracy() -> list[Case]:
    scores = torch.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0], [0.0, 5.0, 5.0], [4.0, 1.0, 4.0]])
    return [
        Case("ties", "accuracy", (scores, torch.tensor([1, 0, 1, 0])), note="ties at other positions"),
        Case("edge", "accuracy", (torch.tensor([[0.2, 0.7]]), torch.tensor([1])), note="n = 1"),
        Case("edge", "accuracy", (torch.tensor([2, 0, 1]), torch.tensor([2, 1, 1])), note="labels (n,)"),
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
            (_f("view"), randn(1, 6, dtype=F64)),
            note="f returning a view of its input",
        ),
        Case("edge", "grad_of_vector_fn", (_f("cube"), torch.tensor(0.7, dtype=F64)), note="0-dim x"),
        Case(
            "layout",
            "grad_of_vector_fn",
            (_f("cube"), randn(2, 3, 4, dtype=F64)),
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


@declare(A, "numerical_grad", "default edge", **A_TOL)
def _numerical_grad() -> list[Case]:
    x = 0.1 * rand(1, 3, dtype=F64)
    return [
        Case("default", "numerical_grad", (_f("exp30"), x), {"eps": 1e-6}, tol=(1e-6, 1e-8), note="eps=1e-6"),
        Case(
            "default",
            "numerical_grad",
            (_f("exp30"), x),
            same_as=0,
            tol=TAIL64,
            note="eps left at its default",
        ),
        Case(
            "edge",
            "numerical_grad",
            (_f("float_poly"), torch.tensor(0.4, dtype=F64)),
            {"eps": 1e-6},
            tol=(1e-6, 1e-8),
            note="0-dim x, f returning a float",
        ),
    ]


@declare(A, "Value", "magnitude", **A_TOL)
def _value() -> list[Case]:
    ops = [("tanh", 0.3), ("tanh", 400.0), ("tanh", -800.0), ("exp", 30.0), ("relu", -3.0)]
    return [Case("magnitude", "Value", (op, x), kind="value", note=f"Value({x}).{op}()") for op, x in ops]


# ---------------------------------------------------------------- losses
L = "losses"
L_TOL = {"tol32": (1e-5, 1e-6), "tol64": (1e-7, 1e-12)}


def _pair(k: int, *shape: int, dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    return randn(k, *shape, dtype=dtype), randn(k + 1, *shape, dtype=dtype)


@declare(L, "mse", "edge dtype default layout", **L_TOL)
def _mse() -> list[Case]:
    return _regression("mse")


@declare(L, "l1", "edge dtype default layout", **L_TOL)
def _l1() -> list[Case]:
    return _regression("l1")


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


@declare(L, "bce_with_logits", "tail magnitude", **L_TOL)
def _bce_with_logits() -> list[Case]:
    # every term below an ulp of 1: log(1 + e) rounds them all to 0, log1p keeps them
    z = torch.cat([torch.linspace(38, 45, 4, dtype=F64), torch.linspace(-45, -38, 4, dtype=F64)])
    y = torch.cat([torch.ones(4, dtype=F64), torch.zeros(4, dtype=F64)])
    return [
        Case("tail", "bce_with_logits", (z, y), tol=TAIL64, note="float64, confident and right"),
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
        Case("default", name, (randn(7, 2, 5, dtype=F64),), wrt=(0,), note="dim left at its default"),
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


@declare(L, "entropy", "edge", **L_TOL)
def _entropy() -> list[Case]:
    return [
        Case("edge", "entropy", (rand(1, 2, 3, 4).softmax(-1),), note="(2, 3, 4)"),
        Case("edge", "entropy", (torch.tensor([0.0, 0.25, 0.75]),), note="1-D with a zero"),
    ]


@declare(L, "kl_div", "edge magnitude", **L_TOL)
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
    ]


# ---------------------------------------------------------------- optim
OPT = "optim"
OPT_TOL = {"tol32": (1e-4, 1e-6), "tol64": (1e-10, 1e-10)}


@declare(OPT, "closed_form_linear_regression", "edge dtype", **OPT_TOL)
def _closed_form() -> list[Case]:
    name = "closed_form_linear_regression"
    return [
        Case("edge", name, (randn(1, 20, 1), randn(2, 20)), note="d = 1"),
        Case("edge", name, (randn(3, 20, 3), randn(4, 20, 1)), note="y (n, 1)"),
        Case(
            "dtype", name, (randn(5, 30, 4, dtype=F64), randn(6, 30, 2, dtype=F64)), note="float64, y (n, 2)"
        ),
    ]


@declare(OPT, "gd_fit", "edge dtype", **OPT_TOL)
def _gd_fit() -> list[Case]:
    return [
        Case("edge", "gd_fit", (randn(1, 5), randn(2, 5), 0.1, 0), note="0 steps"),
        Case("edge", "gd_fit", (randn(3, 1), randn(4, 1), 0.1, 3), note="n = 1"),
        Case("dtype", "gd_fit", (randn(5, 8, dtype=F64), randn(6, 8, dtype=F64), 0.05, 5), note="float64"),
    ]


@declare(OPT, "sgd_fit", "rng default", **OPT_TOL)
def _sgd_fit() -> list[Case]:
    x, y = randn(1, 6), randn(2, 6)
    return [
        Case("rng", "sgd_fit", (x, y, 0.05, 3), {"generator": _g(7)}, note="a seeded generator"),
        Case(
            "rng",
            "sgd_fit",
            (x, y, 0.05, 3),
            {"generator": None},
            seed=7,
            same_as=0,
            note="generator=None after torch.manual_seed",
        ),
        Case("default", "sgd_fit", (x, y, 0.05, 3), seed=7, same_as=0, note="generator left at its default"),
    ]


@declare(OPT, "minibatch_indices", "rng edge default", **OPT_TOL)
def _minibatch_indices() -> list[Case]:
    name = "minibatch_indices"
    return [
        Case("rng", name, (7, 3), {"shuffle": True, "generator": _g(3)}, note="n = 7, batch 3"),
        Case(
            "rng",
            name,
            (7, 3),
            {"shuffle": True, "generator": None},
            seed=3,
            same_as=0,
            note="generator=None after torch.manual_seed",
        ),
        Case("default", name, (7, 3), {"generator": _g(3)}, same_as=0, note="shuffle left at its default"),
        Case("edge", name, (2, 5), {"shuffle": False}, note="n < batch_size"),
        Case("edge", name, (6, 3), {"shuffle": False}, note="n a multiple of batch_size"),
    ]


def _scenario(
    params: list[torch.Tensor], groups: list[Any], options: dict[str, Any], grads: list[Any]
) -> dict[str, Any]:
    return {"params": params, "groups": groups, "options": options, "grads": grads}


def _optimiser(name: str, first: dict[str, Any], second: dict[str, Any]) -> list[Case]:
    p = [randn(1, 3), randn(2, 2, 2)]
    g = [
        [randn(3, 3), randn(4, 2, 2)],
        ["keep", "keep"],
        [None, randn(5, 2, 2)],
        [randn(6, 3), randn(7, 2, 2)],
    ]
    groups = [{"params": [0], "options": first}, {"params": [1], "options": second}]
    late = [[None, randn(8, 2, 2)], [randn(9, 3), randn(10, 2, 2)], [randn(11, 3), randn(12, 2, 2)]]
    p64 = [randn(13, 4, dtype=F64)]
    g64 = [[randn(14, 4, dtype=F64)], [randn(15, 4, dtype=F64)]]
    return [
        Case(
            "state",
            name,
            kind="optim",
            kwargs=_scenario(p, groups, {"lr": 0.1}, g),
            note="two groups, a grad kept, a grad missing",
        ),
        Case(
            "state",
            name,
            kind="optim",
            kwargs=_scenario(p, [{"params": [0, 1], "options": {}}], {"lr": 0.1}, late),
            note="a parameter whose first grad comes late",
        ),
        Case(
            "default",
            name,
            kind="optim",
            kwargs=_scenario(p64, [{"params": [0], "options": {}}], {"lr": 0.1}, g64),
            note="float64, options at their defaults",
        ),
    ]


@declare(OPT, "SGD", "state default", **OPT_TOL)
def _sgd() -> list[Case]:
    return _optimiser(
        "SGD",
        {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.1},
        {"lr": 0.2, "momentum": 0.5, "nesterov": True, "weight_decay": 0.01},
    )


@declare(OPT, "Adam", "state default", **OPT_TOL)
def _adam() -> list[Case]:
    return _optimiser(
        "Adam",
        {"lr": 0.05, "betas": (0.8, 0.99), "weight_decay": 0.1},
        {"lr": 0.2, "eps": 1e-3},
    )


@declare(OPT, "ema", "edge dtype default", tol32=(1e-4, 1e-6), tol64=(1e-4, 1e-6))
def _ema() -> list[Case]:
    return [
        Case("edge", "ema", (torch.tensor([3.0]), 0.9), {"bias_correction": True}, note="one value"),
        Case("edge", "ema", (randn(1, 6), 0.0), {"bias_correction": False}, note="beta = 0"),
        Case("dtype", "ema", (randn(2, 7, dtype=F64), 0.9), {"bias_correction": True}, note="float64"),
        Case("default", "ema", (randn(3, 5), 0.5), note="bias_correction left at its default"),
    ]


@declare(OPT, "DiabetesDataset", "edge", **OPT_TOL)
def _diabetes() -> list[Case]:
    return [
        Case("edge", "DiabetesDataset", ("diabetes.csv.gz",), kind="dataset", note="its first and last rows")
    ]


@declare(OPT, "k_fold_indices", "edge", **OPT_TOL)
def _k_fold() -> list[Case]:
    sizes = [(10, 4), (5, 5), (7, 1), (11, 3)]
    return [Case("edge", "k_fold_indices", (n, k), note=f"n = {n}, k = {k}") for n, k in sizes]


# ---------------------------------------------------------------- mlp
M = "mlp"
M_TOL = {"tol32": (1e-5, 1e-6), "tol64": (1e-7, 1e-12)}


@declare(M, "relu", "dtype magnitude layout", **M_TOL)
def _relu() -> list[Case]:
    return [
        Case("dtype", "relu", (randn(1, 3, 4, dtype=F64),), note="float64"),
        Case(
            "magnitude", "relu", (torch.tensor([-1e30, -1000.0, 0.5, 1000.0, 1e30]),), note="|x| up to 1e30"
        ),
        Case("layout", "relu", (randn(2, 3, 4),), noncontig=(0,), note="non-contiguous x"),
    ]


@declare(M, "tanh", "tail magnitude dtype", **M_TOL)
def _tanh() -> list[Case]:
    return [
        # torch's own gradient 1 − tanh² keeps an ulp of error there: an atol of a few ulps; x = 0
        # left out (the gradient there is not judged: sign(x) has none)
        Case(
            "tail",
            "tanh",
            (torch.linspace(-17, 17, 34, dtype=F64),),
            wrt=(0,),
            tol=(1e-7, 1e-15),
            note="float64, |x| up to 17",
        ),
        Case(
            "magnitude",
            "tanh",
            (torch.tensor([-1000.0, -400.0, -50.0, 50.0, 400.0, 1000.0]),),
            wrt=(0,),
            note="|x| up to 1000",
        ),
        Case("dtype", "tanh", (torch.tensor([-800.0, 360.0, 0.1], dtype=F64),), note="float64 beyond 355"),
    ]


@declare(M, "hard_sigmoid_from_relus", "edge dtype", **M_TOL)
def _hard_sigmoid() -> list[Case]:
    return [
        Case(
            "edge",
            "hard_sigmoid_from_relus",
            (torch.tensor([-100.0, -0.5, 0.0, 0.5, 100.0, 0.25]),),
            note="the kinks and ±100",
        ),
        Case("dtype", "hard_sigmoid_from_relus", (randn(1, 8, dtype=F64),), note="float64"),
    ]


@declare(M, "dropout", "rng edge default", **M_TOL)
def _dropout() -> list[Case]:
    x = randn(1, 64)
    return [
        Case(
            "rng", "dropout", (x, 0.5), {"training": True}, seed=1, note="p = 0.5 after torch.manual_seed(1)"
        ),
        Case(
            "rng",
            "dropout",
            (x, 0.5),
            {"training": True},
            seed=2,
            differs_from=0,
            note="after torch.manual_seed(2)",
        ),
        Case("default", "dropout", (x, 0.5), seed=1, same_as=0, note="training left at its default"),
        Case("edge", "dropout", (x, 1.0), {"training": True}, note="p = 1"),
        Case("edge", "dropout", (x, 0.0), {"training": True}, note="p = 0"),
        Case("edge", "dropout", (x, 0.5), {"training": False}, note="not training"),
    ]


@declare(M, "xavier_uniform_", "edge", writes=(0,), **M_TOL)
def _xavier() -> list[Case]:
    shapes = [(300, 200), (16, 8, 3, 3), (20, 10, 5)]
    return [
        Case("edge", "xavier_uniform_", (torch.zeros(s),), seed=0, bound=True, note=f"a {s} weight")
        for s in shapes
    ]


def _module(
    dim: str,
    name: str,
    ctor: tuple[tuple[Any, ...], dict[str, Any]],
    inputs: tuple[Any, ...],
    shapes: list[tuple[int, ...]] | None = None,
    **more: Any,
) -> Case:
    return Case(dim, name, inputs, kind="module", ctor=ctor, shapes=shapes, **more)


@declare(M, "LogisticRegression", "edge layout", **M_TOL)
def _logistic() -> list[Case]:
    x = randn(1, 7, 5)
    return [
        _module(
            "edge",
            "LogisticRegression",
            ((5,), {}),
            (randn(2, 1, 5), x),
            [(1, 1), (7, 1)],
            note="n = 1 and n = 7",
        ),
        _module("layout", "LogisticRegression", ((5,), {}), (x,), note="a contiguous input"),
        _module(
            "layout",
            "LogisticRegression",
            ((5,), {}),
            (x,),
            noncontig=(0,),
            same_as=1,
            note="a non-contiguous input",
        ),
    ]


@declare(M, "DiabetesNet", "default edge", **M_TOL)
def _diabetes_net() -> list[Case]:
    x = randn(1, 4, 8)
    return [
        _module("edge", "DiabetesNet", ((7,), {}), (randn(2, 1, 7),), [(1, 1)], note="7 features, n = 1"),
        _module("default", "DiabetesNet", ((8,), {}), (x,), note="in_features = 8"),
        _module("default", "DiabetesNet", ((), {}), (x,), same_as=1, note="in_features left at its default"),
    ]


@declare(M, "MLP", "edge layout state default", **M_TOL)
def _mlp() -> list[Case]:
    x = randn(1, 3, 3, 4)
    sizes = [12, 7, 4]
    return [
        _module(
            "edge",
            "MLP",
            (([64, 32, 10],), {}),
            (randn(2, 1, 1, 8, 8), randn(3, 3, 64)),
            [(1, 10), (3, 10)],
            note="images and rows",
        ),
        _module("edge", "MLP", (([5, 3],), {}), (randn(4, 2, 5),), [(2, 3)], note="no hidden layer"),
        _module("layout", "MLP", ((sizes,), {}), (x,), mode="eval", note="a contiguous input"),
        _module(
            "layout",
            "MLP",
            ((sizes,), {}),
            (x,),
            mode="eval",
            noncontig=(0,),
            same_as=2,
            note="a non-contiguous input",
        ),
        _module(
            "state",
            "MLP",
            ((sizes,), {"dropout": 0.5}),
            (x,),
            mode="eval",
            same_as=2,
            note="dropout 0.5 in eval mode",
        ),
        _module(
            "default",
            "MLP",
            ((sizes,), {"activation": "relu", "dropout": 0.0}),
            (x,),
            mode="eval",
            same_as=2,
            note="activation and dropout at their defaults",
        ),
    ]


def _batches(c: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    found = []
    for k, n in enumerate((4, 4, 2)):
        x = randn(40 + k, n, 3)
        y = (
            (rand(50 + k, n, 1) > 0.5).float()
            if c == 1
            else torch.randint(0, c, (n,), generator=torch.Generator().manual_seed(k))
        )
        found.append((x, y))
    return found


@declare(M, "train_epoch", "state edge", **M_TOL)
def _train_epoch() -> list[Case]:
    return [
        Case(
            "state",
            "train_epoch",
            kind="loop",
            kwargs={"d": 3, "c": 4, "mode": "eval", "batches": _batches(4)},
            note="a model left in eval mode",
        ),
        Case(
            "edge",
            "train_epoch",
            kind="loop",
            kwargs={"d": 3, "c": 1, "mode": "train", "batches": _batches(1)},
            note="probabilities, a smaller last batch",
        ),
    ]


@declare(M, "evaluate", "edge state", **M_TOL)
def _evaluate() -> list[Case]:
    return [
        Case(
            "edge",
            "evaluate",
            kind="loop",
            kwargs={"d": 3, "c": 1, "mode": "train", "batches": _batches(1)},
            note="labels (n, 1)",
        ),
        Case(
            "state",
            "evaluate",
            kind="loop",
            kwargs={"d": 3, "c": 4, "mode": "train", "batches": _batches(4)},
            note="a model in train mode (dropout)",
        ),
    ]


# ---------------------------------------------------------------- cnn
C = "cnn"
C_TOL = {"tol32": (1e-5, 1e-5), "tol64": (1e-5, 1e-5)}  # float64 values: no figure stated, float32's


@declare(C, "corr2d", "dtype edge layout", **C_TOL)
def _corr2d() -> list[Case]:
    return [
        Case("dtype", "corr2d", (randn(1, 5, 6, dtype=F64), randn(2, 2, 3, dtype=F64)), note="float64"),
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
        _module(
            "state",
            "SimpleCNN",
            ((), {}),
            (randn(2, 2, 1, 8, 8), randn(3, 1, 1, 13, 11)),
            [(2, 10), (1, 10)],
            note="8×8, then 13×11",
        ),
        _module(
            "edge",
            "SimpleCNN",
            ((4, 3), {}),
            (randn(4, 1, 3, 8, 10),),
            [(1, 4)],
            note="3 channels, 4 classes",
        ),
        _module("layout", "SimpleCNN", ((), {}), (x,), mode="eval", note="a contiguous input"),
        _module(
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
        _module(
            "edge",
            "InceptionA",
            ((3,), {}),
            (randn(2, 1, 3, 1, 1), x),
            [(1, 88, 1, 1), (2, 88, 5, 7)],
            note="1×1 and 5×7",
        ),
        _module("layout", "InceptionA", ((3,), {}), (x,), note="a contiguous input"),
        _module(
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
        _module(
            "default", "GoogLeNetMini", ((1, 10, 28), {}), (x,), mode="eval", note="GoogLeNetMini(1, 10, 28)"
        ),
        _module("default", "GoogLeNetMini", ((), {}), (x,), mode="eval", same_as=0, note="its defaults"),
        _module(
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
        _module(
            "edge",
            "ResidualBlock",
            ((4,), {}),
            (randn(2, 1, 4, 1, 1), x),
            [(1, 4, 1, 1), (2, 4, 5, 7)],
            note="1×1 and 5×7",
        ),
        _module("aliasing", "ResidualBlock", ((4,), {}), (x,), note="x left as it was"),
        _module(
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
        _module(
            "edge",
            "BasicBlock",
            ((4, 4, 2), {}),
            (randn(1, 2, 4, 7, 5),),
            [(2, 4, 4, 3)],
            note="stride 2, equal channels",
        ),
        _module(
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
        _module(
            "state",
            "SmallResNet",
            ((), {}),
            (randn(1, 2, 1, 8, 8), randn(2, 3, 1, 11, 13)),
            [(2, 10), (3, 10)],
            note="8×8, then 11×13",
        ),
        _module(
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
        _module("edge", "HelloRNN", ((4, 8), {}), (idx,), [(5, 1, 4)], note="one-hot input"),
        _module(
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
