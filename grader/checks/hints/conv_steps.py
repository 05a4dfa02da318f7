"""The sizes a convolution's or pooling's docstring predicts for the call a check made, beside what
the learner's code built (docs/checks.md, "The exercise verdict"). Trusted side: the call is the
check's own, the sizes torch's words give are numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import torch

from grader.base.i18n import N_, _

# torch's words for a reshape whose element count is not the tensor's
_RESHAPE = re.compile(r"shape '\[([-\d, ]*)\]' is invalid for input of size (\d+)")


@dataclass(frozen=True)
class Call:
    """A check's call of a 2-d convolution or pooling: x's (N, C, H, W), the kernel's (kh, kw),
    the output channels, the stride and padding it asked for."""

    x: tuple[int, ...]
    kernel: tuple[int, int]
    out_channels: int
    stride: int
    padding: int


def _pair(value: Any) -> tuple[int, int] | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value, value
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return int(value[0]), int(value[1])
    return None


def call_of(args: tuple[Any, ...]) -> Call | None:
    """The call a probe's arguments make (``"conv2d", (x, weight, b), {"stride": 2, ...}``) when
    it is a 2-d convolution or pooling with its stride given; None otherwise."""
    positional = next((a for a in args if isinstance(a, tuple)), None)
    keywords = next((a for a in args if isinstance(a, dict)), {})
    if not positional or not isinstance(positional[0], torch.Tensor) or positional[0].dim() != 4:
        return None
    x, rest = tuple(positional[0].shape), positional[1:]
    weight = rest[0] if rest and isinstance(rest[0], torch.Tensor) and rest[0].dim() == 4 else None
    kernel = (
        (int(weight.shape[2]), int(weight.shape[3]))
        if weight is not None
        else _pair(keywords.get("kernel_size", rest[0] if rest else None))
    )
    stride, padding = _pair(keywords.get("stride")), _pair(keywords.get("padding", 0))
    if (
        kernel is None
        or stride is None
        or padding is None
        or stride[0] != stride[1]
        or padding[0] != padding[1]
    ):
        return None
    channels = int(weight.shape[0]) if weight is not None else x[1]
    return Call(x, kernel, channels, stride[0], padding[0])


def _side(n: int, k: int, padding: int, stride: int) -> int:
    return (n + 2 * padding - k) // stride + 1


def _leaves(call: Call, positions: int) -> tuple[int, int] | None:
    """(stride, padding) that leave ``positions`` = H_out · W_out, the call's own padding first
    (a stride left out), then its own stride (a padding left out); None when none does."""
    tried = [(s, call.padding) for s in range(1, 5)] + [(call.stride, p) for p in range(0, 4)]
    for stride, padding in tried:
        sides = [_side(n, k, padding, stride) for n, k in zip(call.x[2:], call.kernel)]
        if (
            min(sides) > 0
            and sides[0] * sides[1] == positions
            and (stride, padding) != (call.stride, call.padding)
        ):
            return stride, padding
    return None


def _one_axis(call: Call, positions: int) -> tuple[str, list[tuple[int, int]]] | None:
    """("padding" or "stride", the (H_out, W_out) each axis left without it gives) where
    ``positions`` is what the call leaves with that step on one axis only (F.pad's pair pads the
    last axis alone); None where neither step, or both, explain it."""
    asked = (call.stride, call.padding)
    found: dict[str, list[tuple[int, int]]] = {}
    for step, left_out in (("padding", (call.stride, 0)), ("stride", (1, call.padding))):
        for axis in (0, 1) if left_out != asked else ():
            h, w = (
                _side(n, k, *(left_out if i == axis else asked)[::-1])
                for i, (n, k) in enumerate(zip(call.x[2:], call.kernel))
            )
            if min(h, w) > 0 and h * w == positions:
                found.setdefault(step, []).append((h, w))
    return next(iter(found.items())) if len(found) == 1 else None


STEPS = {"padding": N_("padding"), "stride": N_("stride")}
ONE_AXIS = {
    "padding": N_(
        "the padding reached one axis only: F.pad(x, (p, p)) pads the last axis (W) alone, its pairs "
        "run from the last axis backwards; pad both, F.pad(x, (p, p, p, p)), or F.unfold's padding="
    ),
    "stride": N_(
        "the stride reached one axis only: step both H and W by it (x.unfold(2, kh, s).unfold(3, kw, s), "
        "or F.unfold's stride=)"
    ),
}


def predicted(call: Call, words: str) -> str:
    """The lines a shape error in ``call`` leads with (torch's ``words``): each side's size as the
    docstring computes it, the learner's tensor's positions where the words give them and the
    stride and padding that leave those, then the step's hint; "" where the words are no
    reshape of the output."""
    found = _RESHAPE.search(words)
    if found is None:
        return ""
    (h, w), (kh, kw), s, p = call.x[2:], call.kernel, call.stride, call.padding
    oh, ow = _side(h, kh, p, s), _side(w, kw, p, s)
    lines = [
        _(
            "the docstring's sizes for this call (stride=%(s)d, padding=%(p)d, kernel %(kh)d × %(kw)d on "
            "%(h)d × %(w)d): H_out = ⌊(%(h)d + 2·%(p)d − %(kh)d)/%(s)d⌋ + 1 = %(oh)d, "
            "W_out = ⌊(%(w)d + 2·%(p)d − %(kw)d)/%(s)d⌋ + 1 = %(ow)d: %(positions)d positions per channel"
        )
        % {"s": s, "p": p, "kh": kh, "kw": kw, "h": h, "w": w, "oh": oh, "ow": ow, "positions": oh * ow}
    ]
    total, batch = int(found.group(2)), call.x[0] * call.out_channels
    if batch and total % batch == 0 and total // batch != oh * ow:
        positions = total // batch
        leaves = _leaves(call, positions)
        said = {"total": total, "n": call.x[0], "c": call.out_channels, "positions": positions}
        line = (
            _("your tensor holds %(total)d = %(n)d · %(c)d · %(positions)d: %(positions)d positions") % said
        )
        one_axis = _one_axis(call, positions) if leaves is None else None
        if leaves is not None:
            line += " " + _("(what stride=%(s)d, padding=%(p)d leave)") % {"s": leaves[0], "p": leaves[1]}
        elif one_axis is not None:
            sides = _(" or ").join(f"{h_out} × {w_out}" for h_out, w_out in one_axis[1])
            line += " " + _("(%(sides)s: what the call leaves with its %(step)s on one axis only)") % {
                "sides": sides,
                "step": _(STEPS[one_axis[0]]),
            }
        lines.append(line)
    else:
        one_axis = None
    hint = (
        _(ONE_AXIS[one_axis[0]])
        if one_axis is not None
        else _(
            "every step of the convolution takes the call's kernel size, stride and padding: "
            "F.unfold(x, kernel_size, padding=padding, stride=stride) has H_out · W_out columns, "
            "and the result is reshaped to (N, C_out, H_out, W_out)"
        )
    )
    return "\n  ".join(lines) + "\n  " + _("hint: ") + hint
