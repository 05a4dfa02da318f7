"""Judges of what a call must leave as it was: the arguments a learner's function may not modify
(:func:`expect_unchanged`), and the inputs, their gradients and state a probe compares before and
after the call (:func:`expect_inputs_untouched`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from grader.base.i18n import N_, _
from grader.checks.verdict.described import describe
from grader.checks.verdict.failed import expect, fail
from grader.sandboxed.kit_steps import same_values


def expect_unchanged(unchanged: Any, names: Iterable[str], what: str) -> None:
    """Flags from :func:`grader.checks.probes.call_watching_inputs`: inputs keep their values."""
    names = list(names)
    if not isinstance(unchanged, list) or len(unchanged) != len(names):
        fail(what, N_("one flag per argument"), describe(unchanged))
    changed = [n for n, ok in zip(names, unchanged) if ok is not True]
    if changed:
        fail(
            what=what,
            expected=N_("the inputs left as they were"),
            got=_("%(names)s modified in place") % {"names": ", ".join(changed)},
            hint=N_(
                "work on a copy (x.clone()) or build a new tensor; in-place ops (x[...] = v, add_, "
                "x += y) change the caller's data, and so does a write into a view of x: x.view(...), "
                "x.flatten(), x[i], x.T share its memory (NumPy's flatten copies; torch's does not)"
            ),
        )


def _an_answer(value: Any, depth: int = 0) -> bool:
    """A call's result that answers something: a tensor or a number, maybe inside containers."""
    if isinstance(value, torch.Tensor) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return True
    if depth < 4 and isinstance(value, (list, tuple)):
        return any(_an_answer(v, depth + 1) for v in value)
    if depth < 4 and isinstance(value, dict):
        return any(_an_answer(v, depth + 1) for v in value.values())
    return False


def expect_inputs_untouched(
    result: Any,
    after: Any,
    originals: tuple[Any, ...],
    names: Iterable[str],
    tracked: Iterable[int],
    what: str,
) -> None:
    """Judge :func:`grader.checks.probes.inputs_after_call` against the trusted copies of the arguments:
    the call answered (a tensor or a number: a call that answers nothing earns no point for
    leaving its inputs alone), and each tensor keeps its values, its ``requires_grad`` flag and
    its ``.grad`` (5s where tracked)."""
    expect(
        condition=_an_answer(result),
        what=f"{what}: the call's result",
        expected="an answer (a tensor or a number)",
        got=describe(result),
        hint="this check judges a call that answers; finish the exercise first",
    )
    names, tracked = list(names), set(tracked)
    if not isinstance(after, list) or len(after) != len(originals):
        fail(what, N_("one state per argument"), describe(after))
    hint = (
        "leave the caller's tensors as you found them: work on x.detach().clone(); in-place ops "
        "(x += ..., x[...] = v, requires_grad_()) and backward() into x change the caller's tensor"
    )
    for i, (name, state, original) in enumerate(zip(names, after, originals)):
        if not isinstance(original, torch.Tensor):
            continue
        if not isinstance(state, dict):
            fail(what, _("the state of %(name)s") % {"name": name}, describe(state))
        expect(
            condition=same_values(state.get("values"), original),
            what=f"{what}: {name} after the call",
            expected="its values unchanged",
            got="changed values",
            hint=hint,
        )
        flag = i in tracked
        expect(
            condition=state.get("requires_grad") is flag,
            what=f"{what}: {name}.requires_grad after the call",
            expected=_("%(flag)s (as the caller set it)") % {"flag": flag},
            got=f"{state.get('requires_grad')}",
            hint=hint,
        )
        grad = state.get("grad")
        fives = torch.full_like(original, 5.0)
        kept = isinstance(grad, torch.Tensor) and bool(torch.equal(grad, fives)) if flag else grad is None
        expect(
            condition=kept,
            what=f"{what}: {name}.grad after the call",
            expected="the 5s it held" if flag else "None (as it was)",
            got=describe(grad),
            hint=hint,
        )
