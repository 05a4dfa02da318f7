"""Where torch raised, in the learner's words: the layer of the learner's model that raised (its
name, configuration, the input it got and what it expects) or the learner's line and its
operands' shapes. The worker finds them (grader/sandboxed/blame.py); everything it sends is
the submission's reach, so each part is checked for its type and cleaned here before it is shown.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from grader.base import clean
from grader.base.i18n import N_, _
from grader.checks.verdict.error_types import NUMPY, VALUES_INDICES
from grader.sandboxed.blame import SETTINGS


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _ints(value: Any) -> list[int] | None:
    """An int or a list of ints as a list ("kernel_size=3" and "(3, 3)" alike); None otherwise."""
    if _int(value) is not None:
        return [value]
    if isinstance(value, list) and value and len(value) <= 4 and all(_int(v) is not None for v in value):
        return list(value)
    return None


def tensor(shape: Any) -> str:
    """ "(2, 6, 2, 2) float32" for the worker's [shape, dtype, device]; "" when it is not one;
    a list of them as "[(2, 16, 8, 8), (2, 24, 8, 8)] float32"."""
    if not isinstance(shape, list) or not shape:
        return ""
    if isinstance(shape[0], list) and all(isinstance(s, list) and len(s) == 3 for s in shape):
        parts = [tensor(s) for s in shape]
        if not all(parts):
            return ""
        dtypes = {p.split(" ")[-1] for p in parts}
        if len(dtypes) == 1:
            return "[" + ", ".join(p.rsplit(" ", 1)[0] for p in parts) + "] " + dtypes.pop()
        return "[" + ", ".join(parts) + "]"
    if len(shape) != 3 or not isinstance(shape[0], list) or not all(_int(v) is not None for v in shape[0]):
        return ""
    dims = ", ".join(str(v) for v in shape[0][:8]) + ("," if len(shape[0]) == 1 else "")
    device = clean.name(shape[2]) if shape[2] != "cpu" else ""
    return f"({dims}) {clean.name(shape[1])}" + (f" on {device}" if device else "")


def _setting(value: Any) -> str:
    ints = _ints(value)
    if ints is not None:
        return str(ints[0]) if len(ints) == 1 else "(" + ", ".join(map(str, ints)) + ")"
    return clean.name(value) if isinstance(value, (bool, str)) else ""


def settings_of(layer: dict[str, Any]) -> dict[str, Any]:
    found = layer.get("settings")
    return found if isinstance(found, dict) else {}


def configuration(layer: dict[str, Any]) -> str:
    settings = settings_of(layer)
    shown = [f"{k}={_setting(settings[k])}" for k in SETTINGS if k in settings and _setting(settings[k])]
    return f"{clean.name(layer.get('type'))}({', '.join(shown)})"


def _spatial(kind: str, settings: dict[str, Any], channels: str) -> str:
    """What a convolution or pooling layer expects: its channels and the smallest side."""
    kernel, padding = _ints(settings.get("kernel_size")), _ints(settings.get("padding")) or [0]
    if kernel is None:
        return ""
    size = " × ".join(map(str, kernel))
    axes = {"1d": "L", "2d": "H, W", "3d": "D, H, W"}.get(kind[-2:], "H, W")
    return _(
        "(N, %(channels)s, %(axes)s), each of %(axes)s at least the kernel's %(kernel)s after a padding of %(padding)s"
    ) % {"channels": channels, "axes": axes, "kernel": size, "padding": _setting(sorted(set(padding)))}


def expects(layer: dict[str, Any]) -> str:
    """What ``layer`` (the worker's account) expects of its input, "" when this module does not know."""
    kind = clean.name(layer.get("type"))
    settings = settings_of(layer)
    given = {k: _setting(v) for k, v in settings.items() if isinstance(k, str)}
    if kind.startswith("Conv"):
        return _spatial(kind, settings, given.get("in_channels", "C"))
    if "Pool" in kind and not kind.startswith("Adaptive"):
        return _spatial(kind, settings, "C")
    if kind in ("Linear", "Bilinear"):
        return _("(…, %(n)s): the last dimension is in_features") % {"n": given.get("in_features", "?")}
    if kind.startswith(("BatchNorm", "InstanceNorm")):
        return _("(N, %(n)s, …): the channels are num_features") % {"n": given.get("num_features", "?")}
    if kind == "LayerNorm":
        return _("(…, %(n)s): the last dimensions are normalized_shape") % {
            "n": given.get("normalized_shape", "?")
        }
    if kind.startswith(("RNN", "GRU", "LSTM")):
        return _("(…, %(n)s): the last dimension is input_size") % {"n": given.get("input_size", "?")}
    if kind == "Embedding":
        return _("integer indices (torch.long) from 0 to %(n)s") % {
            "n": (_int(settings.get("num_embeddings")) or 1) - 1
        }
    return ""


def layer_lines(layer: Any) -> list[str]:
    """The layer that raised: its name and configuration, the input it got, what it expects."""
    if not isinstance(layer, dict):
        return []
    name, model = clean.name(layer.get("name")), clean.name(layer.get("model"))
    where = f"{model}.{name}" if model and name else name or model
    lines = [
        _("the layer that raised: %(layer)s")
        % {"layer": (f"{where} = " if where else "") + configuration(layer)}
    ]
    got, weight = tensor(layer.get("input")), tensor(layer.get("weight"))
    expected = expects(layer)
    if got:
        lines.append(_("its input: %(got)s") % {"got": got})
    if expected:
        lines.append(_("it expects: %(expected)s") % {"expected": expected})
    if weight and got and layer["weight"][1:] != layer["input"][1:]:  # its dtype or device differs
        lines.append(
            _("its weight: %(weight)s (an input must have the weight's dtype and device)")
            % {"weight": weight}
        )
    return lines


def line_lines(line: Any, message: str = "") -> list[str]:
    """The shapes of the tensors the learner's line that raised names (the line itself is the
    message's last "at" line)."""
    if not isinstance(line, dict) or not isinstance(line.get("operands"), list):
        return []
    named = [o for o in line["operands"][:6] if isinstance(o, list) and len(o) == 2 and isinstance(o[0], str)]
    foreign = _foreign(line, named)
    shown = [f"{clean.name(o[0])} {tensor(o[1])}" for o in named if tensor(o[1])]
    shown += [_(FOREIGN[kind]) % {"name": name, "type": kind_type} for name, kind, kind_type in foreign]
    if not shown:
        return []
    extra = (
        foreign_hint(foreign, message)
        or resizing_lines(line, message)
        or aligned_lines(line, message)
        or paired_lines(line, message)
        or indexed_lines(line, message)
    )
    return [_("on that line: %(operands)s") % {"operands": "; ".join(shown)}, *extra]


# another ecosystem's value on the line (grader/sandboxed/blame.py _foreign), by its kind
FOREIGN = {
    "pair": N_("%(name)s is %(type)s, a (values, indices) pair"),
    "numpy-function": N_("%(name)s is NumPy's function, not torch's"),
    "numpy-array": N_("%(name)s is a NumPy array (%(type)s)"),
    "numpy-scalar": N_("%(name)s is a NumPy scalar (%(type)s)"),
}


def _foreign(line: dict[str, Any], named: list[list[Any]]) -> list[tuple[str, str, str]]:
    """(name, kind, type) of the line's values of :data:`FOREIGN`'s kinds; a pair the line takes a
    part of (``out.values``, ``out[0]``) is not one: torch's words name a pair used otherwise."""
    code, found = str(line.get("code") or ""), []
    for name, said in ((clean.name(o[0]), o[1]) for o in named if isinstance(o[1], dict)):
        kind, kind_type = said.get("kind"), clean.name(said.get("type"))
        taken = re.search(rf"\b{re.escape(name)}\s*[.\[]", code) is not None
        if kind in FOREIGN and not (kind == "pair" and taken):
            found.append((name, str(kind), kind_type))
    return found


def foreign_hint(foreign: list[tuple[str, str, str]], message: str) -> list[str]:
    """The hint for the line's first foreign value: a pair's always (it is no tensor, whatever
    raised), NumPy's where torch's ``message`` says a tensor met NumPy (else unsure: none)."""
    kinds = [kind for _name, kind, _type in foreign]
    if "pair" in kinds:
        return [_("hint: ") + _(VALUES_INDICES)]
    if kinds and re.search(r"numpy|ScalarType", message, re.IGNORECASE):
        return [_("hint: ") + _(NUMPY)]
    return []


def indexed_lines(line: dict[str, Any], message: str) -> list[str]:
    """Where Python's "tuple index out of range" met a shape indexed past its dimensions on the
    learner's line (``d.shape[0]`` of a 0-dim ``d``): the hint that counts elements whatever the shape."""
    if "tuple index out of range" not in message:
        return []
    code = str(line.get("code") or "")
    for name, shape in _shapes(line):
        for index in re.findall(rf"\b{re.escape(name)}\.shape\[(-?\d+)\]", code):
            if not -len(shape) <= int(index) < len(shape):
                said = {"name": name, "n": len(shape), "shape": shape, "index": int(index)}
                return [_("hint: ") + _(INDEXED) % said]
    return []


_BROADCAST = re.compile(r"size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\)")


def _shapes(line: dict[str, Any]) -> list[tuple[str, tuple[int, ...]]]:
    """The line's operands as (name, shape), where each is plain."""
    found = []
    for o in line.get("operands", []):
        if (
            isinstance(o, list)
            and len(o) == 2
            and isinstance(o[1], list)
            and o[1]
            and isinstance(o[1][0], list)
        ):
            dims = [_int(d) for d in o[1][0]]
            if all(d is not None for d in dims):
                found.append((clean.name(o[0]), tuple(d for d in dims if d is not None)))
    return found


def aligned_lines(line: dict[str, Any], message: str) -> list[str]:
    """Where torch's ``message`` says two tensors do not broadcast and a 1-d one of the line has
    the size of another's dimension before its last, whose last is the other size torch names (the
    two that met): broadcasting lines a 1-d tensor up with the LAST dimension, so the hint that
    shapes it for the dimension it is meant for."""
    found = _BROADCAST.search(message)
    if found is None:
        return []
    sizes = {int(g) for g in found.groups()}
    shapes = _shapes(line)
    for name, shape in shapes:
        if len(shape) != 1 or shape[0] not in sizes:
            continue
        for other, full in shapes:
            at = [j for j, d in enumerate(full[:-1]) if d == shape[0]]
            if len(full) >= 2 and full[-1] in sizes - {shape[0]} and at:
                ones = len(full) - 1 - at[-1]
                said = {
                    "name": name,
                    "k": shape[0],
                    "other": other,
                    "last": full[-1],
                    "dim": at[-1],
                    "target": (shape[0],) + (1,) * ones,
                    "view": f"{name}.view(-1{', 1' * ones})",
                    "index": f"{name}[:{', None' * ones}]",
                }
                return [_("hint: ") + _(ALIGNED) % said]
    return []


def paired_lines(line: dict[str, Any], message: str) -> list[str]:
    """Where torch's ``message`` says two tensors do not broadcast on a line of a function (not a
    module's, whose layers :func:`resizing_lines` reads) that reduces nothing: two 1-d tensors of
    the two sizes torch names were paired position by position where a table of every pair was
    meant (:data:`PAIRED`), else the sizes alone (:data:`MET`: no reduction to keep a dimension of)."""
    found = _BROADCAST.search(message)
    if found is None or "layers" in line or _reduces(str(line.get("code", ""))) is not False:
        return []
    a, b = (int(g) for g in found.groups())
    vectors = [(name, shape[0]) for name, shape in _shapes(line) if len(shape) == 1 and shape[0] in (a, b)]
    if len(vectors) == 2 and {size for _name, size in vectors} == {a, b}:
        return [_("hint: ") + _(PAIRED) % {"a": vectors[0][0], "b": vectors[1][0]}]
    return [_("hint: ") + _(MET) % {"a": a, "b": b}]


def _reduces(code: str) -> bool | None:
    """Whether the learner's line ``code`` calls a reduction (None where it does not parse)."""
    try:
        tree = ast.parse(code if not code.endswith(":") else code + " pass")
    except SyntaxError:
        return None
    return any(
        isinstance(node, ast.Call)
        and (getattr(node.func, "attr", None) or getattr(node.func, "id", None)) in REDUCTIONS
        for node in ast.walk(tree)
    )


# two 1-d tensors of different sizes met elementwise: position by position, where a table was meant
PAIRED = N_(
    "%(a)s and %(b)s are both 1-d: elementwise they pair position with position, so their sizes "
    "must match; for every pair of them (an (n, m) table) make one a column: %(a)s[:, None] with "
    "%(b)s[None, :]"
)
# a line that reduces nothing: the sizes that met, nothing said of keepdim
MET = N_(
    "two tensors meet elementwise with sizes %(a)d and %(b)d in one dimension, where each must equal "
    "the other or be 1: print the shapes on that line and check which of them is not what you meant"
)


# a 1-d tensor meant for a dimension before the last (a bias per channel): broadcasting matches
# trailing dimensions
ALIGNED = N_(
    "%(name)s (%(k)d,) lines up with the last dimension of %(other)s (size %(last)d), as broadcasting "
    "matches dimensions from the right; to meet its dimension %(dim)d (size %(k)d), give it the shape "
    "%(target)s: a reduction of %(other)s keeps the dimension it reduced with keepdim=True (x.max(dim, "
    "keepdim=True)); another tensor takes %(view)s or %(index)s"
)


# a shape indexed past its dimensions: an input of fewer dimensions than the code assumed
INDEXED = N_(
    "%(name)s has %(n)d dimension(s), shape %(shape)s: %(name)s.shape[%(index)d] does not exist; the "
    "docstring allows other shapes than the one you wrote for: count the elements with %(name)s.numel(), "
    "or reduce over all of them (%(name)s.mean())"
)


def _side(layer: list[Any], n: int) -> int | None:
    """The size ``n`` a convolution's or pooling's (one side of its kernel, stride, padding) leaves."""
    settings = layer[2] if len(layer) == 3 and isinstance(layer[2], dict) else {}
    kernel, stride = _ints(settings.get("kernel_size")), _ints(settings.get("stride")) or [1]
    padding = _ints(settings.get("padding")) or [0]
    if kernel is None or stride[0] < 1:
        return None
    return (n + 2 * padding[0] - kernel[0]) // stride[0] + 1


# torch's words for tensors that differ in H or W where they meet: a skip connection's sum (a
# broadcast at dimension 2 or 3 of (N, C, H, W)), branches joined along the channels
_SPATIAL = (
    re.compile(
        r"size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) at non-singleton dimension [23]\b"
    ),
    re.compile(r"Sizes of tensors must match except in dimension 1\. Expected size (\d+) but got size (\d+)"),
)


def resizing_lines(line: dict[str, Any], message: str) -> list[str]:
    """Where torch's ``message`` says tensors that meet on the learner's line differ in H or W
    (branches joined, a skip connection), the module's convolutions and poolings that change a
    side of that size, each with what it makes of it; where none has a stride, the hint that
    names them (their padding), as no stride can be the cause."""
    found = next((m for m in (p.search(message) for p in _SPATIAL) if m), None)
    given = line.get("layers")
    layers = [
        entry
        for entry in (given if isinstance(given, list) else [])
        if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[2], dict)
    ]
    if found is None or not layers:
        return []
    sizes = sorted({int(size) for size in found.groups()}, reverse=True)
    changing = [(entry, move) for entry in layers if (move := _move(entry, sizes))]
    if not changing:
        return []
    said = "; ".join(
        f"{clean.name(entry[0])} = {configuration({'type': entry[1], 'settings': entry[2]})}: {n} → {out}"
        for entry, (n, out) in changing
    )
    lines = [_("the layers here that change H and W: %(layers)s") % {"layers": said}]
    strided = [entry for entry, _move in changing if _first(entry, "stride") > 1]
    if not strided:
        names = ", ".join(clean.name(e[0]) for e, _o in changing)
        lines.append(_("hint: ") + _(UNPADDED) % {"layers": names})
    elif len(wide := [e for e in strided if _first(e, "kernel_size") > 1]) > 1:
        names = ", ".join(clean.name(e[0]) for e in wide)
        lines.append(_("hint: ") + _(STRIDED_TWICE) % {"layers": names})
    return lines


def _move(layer: list[Any], sizes: list[int]) -> tuple[int, int] | None:
    """What ``layer`` makes of one of the ``sizes`` that met (larger first), as (in, out): the move
    from one of them to the other where it makes one (a padding too large grows 7 into 9), else its
    first change; None where it changes none."""
    moves = [(n, out) for n in sizes if (out := _side(layer, n)) is not None and out != n]
    return next((move for move in moves if move[1] in sizes), moves[0] if moves else None)


def _first(layer: list[Any], setting: str) -> int:
    """A layer's (name, type, settings) ``setting`` along its first axis; 1 where it has none."""
    return (_ints(layer[2].get(setting)) or [1])[0]


# two convolutions (or poolings) wider than 1×1 take the stride where tensors meet: the main path
# shrinks twice while the shortcut's projection shrinks once
STRIDED_TWICE = N_(
    "the stride is taken more than once on the way (%(layers)s): a block's stride belongs to its "
    "first convolution and its shortcut's projection alone, the others keep stride 1"
)


# tensors that meet differ in H and W and no layer of the module has a stride: the padding of
# the layers that change them (a pooling's as much as a convolution's)
UNPADDED = N_(
    "the layers named above change H and W (a kernel k with padding p changes each by 2p − (k − 1): "
    "%(layers)s), so the tensors no longer match; give each padding=kernel_size // 2, a pooling "
    "as a convolution"
)


def lines(error: dict[str, Any]) -> list[str]:
    """What the worker found of where the exception met the learner's tensors: the layer (with
    the line's reduction where it fed the layer the wrong axes), else the line."""
    found = layer_lines(error.get("layer"))
    message = error.get("message")
    if found:
        return found + reduced_lines(error.get("line"), error["layer"])
    return line_lines(error.get("line"), message if isinstance(message, str) else "")


# torch's reductions: each removes the dimensions it reduces over (read by _reduces and _reduced)
REDUCTIONS = frozenset({"mean", "sum", "amax", "amin", "max", "min", "std", "var", "prod", "logsumexp"})
FEATURE_MAP = "NCHW"  # a convolution's feature map, (N, C, H, W)
# a linear layer fed a feature map reduced over dims that include the channels
REDUCED = N_(
    "the line reduces over %(call)s: of a feature map (N, C, H, W) those are %(axes)s, so "
    "(%(kept)s) reaches the layer; pooling keeps N and C, the features the layer expects, and "
    "reduces the spatial axes"
)


def reduced_lines(line: Any, layer: dict[str, Any]) -> list[str]:
    """Where a linear layer got the result of the line's one reduction with literal dims, and
    those dims of the (N, C, H, W) map it reduced include C: the dims named as its axes."""
    got = layer.get("input")
    if not isinstance(line, dict) or clean.name(layer.get("type")) != "Linear" or not tensor(got):
        return []
    found, kept = _reduced(str(line.get("code") or "")), len(got[0]) if isinstance(got, list) else 0
    if found is None or kept + len(found[1]) != len(FEATURE_MAP):
        return []
    axes = [FEATURE_MAP[d] for d in found[1] if -4 <= d < 4]
    if len(axes) != len(found[1]) or "C" not in axes:
        return []
    said = {
        "call": found[0],
        "axes": ", ".join(axes),
        "kept": ", ".join(a for a in FEATURE_MAP if a not in axes),
    }
    return [_("hint: ") + _(REDUCED) % said]


def _reduced(code: str) -> tuple[str, tuple[int, ...]] | None:
    """The one reduction of ``code`` given literal dims: ("dim=(1, 2)", (1, 2)); None else."""
    try:
        tree = ast.parse(code.removeprefix("return "))
    except SyntaxError:
        return None
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in REDUCTIONS
    ]
    dim = [k.value for k in calls[0].keywords if k.arg == "dim"] if len(calls) == 1 else []
    try:
        dims = ast.literal_eval(dim[0]) if dim else None
    except ValueError:
        return None
    dims = (dims,) if isinstance(dims, int) else dims
    if not isinstance(dims, tuple) or not all(type(d) is int for d in dims):
        return None
    return f"dim={ast.unparse(dim[0])}", dims
