"""Tools that probes use inside the worker (the untrusted process).

A probe is a small function from a hidden suite, shipped to the worker as source and
called as ``probe(mod, *args)`` with ``mod`` the submitted module. Its namespace holds
``torch``, ``nn``, ``F``, ``math`` and this module as ``kit``. Probes return plain data;
the judging happens back in the trusted process.

The recorders here run next to submitted code, so they are teaching checks, not
security: the values a submission returns are always judged as well, and a submission that
reaches into this module is refused on the trusted side (:mod:`grader.engine.subset`). The module is
read-only once loaded (``kit.ops_used = ...`` raises), which only makes tampering harder.
"""

from __future__ import annotations

import functools
import math
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType, ModuleType
from typing import Any

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode, return_and_correct_aliasing
from torch.utils._pytree import tree_flatten, tree_map


def _caller(code: Any, helpers: set[Any]) -> str | None:
    """Where the learner's code made the op in flight: ``"name, line N"`` of the innermost
    frame whose globals are the submitted module's; None inside one of ``helpers``
    (functions the docstring tells the learner to use); ``"outside your functions"`` where
    no frame of the module is on the stack."""
    frame: FrameType | None = sys._getframe(1)
    where = None
    while frame is not None:
        if frame.f_code in helpers:  # the module's own helper, or :func:`_through`
            return None
        if frame.f_globals is code and where is None:
            where = f"{frame.f_code.co_qualname}, line {frame.f_lineno}"
        frame = frame.f_back
    return where or "outside your functions"


class _Recorder:
    def __init__(self, module_globals: Any, helpers: set[Any]) -> None:
        self.module_globals = module_globals
        self.helpers = helpers
        self.seen: dict[str, str] = {}

    def note(self, name: str) -> None:
        if name not in self.seen:
            where = _caller(self.module_globals, self.helpers)
            if where is not None:
                self.seen[name] = where


class _AtenRecorder(TorchDispatchMode):
    def __init__(self, recorder: _Recorder) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # torch leaves the mode's __init__ unannotated
        self.recorder = recorder

    def __torch_dispatch__(
        self, func: Any, types: Iterable[type], args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        self.recorder.note(str(func.overloadpacket.__name__))
        return func(*args, **(kwargs or {}))


class _FunctionRecorder(TorchFunctionMode):
    def __init__(self, recorder: _Recorder) -> None:
        super().__init__()
        self.recorder = recorder

    def __torch_function__(
        self, func: Any, types: Iterable[type], args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        self.recorder.note(str(getattr(func, "__name__", func)))
        return func(*args, **(kwargs or {}))


# -- off-limits ops, replaced at the dispatcher ---------------------------------------------
# The recorders above are thread-local and live next to the submission: code that runs the twin
# in a thread torch starts in C++ (torch.utils.throughput_benchmark) is invisible to them. So
# while a graded call runs, the off-limits ops are replaced for every thread at the dispatcher,
# where graded code cannot reach: a replaced op notes that it was called and gives NaN (zeros
# for integers) of the right shape, or raises where no shape can be had; the call's result is
# then replaced by OFF_LIMITS_MARK, which the trusted side judges (grader.checks.judge).

OFF_LIMITS_MARK = "<off limits: "


class OffLimitsOp(RuntimeError):
    """An op the docstring puts off limits was called while it was replaced."""


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


def _refusing(op: Any, name: str, refused: set[str], shaped: bool) -> Callable[..., Any]:
    def kernel(*args: Any, **kwargs: Any) -> Any:
        refused.add(name)
        if shaped:
            return _refused_output(op, args, kwargs)
        raise OffLimitsOp(f"{name} is off limits in this exercise")

    return kernel


def _has_kernel(op: str, key: str) -> bool:
    """Whether the dispatcher holds a kernel of ``op`` for ``key`` (an overload torch declares
    only in Python, ``einsum.sublist``, has no entry there)."""
    try:
        return bool(torch._C._dispatch_has_kernel_for_dispatch_key(op, key))
    except RuntimeError:
        return False


def _kernels(names: Iterable[str]) -> list[tuple[Any, str, str]]:
    """(op, its name, the key of its kernel) of every overload of the aten ops among ``names``
    (the others, torch functions the recorder also names, are left): the backend kernel (CPU;
    the second device runs on it), or the composite one, which decomposes first. Composites
    only when no name has a backend kernel: a composite replaced can only raise (it has no meta
    kernel to shape its NaN), and a raise in a thread torch started in C++ ends the worker;
    the sets name the leaves their composites reach (``softmax`` and ``_softmax``)."""
    found = []
    for name in sorted(set(names)):
        packet = getattr(torch.ops.aten, name, None)
        if isinstance(packet, torch._ops.OpOverloadPacket):
            for overload in packet.overloads():
                op = getattr(packet, overload)
                for key in ("CPU", "CompositeImplicitAutograd"):
                    if _has_kernel(op.name(), key):
                        found.append((op, name, key))
                        break
    leaves = [k for k in found if k[2] == "CPU"]
    return leaves or found


def _replaced(names: Iterable[str], refused: set[str]) -> torch.library.Library | None:
    """A library that replaces the kernels of :func:`_kernels` for every thread."""
    library = None
    for op, name, key in _kernels(names):
        library = library or torch.library.Library("aten", "IMPL")
        qualified = op.name().split("::", 1)[1]  # "_softmax" or "_softmax.out"
        try:
            library.impl(qualified, _refusing(op, name, refused, key == "CPU"), key)
        except RuntimeError:  # an overload the dispatcher will not take from Python: the recorder's
            continue
    return library


@contextmanager
def off_limits(names: Iterable[str]) -> Iterator[set[str]]:
    """Inside: the aten ops among ``names`` are replaced at the dispatcher, in every thread;
    yields the set of those that were called."""
    refused: set[str] = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "overriding a previously registered kernel"
        library = _replaced(names, refused)
    try:
        yield refused
    finally:
        if library is not None:
            library._destroy()


def ops_used(
    call: Callable[[], Any], mod: Any = None, helpers: tuple[str, ...] = (), off: Iterable[str] = ()
) -> tuple[Any, dict[str, str]]:
    """Run ``call()``; return (its result, {name of a torch function or aten op it used: where}).

    Two levels are recorded: torch functions as called (``l1_loss``, ``softmax``,
    ``special_expit``) and the aten ops they dispatch, where one name covers every alias
    (``torch.softmax``, ``F.softmax`` and ``x.softmax`` all reach ``_softmax``) and the
    insides of composites show (``F.cross_entropy`` reaches ``_log_softmax``).

    "Where" is the function of the submitted module ``mod`` and the line that made the op
    (``"hard_sigmoid, line 3"``). Ops made inside ``helpers`` — functions of ``mod`` that the
    docstring tells the learner to use, judged by their own checks — are not recorded.

    The aten ops among ``off`` are replaced while the call runs (:func:`off_limits`); when one
    was called, in whatever thread, the result is :data:`OFF_LIMITS_MARK` naming them.
    """
    helper_codes = {getattr(getattr(mod, h, None), "__code__", None) for h in helpers} - {None}
    recorder = _Recorder(getattr(mod, "__dict__", None), helper_codes | {_through.__code__})
    with off_limits(off) as refused, _framed(mod, helpers):
        try:
            with _FunctionRecorder(recorder), _AtenRecorder(recorder):
                result = call()
        except OffLimitsOp:
            result = None
    result = OFF_LIMITS_MARK + ", ".join(sorted(refused)) + ">" if refused else result
    return result, dict(sorted(recorder.seen.items()))


def _through(helper: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:  # a frame of its own
    return helper(*args, **kwargs)


@contextmanager
def _framed(mod: Any, helpers: tuple[str, ...]) -> Iterator[None]:
    """Inside: ``mod``'s helpers with no Python frame (a ``functools.partial``) go through :func:`_through`."""
    found = ((name, getattr(mod, name, None)) for name in helpers)
    swapped = {name: value for name, value in found if callable(value) and not hasattr(value, "__code__")}
    for name, value in swapped.items():
        setattr(mod, name, functools.partial(_through, value))
    try:
        yield
    finally:
        for name, value in swapped.items():
            setattr(mod, name, value)


class _OpCounter(TorchDispatchMode):
    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # torch leaves the mode's __init__ unannotated
        self.count = 0

    def __torch_dispatch__(
        self, func: Any, types: Iterable[type], args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
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


# -- the second device ------------------------------------------------------------------------
# A stand-in for a GPU on a CPU-only machine. Tensors "on the second device" hold real CPU
# data and report the ``meta`` device (the one device besides the CPU that every torch build
# has and that the autograd engine runs on the calling thread); an op that mixes them with
# CPU tensors raises DeviceMismatch where CUDA would raise, so ``.item()``, masks and indexing
# work and a wrong-device allocation is still caught.

# What graded code sees of the second device is a GPU's name, ``cuda:0`` (``x.device``,
# ``x.is_cuda``, ``get_device()``, ``type()``, ``repr``; :class:`_SecondDeviceFactories`): code
# that built on the input's device only when it saw the stand-in's name (``meta``) is as wrong
# here as on a GPU. Underneath, the wrapper reports ``meta`` to torch's C++ (autograd asks a
# CUDA device for its stream, which a build without CUDA cannot give), and ``cuda`` arguments
# (``device=x.device``, ``.to(x.device)``, ``.cuda()``) are read as ``meta`` inside the mode.
SECOND_DEVICE = torch.device("cuda", 0)
_UNDERNEATH = torch.device("meta")
SECOND_DEVICE_NAME = "the second device"
_INDEX_OPS = {"index", "index_put", "index_put_", "_index_put_impl_"}


class DeviceMismatch(RuntimeError):
    """An op mixed tensors of the second device with CPU tensors (CUDA would refuse it)."""


class OnSecondDevice(torch.Tensor):
    """A real CPU tensor (``cpu_data``) that says it lives on :data:`SECOND_DEVICE`."""

    cpu_data: torch.Tensor

    @staticmethod
    def __new__(cls, inner: torch.Tensor) -> OnSecondDevice:
        return torch.Tensor._make_wrapper_subclass(
            cls,
            inner.shape,
            strides=inner.stride(),
            storage_offset=inner.storage_offset(),
            dtype=inner.dtype,
            layout=inner.layout,
            device=_UNDERNEATH,
            requires_grad=inner.requires_grad,
        )

    def __init__(self, inner: torch.Tensor) -> None:
        self.cpu_data = inner

    def __repr__(self) -> str:  # type: ignore[override]
        """As torch writes a GPU's tensor: ``tensor([...], device='cuda:0', dtype=..., grad_fn=...)``."""
        text = repr(self.cpu_data.detach())
        at = text.find(", dtype=")
        at = len(text) - 1 if at < 0 else at
        grad = f", grad_fn=<{type(self.grad_fn).__name__}>" if self.grad_fn is not None else ""
        grad = grad or (", requires_grad=True" if self.requires_grad else "")
        return text[:at] + f", device='{SECOND_DEVICE}'" + text[at:-1] + grad + ")"

    __torch_function__ = torch._C._disabled_torch_function_impl  # type: ignore[assignment]

    @classmethod
    def __torch_dispatch__(  # type: ignore[override]  # Tensor's is a C function, untyped
        cls, func: Any, types: Iterable[type], args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        return _dispatch(func, args, kwargs or {})


# Graded code that reads the class's name sees a tensor's (``type(x) is torch.Tensor`` still tells).
OnSecondDevice.__name__ = OnSecondDevice.__qualname__ = "Tensor"
OnSecondDevice.__module__ = "torch"


def _is_second(device: Any) -> bool:
    return isinstance(device, (str, torch.device)) and torch.device(device).type in (
        SECOND_DEVICE.type,
        _UNDERNEATH.type,
    )


def _unwrap(t: Any) -> Any:
    return t.cpu_data if isinstance(t, OnSecondDevice) else t


def _wrap(t: Any) -> Any:
    return OnSecondDevice(t) if isinstance(t, torch.Tensor) and not isinstance(t, OnSecondDevice) else t


def _check_same_device(name: str, args: Sequence[Any], flat: list[Any]) -> None:
    """CUDA's rule: tensors of one op share a device, except 0-dim CPU tensors (scalars),
    CPU index tensors of indexing, and a CPU source of a copy (``x[i] = row``). A copy of the
    device's values INTO a CPU tensor (``buffer[t] = h`` on ``torch.zeros(...)`` made without
    ``device=``) is refused: CUDA runs it, but it is a buffer silently created on the wrong
    device, the result moved back only afterwards (a learner's code that passes on
    CPU and fails on a GPU)."""
    allowed = set()
    if name in _INDEX_OPS:
        allowed = {id(t) for t in tree_flatten(args[1])[0]}
    elif name == "copy_":
        into, source = args[:2]
        if isinstance(source, OnSecondDevice) and not isinstance(into, OnSecondDevice):
            raise DeviceMismatch(
                f"a copy of values of {SECOND_DEVICE_NAME} into a tensor on {into.device} "
                "(a buffer created without device=)"
            )
        allowed = {id(a) for a in args[:2]}
    for t in flat:
        if (
            isinstance(t, torch.Tensor)
            and not isinstance(t, OnSecondDevice)
            and id(t) not in allowed
            and not (t.dim() == 0 and t.device.type == "cpu")
        ):
            raise DeviceMismatch(
                f"{name} on tensors of {SECOND_DEVICE_NAME} and one of shape {tuple(t.shape)} on {t.device}"
            )


def _dispatch(func: Any, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    name = str(func.overloadpacket.__name__)
    creates = _is_second(kwargs.get("device"))  # torch.zeros(..., device=x.device), .to(x.device)
    flat, _ = tree_flatten((args, kwargs))
    tagged = any(isinstance(t, OnSecondDevice) for t in flat)
    if not (tagged or creates):
        return func(*args, **kwargs)
    if not creates:
        _check_same_device(name, args, flat)
    inner_args, inner_kwargs = tree_map(_unwrap, (args, kwargs))
    if creates:
        inner_kwargs["device"] = torch.device("cpu")
    out = func(*inner_args, **inner_kwargs)
    if name == "_to_copy" and kwargs.get("device") is not None and not creates:  # .cpu(), .to("cpu")
        return out
    wrapped = tree_map(_wrap, out)
    return return_and_correct_aliasing(func, args, kwargs, wrapped) if tagged else wrapped


# Read on the real data, as a device answers them: values (``tolist``) and the memory a tensor
# uses (``data_ptr``, its storage), which correct code compares to tell aliased arguments apart;
# the wrapper alone has no storage (every ``data_ptr()`` 0: everything looked aliased).
_READ_ON_THE_DATA = {torch.Tensor.tolist, torch.Tensor.data_ptr, torch.Tensor.untyped_storage}


# What graded code reads of a tensor's device, and what the second device's tensors answer.
_SHOWN = {
    torch._C.TensorBase.device: SECOND_DEVICE,
    torch._C.TensorBase.is_cuda: True,
    torch._C.TensorBase.is_meta: False,
}


def _underneath(value: Any) -> Any:
    """A device argument as the mode reads it: the second device's name is ``meta`` underneath."""
    if isinstance(value, torch.device) or (isinstance(value, str) and value.startswith("cuda")):
        if torch.device(value).type == SECOND_DEVICE.type:
            return _UNDERNEATH
    return value


def _shown(func: Any, args: Sequence[Any]) -> tuple[bool, Any]:
    """(True, what a GPU's tensor answers) where ``func`` reads the device of a tensor of the
    second device (a property, ``get_device()``, ``type()``), else (False, None)."""
    if not args or not isinstance(args[0], OnSecondDevice):
        return False, None
    descriptor = getattr(func, "__self__", None)
    if type(descriptor) is type(torch._C.TensorBase.device) and descriptor in _SHOWN:
        return True, _SHOWN[descriptor]
    if func is torch._C.TensorBase.get_device or func is torch.Tensor.get_device:
        return True, SECOND_DEVICE.index
    if func is torch._C.TensorBase.type and len(args) == 1:
        return True, "torch.cuda." + args[0].cpu_data.type().rsplit(".", 1)[-1]
    return False, None


class _SecondDeviceFactories(TorchFunctionMode):
    """What never reaches the dispatcher with its device: ``torch.tensor(data, device=...)``
    (built on the CPU, then moved below Python's reach), ``numpy()`` and what
    :data:`_READ_ON_THE_DATA` reads; what graded code reads of the device (:func:`_shown`)
    and the device arguments it passes (:func:`_underneath`)."""

    def __torch_function__(
        self, func: Any, types: Iterable[type], args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        shown, answer = _shown(func, args)
        if shown:
            return answer
        if func is torch.Tensor.cuda or func is torch._C.TensorBase.cuda:
            func, args, kwargs = torch.Tensor.to, (args[0], _UNDERNEATH), {}
        args = tuple(_underneath(a) for a in args)
        kwargs = {k: _underneath(v) if k == "device" else v for k, v in (kwargs or {}).items()}
        if func in (torch.tensor, torch.as_tensor) and args and not isinstance(args[0], torch.Tensor):
            data = tree_map(_unwrap, args)  # torch.tensor([x[0], x[1]]): values read on the CPU
            if not _is_second(kwargs.get("device")):
                return func(*data, **kwargs)
            return _wrap(func(*data, **{**kwargs, "device": "cpu"}))
        if func in _READ_ON_THE_DATA and args and isinstance(args[0], OnSecondDevice):
            return func(args[0].cpu_data, *args[1:], **kwargs)
        if func is torch.Tensor.numpy and isinstance(args[0], OnSecondDevice):
            raise TypeError(
                f"can't convert a tensor on {SECOND_DEVICE_NAME} to numpy (as on CUDA): use .cpu() first"
            )
        return func(*args, **kwargs)


class _SecondDeviceMode(TorchDispatchMode):
    def __torch_dispatch__(
        self, func: Any, types: Iterable[type], args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
    ) -> Any:
        return _dispatch(func, args, kwargs or {})


@contextmanager
def second_device() -> Iterator[None]:
    """Inside: ``device=SECOND_DEVICE`` creates tensors on the second device, ``.to(SECOND_DEVICE)``
    moves there (modules too), and mixing with CPU tensors raises :class:`DeviceMismatch`.
    cuDNN is off inside: the second device shows a GPU's face, and on a CUDA build torch would
    hand its tensors to cuDNN (``nn.RNN`` flattens its weights there) as it does a GPU's."""
    enabled = torch.backends.cudnn.enabled
    torch.backends.cudnn.enabled = False
    try:
        with _SecondDeviceFactories(), _SecondDeviceMode():  # type: ignore[no-untyped-call]  # torch's __init__
            yield
    finally:
        torch.backends.cudnn.enabled = enabled


def to_second_device(value: Any) -> Any:
    """Copies of the tensors in ``value`` (nested lists, tuples, dicts) on the second device."""
    return tree_map(
        lambda t: (
            OnSecondDevice(t.detach().clone()).requires_grad_(t.requires_grad)
            if isinstance(t, torch.Tensor)
            else t
        ),
        value,
    )


def device_trace(call: Callable[[], Any]) -> dict[str, Any]:
    """Run ``call()`` under :func:`second_device`; report the outcome as plain data.

    ``{"ok": True, "value": the result with its tensors as CPU tensors, "devices": where the
    result's tensors were ("second" or a real device)}``, or ``{"ok": False, "mismatch": ...}``
    when an op mixed devices, or ``{"ok": False, "raised": ...}`` when the code raised only
    here (``.numpy()`` of a device tensor…). NotImplementedError (a stub) propagates.
    """
    try:
        with second_device():
            value = call()
    except NotImplementedError:
        raise
    except DeviceMismatch as exc:
        return {"ok": False, "mismatch": str(exc)}
    except (RuntimeError, TypeError, ValueError, IndexError) as exc:
        text = str(exc).splitlines()[0] if str(exc) else ""
        if "same device" in text or "expected device" in text or "is not on the expected device" in text:
            return {"ok": False, "mismatch": text}
        return {"ok": False, "raised": f"{type(exc).__name__}: {text}"[:300]}
    flat, _ = tree_flatten(value)
    devices = sorted(
        {
            "second" if isinstance(t, OnSecondDevice) else str(t.device)
            for t in flat
            if isinstance(t, torch.Tensor)
        }
    )
    plain = tree_map(lambda t: _unwrap(t).detach() if isinstance(t, torch.Tensor) else t, value)
    return {"ok": True, "value": plain, "devices": devices}


# torch.manual_seed also queues a seed for every device backend the build was made with, and
# formats the caller's stack to do so: tenths of a ms a call from a check's stack, tens of ms
# of a task's seeds. A build with no device
# backend gets the CPU generator seeded, which is all that torch.manual_seed changes there.
_DEVICE_BACKENDS = (
    torch.backends.cuda.is_built()  # CUDA and ROCm
    or torch.backends.mps.is_built()
    or torch.version.xpu is not None
    or hasattr(torch, torch._C._get_privateuse1_backend_name())  # a registered custom device
)


def manual_seed(seed: int) -> None:
    """``torch.manual_seed(seed)``: the same draws afterwards on every device, without torch's
    queued device seeds on a build that has no device to seed."""
    if _DEVICE_BACKENDS:
        torch.manual_seed(seed)
    else:
        torch.default_generator.manual_seed(int(seed))


# what to_plain gives back as it is: the exact types the codec carries, their own plain form
_PLAIN = frozenset({type(None), bool, int, float, complex, str, bytes, torch.Size, torch.dtype, torch.device})
_DEEPEST = 20  # deeper, an item becomes a message (the codec's own limit is further down)


def to_plain(value: Any, depth: int = 0) -> Any:
    """Turn a probe's result into what the channel's codec carries (:mod:`grader.sandboxed.codec`)."""
    if depth > _DEEPEST:
        return "<not plain data: nested too deep>"
    kind = type(value)
    if kind in _PLAIN:  # the first test: most items of an answer are these
        return value
    if isinstance(value, torch.Tensor):
        plain = value.detach()
        if type(plain) is not torch.Tensor:
            plain = plain.as_subclass(torch.Tensor)
        return plain
    if isinstance(value, (torch.Size, torch.dtype, torch.device)):
        return value
    plain_type: Any
    for plain_type in (bool, int, float, complex, str, bytes):  # np.float64, IntEnum… to the base type
        if isinstance(value, plain_type):
            return plain_type(value)
    inner = depth + 1
    shallow = inner <= _DEEPEST  # items of a plain type pass as they are, without a call each
    if isinstance(value, (list, tuple)):
        items = [v if shallow and type(v) in _PLAIN else to_plain(v, inner) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {
            (k if shallow and type(k) is str else _plain_key(k, inner)): (
                v if shallow and type(v) in _PLAIN else to_plain(v, inner)
            )
            for k, v in value.items()
        }
    module = type(value).__module__
    if module == "numpy" or module.startswith("numpy."):
        try:
            return to_plain(torch.as_tensor(value), inner)
        except (TypeError, RuntimeError):  # object or string arrays: torch cannot hold them
            return f"<not plain data: numpy {getattr(value, 'dtype', type(value).__name__)}>"
    return f"<not plain data: {type(value).__name__}>"


def _plain_key(key: Any, depth: int) -> Any:
    return to_plain(key, depth) if isinstance(key, (str, int)) else str(key)


class _ReadOnlyModule(ModuleType):
    """This module's type once loaded: assigning or deleting its attributes raises."""

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self.__name__} is read-only: {name} cannot be replaced")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{self.__name__} is read-only: {name} cannot be deleted")


sys.modules[__name__].__class__ = _ReadOnlyModule
