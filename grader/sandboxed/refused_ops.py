"""The twins' aten ops replaced at the dispatcher, for every thread, while a graded call runs and
until its answer is plain data (:func:`grader.sandboxed.probe_kit.answering`): docs/engine.md,
"No-twin checks". A replaced op notes that it ran and gives NaN shaped by its meta kernel, or raises.

A twin that is a backward kernel (``softplus_backward``: σ is softplus's derivative) is the
exercise's only where its code runs it: inside a recorded call, or with graded code's frame on the
thread's stack; the gradient a check takes after the call (of an honest ``exp(−softplus(−x))``)
runs the kernel torch had."""

from __future__ import annotations

import functools
import math
import sys
import threading
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch.utils._pytree import tree_map

from grader.sandboxed import callers, charged
from grader.sandboxed.guarded import OffLimitsOp

_FRAME, _GRADED_FRAME = sys._getframe, callers.graded_frame


def _on_meta(value: Any) -> Any:
    return value.to("meta") if isinstance(value, torch.Tensor) else value


def _nonsense(value: Any) -> Any:
    """NaN (zeros for integers) in the place of a tensor of the meta kernel's answer."""
    if not isinstance(value, torch.Tensor):
        return value
    return torch.full(value.shape, math.nan if value.dtype.is_floating_point else 0, dtype=value.dtype)


def _refused_output(op: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What a replaced op gives: :func:`_nonsense` shaped as its meta kernel says."""
    try:
        shaped = op(*tree_map(_on_meta, args), **tree_map(_on_meta, kwargs))
    except Exception:
        raise OffLimitsOp(f"{op.name()} is off limits in this exercise") from None
    return tree_map(_nonsense, shaped)


class Window:
    """Where a replaced op notes that it ran, and whether a recorded call is in flight."""

    def __init__(self) -> None:
        self.refused: set[str] = set()
        self.calling = True

    def note(self, name: str) -> None:
        self.refused.add(name)


def _refusing(op: Any, name: str, window: Window, shaped: bool) -> Callable[..., Any]:
    def kernel(*args: Any, **kwargs: Any) -> Any:
        if not charged.Answers.asking:
            window.note(name)
        if shaped and (not window.calling or threading.current_thread() is not threading.main_thread()):
            return _refused_output(op, args, kwargs)  # a raise in a thread torch started ends the worker
        # in the recorded call's own thread it raises at once, as a composite does: shaping the
        # answer first could import sympy for the meta kernel (a zygote started without it: ~0.3 s
        # of CPU, past the probe's limit, and the twin was told as a stall)
        raise OffLimitsOp(f"{name} is off limits in this exercise")

    return kernel


def _refusing_where_run(op: Any, name: str, window: Window, key: str) -> Callable[..., Any]:
    """A backward kernel's replacement: refused where the exercise's code runs it, torch's kernel
    (fetched before the replacement) for the gradient a check takes."""
    torchs, refuse = torch.library.get_kernel(op, key), _refusing(op, name, window, key == "CPU")

    def kernel(keys: Any, *args: Any, **kwargs: Any) -> Any:
        if window.calling or _GRADED_FRAME(_FRAME(1)) is not None:  # graded code runs it
            return refuse(*args, **kwargs)
        return torchs.call_boxed(keys, *args, **kwargs)

    return kernel


def _has_kernel(op: str, key: str) -> bool:
    """Whether the dispatcher holds a kernel of ``op`` for ``key`` (an overload torch declares
    only in Python, ``einsum.sublist``, has no entry there)."""
    try:
        return bool(torch._C._dispatch_has_kernel_for_dispatch_key(op, key))
    except RuntimeError:
        return False


Kernel = tuple[Any, str, str]  # (op, its name, the dispatch key of the kernel replaced)


@functools.cache  # the dispatcher's table is fixed once the worker is sealed
def all_kernels(names: frozenset[str]) -> tuple[Kernel, ...]:
    """(op, its name, the key of its kernel) of every overload of the aten ops among ``names``
    (the others, torch functions the recorder also names, are left): the backend kernel (CPU;
    the second device runs on it), or the composite one, which decomposes first."""
    found = []
    for name in sorted(names | {f"{n}_" for n in names if not n.endswith("_")}):  # in-place forms too
        packet = getattr(torch.ops.aten, name, None)
        if isinstance(packet, torch._ops.OpOverloadPacket):
            for overload in packet.overloads():
                op = getattr(packet, overload)
                for key in ("CPU", "CompositeExplicitAutograd", "CompositeImplicitAutograd"):
                    if _has_kernel(op.name(), key):
                        found.append((op, name, key))
                        break
    return tuple(found)


@functools.cache
def kernels(names: frozenset[str]) -> tuple[Kernel, ...]:
    """The kernels a recorded call outside a probe's answer replaces (a probe's own hold every one
    of :func:`all_kernels`): composites only when no name has a backend kernel. A composite
    replaced can only raise (it has no meta kernel to shape its NaN), and a raise in a thread torch
    started in C++ ends the worker; the sets name the leaves their composites reach (``softmax``
    and ``_softmax``)."""
    found = all_kernels(names)
    return tuple(k for k in found if k[2] == "CPU") or found


def replaced(kernels: Iterable[Kernel], window: Window) -> torch.library.Library | None:
    """A library that replaces ``kernels`` for every thread."""
    library = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "overriding a previously registered kernel"
        for op, name, key in kernels:
            library = library or torch.library.Library("aten", "IMPL")
            qualified = op.name().split("::", 1)[1]  # "_softmax" or "_softmax.out"
            try:
                if name.endswith("backward"):  # a gradient kernel: softplus_backward
                    where_run = _refusing_where_run(op, name, window, key)
                    library.impl(qualified, where_run, key, with_keyset=True)
                else:
                    library.impl(qualified, _refusing(op, name, window, key == "CPU"), key)
            except RuntimeError:  # an overload the dispatcher will not take from Python: the recorder's
                continue
    return library


def destroy(library: torch.library.Library | None) -> None:
    if library is not None:
        library._destroy()


class Held(Window):
    """The twins of a probe's calls, held replaced until its answer is sent (:func:`answering`)
    from the first call on, composites included (``l1_loss`` raises in a recorded call too: a
    twin reached, as its recorder tells it)."""

    def __init__(self) -> None:
        super().__init__()
        self.calling = False
        self.on = False
        self.names: frozenset[str] = frozenset()
        self.library: torch.library.Library | None = None  # every kernel of names (all_kernels)
        self.outside: set[str] = set()  # the twins a probe ran outside its recorded calls

    def note(self, name: str) -> None:
        super().note(name)
        if not self.calling:
            self.outside.add(name)

    def enter(self, names: frozenset[str]) -> None:
        """A call refusing ``names`` begins: those replaced too, composites included, until lifted."""
        if not names <= self.names:
            self.lift()
            self.names = self.names | names
            self.library = replaced(all_kernels(self.names), self)

    def lift(self) -> None:
        destroy(self.library)
        self.library = None
        self.names = frozenset()


HELD = Held()
