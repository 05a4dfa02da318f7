"""The input domains of the inception topic's exercises, read off their docstrings: each
exercise's cases over the dimensions its docstring opens (grader/checks/domains.py lists them;
docs/authors.md). ``python tests/grader/record_domain_answers.py`` stores what the references
answer on them in answers_inception.pt."""

from __future__ import annotations

from grader.checks.domains import (
    Case,
    declare,
    module_case,
    randn,
    shown,
)

INC = "inception"


@declare(
    INC,
    "InceptionA",
    "edge layout",
    shown=(shown(((3,), {}), (randn(903, 2, 3, 5, 7),), note="InceptionA(3) on 5×7"),),
)
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


# Its layers at 8×8 alone: there one padding on both convolutions keeps a side after two poolings
# (2), at 28 the docstring leaves the paddings to the learner (the lecture's 0; honest h121's 45)
GOOGLENET_SHOWN = (shown(((3, 4, 8), {}), (randn(905, 2, 3, 8, 8),), note="GoogLeNetMini(3, 4, 8)"),)


@declare(
    INC,
    "GoogLeNetMini",
    "default edge",
    shown=GOOGLENET_SHOWN,
    exempt={
        "magnitude": "its paddings and head are the learner's choice (docstring): told apart at its own scale"
    },
)
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
