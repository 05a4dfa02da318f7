"""The domains of optim and mlp: optimisers, training loops, datasets (grader/checks/domain_cases.py)."""

from __future__ import annotations

from typing import Any

import torch

from grader.checks.domains import (
    F64,
    Case,
    declare,
    module_case,
    rand,
    randn,
    seeded_generator,
)

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
        Case(
            "rng", "sgd_fit", (x, y, 0.05, 3), {"generator": seeded_generator(7)}, note="a seeded generator"
        ),
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
        Case("rng", name, (7, 3), {"shuffle": True, "generator": seeded_generator(3)}, note="n = 7, batch 3"),
        Case(
            "rng",
            name,
            (7, 3),
            {"shuffle": True, "generator": None},
            seed=3,
            same_as=0,
            note="generator=None after torch.manual_seed",
        ),
        Case(
            "default",
            name,
            (7, 3),
            {"generator": seeded_generator(3)},
            same_as=0,
            note="shuffle left at its default",
        ),
        Case("edge", name, (2, 5), {"shuffle": False}, note="n < batch_size"),
        Case("edge", name, (6, 3), {"shuffle": False}, note="n a multiple of batch_size"),
    ]


def _scenario(
    params: list[torch.Tensor], groups: list[Any], options: dict[str, Any], grads: list[Any], reload: int = 0
) -> dict[str, Any]:
    """An optimiser's steps; after step ``reload`` (none at 0) a new one over the same parameters
    takes the old one's ``state_dict()`` and goes on (the state where the docstring puts it)."""
    return {"params": params, "groups": groups, "options": options, "grads": grads, "reload": reload}


def _optimiser(
    name: str, first: dict[str, Any], second: dict[str, Any], *, required: dict[str, Any]
) -> list[Case]:
    """Two groups with options of their own, a late first gradient, and the defaults (``required``:
    the constructor's options without a default, Adam's lr having one)."""
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
            kwargs=_scenario(p, groups, {"lr": 0.1}, g, reload=2),
            same_as=0,
            note="the same, a new optimiser given the state_dict() after two steps",
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
            kwargs=_scenario(p64, [{"params": [0], "options": {}}], required, g64),
            note="float64, options at their defaults" + ("" if required else " (lr too)"),
        ),
    ]


@declare(OPT, "SGD", "state default", **OPT_TOL)
def _sgd() -> list[Case]:
    return _optimiser(
        "SGD",
        {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.1},
        {"lr": 0.2, "momentum": 0.5, "nesterov": True, "weight_decay": 0.01},
        required={"lr": 0.1},
    )


@declare(OPT, "Adam", "state default", **OPT_TOL)
def _adam() -> list[Case]:
    return _optimiser(
        "Adam",
        {"lr": 0.05, "betas": (0.8, 0.99), "weight_decay": 0.1},
        {"lr": 0.2, "eps": 1e-3},
        required={},
    )


@declare(OPT, "ema", "edge dtype default", tol32=(1e-4, 1e-6), tol64=(1e-4, 1e-6))
def _ema() -> list[Case]:
    return [
        Case("edge", "ema", (torch.tensor([3.0]), 0.9), {"bias_correction": True}, note="one value"),
        Case("edge", "ema", (randn(1, 6), 0.0), {"bias_correction": False}, note="with beta = 0"),
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
            "magnitude",
            "relu",
            (torch.tensor([-1e30, -1000.0, 0.5, 1000.0, 1e30]),),
            note="|x| up to 1e30",
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


@declare(M, "LogisticRegression", "edge layout", **M_TOL)
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


@declare(M, "DiabetesNet", "default edge", **M_TOL)
def _diabetes_net() -> list[Case]:
    x = randn(1, 4, 8)
    return [
        module_case("edge", "DiabetesNet", ((7,), {}), (randn(2, 1, 7),), [(1, 1)], note="7 features, n = 1"),
        module_case("default", "DiabetesNet", ((8,), {}), (x,), note="in_features = 8"),
        module_case(
            "default", "DiabetesNet", ((), {}), (x,), same_as=1, note="in_features left at its default"
        ),
    ]


@declare(M, "MLP", "edge layout state default", **M_TOL)
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
