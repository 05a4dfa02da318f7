"""A probe's answer as plain data, made in the worker by code that runs nothing of the submission
(docs/engine.md, "Nothing of a submission runs after its probe"): the exact type of each object
decides, a subclass of a plain scalar or container is read as its base type holds it, a tensor is
copied with torch's modes off and a tensor subclass is refused (:data:`SUBCLASS_MARK`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import numpy
import torch
import torch.utils._python_dispatch

from grader.sandboxed.codec_format import FROM_NUMPY

SUBCLASS_MARK = "<not plain data: a subclass of torch.Tensor"
_DEEPEST = 20  # deeper, an item becomes a message (the codec's own limit is further down)
# exact types given back as they are (ids: comparing types never hashes a class)
_PLAIN = frozenset(map(id, (type(None), bool, int, float, complex, str, bytes, torch.dtype, torch.device)))
# a subclass of these is its value as the base type holds it (np.float64, IntEnum, a str subclass)
_SCALARS = (
    (int, int.__int__),
    (float, float.__float__),
    (complex, complex.__complex__),
    (str, str.__str__),
    (bytes, bytes.__bytes__),
)
_TENSORS = frozenset(map(id, (torch.Tensor, torch.nn.Parameter)))
# numpy's own types (its scalars and arrays of numbers), sent as tensors; a subclass is refused
_NUMPY = frozenset(map(id, (numpy.ndarray, *numpy.sctypeDict.values())))
_NUMBERS = frozenset("biufc")  # numpy dtype kinds torch can hold
_NAME = type.__dict__["__name__"]  # a class's name, read without its metaclass


def _name(kind: type) -> str:
    return str(_NAME.__get__(kind))[:100]


@contextmanager
def _untouched() -> Iterator[None]:
    """Torch's function and dispatch modes off (the probe's, the second device's, any left
    pushed): ops on exact tensors run torch's own kernels."""
    with torch._C.DisableTorchFunction(), torch.utils._python_dispatch._disable_current_modes():
        yield


def to_plain(value: Any, devices: set[str] | None = None) -> Any:
    """``value`` as what the channel's codec carries (:mod:`grader.sandboxed.codec`), made by code
    that runs nothing of the submission; tensors are copies that share no memory with it.
    ``devices`` (when given) gathers where its tensors were: ``"second"`` for the second device's."""
    with _untouched():
        return _plain(value, 0, devices)


def _plain(value: Any, depth: int, devices: set[str] | None) -> Any:
    if depth > _DEEPEST:
        return "<not plain data: nested too deep>"
    kind = type(value)
    if id(kind) in _PLAIN:  # the first test: most items of an answer are these
        return value
    if id(kind) in _TENSORS or id(kind) in _WRAPPERS:
        return _tensor(value, devices)
    if kind is torch.Size:
        return _size(value)
    if issubclass(kind, torch.Tensor):
        return f"{SUBCLASS_MARK}: {_name(kind)}>"
    for base, read in _SCALARS:
        if issubclass(kind, base):
            return read(value)
    return _items(value, kind, depth + 1, devices)


def _items(value: Any, kind: type, inner: int, devices: set[str] | None) -> Any:
    """A list, tuple or dict of its items made plain (at depth ``inner``), a numpy array's data;
    anything else said to be no plain data."""
    shallow = inner <= _DEEPEST  # items of a plain type pass as they are, without a call each
    if issubclass(kind, list) or issubclass(kind, tuple):
        items = [
            v if shallow and id(type(v)) in _PLAIN else _plain(v, inner, devices)
            for v in (list.__iter__ if issubclass(kind, list) else tuple.__iter__)(value)
        ]
        return items if issubclass(kind, list) else tuple(items)
    if issubclass(kind, dict):
        return {
            (k if shallow and type(k) is str else _plain_key(k, inner)): (
                v if shallow and id(type(v)) in _PLAIN else _plain(v, inner, devices)
            )
            for k, v in dict.items(value)
        }
    if id(kind) in _NUMPY:
        return _numpy(value, inner, devices)
    return f"<not plain data: {_name(kind)}>"


def _tensor(value: torch.Tensor, devices: set[str] | None) -> Any:
    """A copy of an exact tensor (an nn.Parameter's data, a wrapper's real data) in memory of its
    own: what the submission does to its tensor afterwards reaches no answer."""
    data: Any = value
    unwrap = _WRAPPERS.get(id(type(value)))
    if unwrap is not None:
        data, where = unwrap(value)
        if type(data) is not torch.Tensor:  # a wrapper made without its data (as_subclass)
            return f"{SUBCLASS_MARK}: Tensor>"
    else:
        where = str(value.device)
    if devices is not None:
        devices.add(where)
    return torch.Tensor.detach(data).clone()


def wraps_data(kind: type, unwrap: Callable[[Any], tuple[Any, str]]) -> None:
    """Send a tensor of exactly ``kind`` (a wrapper of the grader's own) as ``unwrap(t)[0]``, the
    real tensor it holds, found on the device named ``unwrap(t)[1]``."""
    _WRAPPERS[id(kind)] = unwrap


_WRAPPERS: dict[int, Callable[[Any], tuple[Any, str]]] = {}


def _size(value: torch.Size) -> Any:
    """A torch.Size of exact ints (torch keeps an int subclass it was given as it is)."""
    dims = list(tuple.__iter__(value))
    if all(type(d) is int for d in dims):
        return value
    if all(issubclass(type(d), int) for d in dims):
        return torch.Size([int.__int__(d) for d in dims])
    return "<not plain data: Size>"


def _numpy(value: Any, depth: int, devices: set[str] | None) -> Any:
    """numpy's own scalars and arrays of numbers as tensors (object or string arrays: a message)."""
    if value.dtype.kind not in _NUMBERS:
        return f"<not plain data: numpy {value.dtype}>"
    try:
        tensor = _plain(torch.as_tensor(value), depth, devices)
    except (TypeError, RuntimeError):  # a type torch cannot hold (uint64 scalars...)
        return f"<not plain data: numpy {value.dtype}>"
    if type(value) is numpy.ndarray and type(tensor) is torch.Tensor:  # named where a tensor is asked
        setattr(tensor, FROM_NUMPY, True)
    return tensor


def _plain_key(key: Any, depth: int) -> Any:
    """A dict key as the codec carries it: str, int or bool; another key as the text of its plain
    form (``(1, 2)`` as ``"(1, 2)"``), written by str() of exact, trusted types only."""
    kind = type(key)
    if issubclass(kind, (str, int)):
        return _plain(key, depth, None)
    if id(kind) in _NUMPY:  # np.int64(4) as "4", as numpy writes it
        return str(key)
    return str(_plain(key, 0, None))


class ReadOnlyModule(ModuleType):
    """The type of the worker's own modules once loaded: assigning or deleting their attributes raises."""

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self.__name__} is read-only: {name} cannot be replaced")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{self.__name__} is read-only: {name} cannot be deleted")


sys.modules[__name__].__class__ = ReadOnlyModule
