"""Cases a domain gains from a dimension its declaration names without writing a case for it
(``declare(topic, name, "... creation extremes leading")``): each docstring clause declared once,
derived here for every pack (grader/checks/cases/domain_cases.py calls :func:`derive` after
:mod:`grader.checks.cases.domain_cases_derived`'s). What each of ``creation``, ``extremes`` and
``leading`` derives is docs/authors.md's table, "Clauses derived from declarations".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from grader.checks.domains import REGISTRY, Case, _leaves

# the dimension whose module cases are judged on their values, not only their shapes (battery.py)
SEEDED = "creation"


def _extend(key: tuple[str, str], dim: str, more: Callable[[list[Case]], list[Case]]) -> None:
    """``key``'s domain over ``dim`` too: its cases, then what ``more`` derives from them."""
    domain = REGISTRY[key]

    def cases(build: Callable[[], list[Case]] = domain.cases) -> list[Case]:
        found = build()
        return [*found, *more(found)]

    REGISTRY[key] = domain._replace(dims=domain.dims | {dim}, cases=cases)


def plain(case: Case) -> bool:
    """No relation to another case, no strided argument, no seed: a case as it is declared."""
    return case.same_as is None and case.differs_from is None and not case.noncontig and case.seed is None


def _tensors(value: Any) -> list[torch.Tensor]:
    return [t for t in _leaves(value) if isinstance(t, torch.Tensor)]


def _floating(value: Any) -> bool:
    return isinstance(value, torch.Tensor) and value.is_floating_point() and value.dim() >= 1


# ---------------------------------------------------------------- creation
def _creation_cases(found: list[Case]) -> list[Case]:
    """The first module case of each constructor, judged on the outputs of its seeded weights."""
    seen, derived = set(), []
    for case in found:
        if case.kind == "module" and not case.fill and plain(case) and repr(case.ctor) not in seen:
            seen.add(repr(case.ctor))
            seeded = case._replace(dim=SEEDED, shapes=None, wrt=(0,), note=f"{case.note}, seeded weights")
            derived.append(seeded)
    return derived


# ---------------------------------------------------------------- extremes
def _alternating(t: torch.Tensor) -> torch.Tensor:
    """+1, -1, +1... along ``t``'s rows (its last dimension for a vector), shaped as ``t``."""
    axis = -2 if t.dim() >= 2 else -1
    signs = 1.0 - 2.0 * (torch.arange(t.shape[axis]) % 2).to(t.dtype)
    shape = [1] * t.dim()
    shape[axis] = t.shape[axis]
    return signs.reshape(shape).expand(t.shape).contiguous()


def _extreme_cases(found: list[Case]) -> list[Case]:
    big = next((c for c in found if c.dim == "magnitude" and c.kind == "call"), None)
    if big is None:
        return []
    bounds = {i: float(a.abs().max()) for i, a in enumerate(big.args) if _floating(a)}
    derived = []
    for case in found:
        discrete = [t for t in _tensors((case.args, case.kwargs)) if not t.is_floating_point()]
        floats = [i for i, a in enumerate(case.args) if _floating(a) and i in bounds]
        if case.kind != "call" or not plain(case) or not discrete or not floats:
            continue
        for phase in (1.0, -1.0):
            args = list(case.args)
            for n, i in enumerate(floats):
                a = case.args[i]
                args[i] = torch.full_like(a, bounds[i]) if n == 0 else bounds[i] * phase * _alternating(a)
            signs = "+-+-" if phase > 0 else "-+-+"
            note = f"{case.note}, at ±{max(bounds.values()):.4g} (rows {signs}...)"
            derived.append(case._replace(dim="extremes", args=tuple(args), wrt=(), note=note))
    return derived


# ---------------------------------------------------------------- leading
def _rank(case: Case) -> int:
    return max((t.dim() for t in _tensors(case.args) if t.is_floating_point()), default=0)


def _first_index(value: Any, rank: int) -> Any:
    if isinstance(value, torch.Tensor):
        return value[0].clone() if value.dim() == rank else value
    if isinstance(value, dict):
        return {k: _first_index(v, rank) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_first_index(v, rank) for v in value)
    return value


def _leading_cases(found: list[Case]) -> list[Case]:
    calls = [c for c in found if c.kind == "call" and plain(c) and _rank(c)]
    if not calls:
        return []
    fewest = min(_rank(c) for c in calls)
    return [
        c._replace(
            dim="leading",
            args=_first_index(c.args, _rank(c)),
            kwargs=_first_index(c.kwargs, _rank(c)),
            note=f"{c.note}, its first leading index alone",
        )
        for c in calls
        if _rank(c) > fewest
    ]


DERIVED = {"creation": _creation_cases, "extremes": _extreme_cases, "leading": _leading_cases}


def derive(keys: set[tuple[str, str]]) -> None:
    """Add to the domains of ``keys`` the cases of each dimension of :data:`DERIVED` they declare."""
    for key in sorted(keys):
        for dim, more in DERIVED.items():  # in this order: the leading cases of the extremes too
            if dim in REGISTRY[key].dims:
                _extend(key, dim, more)
