"""Cases every domain gains from what all docstrings share, derived once a topic's own are
declared (grader/checks/cases/domain_cases.py calls :func:`derive`): a module's structure where its
declaration shows builds (its docstring names the layers); a non-contiguous case for every
function and for every build of a module whose docstring does not ask for contiguous inputs;
each other form of an argument the declaration names (``Domain.forms``: a one-shot iterator, a
tuple...); an optimiser's state reloaded onto rebuilt parameters where it is reloaded onto the
same ones; and every default path and other form also run on the second device."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import torch

from grader.base.i18n import N_
from grader.checks.cases.derived_cases import _alternating, _extend, _tensors
from grader.checks.domains import AXES, REGISTRY, Case, Shown, module_case, movable
from grader.sandboxed.kit_steps import fed_tensors, mapped

# ---------------------------------------------------------------- structure
# The builds a declaration shows (domains.Domain.shown), judged against the docstring's own layers
STRUCTURE_TOL = (1e-4, 1e-5)  # the same layers in another order of operations, float32


def _structure_cases(name: str, shown: tuple[Shown, ...], _found: list[Case]) -> list[Case]:
    return [
        module_case("structure", name, ctor, inputs, fill=True, tol=STRUCTURE_TOL, mode=mode, note=note)
        for ctor, inputs, note, mode in shown
    ]


# ---------------------------------------------------------------- layout, for every function
# Every module's docstring allows non-contiguous views unless a docstring says contiguous: each
# function's domain gets, for each rank its plain cases take (the ranks of their tensor
# arguments: (N, C) and (N, C, H, W) are two), the first such case again, every tensor argument
# made non-contiguous, judged equal to the contiguous case.


def _strided(case: Case) -> tuple[int, ...]:
    return tuple(i for i, a in enumerate(case.args) if isinstance(a, torch.Tensor) and a.dim() >= 1)


def _rank(case: Case) -> tuple[int, ...]:
    return tuple(case.args[j].dim() for j in _strided(case))


def _layout_cases(found: list[Case]) -> list[Case]:
    plain = [
        i
        for i, c in enumerate(found)
        if c.kind == "call"
        and _strided(c)
        and not c.noncontig
        and c.same_as is None
        and c.differs_from is None
    ]
    firsts = {_rank(found[i]): i for i in reversed(plain) if max(_rank(found[i])) >= 2}
    chosen = sorted(firsts.values()) or plain[:1]
    return [
        found[i]._replace(
            dim="layout", noncontig=_strided(found[i]), same_as=i, note=f"{found[i].note}, non-contiguous"
        )
        for i in chosen
    ]


# ---------------------------------------------------------------- layout, for every module
# A module's input may be a view as a function's may: each module's domain without a
# non-contiguous input gets its first plain case again, every input the worker can store with
# other strides (battery_walks.walk_modules) made so, judged equal to the plain case.
def _strides_differ(x: Any) -> bool:
    """Whether the worker's non-contiguous copy of a module's input ``x`` (a tensor, or a
    ``forward`` of several) has other strides than a contiguous one, for one of its tensors."""
    return any(
        t.numel() > 1 if t.dim() == 1 else t.dim() > 1 and t.shape[-1] > 1 and t.shape[-2] > 1
        for t in fed_tensors(x)
    )


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


# ---------------------------------------------------------------- prior contents
# An argument the docstring overwrites (Domain.overwrites) may hold anything before the call: the
# first plain case holding it again, that argument filled with NaN, +inf and -inf, judged equal.
def _garbage(t: torch.Tensor) -> torch.Tensor:
    cycle = torch.tensor([float("nan"), float("inf"), -float("inf")], dtype=t.dtype)
    return cycle.repeat(t.numel() // 3 + 1)[: t.numel()].reshape(t.shape)


def _prior_cases(overwrites: tuple[int, ...], found: list[Case]) -> list[Case]:
    derived = []
    for k in overwrites:
        first = next(i for i, c in enumerate(found) if _holds(c, k) and isinstance(c.args[k], torch.Tensor))
        base = found[first]
        args = (*base.args[:k], _garbage(base.args[k]), *base.args[k + 1 :])
        derived.append(
            base._replace(dim="prior", args=args, same_as=first, note=f"{base.note}, NaN and ±inf before")
        )
    return derived


# ---------------------------------------------------------------- dtype, gradients, magnitude
# From a function's first plain case holding a floating argument: docs/checks.md, "The contract grid"
SCALES = (2.0**-20, 2.0**20)


def _floats(case: Case) -> tuple[int, ...]:
    return tuple(i for i, a in enumerate(case.args) if isinstance(a, torch.Tensor) and a.is_floating_point())


def _base(found: list[Case]) -> int | None:
    """The first plain call case with a floating argument."""
    return next(
        (
            i
            for i, c in enumerate(found)
            if c.kind == "call" and c.seed is None and _holds(c, 0) and _floats(c)
        ),
        None,
    )


def _cast(case: Case, at: tuple[int, ...], change: Callable[[torch.Tensor], torch.Tensor]) -> tuple[Any, ...]:
    return tuple(change(a) if i in at else a for i, a in enumerate(case.args))


def _dtype_cases(found: list[Case]) -> list[Case]:
    base = found[_base(found) or 0]
    other = torch.float32 if base.args[_floats(base)[0]].dtype == torch.float64 else torch.float64
    args = _cast(base, _floats(base), lambda a: a.to(other))
    return [base._replace(dim="dtype", args=args, wrt=(), note=f"{base.note}, in {other}".lstrip(", "))]


def _grad_cases(grads: tuple[int, ...], found: list[Case]) -> list[Case]:
    plain = [c for c in found if c.kind == "call" and _holds(c, grads[0]) and c.seed is None]
    first = next((c for c in plain if all(_float64(c, k) for k in grads)), None) or plain[0]
    first = first._replace(args=_cast(first, _floats(first), lambda a: a.double().clone()))  # its own
    named = ", ".join(str(k + 1) for k in grads)
    return [first._replace(dim="gradient", wrt=grads, note=f"{first.note}, gradients into arguments {named}")]


def _scaled(value: Any, s: float) -> Any:
    if isinstance(value, torch.Tensor):
        return value * s if value.is_floating_point() else value
    if isinstance(value, dict):
        return {k: _scaled(v, s) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_scaled(v, s) for v in value)
    return value


def _scalable(found: list[Case]) -> int | None:
    """The first plain case judged on its values (a function's, an optimiser's, a module's
    built from its weights' shapes alone) whose arguments hold a floating tensor."""
    for i, c in enumerate(found):
        plain = c.same_as is None and c.differs_from is None and not c.noncontig and not c.forms
        judged = c.kind in ("call", "optimiser") and c.seed is None or c.fill
        if plain and judged and any(t.is_floating_point() for t in _tensors((c.args, c.kwargs))):
            return i
    return None


def _magnitude_cases(tolerance: Callable[[Case], tuple[float, float]], found: list[Case]) -> list[Case]:
    base = found[_scalable(found) or 0]
    rtol, atol = tolerance(base)
    return [
        base._replace(
            dim="magnitude",
            args=_scaled(base.args, s),
            kwargs=_scaled(base.kwargs, s),
            wrt=(),
            tol=(rtol, atol * max(s, 1.0)),  # never below the docstring's atol (test_domains)
            note=f"{base.note}, scaled by {s:.3g}".lstrip(", "),
        )
        for s in SCALES
    ]


def _float64(case: Case, k: int) -> bool:
    return (
        len(case.args) > k and isinstance(case.args[k], torch.Tensor) and case.args[k].dtype == torch.float64
    )


def _open(key: tuple[str, str], axis: str) -> bool:
    """Whether ``axis`` is neither walked by a declared case of ``key``'s function nor exempted."""
    domain, found = REGISTRY[key], REGISTRY[key].cases()
    if axis == "magnitude":
        return (
            axis not in domain.exempt and not domain.dims & set(AXES[axis]) and _scalable(found) is not None
        )
    if axis in domain.exempt or _base(found) is None:
        return False
    if axis == "dtype":
        held = {a.dtype for c in found for a in c.args if isinstance(a, torch.Tensor)}
        return not {torch.float32, torch.float64} <= held
    return not domain.grads and not any(c.wrt for c in found)  # the gradient


# ---------------------------------------------------------------- two arguments equal
# Where a function compares two tensors of one shape (a loss's ŷ and y, KL's p and q), their meeting is
# a point of its domain like any other: the first plain case again with the first equal to the
# second, in float64, a gradient reaching each argument the docstring differentiates (an answer made
# for that point alone, torch.zeros(()), is float32 and cut from the graph). Its gradient's values
# are not judged (domains.REACHED_ONLY): where the two meet a function may have none (|ŷ − y| at 0).
EQUAL_NOTE = N_("{0}, arguments {1} and {2} equal, float64")  # a template: shown in the learner's language


def _pair(case: Case, writes: tuple[int, ...]) -> tuple[int, int] | None:
    at = [i for i in _floats(case) if i not in writes]
    shapes: dict[torch.Size, int] = {}
    for i in at:
        first = shapes.setdefault(case.args[i].shape, i)
        if first != i:
            return first, i
    return None


def _equal_cases(writes: tuple[int, ...], grads: tuple[int, ...], found: list[Case]) -> list[Case]:
    for c in found:
        pair = _pair(c, writes) if c.kind == "call" and c.seed is None and _holds(c, 0) else None
        if pair is not None:
            i, j = pair
            args = list(_cast(c, _floats(c), lambda a: a.double().clone()))
            args[i] = args[j].clone()  # the later one's values: a target's narrower domain (probabilities)
            wrt = tuple(k for k in grads if k in _floats(c))  # what the docstring differentiates
            note = EQUAL_NOTE.format(c.note, i + 1, j + 1)
            return [c._replace(dim="equal", args=tuple(args), wrt=wrt, tol=None, note=note)]
    return []


# ---------------------------------------------------------------- float64, for every module
# A module made float64 by .double() answers in float64 (its topic checks gradients in float64):
# each module domain whose inputs are floating gets its first plain case again, the build and
# its inputs made float64, its outputs' dtypes judged (no input cast to float32 on the way).
def _double_cases(found: list[Case]) -> list[Case]:
    for c in found:
        plain = not c.fill and c.same_as is None and c.differs_from is None and not c.noncontig
        floating = all(any(t.is_floating_point() for t in fed_tensors(x)) for x in c.args)
        if c.kind == "module" and plain and c.args and floating:
            return [
                c._replace(
                    dim="dtype",
                    kwargs={"double": True},
                    shapes=None,
                    again=False,
                    note=f"{c.note}, made float64",
                )
            ]
    return []


# ---------------------------------------------------------------- calls, for every module
# A module is called again and again: each module domain with no case across calls gets its first
# plain case's input three times (the batch reversed the second time) on one object, each call
# judged against a new object's (grader/checks/cases/across_calls.py).
def _calls_cases(found: list[Case]) -> list[Case]:
    if any(c.dim == "state" for c in found):
        return []
    for c in found:
        plain = not c.fill and c.same_as is None and c.differs_from is None and not c.noncontig
        if c.kind == "module" and plain and len(c.args) == 1 and fed_tensors(c.args[0]):
            x = c.args[0]
            again = (x, mapped(x, lambda t: t.flip(0) if t.dim() else t), x)  # a mask's rows: still one
            return [
                c._replace(
                    dim="state", args=again, shapes=None, again=True, note=f"{c.note}, called three times"
                )
            ]
    return []


# ---------------------------------------------------------------- near the top of each dtype's range
# Half the root of each floating dtype's largest power of two: docs/checks.md, "The contract grid"
def _top_cases(found: list[Case]) -> list[Case]:
    seen: set[torch.dtype] = set()
    derived = []
    for c in found:
        at = [i for i in _floats(c) if c.args[i].numel()]
        if not _holds(c, 0) or c.seed is not None or not at or c.args[at[0]].dtype in seen:
            continue
        dtype = c.args[at[0]].dtype
        seen.add(dtype)
        top, args = 2.0 ** ((math.frexp(torch.finfo(dtype).max)[1] - 1) // 2 - 1), list(c.args)
        for n, i in enumerate(at):
            args[i] = top * (_alternating(c.args[i]) if n and c.args[i].dim() else torch.ones_like(c.args[i]))
        note = f"{c.note}, at {top:.4g} ({dtype})".lstrip(", ")
        derived.append(c._replace(dim="top", args=tuple(args), wrt=(), tol=None, note=note))
    return derived


# ---------------------------------------------------------------- the global RNG, for every draw
# A function whose cases draw after torch.manual_seed: docs/checks.md, "The contract grid"
def _rng_cases(found: list[Case]) -> list[Case]:
    first = next(
        (i for i, c in enumerate(found) if c.kind == "call" and c.seed is not None and not c.noncontig), None
    )
    if first is None:
        return []
    base = found[first]._replace(dim="rng", bound=False, same_as=None, differs_from=None)
    again = [
        base._replace(args=_scaled(base.args, 1.0), same_as=first, note=f"{base.note}, the same seed again")
    ]
    if any(c.differs_from is not None for c in found):
        return again
    seed = (base.seed or 0) + 1
    other = f"{base.note}, torch.manual_seed({seed}) instead"
    return [
        base._replace(args=_scaled(base.args, 1.0), seed=seed, differs_from=first, note=other),
        *again,
    ]


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


def _derive_clauses(key: tuple[str, str]) -> None:
    """The prior contents of what the docstring overwrites, the gradients into what it
    differentiates, a module made float64."""
    if REGISTRY[key].overwrites:
        _extend(key, "prior", functools.partial(_prior_cases, REGISTRY[key].overwrites))
    if _open(key, "dtype"):
        _extend(key, "dtype", _dtype_cases)
    if _open(key, "magnitude"):
        _extend(key, "magnitude", functools.partial(_magnitude_cases, REGISTRY[key].tolerance))
    if _open(key, "gradient"):
        found = REGISTRY[key].cases()
        base = found[_base(found) or 0]
        grads = tuple(i for i in _floats(base) if i not in REGISTRY[key].writes)
        REGISTRY[key] = REGISTRY[key]._replace(grads=grads)
    if REGISTRY[key].grads:
        _extend(key, "gradient", functools.partial(_grad_cases, REGISTRY[key].grads))
    found = REGISTRY[key].cases()
    grads = REGISTRY[key].grads or tuple(sorted({k for c in found if c.kind == "call" for k in c.wrt}))
    equal = functools.partial(_equal_cases, REGISTRY[key].writes, grads)
    if "magnitude" not in REGISTRY[key].exempt and equal(found):
        _extend(key, "equal", equal)
    if _double_cases(REGISTRY[key].cases()):
        _extend(key, "dtype", _double_cases)
    if _calls_cases(REGISTRY[key].cases()):
        _extend(key, "state", _calls_cases)


def _derive_limits(key: tuple[str, str]) -> None:
    """Near the top of each floating dtype's range and the global RNG, where open."""
    if "magnitude" not in REGISTRY[key].exempt and _top_cases(REGISTRY[key].cases()):
        _extend(key, "top", _top_cases)
    if _rng_cases(REGISTRY[key].cases()):
        _extend(key, "rng", _rng_cases)


def derive(keys: set[tuple[str, str]]) -> None:
    """Add the structure cases and every function's non-contiguous case to the domains of ``keys``."""
    for key in sorted(k for k in keys if REGISTRY[k].shown):
        _extend(key, "structure", functools.partial(_structure_cases, key[1], REGISTRY[key].shown))
    for key in sorted(k for k in keys if not REGISTRY[k].contiguous):
        found = REGISTRY[key].cases()
        if _layout_cases(found):  # a function's domain: it has one
            _extend(key, "layout", _layout_cases)
        elif _module_layout_cases(found):
            _extend(key, "layout", _module_layout_cases)
    for key in sorted(keys):
        _derive_clauses(key)
        forms = REGISTRY[key].forms
        if forms:
            _extend(key, "form", functools.partial(_form_cases, forms))
        if _rebuilt_cases(REGISTRY[key].cases()):
            _extend(key, "state", _rebuilt_cases)
        _derive_limits(key)
        if REGISTRY[key].devices:
            _replaced(key, _on_device)
