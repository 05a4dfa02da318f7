"""The input domains of the cnn topic's exercises, read off their docstrings: each
exercise's cases over the dimensions its docstring opens (grader/checks/domains.py lists them;
docs/authors.md). ``python tests/grader/record_domain_answers.py`` stores what the references
answer on them in answers_cnn.pt."""

from __future__ import annotations

from grader.checks.domains import (
    F16,
    F64,
    Case,
    declare,
    module_case,
    randn,
)

C = "cnn"
C_TOL = {"tol32": (1e-5, 1e-5), "tol64": (1e-5, 1e-5)}  # float64 values: no figure stated, float32's


# float16: a loop's running sum rounds at every add (an ulp of 2 is 2e-3), hence its wider atol
@declare(C, "corr2d", "dtype edge layout", tol16=(1e-2, 1e-2), **C_TOL)
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
        Case("dtype", "corr2d", (randn(9, 5, 6).to(F16), randn(10, 2, 3).to(F16)), note="float16"),
    ]


@declare(C, "conv2d", "dtype edge layout default", **C_TOL)
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
        Case(
            "dtype",
            "conv2d",
            (randn(5, 2, 3, 5, 6, dtype=F64), randn(6, 4, 3, 3, 3, dtype=F64), randn(7, 4, dtype=F64), 1, 1),
            note="float64",
        ),
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


@declare(C, "max_pool2d", "dtype signs default edge layout", **C_TOL)
def _max_pool2d() -> list[Case]:
    return [
        Case("signs", "max_pool2d", (-randn(1, 2, 2, 6, 6).abs(), 2, 2), note="all negative"),
        Case("default", "max_pool2d", (randn(2, 1, 3, 6, 4), 2), note="stride left at its default"),
        Case("edge", "max_pool2d", (randn(3, 1, 1, 7, 5), 3, 2), note="H ≠ W, windows not dividing"),
        Case("layout", "max_pool2d", (randn(4, 2, 2, 5, 5), 2, 1), noncontig=(0,), note="non-contiguous x"),
        Case("dtype", "max_pool2d", (randn(5, 2, 3, 6, 6, dtype=F64), 3, 2), note="float64"),
    ]


@declare(
    C,
    "SimpleCNN",
    "state edge layout",
    exempt={
        "magnitude": "judged on behaviour, not on structure (docstring): no reference weights to compare values with",
        "gradient": "judged on behaviour, not on structure (docstring): no reference weights to compare values with",
    },
    **C_TOL,
)
def _simple_cnn() -> list[Case]:
    x = randn(1, 2, 1, 9, 9)
    return [
        module_case(
            "state",
            "SimpleCNN",
            ((), {}),
            (randn(2, 2, 1, 8, 8), randn(3, 1, 1, 13, 11)),
            [(2, 10), (1, 10)],
            again=True,
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
