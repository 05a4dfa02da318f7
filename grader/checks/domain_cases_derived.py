"""Cases every domain gains from what all docstrings share, declared after the topics' own
(grader/checks/domain_cases.py calls :func:`derive` once they are): a module's structure where its
docstring names its layers, and a non-contiguous case for every function and every module."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import torch

from grader.checks.domains import REGISTRY, Case, module_case, randn

# ---------------------------------------------------------------- structure
# Where a docstring names a module's layers (kinds, sizes, order, bias, activations, pooling,
# shortcut), that module answers on weights drawn from their shapes alone as the docstring's own
# layers do (battery.walk_modules' fill). Training mode, so every BatchNorm normalises by the batch,
# and eval mode too (BatchNorm then applies its running statistics: a bias before it shows).
STRUCTURE_TOL = (1e-4, 1e-5)  # the same layers in another order of operations, float32


Shown = tuple[tuple[Any, ...], tuple[Any, ...], str, str]  # constructor's (args, kwargs), inputs, note, mode


def _shown(ctor: tuple[Any, ...], inputs: tuple[Any, ...], note: str, mode: str = "train") -> Shown:
    return ctor, inputs, note, mode


STRUCTURES: dict[tuple[str, str], list[Shown]] = {
    ("mlp", "LogisticRegression"): [_shown(((5,), {}), (randn(900, 6, 5),), note="in_features 5")],
    ("mlp", "DiabetesNet"): [_shown(((7,), {}), (randn(901, 6, 7),), note="DiabetesNet(7)")],
    ("mlp", "MLP"): [
        _shown(((sizes,), {"activation": act}), (randn(902, 5, 3, 4),), note=f"{act}, sizes {sizes}")
        for sizes, act in (([12, 7, 5, 3], "relu"), ([12, 6, 3], "tanh"), ([12, 4], "sigmoid"))
    ],
    ("inception", "InceptionA"): [_shown(((3,), {}), (randn(903, 2, 3, 5, 7),), note="InceptionA(3) on 5×7")],
    ("inception", "GoogLeNetMini"): [
        _shown(((1, 10, 28), {}), (randn(904, 2, 1, 28, 28),), note="GoogLeNetMini(1, 10, 28)"),
        _shown(((3, 4, 8), {}), (randn(905, 2, 3, 8, 8),), note="GoogLeNetMini(3, 4, 8)"),
    ],
    ("resnet", "ResidualBlock"): [_shown(((4,), {}), (randn(906, 2, 4, 5, 6),), note="ResidualBlock(4)")],
    ("resnet", "BasicBlock"): [
        _shown(((4, 4), {}), (randn(907, 3, 4, 6, 5),), note="BasicBlock(4, 4): the identity shortcut"),
        _shown(((4, 8, 2), {}), (randn(908, 3, 4, 7, 6),), note="BasicBlock(4, 8, 2): a projection"),
        _shown(((4, 4, 2), {}), (randn(909, 3, 4, 6, 6),), note="BasicBlock(4, 4, 2): stride alone"),
        _shown(
            ((4, 8, 2), {}), (randn(910, 2, 4, 5, 5),), note="BasicBlock(4, 8, 2) in eval mode", mode="eval"
        ),
        _shown(((4, 4), {}), (randn(911, 2, 4, 5, 5),), note="BasicBlock(4, 4) in eval mode", mode="eval"),
    ],
}


def _extend(key: tuple[str, str], dim: str, more: Callable[[list[Case]], list[Case]]) -> None:
    """``key``'s domain over ``dim`` too: its cases, then what ``more`` derives from them."""
    domain = REGISTRY[key]

    def cases(build: Callable[[], list[Case]] = domain.cases) -> list[Case]:
        found = build()
        return [*found, *more(found)]

    REGISTRY[key] = domain._replace(dims=domain.dims | {dim}, cases=cases)


def _structure_cases(name: str, shown: list[Shown], _found: list[Case]) -> list[Case]:
    return [
        module_case("structure", name, ctor, inputs, fill=True, tol=STRUCTURE_TOL, mode=mode, note=note)
        for ctor, inputs, note, mode in shown
    ]


# ---------------------------------------------------------------- layout, for every function
# Every module's docstring allows non-contiguous views unless a docstring says contiguous: each
# function's domain gets its first case with a tensor of two or more dims (else one) again, every
# tensor argument made non-contiguous, judged equal to the contiguous case.
# "contiguous (N, C, H, W)"; "x: a contiguous tensor" (perturbed in place through a flat view)
CONTIGUOUS_ONLY = {("tensors", "flatten_batch"), ("autograd", "numerical_grad")}


def _strided(case: Case) -> tuple[int, ...]:
    return tuple(i for i, a in enumerate(case.args) if isinstance(a, torch.Tensor) and a.dim() >= 1)


def _layout_case(found: list[Case]) -> Case | None:
    plain = [
        i
        for i, c in enumerate(found)
        if c.kind == "call"
        and _strided(c)
        and not c.noncontig
        and c.same_as is None
        and c.differs_from is None
    ]
    if not plain:
        return None
    first = next((i for i in plain if any(found[i].args[j].dim() >= 2 for j in _strided(found[i]))), plain[0])
    base = found[first]
    return base._replace(
        dim="layout", noncontig=_strided(base), same_as=first, note=f"{base.note}, non-contiguous"
    )


def _layout_cases(found: list[Case]) -> list[Case]:
    case = _layout_case(found)
    return [case] if case is not None else []


# ---------------------------------------------------------------- layout, for every module
# A module's input may be a view as a function's may: each module's domain without a
# non-contiguous input gets its first plain case again, every input the worker can store with
# other strides (battery.walk_modules) made so, judged equal to the plain case.
def _strides_differ(t: Any) -> bool:
    """Whether the worker's non-contiguous copy of ``t`` has other strides than a contiguous one."""
    if not isinstance(t, torch.Tensor) or t.dim() == 0:
        return False
    return t.numel() > 1 if t.dim() == 1 else t.shape[-1] > 1 and t.shape[-2] > 1


def _module_layout_cases(found: list[Case]) -> list[Case]:
    modules = [i for i, c in enumerate(found) if c.kind == "module"]
    if any(found[i].noncontig for i in modules):
        return []
    plain = (
        i
        for i in modules
        if not found[i].fill
        and found[i].same_as is None
        and found[i].differs_from is None
        and any(_strides_differ(x) for x in found[i].args)
    )
    first = next(plain, None)
    if first is None:
        return []
    base = found[first]
    strided = tuple(j for j, x in enumerate(base.args) if _strides_differ(x))
    return [
        base._replace(dim="layout", noncontig=strided, same_as=first, note=f"{base.note}, non-contiguous")
    ]


def derive(keys: set[tuple[str, str]]) -> None:
    """Add the structure cases and every function's non-contiguous case to the domains of ``keys``."""
    for (topic, name), shown in STRUCTURES.items():
        if (topic, name) in keys:
            _extend((topic, name), "structure", functools.partial(_structure_cases, name, shown))
    for key in sorted(k for k in keys if k not in CONTIGUOUS_ONLY):
        found = REGISTRY[key].cases()
        if _layout_case(found) is not None:  # a function's domain: it has one
            _extend(key, "layout", _layout_cases)
        elif _module_layout_cases(found):
            _extend(key, "layout", _module_layout_cases)
