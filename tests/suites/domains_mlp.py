"""The input domains of the mlp topic's exercises, read off their docstrings: each
exercise's cases over the dimensions its docstring opens (grader/checks/domains.py lists them;
docs/authors.md). ``python tests/grader/record_domain_answers.py`` stores what the references
answer on them in answers_mlp.pt."""

from __future__ import annotations

import torch

from grader.checks.domains import (
    BF16,
    F16,
    F64,
    Case,
    declare,
    module_case,
    rand,
    randn,
    shown,
)

M = "mlp"
M_TOL = {"tol32": (1e-5, 1e-6), "tol64": (1e-7, 1e-12)}


@declare(M, "relu", "dtype magnitude layout edge", **M_TOL)
def _relu() -> list[Case]:
    return [
        Case("dtype", "relu", (randn(1, 3, 4, dtype=F64),), note="float64"),
        Case(
            "magnitude",
            "relu",
            (torch.tensor([-1e30, -1000.0, 0.5, 1000.0, 1e30]),),
            note="|x| up to 1e30",
        ),
        Case("layout", "relu", (randn(2, 3, 4),), noncontig=(0,), note="non-contiguous x"),
        Case("dtype", "relu", (randn(1, 3, 4).to(F16),), note="float16"),
        Case("dtype", "relu", (randn(1, 3, 4).to(BF16),), note="bfloat16"),
        Case("edge", "relu", (torch.tensor(-0.3, dtype=F64),), wrt=(0,), note="0-dim x"),
    ]


@declare(M, "tanh", "tail magnitude dtype edge", **M_TOL)
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
        Case("dtype", "tanh", (torch.linspace(-9, 9, 12).to(F16),), note="float16"),
        Case("edge", "tanh", (torch.tensor(-0.3, dtype=F64),), wrt=(0,), note="0-dim x"),
    ]


@declare(
    M,
    "hard_sigmoid_from_relus",
    "edge dtype",
    exempt={"magnitude": "judged on |x| ≤ 100 (docstring): the kinks and ±100 are among its cases"},
    **M_TOL,
)
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


@declare(M, "dropout", "rng edge default dtype", **M_TOL)
def _dropout() -> list[Case]:
    x = randn(1, 64)
    return [
        Case(
            "rng", "dropout", (x, 0.5), {"training": True}, seed=1, note="p = 0.5 after torch.manual_seed(1)"
        ),
        Case("default", "dropout", (x, 0.5), seed=1, same_as=0, note="training left at its default"),
        Case("edge", "dropout", (x, 1.0), {"training": True}, note="p = 1"),
        Case("edge", "dropout", (x.double(), 0.0), {"training": True}, wrt=(0,), note="p = 0"),
        Case("edge", "dropout", (x, 0.5), {"training": False}, note="not training"),
        # p = 0 keeps every element whichever dtype the draw is made in
        *(
            Case(
                "dtype", "dropout", (x[:8].to(F16), p), {"training": True}, seed=3, note=f"float16, p = {p:g}"
            )
            for p in (0.0, 1.0)
        ),
    ]


@declare(
    M,
    "xavier_uniform_",
    "edge rng dtype",
    writes=(0,),
    overwrites=(0,),  # "Fill tensor itself"
    exempt={
        "gradient": "fills the tensor under torch.no_grad() (docstring)",
        "magnitude": "its values are drawn: their scale is the fan rule's (docstring)",
    },
    **M_TOL,
)
def _xavier() -> list[Case]:
    shapes = [(300, 200), (16, 8, 3, 3), (20, 10, 5)]
    return [
        *(
            Case("edge", "xavier_uniform_", (torch.zeros(s),), seed=0, bound=True, note=f"a {s} weight")
            for s in shapes
        ),
        Case(
            "dtype", "xavier_uniform_", (torch.zeros(20, 10, dtype=F64),), seed=0, bound=True, note="float64"
        ),
    ]


@declare(
    M,
    "LogisticRegression",
    "edge layout",
    shown=(shown(((5,), {}), (randn(900, 6, 5),), note="in_features 5"),),
    exempt={
        "magnitude": "the docstring asks no stable sigmoid: 1/(1 + e^−z)'s gradient overflows at large |z|"
    },
    **M_TOL,
)
def _logistic() -> list[Case]:
    x = randn(1, 7, 5)
    return [
        module_case(
            "edge",
            "LogisticRegression",
            ((5,), {}),
            (randn(2, 1, 5), x),
            [(1, 1), (7, 1)],
            note="n = 1 and n = 7",
        ),
        module_case("layout", "LogisticRegression", ((5,), {}), (x,), note="a contiguous input"),
        module_case(
            "layout",
            "LogisticRegression",
            ((5,), {}),
            (x,),
            noncontig=(0,),
            same_as=1,
            note="a non-contiguous input",
        ),
    ]


@declare(
    M,
    "DiabetesNet",
    "default edge",
    shown=(shown(((7,), {}), (randn(901, 6, 7),), note="DiabetesNet(7)"),),
    **M_TOL,
)
def _diabetes_net() -> list[Case]:
    x = randn(1, 4, 8)
    return [
        module_case("edge", "DiabetesNet", ((7,), {}), (randn(2, 1, 7),), [(1, 1)], note="7 features, n = 1"),
        module_case("default", "DiabetesNet", ((8,), {}), (x,), note="in_features = 8"),
        module_case(
            "default", "DiabetesNet", ((), {}), (x,), same_as=1, note="in_features left at its default"
        ),
    ]


# the docstring names the layers: weights drawn from their shapes alone answer as its own do
MLP_SHOWN = tuple(
    shown(((sizes,), {"activation": act}), (randn(902, 5, 3, 4),), note=f"{act}, sizes {sizes}")
    for sizes, act in (([12, 7, 5, 3], "relu"), ([12, 6, 3], "tanh"), ([12, 4], "sigmoid"))
)


@declare(M, "MLP", "edge layout state default", shown=MLP_SHOWN, called=("Linear",), **M_TOL)
def _mlp() -> list[Case]:
    x = randn(1, 3, 3, 4)
    sizes = [12, 7, 4]
    return [
        module_case(
            "edge",
            "MLP",
            (([64, 32, 10],), {}),
            (randn(2, 1, 1, 8, 8), randn(3, 3, 64)),
            [(1, 10), (3, 10)],
            note="images and rows",
        ),
        module_case("edge", "MLP", (([5, 3],), {}), (randn(4, 2, 5),), [(2, 3)], note="no hidden layer"),
        module_case("layout", "MLP", ((sizes,), {}), (x,), mode="eval", note="a contiguous input"),
        module_case(
            "layout",
            "MLP",
            ((sizes,), {}),
            (x,),
            mode="eval",
            noncontig=(0,),
            same_as=2,
            note="a non-contiguous input",
        ),
        module_case(
            "state",
            "MLP",
            ((sizes,), {"dropout": 0.5}),
            (x,),
            mode="eval",
            same_as=2,
            note="dropout 0.5 in eval mode",
        ),
        module_case(
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


# the loops' arguments, as their docstrings take them (domains.LOOP_ARGUMENTS)
TRAINS = ("model", "batches", "loss", "optimiser", "device")
EVALUATES = ("model", "batches", "device")


# A loop hands each batch to the model and the loss as it is: their dtype, scale and layout are theirs
LOOPED = {
    axis: "hands each batch to the model as it is (docstring): the model's " + axis
    for axis in ("dtype", "magnitude", "layout")
}


@declare(
    M,
    "train_epoch",
    "state edge",
    forms={"batches": ("generator",)},  # loader: Iterable
    exempt={
        **LOOPED,
        "gradient": "loss.backward(), then optimizer.step() (docstring): judged by the parameters the steps leave",
        "untouched": "trains the model in place (docstring)",
    },
    **M_TOL,
)
def _train_epoch() -> list[Case]:
    return [
        Case(
            "state",
            "train_epoch",
            kind="loop",
            kwargs={"d": 3, "c": 4, "mode": "eval", "batches": _batches(4), "call": TRAINS},
            note="a model left in eval mode",
        ),
        Case(
            "edge",
            "train_epoch",
            kind="loop",
            kwargs={"d": 3, "c": 1, "mode": "train", "batches": _batches(1), "call": TRAINS},
            note="probabilities, a smaller last batch",
        ),
    ]


@declare(
    M,
    "evaluate",
    "edge state",
    forms={"batches": ("generator",)},  # loader: Iterable
    exempt={
        **LOOPED,
        "gradient": "under torch.no_grad() (docstring)",
        "untouched": "puts the model in eval mode (docstring)",
    },
    **M_TOL,
)
def _evaluate() -> list[Case]:
    return [
        Case(
            "edge",
            "evaluate",
            kind="loop",
            kwargs={"d": 3, "c": 1, "mode": "train", "batches": _batches(1), "call": EVALUATES},
            note="labels (n, 1)",
        ),
        Case(
            "state",
            "evaluate",
            kind="loop",
            kwargs={"d": 3, "c": 4, "mode": "train", "batches": _batches(4), "call": EVALUATES},
            note="a model in train mode (dropout)",
        ),
    ]
