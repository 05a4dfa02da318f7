"""Tools that probes use inside the worker (the untrusted process).

A probe is a small function from a hidden suite, shipped to the worker as source and
called as ``probe(mod, *args)`` with ``mod`` the submitted module. Its namespace holds
``torch``, ``nn``, ``F``, ``math`` and this module as ``kit``. Probes return plain data;
the judging happens back in the trusted process.

The recorders here run next to submitted code, so they are teaching checks, not
security: the values a submission returns are always judged as well.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten


class _AtenRecorder(TorchDispatchMode):
    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self.names = names

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.names.add(str(func.overloadpacket.__name__))
        return func(*args, **(kwargs or {}))


class _FunctionRecorder(TorchFunctionMode):
    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self.names = names

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.names.add(str(getattr(func, "__name__", func)))
        return func(*args, **(kwargs or {}))


def ops_used(call: Callable[[], Any]) -> tuple[Any, list[str]]:
    """Run ``call()``; return (its result, the names of the torch functions and aten ops it used).

    Two levels are recorded: torch functions as called (``l1_loss``, ``softmax``,
    ``special_expit``) and the aten ops they dispatch, where one name covers every alias
    (``torch.softmax``, ``F.softmax`` and ``x.softmax`` all reach ``_softmax``) and the
    insides of composites show (``F.cross_entropy`` reaches ``_log_softmax``).
    """
    names: set[str] = set()
    with _FunctionRecorder(names), _AtenRecorder(names):
        result = call()
    return result, sorted(names)


class _OpCounter(TorchDispatchMode):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.count += 1
        return func(*args, **(kwargs or {}))


def count_ops(call: Callable[[], Any]) -> tuple[Any, int]:
    """Run ``call()``; return (its result, how many aten ops it dispatched).

    "Vectorised" means this count does not grow with the input size: a Python loop over
    rows dispatches ops per row.
    """
    with _OpCounter() as counter:
        result = call()
    return result, counter.count


class DeviceMismatch(RuntimeError):
    """An op mixed tensors of two devices (CUDA would refuse it)."""


class DeviceRule(TorchDispatchMode):
    """Enforce CUDA's same-device rule on any device, e.g. ``meta`` inputs on a CPU machine.

    Every non-0-dim tensor argument of one op must share a device; 0-dim CPU tensors
    and CPU index tensors are allowed, as on CUDA.
    """

    _INDEX_OPS = {"index", "index_put_", "index_put"}

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        flat, _ = tree_flatten((args, kwargs))
        devices = {
            t.device
            for t in flat
            if isinstance(t, torch.Tensor) and not (t.dim() == 0 and t.device.type == "cpu")
        }
        name = str(func.overloadpacket.__name__)
        if len(devices) > 1 and name not in self._INDEX_OPS:
            raise DeviceMismatch(f"{name} mixed tensors on {sorted(map(str, devices))}")
        return func(*args, **kwargs)


def device_trace(call: Callable[[], Any]) -> dict[str, Any]:
    """Run ``call()`` under :class:`DeviceRule`; report the outcome as plain data.

    Returns ``{"ok": True, "value": ...}``, ``{"ok": False, "mismatch": message}`` or
    ``{"ok": None, "inconclusive": message}`` when the code needs real data (``.item()``,
    boolean masks…), which meta tensors do not have.
    """
    try:
        with DeviceRule():
            value = call()
    except DeviceMismatch as exc:
        return {"ok": False, "mismatch": str(exc)}
    except RuntimeError as exc:
        text = str(exc)
        if "is not on the expected device" in text or "Expected all tensors to be on the same device" in text:
            return {"ok": False, "mismatch": text.splitlines()[0]}
        return {"ok": None, "inconclusive": text.splitlines()[0] if text else type(exc).__name__}
    except NotImplementedError as exc:
        return {"ok": None, "inconclusive": str(exc).splitlines()[0] if str(exc) else "not implemented"}
    return {"ok": True, "value": value}


def devices_of_result(trace: dict[str, Any]) -> dict[str, Any]:
    """Replace a device trace's ``value`` by the devices of the tensors in it (plain data)."""
    if "value" in trace:
        flat, _ = tree_flatten(trace.pop("value"))
        trace["devices"] = sorted({str(t.device) for t in flat if isinstance(t, torch.Tensor)})
    return trace


def to_plain(value: Any, depth: int = 0) -> Any:
    """Turn a probe's result into what ``torch.load(weights_only=True)`` accepts."""
    if depth > 20:
        return "<not plain data: nested too deep>"
    if isinstance(value, torch.Tensor):
        plain = value.detach()
        if type(plain) is not torch.Tensor:
            plain = plain.as_subclass(torch.Tensor)
        return plain
    if value is None or isinstance(value, (torch.Size, torch.dtype, torch.device)):
        return value
    plain_type: Any
    for plain_type in (bool, int, float, complex, str, bytes):  # np.float64, IntEnum… to the base type
        if isinstance(value, plain_type):
            return plain_type(value)
    if isinstance(value, (list, tuple)):
        items = [to_plain(v, depth + 1) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {
            to_plain(k, depth + 1) if isinstance(k, (str, int)) else str(k): to_plain(v, depth + 1)
            for k, v in value.items()
        }
    module = type(value).__module__
    if module == "numpy" or module.startswith("numpy."):
        try:
            return to_plain(torch.as_tensor(value), depth + 1)
        except (TypeError, RuntimeError):  # object or string arrays: torch cannot hold them
            return f"<not plain data: numpy {getattr(value, 'dtype', type(value).__name__)}>"
    return f"<not plain data: {type(value).__name__}>"
