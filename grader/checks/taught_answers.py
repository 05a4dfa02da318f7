"""A release's copy of the stored answers: they teach, they do not pay (docs/instructors.md, "A
release for students"; docs/sandbox.md, "What is handed out holds no answer"): each float moved
by :data:`MOVED` times its case's tolerance, judged there within :data:`WIDER` times it. A copy
says so itself (``domain_answers.MARK``), so that the battery widens its tolerance only there."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import torch

from grader.checks import battery
from grader.checks.cases import domain_answers, domain_cases, held_cases

MOVED = (4.0, 8.0)  # each float moved by this many times its tolerance (drawn in the range)
WIDER = 10.0  # a release judges within this many times the case's tolerance
JUDGED = ("out", "grads", "written")  # what the battery compares with a stored answer
# every part of an answer that holds the reference's floats: the judged ones and the reference's
# own run on the second device (``device.value``, a default case's), moved alike
MOVED_PARTS = (*JUDGED, "device")


def copy(topic: str, store: Path, generator: torch.Generator) -> bytes:
    """The bytes of a release's copy of ``topic``'s answers in ``store``, moved with ``generator``."""
    domain_cases.load(topic)
    answers: dict[str, Any] = torch.load(store, weights_only=True)
    moved: dict[str, Any] = {}
    for key, per_case in answers.items():
        if key.endswith(held_cases.HELD):  # the exact answers' own: never in a release
            continue
        name = key.split(".", 1)[1].split("|", 1)[0]
        domain = domain_cases.REGISTRY[(topic, name)]
        moved[key] = [
            answer
            if case.bound or not isinstance(answer, dict)
            else _moved_answer(answer, domain, case, generator)
            for case, answer in zip(domain.cases(), per_case)
        ]
    moved[domain_answers.MARK] = WIDER
    buffer = io.BytesIO()
    torch.save(moved, buffer)
    return buffer.getvalue()


def _moved_answer(
    answer: dict[str, Any], domain: Any, case: Any, generator: torch.Generator
) -> dict[str, Any]:
    rtol, atol = battery.tolerance(domain, case, stored=False)
    return {k: _moved(v, rtol, atol, generator) if k in MOVED_PARTS else v for k, v in answer.items()}


def _moved(value: Any, rtol: float, atol: float, generator: torch.Generator) -> Any:
    """``value`` with every finite float moved by :data:`MOVED` times ``atol + rtol·|x|`` and the floor."""
    if isinstance(value, torch.Tensor) and value.is_floating_point():
        exact = value.detach().double()
        low, high = MOVED
        size = low + (high - low) * torch.rand(exact.shape, generator=generator, dtype=torch.float64)
        sign = torch.where(torch.rand(exact.shape, generator=generator) < 0.5, -1.0, 1.0).double()
        step = sign * size * (atol + rtol * exact.abs() + domain_answers.FLOOR)
        up, down = (exact + step).to(value.dtype), (exact - step).to(value.dtype)
        moved = torch.where(up.isfinite(), up, down)  # never moved off the dtype's range
        return torch.where(exact.isfinite(), moved, value)
    if isinstance(value, float) and not isinstance(value, bool) and math.isfinite(value):
        return float(_moved(torch.tensor(value, dtype=torch.float64), rtol, atol, generator))
    if isinstance(value, (list, tuple)):
        return type(value)(_moved(v, rtol, atol, generator) for v in value)
    if isinstance(value, dict):
        return {k: _moved(v, rtol, atol, generator) for k, v in value.items()}
    return value
