"""The input domains of the autograd topic's exercises, read off their docstrings: each
exercise's cases over the dimensions its docstring opens (grader/checks/domains.py lists them;
docs/authors.md). ``python tests/grader/record_domain_answers.py`` stores what the references
answer on them in answers_autograd.pt."""

from __future__ import annotations

import torch

from grader.checks import N_
from grader.checks.domains import (
    F64,
    TAIL64,
    Case,
    declare,
    named_function,
    rand,
    randn,
)

A = "autograd"
# numerical_grad given an f whose result is a view of x: the perturbation x[i] ± eps reaches a value
# kept as a tensor, which then reads the restored x (not the arguments: the function must perturb x)
VIEW_OF_X = N_(
    "f(x) here returns a view of x: a value kept as that tensor changes when x[i] is perturbed or "
    "restored, so f(x + eps) − f(x − eps) is taken after the fact; turn each evaluation into a number "
    "at once, float(f(x)) (or clone f's result), before x changes again"
)
A_TOL = {"tol32": (1e-5, 1e-6), "tol64": (1e-7, 1e-12)}
AUTOGRADED = "returns a gradient computed with autograd (docstring), not differentiated again"


EXPANDED_FORM = N_(
    "these values are what the expanded form 2·(w·mean(x²) − mean(x·y)) gives: where w·x ≈ y at "
    "large |x| its two terms nearly cancel; form the residual w·x − y first, mean(2·x·(w·x − y))"
)
CLAMPED_FORM = N_(
    "these are σ of x clamped to a bound: the tails stop at σ(±bound) where σ(−1000) is 0 to the "
    "dtype's precision; no clamp is needed: for x < 0 use exp(x) / (1 + exp(x)), for x ≥ 0 "
    "1 / (1 + exp(−x))"
)
# the bounds a guard against exp's overflow takes: float32's exp limit (88), float64's (709), round ones
CLAMP_BOUNDS = (20.0, 30.0, 50.0, 80.0, 88.0, 100.0, 500.0, 700.0, 709.0)
TANH_FORM = N_(
    "these values are (1 + tanh(x/2))/2's: far below 0 it rounds σ(x) to 0 (tanh(x/2) is −1 to "
    "the last bit); for x < 0 use eˣ/(1 + eˣ), which keeps the tiny value"
)


@declare(
    A,
    "linear_grad",
    "dtype edge magnitude",
    mistakes=((EXPANDED_FORM, lambda w, x, y: 2 * (w * (x * x).mean() - (x * y).mean())),),
    **A_TOL,
)
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


@declare(A, "quadratic_grads", "dtype edge magnitude", **A_TOL)
def _quadratic_grads() -> list[Case]:
    w = [torch.tensor(v, dtype=F64) for v in (0.3, -1.2, 0.7)]
    w32 = [torch.tensor(v) for v in (0.3, -1.2, 0.7)]
    return [
        Case("dtype", "quadratic_grads", (*w32, randn(5, 6), randn(6, 6)), note="float32"),
        Case("edge", "quadratic_grads", (*w, randn(1, 1, dtype=F64), randn(2, 1, dtype=F64)), note="n = 1"),
        Case(
            "magnitude",
            "quadratic_grads",
            (*w, 100 * randn(3, 8, dtype=F64), 1e4 * randn(4, 8, dtype=F64)),
            note="|x| ~ 100",
        ),
    ]


@declare(
    A,
    "grad_of_vector_fn",
    "dtype aliasing edge layout",
    exempt={"gradient": AUTOGRADED},
    **A_TOL,
)
def _grad_of_vector_fn() -> list[Case]:
    return [
        Case("dtype", "grad_of_vector_fn", (named_function("cube"), randn(7, 2, 5)), note="float32 x"),
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


@declare(A, "detach_grad", "dtype edge layout", exempt={"gradient": AUTOGRADED}, **A_TOL)
def _detach_grad() -> list[Case]:
    return [
        Case("dtype", "detach_grad", (randn(1, 4),), note="float32"),
        Case("edge", "detach_grad", (torch.tensor(-1.5, dtype=F64),), note="0-dim x"),
        Case("layout", "detach_grad", (randn(2, 2, 3, dtype=F64),), noncontig=(0,), note="non-contiguous x"),
    ]


@declare(
    A,
    "Sigmoid",
    "tail magnitude aliasing edge",
    mistakes=(
        (TANH_FORM, lambda x: (1 + torch.tanh(x / 2)) / 2),
        *((CLAMPED_FORM, lambda x, c=c: torch.sigmoid(x.clamp(-c, c))) for c in CLAMP_BOUNDS),
    ),
    **A_TOL,
)
def _sigmoid_function() -> list[Case]:
    return [
        Case(
            "tail",
            "Sigmoid.apply",
            (torch.linspace(-740, 5, 48, dtype=F64),),
            wrt=(0,),
            tol=TAIL64,
            note="float64, x in [-740, 5]",
        ),
        Case(
            "magnitude",
            "Sigmoid.apply",
            (torch.tensor([-1000.0, -100.0, 0.0, 100.0, 1000.0]),),
            wrt=(0,),
            note="|x| up to 1000",
        ),
        Case("aliasing", "Sigmoid.apply", (randn(1, 3, 4, dtype=F64),), note="x left as it was"),
        Case("edge", "Sigmoid.apply", (torch.tensor(-0.3, dtype=F64),), wrt=(0,), note="0-dim x"),
    ]


@declare(
    A,
    "numerical_grad",
    "default edge aliasing dtype",
    contiguous=True,  # "x: a contiguous tensor"
    exempt={
        "gradient": "finite differences of f's values as Python floats (docstring)",
        "magnitude": "x's scale is the caller's f's domain; eps perturbs it (docstring)",
    },
    **A_TOL,
)
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
            hint=VIEW_OF_X,
        ),
        Case(
            "dtype",
            "numerical_grad",
            (named_function("sum_sq"), 0.1 * rand(4, 2, 3)),
            {"eps": 1e-2},
            tol=(1e-3, 1e-4),
            note="a float32 x, eps=1e-2",
        ),
    ]


# exact zeros inside a graph (the random graphs keep every node's |value| >= 1e-3): a ** k at 0,
# signed zeros, and a zero times a number, each with its derivative
ZEROS = [
    ("pow", 0.0, 2),
    ("pow", 0.0, 3),
    ("pow", 0.0, 1),
    ("pow", -0.0, 3),
    ("mul", 0.0, 2.5),
    ("rmul", -0.0, 3.0),
]


@declare(
    A,
    "Value",
    "magnitude edge signs form",
    exempt={
        "dtype": "holds a Python float (docstring): no dtype",
        "layout": "holds a Python float: no tensor",
        "calls": "backward is called once, on a freshly built graph (docstring)",
        "untouched": "its inputs are Python numbers, which nothing can change",
    },
    **A_TOL,
)
def _value() -> list[Case]:
    ops = [("tanh", 0.3), ("tanh", 400.0), ("tanh", -800.0), ("exp", 30.0), ("relu", -3.0)]
    return [
        *(Case("magnitude", "Value", (op, x), kind="value", note=f"Value({x}).{op}()") for op, x in ops),
        *(
            Case("signs", "Value", (op, x, k), kind="value", note=f"Value({x}) {op} {k}")
            for op, x, k in ZEROS
        ),
        Case(
            "edge",
            "Value",
            ("relu", 0.0),
            kind="value",
            note="Value(0.0).relu(): its derivative at the kink is 0",
        ),
        # "a Python float, whether data is an int or a float": the types judged (probe_kit.type_names)
        Case(
            "form", "Value", ("relu", 2), kind="value", note="Value(2).relu(): .data and .grad Python floats"
        ),
    ]
