"""The input domains of the optim topic's exercises, read off their docstrings: each
exercise's cases over the dimensions its docstring opens (grader/checks/domains.py lists them;
docs/authors.md). ``python tests/grader/record_domain_answers.py`` stores what the references
answer on them in answers_optim.pt."""

from __future__ import annotations

from typing import Any

import torch

from grader.checks.domains import (
    F16,
    F64,
    Case,
    declare,
    randn,
    seeded_generator,
)

OPT = "optim"
OPT_TOL = {"tol32": (1e-4, 1e-6), "tol64": (1e-10, 1e-10)}
FLOATS = "returns w and the MSEs as Python floats (docstring)"
DIVERGES = "its lr suits the data's own scale: w ← w − lr·2·x·(w·x − y) diverges on scaled x (docstring)"


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


@declare(OPT, "gd_fit", "edge dtype", exempt={"gradient": FLOATS, "magnitude": DIVERGES}, **OPT_TOL)
def _gd_fit() -> list[Case]:
    return [
        Case("edge", "gd_fit", (randn(1, 5), randn(2, 5), 0.1, 0), note="0 steps"),
        Case("edge", "gd_fit", (randn(3, 1), randn(4, 1), 0.1, 3), note="n = 1"),
        Case("dtype", "gd_fit", (randn(5, 8, dtype=F64), randn(6, 8, dtype=F64), 0.05, 5), note="float64"),
    ]


@declare(OPT, "sgd_fit", "rng default edge", exempt={"gradient": FLOATS, "magnitude": DIVERGES}, **OPT_TOL)
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
        Case("edge", "sgd_fit", (x[:1], y[:1], 0.05, 2), {"generator": seeded_generator(8)}, note="n = 1"),
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
            {"shuffle": False, "generator": seeded_generator(3)},
            note="shuffle=False with a generator: nothing drawn from it",
        ),
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
            kind="optimiser",
            kwargs=_scenario(p, groups, {"lr": 0.1}, g),
            note="two groups, a grad kept, a grad missing",
        ),
        Case(
            "state",
            name,
            kind="optimiser",
            kwargs=_scenario(p, groups, {"lr": 0.1}, g, reload=2),
            same_as=0,
            note="the same, a new optimiser given the state_dict() after two steps",
        ),
        Case(
            "state",
            name,
            kind="optimiser",
            kwargs=_scenario(p, [{"params": [0, 1], "options": {}}], {"lr": 0.1}, late),
            note="a parameter whose first grad comes late",
        ),
        Case(
            "default",
            name,
            kind="optimiser",
            kwargs=_scenario(p64, [{"params": [0], "options": {}}], required, g64),
            note="float64, options at their defaults" + ("" if required else " (lr too)"),
        ),
        Case(
            "edge",
            name,
            kind="optimiser",
            kwargs=_scenario(
                [torch.tensor(0.5), randn(16, 1, 1)],
                [{"params": [0, 1], "options": {}}],
                {"lr": 0.1},
                [[torch.tensor(0.3), randn(17, 1, 1)], [torch.tensor(-0.2), randn(18, 1, 1)]],
            ),
            note="a 0-dim and a (1, 1) parameter",
        ),
    ]


# An optimiser reads each parameter's .grad and updates the parameter itself, in place
OPTIMISER = {
    "layout": "updates the caller's leaf parameters in place: no view is given",
    "gradient": "reads each parameter's .grad (docstring): differentiates nothing",
    "untouched": "updates its parameters in place (docstring)",
}
# params "an iterable of tensors": model.parameters() (a one-shot generator) and a tuple too
PARAMS_FORMS = {"params": ("generator", "tuple")}


@declare(OPT, "SGD", "state default edge", forms=PARAMS_FORMS, exempt=OPTIMISER, **OPT_TOL)
def _sgd() -> list[Case]:
    return _optimiser(
        "SGD",
        {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.1},
        {"lr": 0.2, "momentum": 0.5, "nesterov": True, "weight_decay": 0.01},
        required={"lr": 0.1},
    )


@declare(OPT, "Adam", "state default edge", forms=PARAMS_FORMS, exempt=OPTIMISER, **OPT_TOL)
def _adam() -> list[Case]:
    return _optimiser(
        "Adam",
        {"lr": 0.05, "betas": (0.8, 0.99), "weight_decay": 0.1},
        {"lr": 0.2, "eps": 1e-3},
        required={},
    )


# the module docstring promises the optimisers' state its parameters' device, nothing of ema's
@declare(
    OPT,
    "ema",
    "edge dtype default",
    tol32=(1e-4, 1e-6),
    tol64=(1e-4, 1e-6),
    devices=False,
    exempt={"gradient": "smooths a recorded loss curve (docstring): its values are data, not differentiated"},
)
def _ema() -> list[Case]:
    return [
        Case("edge", "ema", (torch.tensor([3.0]), 0.9), {"bias_correction": True}, note="one value"),
        Case("edge", "ema", (randn(1, 6), 0.0), {"bias_correction": False}, note="with beta = 0"),
        Case("dtype", "ema", (randn(2, 7, dtype=F64), 0.9), {"bias_correction": True}, note="float64"),
        Case("default", "ema", (randn(3, 5), 0.5), note="bias_correction left at its default"),
        Case("dtype", "ema", (randn(4, 6).to(F16), 0.9), {"bias_correction": True}, note="float16"),
    ]


@declare(
    OPT,
    "DiabetesDataset",
    "edge",
    exempt={
        "calls": "len(ds), ds[0] and ds[n − 1] asked of one object, read once in __init__ (docstring)",
        "untouched": "its input is a path",
    },
    **OPT_TOL,
)
def _diabetes() -> list[Case]:
    return [
        Case("edge", "DiabetesDataset", ("diabetes.csv.gz",), kind="dataset", note="its first and last rows")
    ]


@declare(OPT, "k_fold_indices", "edge", **OPT_TOL)
def _k_fold() -> list[Case]:
    sizes = [(10, 4), (5, 5), (7, 1), (11, 3)]
    return [Case("edge", "k_fold_indices", (n, k), note=f"n = {n}, k = {k}") for n, k in sizes]
