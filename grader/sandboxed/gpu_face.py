"""What graded code reads of a GPU while it runs on the second device (:mod:`grader.sandboxed.stand_in`):
on the stand-in every query graded code may make of its device answers as one GPU would, so no
*tell* lets code branch otherwise than on a real GPU (docs/engine.md, "Device checks: the second
device"); outside the stand-in each query is torch's own. :func:`show_a_gpu` binds the faces into
``torch.cuda`` and ``torch.backends`` before the submission's first line, so a name it keeps
(``from torch.cuda import is_available``) is the face too.
"""

from __future__ import annotations

import functools
import random
import sys
import weakref
from collections.abc import Callable
from typing import Any

import torch
import torch.backends.cuda
import torch.backends.cudnn

from grader.sandboxed import guarded
from grader.sandboxed.plain import ReadOnlyModule

NAME = "NVIDIA H100 80GB HBM3"  # the GPU the grader was measured on (docs/benchmark.md)
CAPABILITY = (9, 0)
TOTAL_MEMORY = 85_029_158_912
CUDNN_VERSION = 91002
BLOCK = 512  # CUDA's caching allocator rounds every allocation up to blocks of this many bytes
SEGMENT = 2 << 20  # ...and reserves memory from the driver in segments of (at least) this many


class _Face:
    """The stand-in's GPU: whether graded code runs on it now, and what its GPU holds."""

    def __init__(self) -> None:
        self.depth = 0  # second_device() blocks open
        self.cudnn = True  # torch.backends.cudnn.enabled as graded code sees it on the stand-in
        self.seed: int | None = None  # torch.cuda.manual_seed's, else torch's own initial seed
        self.held: dict[int, list[int]] = {}  # a storage's address: [its wrappers alive, its bytes]
        self.wrappers: dict[int, tuple[Any, int]] = {}  # id of a weak reference: (it, its address)
        self.allocated = self.peak = self.reserved = self.peak_reserved = 0
        self.pinned: dict[int, Any] = {}  # id: weak reference of a tensor pin_memory() made


FACE = _Face()


def standing_in() -> bool:
    return FACE.depth > 0


# -- memory: the bytes the second device's tensors hold ---------------------------------------------


def track(wrapper: torch.Tensor, data: torch.Tensor) -> None:
    """Count ``data``'s storage as the GPU's while ``wrapper`` (a tensor of the second device) lives."""
    storage = data.untyped_storage()
    address = storage.data_ptr()
    held = FACE.held.get(address)
    if held is None:
        held = FACE.held[address] = [0, -(-storage.nbytes() // BLOCK) * BLOCK]
        FACE.allocated += held[1]
        FACE.peak = max(FACE.peak, FACE.allocated)
        FACE.reserved = max(FACE.reserved, -(-FACE.allocated // SEGMENT) * SEGMENT)
        FACE.peak_reserved = max(FACE.peak_reserved, FACE.reserved)
    held[0] += 1
    ref = weakref.ref(wrapper, _released)
    FACE.wrappers[id(ref)] = (ref, address)


def _released(ref: weakref.ref[Any]) -> None:
    """A wrapper died: its storage's bytes are free once no wrapper of it is left."""
    _, address = FACE.wrappers.pop(id(ref), (None, 0))
    held = FACE.held.get(address)
    if held is None:
        return
    held[0] -= 1
    if held[0] <= 0:
        del FACE.held[address]
        FACE.allocated -= held[1]


# -- storages: on the stand-in, a storage of its tensors says it is the GPU's -------------------------


_STORAGE_DEVICE: Any = torch._C.StorageBase.__dict__["device"]  # a storage's own device, torch's getter


class ShownStorage(torch.UntypedStorage):
    """The class of a storage of the second device's data: on the stand-in, the GPU's device."""

    __slots__ = ()

    @property
    def device(self) -> torch.device:  # type: ignore[override]  # torch's is a plain attribute to mypy
        return torch.device("cuda", 0) if standing_in() else _STORAGE_DEVICE.__get__(self)

    @property
    def is_cuda(self) -> bool:
        return bool(self.device.type == "cuda")

    @property  # type: ignore[misc]  # graded code reads torch's class (type(): guarded.SHOWN_TYPES)
    def __class__(self) -> type:
        return torch.UntypedStorage


ShownStorage.__name__ = ShownStorage.__qualname__ = "UntypedStorage"
ShownStorage.__module__ = "torch.storage"


def shown_storage(storage: torch.UntypedStorage) -> torch.UntypedStorage:
    """``storage`` (of the second device's data), its device the GPU's on the stand-in."""
    if type(storage) is torch.UntypedStorage:
        storage.__class__ = ShownStorage
    return storage


def typed_storage(tensor: torch.Tensor) -> torch.TypedStorage:
    """What ``tensor.storage()`` gives (a tensor of the second device's data): a TypedStorage of
    its shown storage."""
    return torch.TypedStorage(
        wrap_storage=shown_storage(tensor.untyped_storage()), dtype=tensor.dtype, _internal=True
    )


# -- pinned memory: a copy, as a GPU's pin_memory() makes ---------------------------------------------


def pin(tensor: torch.Tensor) -> torch.Tensor:
    """``tensor.pin_memory()`` of a CPU tensor on the stand-in: a contiguous copy, said pinned."""
    if is_pinned(tensor):
        return tensor
    pinned = tensor.clone(memory_format=torch.contiguous_format)
    key = id(pinned)
    FACE.pinned[key] = weakref.ref(pinned, lambda _: FACE.pinned.pop(key, None))
    return pinned


def is_pinned(tensor: torch.Tensor) -> bool:
    ref = FACE.pinned.get(id(tensor))
    return ref is not None and ref() is tensor


# -- torch.cuda and torch.backends: the GPU's answers ----------------------------------------------


def _index(device: Any = None) -> int:
    """The GPU a query names (``None``, ``0``, ``"cuda"``, ``"cuda:0"``, ``x.device``): the stand-in
    is GPU 0, the only one, as a machine with one GPU answers."""
    if device is None or (type(device) is int and device == -1):
        return 0
    if isinstance(device, (str, torch.device)):
        named = torch.device(device)
        if named.type != "cuda":
            raise ValueError(f"Expected a cuda device, but got: {named}")
        device = 0 if named.index is None else named.index
    if not isinstance(device, int) or device != 0:
        raise RuntimeError("CUDA error: invalid device ordinal")
    return 0


class _CudaDeviceProperties:
    """What ``torch.cuda.get_device_properties`` gives of the stand-in's GPU."""

    def __init__(self) -> None:
        self.name = NAME
        self.major, self.minor = CAPABILITY
        self.total_memory = TOTAL_MEMORY
        self.multi_processor_count = 132
        self.is_integrated = self.is_multi_gpu_board = 0
        self.L2_cache_size = 50 << 20
        self.warp_size = 32
        self.max_threads_per_multi_processor = 2048
        self.regs_per_multiprocessor = 65536

    def __repr__(self) -> str:
        return (
            f"_CudaDeviceProperties(name='{self.name}', major={self.major}, minor={self.minor}, "
            f"total_memory={self.total_memory >> 20}MB, multi_processor_count={self.multi_processor_count}, "
            f"L2_cache_size={self.L2_cache_size >> 20}MB)"
        )


def _seeded(seed: int) -> None:
    FACE.seed = int(seed)


def _reseeded() -> None:
    FACE.seed = random.getrandbits(63)


def _empty_cache() -> None:
    FACE.reserved = -(-FACE.allocated // SEGMENT) * SEGMENT


def _initial_seed() -> int:
    return torch.initial_seed() if FACE.seed is None else FACE.seed


def _rng_state(device: Any = "cuda") -> torch.Tensor:
    """A CUDA generator's state: its seed and its offset, 8 bytes each."""
    _index(device)
    return torch.tensor(list(_initial_seed().to_bytes(8, "little")) + [0] * 8, dtype=torch.uint8)


def _set_rng_state(state: torch.Tensor, device: Any = "cuda") -> None:
    _index(device)
    FACE.seed = int.from_bytes(bytes(state[:8].tolist()), "little")


def _exchange(device: int) -> int:
    """torch.cuda.device's switch to ``device``: the one GPU is current already (-1: none asked)."""
    return -1 if device < 0 else _index(device)


def _on_gpu_0(answer: Callable[[], Any]) -> Callable[..., Any]:
    """A face that takes a device (the one GPU, else it raises as torch does) and gives ``answer()``."""

    def read(device: Any = None) -> Any:
        _index(device)
        return answer()

    return read


def _reset_peaks() -> None:
    FACE.peak, FACE.peak_reserved = FACE.allocated, FACE.reserved


# torch.cuda's members the subset allows: what each answers on the stand-in
CUDA: dict[str, Callable[..., Any]] = {
    "is_available": lambda: True,
    "device_count": lambda: 1,
    "current_device": lambda: 0,
    "synchronize": _on_gpu_0(lambda: None),
    "empty_cache": _empty_cache,
    "get_device_capability": _on_gpu_0(lambda: CAPABILITY),
    "get_device_name": _on_gpu_0(lambda: NAME),
    "get_device_properties": _on_gpu_0(_CudaDeviceProperties),
    "get_rng_state": _rng_state,
    "set_rng_state": _set_rng_state,
    "initial_seed": _initial_seed,
    "manual_seed": _seeded,
    "manual_seed_all": _seeded,
    "seed": _reseeded,
    "seed_all": _reseeded,
    "is_bf16_supported": lambda including_emulation=True: True,
    "memory_allocated": _on_gpu_0(lambda: int(FACE.allocated)),
    "max_memory_allocated": _on_gpu_0(lambda: int(FACE.peak)),
    "memory_reserved": _on_gpu_0(lambda: int(FACE.reserved)),
    "max_memory_reserved": _on_gpu_0(lambda: int(FACE.peak_reserved)),
    "reset_peak_memory_stats": _on_gpu_0(_reset_peaks),
    "_exchange_device": _exchange,  # what torch.cuda.device's __enter__ and __exit__ call
    "_maybe_exchange_device": _exchange,
}
BACKENDS: dict[Any, dict[str, Callable[..., Any]]] = {
    torch.backends.cuda: {"is_built": lambda: True},
    torch.backends.cudnn: {"is_available": lambda: True, "version": lambda: CUDNN_VERSION},
}
FACED = "stand_in_face"  # an attribute of a function that is a face of torch's


def _faced(real: Callable[..., Any], face: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(real)
    def either(*args: Any, **kwargs: Any) -> Any:
        return face(*args, **kwargs) if standing_in() else real(*args, **kwargs)

    setattr(either, FACED, True)
    return either


class _CudnnEnabled:
    """``torch.backends.cudnn.enabled`` as graded code reads and sets it: on the stand-in, cuDNN
    stays off underneath (torch would hand the stand-in's tensors to it as a GPU's) and the flag
    says what it said, or what graded code set it to there."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        return FACE.cudnn if standing_in() else self.real.__get__(obj, objtype)

    def __set__(self, obj: Any, value: Any) -> None:
        if standing_in():
            FACE.cudnn = bool(value)
        else:
            self.real.__set__(obj, value)


def show_a_gpu() -> None:
    """Bind the faces into torch.cuda and torch.backends (once a process): each answers as torch
    does, except on the stand-in."""
    if getattr(torch.cuda.is_available, FACED, False):
        return
    for module, faces in [(torch.cuda, CUDA), *BACKENDS.items()]:
        for name, face in faces.items():
            setattr(module, name, _faced(getattr(module, name), face))
    cudnn: Any = type(torch.backends.cudnn)
    cudnn.enabled = _CudnnEnabled(cudnn.__dict__["enabled"])


guarded.SHOWN_TYPES[id(ShownStorage)] = torch.UntypedStorage
sys.modules[__name__].__class__ = ReadOnlyModule
