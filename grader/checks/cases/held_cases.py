"""Cases a release does not hold. A release's copy of the stored answers moves every float it holds
(grader/checks/taught_answers.py) but cannot move an integer or a boolean: where an exercise
answers discretely, a table of the release's answers keyed by input would answer its battery in
full. So the exact answers also hold, under :func:`key`, each such call case again with its
tensors' rows in an order drawn from a seed chosen when they were recorded (stored with them, never
in a release: the copy leaves the key out), and the reference's answers there; the official
battery judges those cases as it judges the declared ones.
"""

from __future__ import annotations

import secrets
from typing import Any

import torch

from grader.checks.cases import domain_answers
from grader.checks.domains import Case, _leaves
from grader.sandboxed.kit_steps import mapped

HELD = "#held"  # the key's mark: the exact answers' own, left out of a release's copy


def key(topic: str, name: str) -> str:
    return f"{domain_answers.key(topic, name)}{HELD}"


def discrete(answer: Any) -> bool:
    """Whether the reference answered with integers or booleans alone (a count, a mask, an index)."""
    if not isinstance(answer, dict) or "error" in answer:
        return False
    leaves = [leaf for leaf in _leaves(answer.get("out")) if leaf is not None]
    return bool(leaves) and all(
        isinstance(leaf, int) or isinstance(leaf, torch.Tensor) and not leaf.is_floating_point()
        for leaf in leaves
    )


def _rows(value: Any, orders: dict[int, torch.Tensor]) -> Any:
    """``value`` with each tensor's rows in the order drawn for its number of rows."""
    return mapped(value, lambda t: t[orders[t.shape[0]]].clone() if t.dim() and t.shape[0] in orders else t)


def drawn(built: list[Case], answers: list[Any], seed: int) -> list[tuple[int, Any, Any]]:
    """(the declared case's index, its arguments, its keywords) for each plain call case the
    reference answered discretely, its tensors' rows reordered (one order for each number of rows
    ≥ 2, so rows that go together stay together; never the order they had)."""
    generator, found = torch.Generator().manual_seed(seed), []
    for i, (case, answer) in enumerate(zip(built, answers)):
        plain = case.same_as is None and case.differs_from is None and not case.noncontig and not case.forms
        tensors = [t for t in _leaves((case.args, case.kwargs)) if isinstance(t, torch.Tensor) and t.dim()]
        sizes = sorted({t.shape[0] for t in tensors if t.shape[0] > 1})
        if case.kind != "call" or case.seed is not None or not plain or not sizes or not discrete(answer):
            continue
        orders = {n: torch.randperm(n, generator=generator) for n in sizes}
        orders = {n: o if bool((o != torch.arange(n)).any()) else o.roll(1) for n, o in orders.items()}
        found.append((i, _rows(case.args, orders), _rows(case.kwargs, orders)))
    return found


def seed_of(stored: dict[str, Any], topic: str, name: str) -> int:
    """The seed ``stored`` answers drew ``topic.name``'s held cases from, a new one where none."""
    held = stored.get(key(topic, name))
    return int(held["seed"]) if isinstance(held, dict) else secrets.randbits(62)


def of(topic: str, name: str, built: list[Case]) -> tuple[list[Case], list[Any]]:
    """The held cases of ``topic.name`` (its declared cases ``built``) and the reference's answers
    there, from the exact answers; none from a release's copy."""
    held = domain_answers.stored(domain_answers.store_of(topic)).get(key(topic, name))
    if not isinstance(held, dict):
        return [], []
    return rebuilt(built, held["cases"]), list(held["answers"])


def rebuilt(built: list[Case], held: list[tuple[int, Any, Any]]) -> list[Case]:
    """The held cases :func:`drawn` gives, as cases: each declared case with its drawn arguments."""
    return [built[i]._replace(args=args, kwargs=kwargs) for i, args, kwargs in held]
