"""Cases every domain gains from what all docstrings share, derived once a topic's own are
declared (grader/checks/domain_cases.py calls :func:`derive`): a module's structure where its
declaration shows builds (its docstring names the layers); a non-contiguous case for every
function and for every build of a module whose docstring does not ask for contiguous inputs;
each other form of an argument the declaration names (``Domain.forms``: a one-shot iterator, a
tuple...); an optimiser's state reloaded onto rebuilt parameters where it is reloaded onto the
same ones; and every default path and other form also run on the second device."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import torch

from grader.checks.domains import REGISTRY, Case, Shown, module_case, movable

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
# other strides (battery_walks.walk_modules) made so, judged equal to the plain case.
def _strides_differ(t: Any) -> bool:
    """Whether the worker's non-contiguous copy of ``t`` has other strides than a contiguous one."""
    if not isinstance(t, torch.Tensor) or t.dim() == 0:
        return False
    return t.numel() > 1 if t.dim() == 1 else t.shape[-1] > 1 and t.shape[-2] > 1


def _module_layout_cases(found: list[Case]) -> list[Case]:
    """Each build of the module (each constructor's arguments: each path through forward, a
    one-hot or an embedding) without a non-contiguous input of its own gets its first plain case
    again, every input with other strides."""
    modules = [i for i, c in enumerate(found) if c.kind == "module"]
    covered = {repr(found[i].ctor) for i in modules if found[i].noncontig}
    derived = []
    for i in modules:
        base = found[i]
        plain = not base.fill and base.same_as is None and base.differs_from is None
        if plain and repr(base.ctor) not in covered and any(_strides_differ(x) for x in base.args):
            covered.add(repr(base.ctor))
            strided = tuple(j for j, x in enumerate(base.args) if _strides_differ(x))
            derived.append(
                base._replace(dim="layout", noncontig=strided, same_as=i, note=f"{base.note}, non-contiguous")
            )
    return derived


# ---------------------------------------------------------------- forms, state, device
def _holds(case: Case, key: int | str) -> bool:
    """Whether ``case`` is plain and holds argument ``key`` (a call's position, a scenario's key:
    an optimiser's "params" given bare, so one group of the constructor's options)."""
    if case.noncontig or case.forms or case.same_as is not None or case.differs_from is not None:
        return False
    if isinstance(key, int):
        return case.kind == "call" and len(case.args) > key
    if key == "params":
        return (
            case.kind == "optimiser"
            and len(case.kwargs["groups"]) == 1
            and not case.kwargs["groups"][0]["options"]
        )
    return key in case.kwargs


def _form_cases(forms: dict[int | str, tuple[str, ...]], found: list[Case]) -> list[Case]:
    """Each form ``forms`` names, on the first plain case holding its argument, judged equal to it."""
    derived = []
    for key, kinds in forms.items():
        first = next((i for i, c in enumerate(found) if _holds(c, key)), None)
        if first is None:
            raise ValueError(f"{found[0].name}: no plain case holds argument {key!r} (Domain.forms)")
        what = f"argument {key + 1}" if isinstance(key, int) else key
        derived += [
            found[first]._replace(
                dim="form",
                forms=((key, kind),),
                same_as=first,
                note=f"{found[first].note}, {what} as a {kind}",
            )
            for kind in kinds
        ]
    return derived


def _rebuilt_cases(found: list[Case]) -> list[Case]:
    """Each optimiser reloaded by its state_dict() again, onto rebuilt parameters (new objects,
    the same values: a model restored from a checkpoint), judged equal to the same run."""
    return [
        c._replace(kwargs={**c.kwargs, "rebuild": True}, note=f"{c.note}, onto rebuilt parameters")
        for c in found
        if c.kind == "optimiser" and c.kwargs.get("reload") and c.same_as is not None
    ]


def _on_device(found: list[Case]) -> list[Case]:
    """Every call of a default path or another form whose inputs can move, on the second device too."""
    return [
        c._replace(device=True)
        if c.dim in ("default", "form")
        and c.kind == "call"
        and c.seed is None
        and not c.noncontig
        and any(isinstance(a, torch.Tensor) for a in c.args)
        and movable(c.args)
        and movable(c.kwargs)
        else c
        for c in found
    ]


def _replaced(key: tuple[str, str], change: Callable[[list[Case]], list[Case]]) -> None:
    """``key``'s domain with its cases passed through ``change`` (same count, same order)."""
    domain = REGISTRY[key]

    def cases(build: Callable[[], list[Case]] = domain.cases) -> list[Case]:
        return change(build())

    REGISTRY[key] = domain._replace(cases=cases)


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
    for key in sorted(keys):
        forms = REGISTRY[key].forms
        if forms:
            _extend(key, "form", functools.partial(_form_cases, forms))
        if _rebuilt_cases(REGISTRY[key].cases()):
            _extend(key, "state", _rebuilt_cases)
        if REGISTRY[key].devices:
            _replaced(key, _on_device)
