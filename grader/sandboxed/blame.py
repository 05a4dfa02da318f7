"""Where an exception met the learner's tensors: the torch layer that raised, or the learner's
line and the shapes of its operands. Plain data for the trusted side, which words it
(grader/checks/hints/blamed.py); torch's own message says only what went wrong, not where nor on what.

Runs inside the worker, after a probe raised, next to submitted code: it reads frames and
objects without calling submitted code (no ``getattr`` on the learner's objects, whose class may
define ``__getattr__`` or properties; an ``nn.Module``'s parts are read from its own dicts).
"""

from __future__ import annotations

import ast
import os
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, cast

from grader.sandboxed.guarded import OwnState

TORCH_LAYERS = os.sep + os.path.join("torch", "nn", "modules") + os.sep
# A layer's settings the trusted side words what it expects from, and shows in this order as its
# configuration (grader/checks/hints/blamed.py)
SETTINGS = (
    "in_channels",
    "out_channels",
    "in_features",
    "out_features",
    "num_features",
    "normalized_shape",
    "num_embeddings",
    "embedding_dim",
    "input_size",
    "hidden_size",
    "kernel_size",
    "stride",
    "padding",
    "batch_first",
    "output_size",
)
OPERANDS = 6  # operands shown of a line


_NAME = type.__dict__["__name__"]  # a class's own name, read without its metaclass
_MODULE = type.__dict__["__module__"]
_TRACEBACK = BaseException.__dict__["__traceback__"]


def name_of(kind: type) -> str:
    """A class's name as its class statement gave it (no metaclass of the submission's runs)."""
    return str(_NAME.__get__(kind))[:100]


def _frames(tb: TracebackType | None) -> list[tuple[FrameType, int]]:
    frames = []
    while tb is not None:
        frames.append((tb.tb_frame, tb.tb_lineno))
        tb = tb.tb_next
    return frames


def _own(frame: FrameType, submission_dir: str) -> bool:
    return frame.f_code.co_filename.startswith(submission_dir + os.sep)


def _fields(obj: Any) -> dict[str, Any]:
    """``obj``'s instance dict, without calling anything of its class."""
    try:
        found = object.__getattribute__(obj, "__dict__")
    except Exception:
        return {}
    return found if type(found) in (dict, OwnState) else {}  # a graded instance's state: guarded's


def _is_module(obj: Any) -> bool:
    import torch

    return issubclass(type(obj), torch.nn.Module)


def _shape(value: Any) -> Any:
    """A tensor's (shape, dtype, device) as plain data; a list or tuple of tensors, a list of them."""
    import torch

    if type(value) is torch.Tensor or type(value) is torch.nn.Parameter:
        return [list(value.shape), str(value.dtype).removeprefix("torch."), value.device.type]
    if type(value) in (list, tuple) and value and len(value) <= 8:
        shapes = [_shape(v) for v in value]
        return shapes if all(s is not None for s in shapes) else None
    return None


def _foreign(value: Any) -> dict[str, str] | None:
    """What another ecosystem's habit left where torch code meets it, by its type alone: a
    (values, indices) pair ("pair", ``x.max(dim)``), NumPy's function, array or scalar; None else."""
    kind = type(value)
    module = str(_MODULE.__get__(kind))
    if module == "torch.return_types":
        return {"kind": "pair", "type": f"{module}.{name_of(kind)}"}
    if module != "numpy" and not module.startswith("numpy."):
        return None
    if callable(value):
        return {"kind": "numpy-function", "type": "numpy"}
    return {
        "kind": "numpy-array" if name_of(kind) == "ndarray" else "numpy-scalar",
        "type": f"numpy.{name_of(kind)}",
    }


def _submodules(root: Any) -> Iterator[tuple[str, Any]]:
    """(dotted name, module) of each module inside ``root``, breadth first, read from dicts
    (500 modules opened at most)."""
    todo, seen = [("", root)], 0
    while todo and seen < 500:
        prefix, module = todo.pop(0)
        seen += 1
        children = _fields(module).get("_modules")
        for name, child in (children if isinstance(children, dict) else {}).items():
            yield f"{prefix}{name}", child
            todo.append((f"{prefix}{name}.", child))


def _named(root: Any, layer: Any) -> str:
    """The dotted name of ``layer`` inside ``root`` ("features.3"), "" when it is not found."""
    return next((path for path, child in _submodules(root) if child is layer), "")


def _layer(frames: list[tuple[FrameType, int]], submission_dir: str) -> dict[str, Any] | None:
    """The innermost torch layer running when the exception was raised, called from the
    learner's code: its name in the learner's model, type, settings and the input it got."""
    for index in range(len(frames) - 1, -1, -1):
        frame = frames[index][0]
        if TORCH_LAYERS not in frame.f_code.co_filename:
            continue
        layer = frame.f_locals.get("self")
        if not _is_module(layer) or not str(_MODULE.__get__(type(layer))).startswith("torch.nn."):
            continue
        names = frame.f_code.co_varnames[1 : frame.f_code.co_argcount]
        given = next((frame.f_locals.get(n) for n in names if _shape(frame.f_locals.get(n))), None)
        owners = [f.f_locals.get("self") for f, _ in frames[:index] if _own(f, submission_dir)]
        root = next((o for o in owners if _is_module(o)), None)
        settings = {k: v for k, v in _fields(layer).items() if k in SETTINGS}
        parameters = _fields(layer).get("_parameters")
        weight = parameters.get("weight") if isinstance(parameters, dict) else None
        return {
            "weight": _shape(weight),
            "name": _named(root, layer) if root is not None else "",
            "model": name_of(type(root)) if root is not None else "",
            "type": name_of(type(layer)),
            "settings": {k: list(v) if type(v) is tuple else v for k, v in settings.items()},
            "input": _shape(given),
        }
    return None


def _chain(node: ast.expr) -> list[str] | None:
    """``self.w.T`` → ["self", "w", "T"]; None for anything else than names and attributes."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def _value(frame: FrameType, chain: list[str]) -> Any:
    """The value a chain of names names in ``frame``, read from dicts only (None when not plain)."""
    value = frame.f_locals.get(chain[0], frame.f_globals.get(chain[0]))
    for part in chain[1:]:
        fields = _fields(value)
        found = fields.get(part)
        if found is None and _is_module(value):
            for store in ("_parameters", "_buffers", "_modules"):
                parts = fields.get(store)
                if isinstance(parts, dict) and part in parts:
                    found = parts[part]
        value = found
    return value


def _line(frame: FrameType, lineno: int) -> dict[str, Any]:
    """The learner's line that raised and the tensors it names, with their shapes."""
    import linecache

    text = linecache.getline(frame.f_code.co_filename, lineno).strip()
    operands: list[list[Any]] = []
    try:
        tree = ast.parse(text if not text.endswith(":") else text + " pass")
    except SyntaxError:
        tree = None
    seen: set[str] = set()
    for node in ast.walk(tree) if tree is not None else ():
        chain = _chain(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
        name = ".".join(chain) if chain else ""
        if not chain or name in seen or len(operands) >= OPERANDS:
            continue
        seen.add(name)
        value = _value(frame, chain)
        shape = _shape(value)
        if shape is not None or (shape := _foreign(value)) is not None:
            operands.append([name, shape])
    found = {"line": lineno, "code": text[:160], "function": frame.f_code.co_name, "operands": operands}
    owner = frame.f_locals.get("self")
    if _is_module(owner):
        found["layers"] = _spatial_layers(owner)
    return found


SPATIAL = 16  # a module's convolutions and poolings sent at most


def _spatial_layers(root: Any) -> list[list[Any]]:
    """The torch convolutions and poolings inside ``root`` (the module whose line raised), in
    registration order: [dotted name, type, {kernel_size, stride, padding}], read from dicts."""
    found: list[list[Any]] = []
    for path, child in _submodules(root):
        kind = name_of(type(child)) if _is_module(child) else ""
        torch_layer = str(_MODULE.__get__(type(child))).startswith("torch.nn.") if kind else False
        if torch_layer and (kind.startswith("Conv") or ("Pool" in kind and "Adaptive" not in kind)):
            fields = _fields(child)
            settings = {k: fields[k] for k in ("kernel_size", "stride", "padding") if k in fields}
            found.append([path, kind, {k: list(v) if type(v) is tuple else v for k, v in settings.items()}])
            if len(found) == SPATIAL:
                break
    return found


def blame(exc: BaseException, submission_dir: str) -> dict[str, Any]:
    """``{"layer": …, "line": …}`` (either may be missing) for an exception raised by torch
    under the learner's code; {} when no learner frame is on its way."""
    frames = _frames(_TRACEBACK.__get__(exc))
    own = [(f, n) for f, n in frames if _own(f, submission_dir)]
    if not own:
        return {}
    found: dict[str, Any] = {}
    try:
        layer = _layer(frames, submission_dir)
        if layer is not None:
            found["layer"] = layer
        found["line"] = _line(*own[-1])
    except Exception:  # an odd object on the way: the message without its place
        pass
    return found


def frames(found: list[traceback.FrameSummary]) -> list[dict[str, Any]]:
    """The innermost frames of the learner's code as data (grader/checks/verdict/places.py words them)."""
    shown = [(Path(f.filename).name, f.lineno or 0, f.name, (f.line or "").strip()) for f in found[-3:]]
    return [dict(zip(("file", "line", "function", "code"), frame, strict=True)) for frame in shown]


def syntax_place(exc: BaseException, submission_dir: str) -> dict[str, Any] | None:
    """A built-in SyntaxError in the submission's own file: its message and place, read only
    where each part is plain (a submission may raise one with anything in it)."""
    if type(exc) not in (SyntaxError, IndentationError, TabError):
        return None
    error = cast(SyntaxError, exc)
    msg, file, line, text = error.msg, error.filename, error.lineno, error.text
    if (
        type(msg) is not str
        or type(file) is not str
        or type(line) is not int
        or type(text) not in (str, type(None))
    ):
        return None
    if not file.startswith(submission_dir + os.sep):
        return None
    return {"msg": msg, "file": Path(file).name, "line": line, "function": "", "code": (text or "").strip()}


def own_frame(frame: FrameType | None, submission_dir: str) -> FrameType | None:
    """The innermost frame running submitted code, from ``frame`` outwards; None if none does."""
    while frame is not None and not frame.f_code.co_filename.startswith(submission_dir + os.sep):
        frame = frame.f_back
    return frame


def holds_tensors(frame: FrameType | None, submission_dir: str) -> bool:
    """Whether the innermost frame of submitted code holds a tensor among its locals (or in a
    list or tuple of them): a loop over elements is slow in tensor code, not in a walk over the
    learner's own objects. Read by type alone: nothing of the submission runs here."""
    torch = sys.modules.get("torch")
    frame = own_frame(frame, submission_dir)
    if frame is None or torch is None:
        return False
    tensor = torch.Tensor
    found = list(dict.copy(frame.f_locals).values())
    found += [v for value in found if type(value) in (list, tuple) for v in value[:64]]
    return any(issubclass(type(value), tensor) for value in found)
