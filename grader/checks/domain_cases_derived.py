"""Cases every domain gains from what all docstrings share, derived once a topic's own are
declared (grader/checks/domain_cases.py calls :func:`derive`): a module's structure where its
declaration shows builds (its docstring names the layers), and a non-contiguous case for every
function and every module whose docstring does not ask for contiguous inputs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import torch

from grader.checks.domains import REGISTRY, Case, Shown, module_case

# ---------------------------------------------------------------- structure
# The builds a declaration shows (domains.Domain.shown), judged against the docstring's own layers
STRUCTURE_TOL = (1e-4, 1e-5)  # the same layers in another order of operations, float32


def _extend(key: tuple[str, str], dim: str, more: Callable[[list[Case]], list[Case]]) -> None:
    """``key``'s domain over ``dim`` too: its cases, then what ``more`` derives from them."""
    domain = REGISTRY[key]

    def cases(build: Callable[[], list[Case]] = domain.cases) -> list[Case]:
        found = build()
        return [*found, *more(found)]

    REGISTRY[key] = domain._replace(dims=domain.dims | {dim}, cases=cases)


def _structure_cases(name: str, shown: tuple[Shown, ...], _found: list[Case]) -> list[Case]:
    return [
        module_case("structure", name, ctor, inputs, fill=True, tol=STRUCTURE_TOL, mode=mode, note=note)
        for ctor, inputs, note, mode in shown
    ]


# ---------------------------------------------------------------- layout, for every function
# Every module's docstring allows non-contiguous views unless a docstring says contiguous: each
# function's domain gets its first case with a tensor of two or more dims (else one) again, every
# tensor argument made non-contiguous, judged equal to the contiguous case.


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
    for key in sorted(k for k in keys if REGISTRY[k].shown):
        _extend(key, "structure", functools.partial(_structure_cases, key[1], REGISTRY[key].shown))
    for key in sorted(k for k in keys if not REGISTRY[k].contiguous):
        found = REGISTRY[key].cases()
        if _layout_case(found) is not None:  # a function's domain: it has one
            _extend(key, "layout", _layout_cases)
        elif _module_layout_cases(found):
            _extend(key, "layout", _module_layout_cases)
