"""A module's output of the wrong shape, though nothing raised, taught at its layer: the first
layer departing from the docstring's own, else the first given another batch than the model's,
else the layer that gave the output (docs/architecture.md's room of grader/checks/hints/). What
the worker sends is the submission's reach: each part is checked for its type and cleaned
(:mod:`grader.checks.hints.blamed`) before it is shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import torch
from torch import nn

from grader.base import clean
from grader.base.i18n import N_, _, text
from grader.checks import probes
from grader.checks.hints import blamed
from grader.checks.verdict.failed import CheckFailed, hinted, worded
from grader.sandboxed.blame import SETTINGS

SIZING = ("in_channels", "in_features", "num_features")  # what a layer's input must have
LAYERS = 64  # the probe's own cap
FOLDED = N_(
    "a reshape before it moved values into the batch axis: keep the batch first, "
    "x.flatten(1) or x.view(x.size(0), -1), not x.view(-1, n)"
)
SQUEEZED = N_(
    "squeeze() drops every axis of size 1, a batch of one's too: flatten with x.flatten(1), "
    "or squeeze only the axes you mean (x.squeeze(-1))"
)


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _settings(layer: nn.Module) -> dict[str, Any]:
    return {k: _plain(v) for k, v in vars(layer).items() if k in SETTINGS and isinstance(v, (int, tuple))}


def _shape(value: Any) -> list[int] | None:
    """The shape in the worker's [shape, dtype, device]; None when it is not one."""
    if isinstance(value, list) and len(value) == 3 and isinstance(value[0], list):
        dims = value[0]
        if len(dims) <= 8 and all(isinstance(d, int) and not isinstance(d, bool) for d in dims):
            return list(dims)
    return None


def _dims(shape: Sequence[int]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _alike(layer: dict[str, Any], reference: nn.Module, keys: Sequence[str]) -> bool:
    """Same type, and the same value of each of ``keys`` the reference has."""
    mine, theirs = blamed.settings_of(layer), _settings(reference)
    return layer.get("type") == type(reference).__name__ and all(
        mine.get(k) == theirs[k] for k in keys if k in theirs
    )


def _paired(layers: list[dict[str, Any]], reference: list[nn.Module]) -> dict[int, nn.Module]:
    """Each learner layer's counterpart among the docstring's: in order where the layers run in
    the docstring's (each alike in what sizes its input and its kernel, a docstring's layer done
    by a function skipped: a 1×1 branch of 24 channels where 16 are asked is that branch, not the
    pooling branch's 1×1 of 24); else alike in every setting first, then in what sizes its input
    and its kernel, then in type alone; each counterpart used once."""
    in_order = _in_order(layers, reference)
    if in_order is not None:
        return in_order
    free, pairs = list(range(len(reference))), {}
    for keys in (SETTINGS, (*SIZING, "kernel_size"), ()):
        for i, layer in enumerate(layers):
            j = next((j for j in free if i not in pairs and _alike(layer, reference[j], keys)), None)
            if j is not None:
                pairs[i] = reference[j]
                free.remove(j)
    return pairs


def _in_order(layers: list[dict[str, Any]], reference: list[nn.Module]) -> dict[int, nn.Module] | None:
    """Each learner layer paired with the next docstring layer alike in what sizes its input and
    its kernel; None where some layer finds none (they do not run in the docstring's order)."""
    pairs, j = {}, 0
    for i, layer in enumerate(layers):
        while j < len(reference) and not _alike(layer, reference[j], (*SIZING, "kernel_size")):
            j += 1
        if j == len(reference):
            return None
        pairs[i], j = reference[j], j + 1
    return pairs


def _gives(reference: nn.Module, shape: list[int]) -> list[int] | None:
    """The shape the docstring's layer gives on an input of ``shape``; None where it cannot run."""
    try:
        return list(reference(torch.empty(shape, device="meta")).shape)
    except Exception:
        return None


def _against_docstring(traced: Traced, layers: list[dict[str, Any]]) -> Any:
    """(layer, the docstring's layer, the shape it gives) of the first layer that departs; None."""
    if traced.layers is None:
        return None
    try:
        with torch.device("meta"):
            reference = traced.layers(*traced.args, **traced.kwargs)
    except Exception:
        return None
    for i, theirs in sorted(_paired(layers, reference).items()):
        given, got = _shape(layers[i].get("input")), _shape(layers[i].get("output"))
        expected = _gives(theirs, given) if given is not None else None
        if expected is not None and got is not None and got != expected:
            return layers[i], theirs, expected
    return None


def _named(layer: dict[str, Any], cls: str) -> str:
    name = clean.name(layer.get("name"))
    return (f"{cls}.{name} = " if name else "") + blamed.configuration(layer)


def _io(layer: dict[str, Any], expected: str) -> str:
    return _("its input: %(input)s; its output: %(output)s; expected %(expected)s") % {
        "input": blamed.tensor(layer.get("input")),
        "output": blamed.tensor(layer.get("output")),
        "expected": expected,
    }


def _docstring_lines(cls: str, found: tuple[dict[str, Any], nn.Module, list[int]]) -> tuple[list[str], str]:
    layer, theirs, expected = found
    got = _shape(layer.get("output")) or []
    lines = [
        _("the first layer that departs from the docstring's: %(layer)s") % {"layer": _named(layer, cls)},
        _io(layer, _dims(expected)),
        _("the docstring's layer: %(layer)s")
        % {"layer": blamed.configuration({"type": type(theirs).__name__, "settings": _settings(theirs)})},
    ]
    if len(got) == len(expected) and got[1:2] != expected[1:2]:
        hint = _(
            "its out_channels (out_features) make the channels of its output: set them as the docstring says"
        )
    else:
        hint = _(
            "its stride, padding and kernel_size make the height and width of its output: set them as the docstring says"
        )
    return lines, hint


def _output_lines(cls: str, trace: dict[str, Any], expected: Sequence[int]) -> tuple[list[str], str]:
    """The first layer given another batch than the model's, else the layer that gave the output."""
    layers, given = trace["layers"], _shape(trace.get("input"))
    batch = given[0] if given else None
    for layer in layers:
        shape = _shape(layer.get("input"))
        if batch is not None and shape and shape[0] != batch:
            lines = [
                _("the first layer given another batch than the model's: %(layer)s")
                % {"layer": _named(layer, cls)},
                _("its input: %(input)s; the model's input: %(model)s")
                % {"input": blamed.tensor(layer.get("input")), "model": blamed.tensor(trace.get("input"))},
            ]
            return lines, _(SQUEEZED if batch == 1 else FOLDED)
    last = next((layer for layer in reversed(layers) if layer.get("is_output") is True), None)
    if last is None:
        return _after_the_last(cls, trace, expected)
    lines = [
        _("the layer that gave the output: %(layer)s") % {"layer": _named(last, cls)},
        _io(last, _dims(expected)),
    ]
    if last.get("type") == "Linear":
        return lines, _(
            "its out_features make the output's last dimension: take it from the constructor's arguments"
        )
    return lines, _("its settings make the output's shape: take them from the constructor's arguments")


def _after_the_last(cls: str, trace: dict[str, Any], expected: Sequence[int]) -> tuple[list[str], str]:
    """No layer gave the output: the last layer called, and what forward made of its output."""
    if not trace["layers"]:
        return [], ""
    last = trace["layers"][-1]
    lines = [
        _("the last layer called: %(layer)s") % {"layer": _named(last, cls)},
        _("its output: %(output)s; the module returned %(returned)s; expected %(expected)s")
        % {
            "output": blamed.tensor(last.get("output")),
            "returned": blamed.tensor(trace.get("output")) or "?",
            "expected": _dims(expected),
        },
    ]
    return lines, _(
        "forward's own code after this layer changed the shape: look at its squeeze, view, cat or indexing"
    )


def departure(trace: Any, traced: Traced, expected: Sequence[int]) -> tuple[list[str], str]:
    """(the lines that name where the shape went wrong, their hint) from the worker's trace."""
    if not isinstance(trace, dict) or not isinstance(trace.get("layers"), list):
        return [], ""
    layers = [layer for layer in trace["layers"][:LAYERS] if isinstance(layer, dict)]
    trace = {**trace, "layers": layers}
    found = _against_docstring(traced, layers)
    if found is not None:
        return _docstring_lines(traced.cls, found)
    return _output_lines(traced.cls, trace, expected)


class Traced(NamedTuple):
    """The module a shape check built: the probe's subject, the class, its constructor's arguments;
    where its docstring fixes its layers, ``layers``: they, in the docstring's order, built from the
    same arguments (a pack's declaration: the first layer that departs from them is named)."""

    subject: str
    cls: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    layers: Callable[..., list[nn.Module]] | None = None


def _trace(sub: Any, traced: Traced, shape: Sequence[int]) -> Any:
    try:
        return sub.run(
            probes.module_layers, traced.subject, traced.cls, traced.args, traced.kwargs, tuple(shape)
        )
    except Exception:  # the check's own words, without the layer's
        return None


def expect_shapes(
    sub: Any,
    traced: Traced,
    inputs: Sequence[Sequence[int]],
    got: Sequence[Any],
    want: Sequence[Sequence[int]],
    what: str,
    hint: str = "",
    cause: str = "",
    expected: str = "",
) -> None:
    """The module's output shape on an input of each shape of ``inputs`` (``got``, one each) must be
    ``want``'s; otherwise the failure also names where the first wrong one departed. ``expected``
    words what was expected where the shapes alone would not ("logits (2, 10)")."""
    got, want = [tuple(g) if isinstance(g, (list, tuple)) else g for g in got], [tuple(w) for w in want]
    if got == want:
        return
    wrong = next((i for i, (g, w) in enumerate(zip(got, want)) if g != w), 0)
    lines, first = departure(_trace(sub, traced, inputs[wrong]), traced, want[wrong])
    worded_as_shapes = not expected and len(want) == 1
    if expected:
        found = str(got[0]) if len(got) == 1 else str(got)
    elif worded_as_shapes:
        expected, found = (_("shape %(shape)s") % {"shape": s} for s in (want[0], got[0]))
    else:
        expected, found = str(want), str(got)
    shown = first or text(hint)  # the layer's own hint names the cause where one was found
    message = worded(what, expected, found) + "".join(f"\n  {line}" for line in lines)
    raise CheckFailed(message + hinted(shown), cause=cause, form=worded_as_shapes)
