"""The channel codec (grader/sandboxed/codec.py) and probe_kit.to_plain, which prepares what the
worker sends, as they were before their fast paths (a805c93), frozen: the oracle of
tests/grader/test_codec_differential.py. The format is documented in the codec's module; this
copy is never imported by the grader and never changes with it."""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from typing import Any

import torch

MAX_DEPTH = 32  # containers in containers; probe_kit.to_plain cuts answers at 21
MAX_DIMS = 64  # a tensor's dimensions

DTYPES = {
    str(dtype).removeprefix("torch."): dtype
    for dtype in (
        torch.bool,
        torch.uint8,
        torch.int8,
        torch.int16,
        torch.int32,
        torch.int64,
        torch.uint16,
        torch.uint32,
        torch.uint64,
        torch.float16,
        torch.bfloat16,
        torch.float32,
        torch.float64,
        torch.complex64,
        torch.complex128,
    )
}
DEVICE_TYPES = frozenset({"cpu", "cuda", "mps", "xpu", "meta"})

_U8 = struct.Struct(">B")
_U32 = struct.Struct(">I")
_U64 = struct.Struct(">Q")
_I64 = struct.Struct(">q")
_F64 = struct.Struct(">d")
_C128 = struct.Struct(">dd")
_I64_MIN, _I64_MAX = -(1 << 63), (1 << 63) - 1
_U32_MAX = (1 << 32) - 1
_KEY_TAGS = frozenset(b"sTFiI")
_REQUIRES_GRAD, _PARAMETER, _NUMPY_DATA = 1, 2, 4  # 4: a NumPy array's data (learner_s25)


class CodecError(ValueError):
    """A value the format does not carry, or bytes that are not a well-formed payload."""


# -- encoding ---------------------------------------------------------------------------------
def encode(value: Any) -> bytes:
    out = bytearray()
    _encode(value, out, 0)
    return bytes(out)


def _encode(value: Any, out: bytearray, depth: int) -> None:
    writer = _WRITERS.get(type(value))
    if writer is None:
        raise CodecError(f"cannot send a {type(value).__module__}.{type(value).__qualname__}")
    writer(value, out, depth)


def _inside(depth: int) -> int:
    """The depth of a container's items; a container already at :data:`MAX_DEPTH` is refused."""
    if depth >= MAX_DEPTH:
        raise CodecError(f"nested deeper than {MAX_DEPTH} containers")
    return depth + 1


def _length(count: int, out: bytearray) -> None:
    if count > _U32_MAX:
        raise CodecError(f"a length of {count} is over the format's 4 GiB")
    out += _U32.pack(count)


def _items(values: list[Any] | tuple[Any, ...], out: bytearray, depth: int) -> None:
    inner = _inside(depth)
    _length(len(values), out)
    for item in values:
        _encode(item, out, inner)


def _write_none(value: None, out: bytearray, depth: int) -> None:
    out += b"N"


def _write_bool(value: bool, out: bytearray, depth: int) -> None:
    out += b"T" if value else b"F"


def _write_int(value: int, out: bytearray, depth: int) -> None:
    if _I64_MIN <= value <= _I64_MAX:
        out += b"i" + _I64.pack(value)
        return
    raw = value.to_bytes((value.bit_length() + 8) // 8, "big", signed=True)
    out += b"I"
    _length(len(raw), out)
    out += raw


def _write_float(value: float, out: bytearray, depth: int) -> None:
    out += b"f" + _F64.pack(value)


def _write_complex(value: complex, out: bytearray, depth: int) -> None:
    out += b"j" + _C128.pack(value.real, value.imag)


def _write_str(value: str, out: bytearray, depth: int) -> None:
    try:
        raw = value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CodecError(f"a str that is not valid UTF-8 ({exc.reason})") from None
    out += b"s"
    _length(len(raw), out)
    out += raw


def _write_bytes(value: bytes, out: bytearray, depth: int) -> None:
    out += b"b"
    _length(len(value), out)
    out += value


def _write_list(value: list[Any], out: bytearray, depth: int) -> None:
    out += b"l"
    _items(value, out, depth)


def _write_tuple(value: tuple[Any, ...], out: bytearray, depth: int) -> None:
    out += b"t"
    _items(value, out, depth)


def _write_dict(value: dict[Any, Any], out: bytearray, depth: int) -> None:
    inner = _inside(depth)
    out += b"d"
    _length(len(value), out)
    for key, item in value.items():
        if type(key) not in (str, int, bool):
            raise CodecError(f"a dict key of type {type(key).__qualname__} (str, int or bool only)")
        _encode(key, out, inner)
        _encode(item, out, inner)


def _write_size(value: torch.Size, out: bytearray, depth: int) -> None:
    out += b"Z"
    _length(len(value), out)
    for dim in value:
        out += _I64.pack(dim)


def _name(text: str, out: bytearray) -> None:
    raw = text.encode("ascii")
    out += _U8.pack(len(raw)) + raw


def _dtype_name(dtype: torch.dtype) -> str:
    name = str(dtype).removeprefix("torch.")
    if DTYPES.get(name) is not dtype:
        raise CodecError(f"cannot send a tensor or dtype of {dtype}")
    return name


def _write_dtype(value: torch.dtype, out: bytearray, depth: int) -> None:
    out += b"D"
    _name(_dtype_name(value), out)


def _write_device(value: torch.device, out: bytearray, depth: int) -> None:
    if value.type not in DEVICE_TYPES:
        raise CodecError(f"cannot send the device {value}")
    out += b"V"
    _name(value.type, out)
    out += _I64.pack(-1 if value.index is None else value.index)


def _write_tensor(value: torch.Tensor, out: bytearray, depth: int) -> None:
    if value.layout is not torch.strided or value.device.type == "meta" or value.is_quantized:
        raise CodecError(
            f"cannot send a {value.layout} tensor on {value.device} (dense tensors with data only)"
        )
    if value.dim() > MAX_DIMS:
        raise CodecError(f"a tensor of {value.dim()} dimensions (at most {MAX_DIMS})")
    name = _dtype_name(value.dtype)
    flags = (_REQUIRES_GRAD if value.requires_grad else 0) | (
        _PARAMETER if type(value) is torch.nn.Parameter else 0
    )
    flags |= _NUMPY_DATA if getattr(value, "from_numpy_array", False) is True else 0
    try:
        plain = value.detach()
        if plain.device.type != "cpu":
            plain = plain.cpu()
        if plain.is_conj() or plain.is_neg():
            plain = plain.resolve_conj().resolve_neg()
        if plain.dtype is torch.bfloat16:
            plain = plain.view(torch.int16)  # the same bytes; numpy has no bfloat16
        raw = plain.numpy().tobytes()  # row-major whatever the strides: a view sends its own elements
    except (RuntimeError, TypeError, ValueError) as exc:
        raise CodecError(f"a tensor torch cannot read out: {exc}") from None
    out += b"X"
    _name(name, out)
    out += _U8.pack(flags) + _U8.pack(plain.dim())
    for dim in plain.shape:
        out += _I64.pack(dim)
    out += _U64.pack(len(raw))
    out += raw


_WRITERS: dict[type, Callable[[Any, bytearray, int], None]] = {
    type(None): _write_none,
    bool: _write_bool,
    int: _write_int,
    float: _write_float,
    complex: _write_complex,
    str: _write_str,
    bytes: _write_bytes,
    list: _write_list,
    tuple: _write_tuple,
    dict: _write_dict,
    torch.Size: _write_size,
    torch.dtype: _write_dtype,
    torch.device: _write_device,
    torch.Tensor: _write_tensor,
    torch.nn.Parameter: _write_tensor,
}


# -- decoding ---------------------------------------------------------------------------------
def decode(data: bytes) -> Any:
    reader = _Reader(data)
    value = reader.value(0)
    if reader.pos != len(data):
        raise CodecError(f"{len(data) - reader.pos} bytes after the value")
    return value


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, count: int) -> bytes:
        end = self.pos + count
        if end > len(self.data):
            raise CodecError(f"truncated: {count} bytes announced, {len(self.data) - self.pos} left")
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def unpack(self, fmt: struct.Struct) -> Any:
        if self.pos + fmt.size > len(self.data):
            raise CodecError("truncated")
        (value,) = fmt.unpack_from(self.data, self.pos)
        self.pos += fmt.size
        return value

    def count(self, least_bytes_each: int) -> int:
        """A u32 count of things that take at least ``least_bytes_each`` bytes each."""
        count: int = self.unpack(_U32)
        if count * least_bytes_each > len(self.data) - self.pos:
            raise CodecError(f"a count of {count} items in {len(self.data) - self.pos} bytes")
        return count

    def name(self) -> str:
        raw = self.take(self.unpack(_U8))
        try:
            return raw.decode("ascii")
        except UnicodeDecodeError:
            raise CodecError("a name that is not ASCII") from None

    def value(self, depth: int) -> Any:
        tag = self.take(1)
        reader = _READERS.get(tag)
        if reader is None:
            raise CodecError(f"unknown tag {tag!r}")
        return reader(self, depth)

    def items(self, depth: int) -> list[Any]:
        inner = _inside(depth)
        return [self.value(inner) for _ in range(self.count(1))]

    def read_dict(self, depth: int) -> dict[Any, Any]:
        inner = _inside(depth)
        count = self.count(2)
        result = {}
        for _ in range(count):
            if self.pos >= len(self.data) or self.data[self.pos] not in _KEY_TAGS:
                raise CodecError("a dict key that is not a str, int or bool")
            key = self.value(inner)
            result[key] = self.value(inner)
        if len(result) != count:
            raise CodecError("a dict with a repeated key")
        return result

    def read_str(self, depth: int) -> str:
        try:
            return self.take(self.unpack(_U32)).decode("utf-8")
        except UnicodeDecodeError:
            raise CodecError("a str that is not valid UTF-8") from None

    def read_complex(self, depth: int) -> complex:
        return complex(*_C128.unpack(self.take(_C128.size)))

    def read_big_int(self, depth: int) -> int:
        size = self.unpack(_U32)
        if size == 0:
            raise CodecError("an int of no bytes")
        return int.from_bytes(self.take(size), "big", signed=True)

    def read_size(self, depth: int) -> torch.Size:
        return torch.Size([self.unpack(_I64) for _ in range(self.count(_I64.size))])

    def read_dtype(self, depth: int) -> torch.dtype:
        name = self.name()
        if name not in DTYPES:
            raise CodecError(f"a dtype not allowed: {name!r}")
        return DTYPES[name]

    def read_device(self, depth: int) -> torch.device:
        kind, index = self.name(), self.unpack(_I64)
        if kind not in DEVICE_TYPES or index < -1:
            raise CodecError(f"a device not allowed: {kind!r}, index {index}")
        return torch.device(kind) if index == -1 else torch.device(kind, index)

    def read_tensor(self, depth: int) -> torch.Tensor:
        dtype = self.read_dtype(depth)
        flags, dims = self.unpack(_U8), self.unpack(_U8)
        if flags & ~(_REQUIRES_GRAD | _PARAMETER | _NUMPY_DATA) or dims > MAX_DIMS:
            raise CodecError(f"a tensor header with flags {flags} and {dims} dimensions")
        shape = [self.unpack(_I64) for _ in range(dims)]
        if any(dim < 0 for dim in shape):
            raise CodecError(f"a negative dimension in {shape}")
        numel = math.prod(shape)
        size = self.unpack(_U64)
        if size != numel * dtype.itemsize:
            raise CodecError(f"{size} bytes for a {dtype} tensor of shape {shape}")
        if self.pos + size > len(self.data):  # before any allocation: no more than the payload holds
            raise CodecError(f"truncated: a tensor of {size} bytes, {len(self.data) - self.pos} left")
        raw = bytearray(memoryview(self.data)[self.pos : self.pos + size])  # owned, writable
        self.pos += size
        if dtype is torch.bool and raw.translate(None, b"\x00\x01"):
            raise CodecError("a bool tensor with bytes other than 0 and 1")
        try:
            storage = (
                torch.frombuffer(raw, dtype=torch.uint8).untyped_storage()
                if size
                else torch.UntypedStorage(0)
            )
            # as torch.load rebuilt a tensor: set_ on an empty one, so its version counter reads 1
            # like before (autograd's in-place error names versions: a submission's message stays)
            tensor = torch.empty(0, dtype=dtype).set_(storage, 0, shape, _row_major(shape))
            if flags & _NUMPY_DATA:
                tensor.from_numpy_array = True
            if flags & _PARAMETER:
                return torch.nn.Parameter(tensor, requires_grad=bool(flags & _REQUIRES_GRAD))
            return tensor.requires_grad_(True) if flags & _REQUIRES_GRAD else tensor
        except (RuntimeError, ValueError) as exc:  # requires grad on an int dtype, sizes torch refuses
            raise CodecError(f"a tensor torch cannot build: {exc}") from None


def _row_major(shape: list[int]) -> list[int]:
    strides, step = [], 1
    for dim in reversed(shape):
        strides.append(step)
        step *= max(dim, 1)
    return strides[::-1]


def _constant(value: Any) -> Callable[[_Reader, int], Any]:
    return lambda reader, depth: value


_READERS: dict[bytes, Callable[[_Reader, int], Any]] = {
    b"N": _constant(None),
    b"T": _constant(True),
    b"F": _constant(False),
    b"i": lambda reader, depth: reader.unpack(_I64),
    b"I": _Reader.read_big_int,
    b"f": lambda reader, depth: reader.unpack(_F64),
    b"j": _Reader.read_complex,
    b"s": _Reader.read_str,
    b"b": lambda reader, depth: reader.take(reader.unpack(_U32)),
    b"l": _Reader.items,
    b"t": lambda reader, depth: tuple(reader.items(depth)),
    b"d": _Reader.read_dict,
    b"Z": _Reader.read_size,
    b"D": _Reader.read_dtype,
    b"V": _Reader.read_device,
    b"X": _Reader.read_tensor,
}


# probe_kit.to_plain as it was at a805c93: the oracle of what the worker sends; since nothing of a
# submission runs after its probe, a tensor is a copy in memory of its own (what the submission does
# to its tensor afterwards reaches no answer) and a tensor subclass other than nn.Parameter is
# refused, not converted (its detach or __torch_function__ would run)
def to_plain(value: Any, depth: int = 0) -> Any:
    """Turn a probe's result into what the channel's codec carries (:mod:`grader.sandboxed.codec`)."""
    if depth > 20:
        return "<not plain data: nested too deep>"
    if isinstance(value, torch.Tensor):
        if type(value) not in (torch.Tensor, torch.nn.Parameter):
            return f"<not plain data: a subclass of torch.Tensor: {type(value).__name__}>"
        return value.detach().clone()
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
            tensor = to_plain(torch.as_tensor(value), depth + 1)
        except (TypeError, RuntimeError):  # object or string arrays: torch cannot hold them
            return f"<not plain data: numpy {getattr(value, 'dtype', type(value).__name__)}>"
        if type(value).__name__ == "ndarray" and isinstance(tensor, torch.Tensor):
            tensor.from_numpy_array = True
        return tensor
    return f"<not plain data: {type(value).__name__}>"
