"""A non-answer, decided by behaviour (docs/design.md, "One weighing"): over the input-domain
battery's cases (grader/checks/battery.py), outputs that do not depend on the inputs where the
reference's do. Every case raised; every output NaN or infinite; every output one constant
value; every output one of its own inputs, echoed. A formula wrong by a factor, a sign or a
dimension depends on its inputs: it is a misconception, with a cause of its own. The battery's
failure then carries :data:`SILENT` and the kind (``silent:echo``), which the class's cause
groups read (grader/batch/causes.py) to put the exercise in its "no answer" group."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from grader.checks.verdict.exercises import SILENT

KINDS = ("raises", "nan", "constant", "echo")


def _tensors(value: Any) -> list[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [torch.tensor(float(value))]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(v)]
    return []


Answered = tuple[list[list[torch.Tensor]], list[list[torch.Tensor]], list[Sequence[Any]]]


def _answered(results: Sequence[Any], answers: Sequence[Any], inputs: Sequence[Sequence[Any]]) -> Answered:
    """(the submission's output tensors, the reference's, the inputs) of the cases where both
    gave tensors: a case that raised because nothing depends on the inputs (no graph to
    differentiate) is left out."""
    kept = [
        (mine, theirs, given)
        for mine, theirs, given in zip(
            (_tensors(r.get("out")) if isinstance(r, dict) and "error" not in r else [] for r in results),
            (_tensors(a.get("out")) if isinstance(a, dict) and "error" not in a else [] for a in answers),
            inputs,
        )
        if mine and theirs
    ]
    if len(kept) < 2:
        return [], [], []
    return [k[0] for k in kept], [k[1] for k in kept], [k[2] for k in kept]


def _values(outputs: list[torch.Tensor]) -> torch.Tensor | None:
    """A case's output values as one flat float tensor; None where they are not floats."""
    values = [t.detach().flatten() for t in outputs if t.numel()]
    if not values or not all(v.dtype.is_floating_point for v in values):
        return None
    return torch.cat([v.double() for v in values])


def _flat(values: torch.Tensor) -> bool:
    return bool(values.isfinite().all()) and bool((values == values[0]).all())


def _constant(mine: list[list[torch.Tensor]], theirs: list[list[torch.Tensor]]) -> bool:
    """One value everywhere, where the reference's vary: the same number in every case (a loss
    that is always 0.5), or every output flat where the reference's is not (softmax as 1/n)."""
    cases = [(_values(m), _values(t)) for m, t in zip(mine, theirs)]
    if any(m is None or t is None for m, t in cases):
        return False
    own = [m for m, _ in cases if m is not None]
    if _flat(torch.cat(own)):
        return not _flat(torch.cat([t for _, t in cases if t is not None]))
    # flat against varied: of the reference's size only (a sum of everything, one number where the
    # reference gives a row of them, is a wrong shape: an answer, never a constant)
    varied = [
        (m, t)
        for m, t in cases
        if m is not None and t is not None and not _flat(t) and m.numel() == t.numel()
    ]
    scalars = [m for m, t in cases if m is not None and t is not None and _flat(t)]
    return bool(varied) and all(_flat(m) for m, _ in varied) and (not scalars or _flat(torch.cat(scalars)))


def _non_finite(outputs: list[list[torch.Tensor]]) -> bool:
    values = [t.detach().double().flatten() for ts in outputs for t in ts if t.numel()]
    return bool(values) and not any(bool(v.isfinite().any()) for v in values)


def _echoed(outputs: list[list[torch.Tensor]], inputs: Sequence[Sequence[Any]]) -> bool:
    def echoes(outs: list[torch.Tensor], args: Sequence[Any]) -> bool:
        # a number argument as _tensors makes an answer of one (conv_output_size(n, k) -> n)
        given = [t for a in args if isinstance(a, (torch.Tensor, int, float)) for t in _tensors(a)]
        return any(
            o.shape == a.shape and o.dtype == a.dtype and bool((o.detach() == a.detach()).all())
            for o in outs
            for a in given
        )

    return all(echoes(outs, args) for outs, args in zip(outputs, inputs))


def _low(value: Any) -> bool:
    return isinstance(value, torch.Tensor) and value.dtype in (torch.float16, torch.bfloat16)


def cause(kind: str) -> str:
    """The battery's cause for a non-answer of ``kind``: ``silent:echo``."""
    return SILENT + kind


def behaviour(results: Sequence[Any], answers: Sequence[Any], inputs: Sequence[Sequence[Any]]) -> str:
    """The kind of non-answer ``results`` (the submission's, one per case) show where the
    reference's ``answers`` depend on the cases' ``inputs`` (:data:`KINDS`), else ""."""
    # the low-precision cases judge the dtype clause only: a non-answer is told from the others
    # (a constant raised on every float32/float64 case that needs a gradient, and answered float16's)
    working = [i for i, given in enumerate(inputs) if not any(_low(a) for a in given)]
    results, answers, inputs = ([seq[i] for i in working] for seq in (results, answers, inputs))
    if len(results) < 2:
        return ""
    if all(isinstance(r, dict) and "error" in r for r in results):
        return "raises"
    mine, theirs, given = _answered(results, answers, inputs)
    if not mine:
        return ""
    if _non_finite(mine) and not _non_finite(theirs):
        return "nan"
    if _constant(mine, theirs):
        return "constant"
    if _echoed(mine, given) and not _echoed(theirs, given):
        return "echo"
    return ""
