"""The probes' shared steps that record nothing at the dispatcher (re-exported by
:mod:`grader.sandboxed.probe_kit`, the probes' ``kit``): which layers a forward applied, by
their weights' use, and the input-domain battery's walkers' steps (grader/checks/cases/battery_walks.py:
in the worker, and on the reference's namespace where its answers are recorded)."""

from __future__ import annotations

import inspect
import sys
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_leaves, tree_map

from grader.sandboxed.plain import ReadOnlyModule


class _WeightUse(TorchFunctionMode):
    def __init__(self, layers: Sequence[Any]) -> None:
        super().__init__()
        self.index = {id(layer.weight): i for i, layer in enumerate(layers)}
        self.order: list[int] = []
        self.calls: list[tuple[int, Any, Any]] = []  # (layer, what it was applied to, what it gave)

    def __torch_function__(
        self, func: Any, types: Iterable[type], args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        kwargs = kwargs or {}
        result = func(*args, **kwargs)
        for value in (*args[1:], *kwargs.values()):  # an operand, not the receiver of a method
            if id(value) in self.index:
                self.order.append(self.index[id(value)])
                self.calls.append((self.index[id(value)], args[0] if args else None, result))
                break
        return result


def layers_applied(layers: Sequence[Any], call: Callable[[], Any]) -> tuple[Any, list[int]]:
    """Run ``call()``; return (its result, the index in ``layers`` of each layer whose weight a torch
    function took as an operand, in call order): a layer called (``conv(x)``) and its weight passed
    by hand (``F.conv2d(x, conv.weight, ...)``) are the same application, which a forward hook
    sees only for the first."""
    with _WeightUse(layers) as use:
        result = call()
    return result, use.order


def layer_calls(layers: Sequence[Any], call: Callable[[], Any]) -> tuple[Any, list[tuple[int, Any, Any]]]:
    """Run ``call()``; return (its result, (the index in ``layers``, the input, the output) of each
    application of a layer's weight, as :func:`layers_applied` sees them): what a layer received
    and gave whether it was called or its weight passed by hand (``F.linear(h, fc.weight)``)."""
    with _WeightUse(layers) as use:
        result = call()
    return result, use.calls


MADE_DTYPES = frozenset({"float16", "bfloat16", "float32", "float64"})  # what a record's dtype may be


class _Makers(TorchFunctionMode):
    """Where each floating tensor of another dtype than ``want`` came from: the torch call on a line
    of ``path`` (the learner's file) that made it, or its first ancestor of that dtype, from no
    tensor of that dtype (a factory, ``.float()``); an op on such a tensor passes its origin on to
    a result of the same dtype (``zeros(n)`` then ``grad[i] = v``, ``out + 1``, a view). A tensor
    made from a NumPy array (``torch.as_tensor``) says so, and ``crossed`` keeps the first line
    where a tensor went to NumPy (``.numpy()``), for what ``torch.from_numpy``, unseen, brought back."""

    def __init__(self, want: torch.dtype, path: str) -> None:
        super().__init__()
        self.want, self.path = want, path
        self.origins: dict[int, tuple[weakref.ref[torch.Tensor], dict[str, Any]]] = {}
        self.crossed = 0

    def origin(self, value: Any) -> dict[str, Any] | None:
        """The record of where tensor ``value`` came from, None where it has none."""
        found = self.origins.get(id(value))
        return found[1] if found is not None and found[0]() is value else None

    def __torch_function__(
        self, func: Any, types: Iterable[type], args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        result = func(*args, **(kwargs or {}))
        if not self.crossed and getattr(func, "__name__", "") in ("numpy", "__array__"):
            self.crossed = self.line()
        if isinstance(result, torch.Tensor) and result.is_floating_point() and result.dtype != self.want:
            given = [t for t in _tensors((*args, *(kwargs or {}).values())) if t.dtype == result.dtype]
            origin = next((o for o in map(self.origin, given) if o is not None), None)
            if origin is None and not given:
                origin = self.made_here(func, result)
                if origin is not None and any(a is float for a in (*args, *(kwargs or {}).values())):
                    origin["python_float"] = True  # .to(float): Python's float is torch.float64
                if origin is not None and any(_numpy_array(a) for a in args):
                    origin["numpy"] = True
            if origin is not None:
                self.origins[id(result)] = (weakref.ref(result), origin)
        return result

    def made_here(self, func: Any, result: torch.Tensor) -> dict[str, Any] | None:
        """The record of ``result``, made by ``func`` on a line of the learner's code (a probe's own
        tensors have none: None)."""
        line = self.line()
        if not line:
            return None
        name = getattr(func, "__name__", "")
        return {
            "name": name,
            "method": getattr(torch.Tensor, name, None) is func,
            "dtype": str(result.dtype).removeprefix("torch."),
            "want": str(self.want).removeprefix("torch."),
            "shape": list(result.shape),
            "line": line,
        }

    def line(self) -> int:
        frame = inspect.currentframe()
        while frame is not None and frame.f_code.co_filename != self.path:
            frame = frame.f_back
        return frame.f_lineno if frame is not None else 0


def _tensors(values: Iterable[Any], depth: int = 2) -> Iterator[torch.Tensor]:
    """The tensors among ``values`` and in their lists and tuples (``torch.cat([a, b])``'s)."""
    for value in values:
        if isinstance(value, torch.Tensor):
            yield value
        elif depth and isinstance(value, (list, tuple, dict)):
            yield from _tensors(value.values() if isinstance(value, dict) else value, depth - 1)


def dtype_maker(call: Callable[[], Any], want: torch.dtype, path: str) -> tuple[Any, dict[str, Any] | None]:
    """(``call()``, where the first tensor of its answer in a floating dtype other than ``want``
    came from: the torch name, dtype, shape and line in ``path`` of the call that made it or its
    first ancestor of that dtype; None where none was made on a line of ``path``)."""
    with _Makers(want, path) as makers:
        result = call()
    for tensor in _tensors((result,), depth=3):
        if tensor.is_floating_point() and tensor.dtype != want:
            origin = makers.origin(tensor)
            if origin is None and makers.crossed and tensor.dtype == torch.float64:  # NumPy's default
                origin = dict(name="from_numpy", dtype="float64", shape=list(tensor.shape), numpy=True)
                origin["line"] = makers.crossed
            return result, origin
    return result, None


def _numpy_array(value: Any) -> bool:
    numpy = sys.modules.get("numpy")
    return numpy is not None and isinstance(value, numpy.ndarray)


def dtype_noted(
    function: Callable[..., Any], args: Sequence[Any], kwargs: dict[str, Any], path: str
) -> tuple[Any, dict[str, Any] | None]:
    """``function(*args, **kwargs)`` and, where it answered a tensor of another floating dtype than
    its first floating tensor argument's (not float32), what :func:`dtype_maker` saw a second call,
    on copies, make in that dtype; None otherwise. The answer judged is the plain call's: code
    that behaves otherwise under a torch function mode changes a hint, never a grade."""
    out = function(*args, **kwargs)
    floats = [a.dtype for a in args if isinstance(a, torch.Tensor) and a.is_floating_point()]
    if not floats or floats[0] == torch.float32 or not isinstance(out, torch.Tensor):
        return out, None
    if not out.is_floating_point() or out.dtype == floats[0]:
        return out, None
    copies = [a.detach().clone() if isinstance(a, torch.Tensor) else a for a in args]
    try:
        return out, dtype_maker(lambda: function(*copies, **kwargs), floats[0], path)[1]
    except Exception:  # the hint's own call: the plain one above is the answer
        return out, None


def noted(found: dict[str, Any], **extras: Any) -> None:
    """Each of ``extras`` that is not None into ``found`` (a result has no key for what was not asked)."""
    found.update({key: value for key, value in extras.items() if value is not None})


# -- the battery's walkers' shared steps


def noncontiguous(t: Any) -> Any:
    """The same values behind other strides: every axis stored in the reverse order (column-major,
    as x.T of a contiguous tensor), so that a view merging any two adjacent axes raises (N and C
    as well as H and W), and dense, so that clone keeps it; a 1-D tensor every other element."""
    if not isinstance(t, torch.Tensor) or t.dim() == 0:
        return t
    if t.dim() == 1:
        return torch.stack([t, torch.zeros_like(t)], dim=-1).select(-1, 0)
    reverse = tuple(reversed(range(t.dim())))
    return t.permute(reverse).contiguous().permute(reverse)


_FORMS: dict[str, Callable[[Any], Any]] = {  # grader/checks/domains.py FORMS
    "list": list,
    "tuple": tuple,
    "iterator": iter,
    "generator": lambda value: (v for v in value),
    "int": int,
    "float": float,
}


def given(value: Any, form: str) -> Any:
    """The same values in another form an argument may take: a tuple for a list, a one-shot
    iterator or generator (``model.parameters()``) for a sequence, an int or a float for a number."""
    return _FORMS[form](value)


_NAMED_FUNCTIONS: dict[str, Callable[[Any], Any]] = {  # what a case names for the worker to build
    "cube": lambda t: t**3,
    "view": lambda t: t.reshape(-1)[: max(1, t.numel() // 2)],
    "first": lambda t: t.reshape(-1)[0],  # a 0-dim view of a contiguous t
    "sum_sq": lambda t: (t * t).sum(),
    "exp30": lambda t: torch.exp(30 * t).sum(),
    "float_poly": lambda t: float((t**3 - 2 * t).sum()),
}


def resolved(a: Any) -> Any:
    """A case's argument as the call takes it: a seeded generator or a named function where the
    case names one (grader/checks/domains.py: seeded_generator, named_function)."""
    if isinstance(a, tuple) and len(a) == 2 and a[0] == "__gen__":
        return torch.Generator().manual_seed(a[1])
    if isinstance(a, tuple) and len(a) == 2 and a[0] == "__fn__":
        return _NAMED_FUNCTIONS[a[1]]
    if isinstance(a, list):
        return [resolved(x) for x in a]
    return a


def same_values(a: Any, b: torch.Tensor) -> bool:
    """``a`` is a tensor of ``b``'s shape and values (NaN equal to NaN)."""
    return (
        isinstance(a, torch.Tensor)
        and a.shape == b.shape
        and bool(torch.equal(a.nan_to_num(7.0), b.nan_to_num(7.0)))
    )


def type_names(value: Any, depth: int = 0) -> Any:
    """The exact type of a result, as plain data: numpy's arrays and scalars reach the trusted side
    as tensors and numbers, an int as a number, so the type comes back named ("Tensor", "float",
    "int", "bool", "ndarray", "float32"...; a subclass of float or int as its base); a list or
    tuple as the list of its items' names (either sequence, as the values' judge takes them), a
    dict as its values' names."""
    if isinstance(value, torch.Tensor):
        return "Tensor"
    if isinstance(value, (list, tuple)) and depth < 3:
        return [type_names(v, depth + 1) for v in value[:64]]
    if isinstance(value, dict) and depth < 3:
        return {str(k): type_names(v, depth + 1) for k, v in list(value.items())[:64]}
    for base in (bool, int, float):
        if isinstance(value, base):
            return base.__name__
    return type(value).__name__


def input_grads(model: Any, x: Any, train: bool) -> list[Any]:
    """The gradients of ``model``'s output (its elements weighted 0.5 to 1.5) fed ``x`` (:func:`fed`)
    into each of its floating tensors, in training mode or not: a branch cut from one (``no_grad``,
    ``.detach()``) answers the same values, never its gradient; None each where the output itself
    is cut from autograd (``out.detach()``)."""
    model.train(train)
    leaves = mapped(x, lambda t: t.detach().clone().requires_grad_(True) if t.is_floating_point() else t)
    wanted = [t for t in fed_tensors(leaves) if t.requires_grad]
    out = feed(model, leaves)
    if not out.requires_grad:
        return [None] * len(wanted)
    (out * torch.linspace(0.5, 1.5, out.numel(), dtype=out.dtype).reshape(out.shape)).sum().backward()
    return [t.grad for t in wanted]


def rows_unlearned(model: Any, x: torch.Tensor, train: bool) -> int:
    """How many rows of ``model``'s parameters (a bias's elements, a weight's output rows) get an
    all-zero gradient from its output on ``x`` (weighted 0.5 to 1.5): a row frozen, detached or
    never reached learns nothing."""
    model.train(train)
    model.zero_grad(set_to_none=True)
    out = feed(model, x)
    if out.requires_grad:
        (out * torch.linspace(0.5, 1.5, out.numel(), dtype=out.dtype).reshape(out.shape)).sum().backward()
    rows = 0
    for p in model.parameters():
        grad = torch.zeros_like(p) if p.grad is None else p.grad
        rows += int((grad.reshape(max(p.shape[0], 1) if p.dim() else 1, -1) == 0).all(1).sum())
    return rows


def as_double(model: Any, inputs: Sequence[Any]) -> list[Any]:
    """``model.double()`` in place, and ``inputs`` with their floating tensors in float64."""
    model.double()
    return [mapped(x, lambda t: t.double() if t.is_floating_point() else t) for x in inputs]


# A module case's input (grader/checks/domains.py ``forward``): a tensor, fed as ``model(x)``, or
# (FORWARD, args, kwargs), fed as ``model(*args, **kwargs)``
FORWARD = "__forward__"


def fed(x: Any) -> tuple[Sequence[Any], dict[str, Any]]:
    """(the positional arguments, the keywords) a module case's input ``x`` stands for."""
    if isinstance(x, (tuple, list)) and len(x) == 3 and x[0] == FORWARD:
        return x[1], x[2]
    return (x,), {}


def feed(model: Any, x: Any) -> Any:
    """``model`` called on its input ``x`` (:func:`fed`)."""
    args, kwargs = fed(x)
    return model(*args, **kwargs)


def mapped(x: Any, change: Callable[[torch.Tensor], Any]) -> Any:
    """A module case's input ``x`` with ``change`` applied to each of its tensors."""
    return tree_map(lambda t: change(t) if isinstance(t, torch.Tensor) else t, x)


def fed_tensors(x: Any) -> list[torch.Tensor]:
    """The tensors of a module case's input ``x``: its positional ones, then its keywords'."""
    return [t for t in tree_leaves(x) if isinstance(t, torch.Tensor)]


def uncalled(model: Any, kinds: Sequence[str]) -> Callable[[], list[str]]:
    """Watch every submodule of ``model`` whose class is named in ``kinds`` (``"Linear"``); the
    returned function lists, in order, the ones forward never called as a module so far (a weight
    used by hand, ``F.linear(h, fc.weight)``, is no call)."""
    calls: dict[str, int] = {}
    for name, m in model.named_modules():
        if type(m).__name__ in kinds:
            calls[name] = 0
            m.register_forward_hook(lambda _m, _i, _o, key=name: calls.__setitem__(key, calls[key] + 1))
    return lambda: [name for name, n in calls.items() if not n]


def attribute(mod: Any, name: str) -> Any:
    """``mod``'s attribute at a dotted ``name`` (``Value.relu``)."""
    obj = mod
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def each_case(
    cases: Sequence[dict[str, Any]], kinds: dict[str, Callable[[dict[str, Any]], Any]]
) -> list[Any]:
    """Each case's result by its kind's walker; one that raised as ``{"error": text}`` (its own
    dimension named), a stub's NotImplementedError raised (not started, as every other check says)."""
    found = []
    for case in cases:
        try:
            found.append(kinds[case["kind"]](case))
        except NotImplementedError:
            raise
        except Exception as error:
            found.append({"error": f"{type(error).__name__}: {error}"[:300]})
    return found


def shares(out: Any, args: Sequence[Any]) -> bool:
    """Whether a result (or an item of it) shares memory with a tensor argument."""
    outs = out if isinstance(out, (tuple, list)) else [out]
    ptrs = {a.untyped_storage().data_ptr() for a in args if isinstance(a, torch.Tensor) and a.numel()}
    return any(
        isinstance(o, torch.Tensor) and o.numel() and o.untyped_storage().data_ptr() in ptrs for o in outs
    )


def weighted_backward(out: Any, args: Sequence[Any], wrt: Sequence[int]) -> tuple[list[Any], Any]:
    """(the gradients into ``args[i]`` for i in ``wrt``, the result detached) of the sum of each
    tensor of ``out`` (a tensor, or a tuple of them: attention's out and weights) weighted 0.5 to 1.5."""
    outs = [o for o in (out if isinstance(out, (tuple, list)) else [out]) if isinstance(o, torch.Tensor)]
    total = torch.zeros(())
    for o in outs:
        total = total + (o * torch.linspace(0.5, 1.5, o.numel(), dtype=o.dtype).reshape(o.shape)).sum()
    total.backward()
    if isinstance(out, torch.Tensor):
        return [args[i].grad for i in wrt], out.detach()
    return [args[i].grad for i in wrt], [o.detach() if isinstance(o, torch.Tensor) else o for o in out]


def fill_by_shape(model: Any) -> None:
    """Every weight drawn from its shape alone, every other parameter (biases, norms) from its length
    and kind: equal structures answer alike whatever their layers' names and order."""
    with torch.no_grad():
        for m in model.modules():
            norm = isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
            for pname, p in m.named_parameters(recurse=False):
                seed = 7 if norm and pname == "weight" else 3 if norm else 1
                for size in p.shape:
                    seed = (seed * 1009 + size) % 2**31
                drawn = torch.randn(p.shape, generator=torch.Generator().manual_seed(seed), dtype=p.dtype)
                if norm:
                    p.copy_((1.0 if pname == "weight" else 0.0) + 0.1 * drawn)
                else:
                    p.copy_(drawn / max(1, p[0].numel() if p.dim() > 1 else 4) ** 0.5)


sys.modules[__name__].__class__ = ReadOnlyModule
