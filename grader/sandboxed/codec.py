"""The channel's payload: plain data as tagged bytes, built (:func:`encode`) and read
(:func:`decode`) without pickle, in the format grader/sandboxed/codec_format.py states. What the
encoder does not know, and any payload the decoder (which trusts nothing: lengths, tags, dtypes,
devices, exact use) refuses, raises :class:`CodecError`, never a half-built value (docs/engine.md,
"The probe protocol").
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

import torch

from grader.sandboxed.codec_format import (
    C128,
    DEVICE_NAMES,
    DEVICE_TYPES,
    DICT,
    DIMS,
    DTYPE_HEADS,
    DTYPE_NAMES,
    F64,
    FALSE,
    FLOAT,
    FROM_NUMPY,
    I64,
    I64_MAX,
    I64_MIN,
    INT,
    KEY_TAGS,
    LIST,
    MAX_DEPTH,
    MAX_DIMS,
    NONE,
    NUMPY_DATA,
    PARAMETER,
    REQUIRES_GRAD,
    STR,
    TAG_C128,
    TAG_F64,
    TAG_I64,
    TAG_U32,
    TENSOR,
    TENSOR_SHAPES,
    TRUE,
    TUPLE,
    U32,
    CodecError,
)

__all__ = ["CodecError", "decode", "encode"]  # CodecError: codec_format's, raised by both

# str's tagged forms, kept: message keys, event and probe names and probes' sources recur in every message
_STRS: dict[str, bytes] = {}
_STRS_KEPT, _STR_KEPT_CHARS = 256, 2048  # at most a few MB, however a worker fills it
_KEY_TYPES = (str, int, bool)  # a dict key's: exact types


# -- encoding ---------------------------------------------------------------------------------
def encode(value: Any) -> bytes:
    out = bytearray()
    try:
        _encode(value, out, 0)
    except struct.error:  # a u32 packed past 4 Gi: a length or count the format cannot hold
        raise CodecError("a length over the format's 4 GiB") from None
    return bytes(out)


def _encode(value: Any, out: bytearray, depth: int) -> None:
    writer = _WRITERS.get(type(value))  # exact types: a subclass of a plain type is refused
    if writer is None:
        raise _unsendable(value)
    writer(value, out, depth)


def _unsendable(value: Any) -> CodecError:
    return CodecError(f"cannot send a {type(value).__module__}.{type(value).__qualname__}")


def _too_deep() -> CodecError:
    """A container already at :data:`MAX_DEPTH` (its items would be deeper) is refused."""
    return CodecError(f"nested deeper than {MAX_DEPTH} containers")


def _str_item(value: str) -> bytes:
    """A str's tag, length and UTF-8; a short one is kept for the next message."""
    try:
        raw = value.encode()  # strict UTF-8
    except UnicodeEncodeError as exc:
        raise CodecError(f"a str that is not valid UTF-8 ({exc.reason})") from None
    item = TAG_U32.pack(STR, len(raw)) + raw
    if len(value) <= _STR_KEPT_CHARS and len(_STRS) < _STRS_KEPT:
        _STRS[value] = item
    return item


def _write_str(value: str, out: bytearray, depth: int) -> None:
    out += _STRS.get(value) or _str_item(value)


def _write_int(value: int, out: bytearray, depth: int) -> None:
    if I64_MIN <= value <= I64_MAX:
        out += TAG_I64.pack(INT, value)
        return
    raw = value.to_bytes((value.bit_length() + 8) // 8, "big", signed=True)
    out += TAG_U32.pack(ord("I"), len(raw))
    out += raw


def _write_items(values: list[Any] | tuple[Any, ...], out: bytearray, depth: int) -> None:
    if depth >= MAX_DEPTH:
        raise _too_deep()
    out += TAG_U32.pack(LIST if type(values) is list else TUPLE, len(values))
    _write_each(values, out, depth + 1)


def _write_dict(value: dict[Any, Any], out: bytearray, depth: int) -> None:
    if depth >= MAX_DEPTH:
        raise _too_deep()
    for key in value:
        if type(key) not in _KEY_TYPES:
            raise CodecError(f"a dict key of type {type(key).__qualname__} (str, int or bool only)")
    out += TAG_U32.pack(DICT, len(value))
    _write_each(chain.from_iterable(value.items()), out, depth + 1)  # each key, then its item


def _write_each(items: Iterable[Any], out: bytearray, depth: int) -> None:
    """A container's items, one after another: str and float inline (most items are), the
    others as :func:`_encode` writes them (inline too: one call an item)."""
    for item in items:
        kind = type(item)
        if kind is str:
            out += _STRS.get(item) or _str_item(item)
        elif kind is float:
            out += TAG_F64.pack(FLOAT, item)
        else:
            writer = _WRITERS.get(kind)
            if writer is None:
                raise _unsendable(item)
            writer(item, out, depth)


def _write_bytes(value: bytes, out: bytearray, depth: int) -> None:
    out += TAG_U32.pack(ord("b"), len(value))
    out += value


def _write_complex(value: complex, out: bytearray, depth: int) -> None:
    out += TAG_C128.pack(ord("j"), value.real, value.imag)


def _write_size(value: torch.Size, out: bytearray, depth: int) -> None:
    out += TAG_U32.pack(ord("Z"), len(value))
    for dim in value:
        out += I64.pack(dim)


def _write_dtype(value: torch.dtype, out: bytearray, depth: int) -> None:
    head = DTYPE_HEADS.get(value)
    if head is None:
        raise CodecError(f"cannot send a tensor or dtype of {value}")
    out += b"D" + head[1:]


def _write_device(value: torch.device, out: bytearray, depth: int) -> None:
    if value.type not in DEVICE_TYPES:
        raise CodecError(f"cannot send the device {value}")
    name = value.type.encode("ascii")
    out += b"V" + bytes([len(name)]) + name
    out += I64.pack(-1 if value.index is None else value.index)


def _write_tensor(value: torch.Tensor, out: bytearray, depth: int) -> None:
    # a quantized tensor is refused by its dtype, which is none of DTYPES
    if value.layout is not torch.strided or (not value.is_cpu and value.is_meta):
        raise CodecError(
            f"cannot send a {value.layout} tensor on {value.device} (dense tensors with data only)"
        )
    dtype = value.dtype
    head = DTYPE_HEADS.get(dtype)
    if head is None:
        raise CodecError(f"cannot send a tensor or dtype of {dtype}")
    grad = value.requires_grad
    try:
        shape = value.shape  # a nested tensor has none
        if len(shape) > MAX_DIMS:
            raise CodecError(f"a tensor of {len(shape)} dimensions (at most {MAX_DIMS})")
        raw = _elements(value.detach() if grad else value, dtype)
    except CodecError:
        raise
    except (RuntimeError, TypeError, ValueError) as exc:
        raise CodecError(f"a tensor torch cannot read out: {exc}") from None
    flags = (REQUIRES_GRAD if grad else 0) | (PARAMETER if type(value) is torch.nn.Parameter else 0)
    flags |= NUMPY_DATA if value.__dict__.get(FROM_NUMPY) is True else 0
    out += head
    out += TENSOR_SHAPES[len(shape)].pack(flags, len(shape), *shape, len(raw))
    out += raw


def _elements(plain: torch.Tensor, dtype: torch.dtype) -> bytes:
    """The elements' bytes, row-major whatever the strides: a view sends its own elements."""
    if not plain.is_cpu:
        plain = plain.cpu()
    if dtype is torch.bfloat16:  # the same bytes as int16; numpy has no bfloat16
        return plain.resolve_conj().resolve_neg().view(torch.int16).numpy().tobytes()
    try:
        return plain.numpy().tobytes()
    except RuntimeError:  # numpy refuses a conjugate or negative bit: read out the values it means
        return plain.resolve_conj().resolve_neg().numpy().tobytes()


def _write_float(value: float, out: bytearray, depth: int) -> None:
    out += TAG_F64.pack(FLOAT, value)


def _write_none(value: None, out: bytearray, depth: int) -> None:
    out += b"N"


def _write_bool(value: bool, out: bytearray, depth: int) -> None:
    out += b"T" if value else b"F"


_WRITERS: dict[type, Callable[[Any, bytearray, int], None]] = {
    str: _write_str,
    torch.Tensor: _write_tensor,
    torch.nn.Parameter: _write_tensor,
    float: _write_float,
    int: _write_int,
    dict: _write_dict,
    tuple: _write_items,
    list: _write_items,
    type(None): _write_none,
    bool: _write_bool,
    bytes: _write_bytes,
    complex: _write_complex,
    torch.Size: _write_size,
    torch.dtype: _write_dtype,
    torch.device: _write_device,
}


# -- decoding ---------------------------------------------------------------------------------
# Each reader takes the payload and the position after its tag and gives (value, next position).
# Reading past the end raises IndexError (a tag byte) or struct.error (a fixed-size field):
# decode turns both into CodecError, so only lengths that slice (a slice never raises) and
# counts that allocate are checked on the way.
def decode(data: bytes) -> Any:
    if type(data) is not bytes:
        data = bytes(memoryview(data))
    try:
        value, pos = _READERS[data[0]](data, 1, 0)
    except (IndexError, struct.error):
        raise CodecError("truncated") from None
    if pos != len(data):
        raise CodecError(f"{len(data) - pos} bytes after the value")
    return value


def _read_str(data: bytes, pos: int, depth: int) -> tuple[str, int]:
    start = pos + 4
    end = start + U32.unpack_from(data, pos)[0]
    if end > len(data):
        raise CodecError(f"truncated: a str of {end - start} bytes, {len(data) - start} left")
    try:
        return data[start:end].decode(), end  # strict UTF-8
    except UnicodeDecodeError:
        raise CodecError("a str that is not valid UTF-8") from None


def _read_float(data: bytes, pos: int, depth: int) -> tuple[float, int]:
    return F64.unpack_from(data, pos)[0], pos + 8


def _read_int(data: bytes, pos: int, depth: int) -> tuple[int, int]:
    return I64.unpack_from(data, pos)[0], pos + 8


def _read_none(data: bytes, pos: int, depth: int) -> tuple[None, int]:
    return None, pos


def _read_true(data: bytes, pos: int, depth: int) -> tuple[bool, int]:
    return True, pos


def _read_false(data: bytes, pos: int, depth: int) -> tuple[bool, int]:
    return False, pos


def _read_tuple(data: bytes, pos: int, depth: int) -> tuple[tuple[Any, ...], int]:
    items, pos = _read_items(data, pos, depth)
    return tuple(items), pos


def _read_unknown(data: bytes, pos: int, depth: int) -> tuple[Any, int]:
    raise CodecError(f"unknown tag {data[pos - 1 : pos]!r}")


def _span(data: bytes, pos: int) -> tuple[int, int]:
    """Where a u32 length's bytes start and end; past the payload's end raises."""
    start = pos + 4
    end = start + U32.unpack_from(data, pos)[0]
    if end > len(data):
        raise CodecError(f"truncated: {end - start} bytes announced, {len(data) - start} left")
    return start, end


def _read_items(data: bytes, pos: int, depth: int) -> tuple[list[Any], int]:
    if depth >= MAX_DEPTH:
        raise _too_deep()
    inner = depth + 1
    count = U32.unpack_from(data, pos)[0]
    pos += 4
    if count > len(data) - pos:  # an item takes a byte at least
        raise CodecError(f"a count of {count} items in {len(data) - pos} bytes")
    items = []
    for _ in range(count):
        if data[pos] == FLOAT:  # a curve of losses: the call saved is most of an item's cost
            items.append(F64.unpack_from(data, pos + 1)[0])
            pos += 9
        else:
            item, pos = _READERS[data[pos]](data, pos + 1, inner)
            items.append(item)
    return items, pos


def _read_dict(data: bytes, pos: int, depth: int) -> tuple[dict[Any, Any], int]:
    if depth >= MAX_DEPTH:
        raise _too_deep()
    inner = depth + 1
    count = U32.unpack_from(data, pos)[0]
    pos += 4
    if 2 * count > len(data) - pos:  # a key and a value take a byte each at least
        raise CodecError(f"a count of {count} entries in {len(data) - pos} bytes")
    result = {}
    key: Any
    for _ in range(count):
        tag = data[pos]
        if tag == STR:  # _read_str, inline
            start = pos + 5
            pos = start + U32.unpack_from(data, pos + 1)[0]
            if pos > len(data):
                raise CodecError(f"truncated: a key of {pos - start} bytes, {len(data) - start} left")
            try:
                key = data[start:pos].decode()
            except UnicodeDecodeError:
                raise CodecError("a str that is not valid UTF-8") from None
        elif tag in KEY_TAGS:
            key, pos = _READERS[tag](data, pos + 1, inner)
        else:
            raise CodecError("a dict key that is not a str, int or bool")
        result[key], pos = _READERS[data[pos]](data, pos + 1, inner)
    if len(result) != count:
        raise CodecError("a dict with a repeated key")
    return result, pos


def _read_name(data: bytes, pos: int) -> tuple[bytes, int]:
    """A u8 length and that many bytes (a dtype's or device's name)."""
    end = pos + 1 + data[pos]
    if end > len(data):
        raise CodecError("truncated: a name")
    return data[pos + 1 : end], end


def _read_tensor(data: bytes, pos: int, depth: int) -> tuple[torch.Tensor, int]:
    end = pos + 1 + data[pos]  # the dtype's name, as _read_name reads it
    if end > len(data):
        raise CodecError("truncated: a name")
    found = DTYPE_NAMES.get(data[pos + 1 : end])
    if found is None:
        raise CodecError(f"a dtype not allowed: {data[pos + 1 : end]!r}")
    dtype, itemsize = found
    pos = end
    flags, dims = data[pos], data[pos + 1]
    if flags & ~(REQUIRES_GRAD | PARAMETER | NUMPY_DATA) or dims > MAX_DIMS:
        raise CodecError(f"a tensor header with flags {flags} and {dims} dimensions")
    *shape, size = DIMS[dims].unpack_from(data, pos + 2)
    if shape and min(shape) < 0:
        raise CodecError(f"a negative dimension in {shape}")
    if size != math.prod(shape) * itemsize:
        raise CodecError(f"{size} bytes for a {dtype} tensor of shape {shape}")
    start = pos + 10 + 8 * dims
    end = start + size
    if end > len(data):  # before any allocation: no more than the payload holds
        raise CodecError(f"truncated: a tensor of {size} bytes, {len(data) - start} left")
    # owned, writable; a small one through a bytes slice, cheaper than a memoryview for it
    raw = bytearray(data[start:end] if size <= 4096 else memoryview(data)[start:end])
    if dtype is torch.bool and raw.translate(None, b"\x00\x01"):
        raise CodecError("a bool tensor with bytes other than 0 and 1")
    try:
        return _tensor(raw, dtype, shape, flags), end
    except (RuntimeError, ValueError) as exc:  # requires grad on an int dtype, sizes torch refuses
        raise CodecError(f"a tensor torch cannot build: {exc}") from None


def _tensor(raw: bytearray, dtype: torch.dtype, shape: list[int], flags: int) -> torch.Tensor:
    # as torch.load rebuilt a tensor: set_ on a fresh one, so its version counter reads 1 like
    # before (autograd's in-place error names versions: a submission's message stays)
    if raw:
        tensor = torch.frombuffer(raw, dtype=dtype)  # its storage is raw's memory
        # contiguous; torch's stubs lack set_'s overload on a tensor, a third faster than on its storage
        tensor.set_(tensor, 0, shape)  # type: ignore[call-overload]
    else:  # frombuffer refuses an empty buffer
        tensor = torch.empty(0, dtype=dtype).set_(torch.UntypedStorage(0), 0, shape, _row_major(shape))
    if flags & NUMPY_DATA:
        setattr(tensor, FROM_NUMPY, True)
    if flags & PARAMETER:
        return torch.nn.Parameter(tensor, requires_grad=bool(flags & REQUIRES_GRAD))
    return tensor.requires_grad_(True) if flags & REQUIRES_GRAD else tensor


def _row_major(shape: list[int]) -> list[int]:
    strides, step = [], 1
    for dim in reversed(shape):
        strides.append(step)
        step *= max(dim, 1)
    return strides[::-1]


def _read_big_int(data: bytes, pos: int, depth: int) -> tuple[int, int]:
    start, end = _span(data, pos)
    if start == end:
        raise CodecError("an int of no bytes")
    return int.from_bytes(data[start:end], "big", signed=True), end


def _read_bytes(data: bytes, pos: int, depth: int) -> tuple[bytes, int]:
    start, end = _span(data, pos)
    return data[start:end], end


def _read_complex(data: bytes, pos: int, depth: int) -> tuple[complex, int]:
    return complex(*C128.unpack_from(data, pos)), pos + 16


def _read_size(data: bytes, pos: int, depth: int) -> tuple[torch.Size, int]:
    count = U32.unpack_from(data, pos)[0]
    if 8 * count > len(data) - pos - 4:
        raise CodecError(f"a count of {count} dimensions in {len(data) - pos - 4} bytes")
    return torch.Size(struct.unpack_from(f">{count}q", data, pos + 4)), pos + 4 + 8 * count


def _read_dtype(data: bytes, pos: int, depth: int) -> tuple[torch.dtype, int]:
    name, pos = _read_name(data, pos)
    if name not in DTYPE_NAMES:
        raise CodecError(f"a dtype not allowed: {name!r}")
    return DTYPE_NAMES[name][0], pos


def _read_device(data: bytes, pos: int, depth: int) -> tuple[torch.device, int]:
    name, pos = _read_name(data, pos)
    index: int = I64.unpack_from(data, pos)[0]
    if name not in DEVICE_NAMES or index < -1:
        raise CodecError(f"a device not allowed: {name!r}, index {index}")
    kind = DEVICE_NAMES[name]
    return (torch.device(kind) if index == -1 else torch.device(kind, index)), pos + 8


# by tag byte: one call an item, no chain of comparisons
_READERS: list[Callable[[bytes, int, int], tuple[Any, int]]] = [_read_unknown] * 256
for _tag, _reader in {
    STR: _read_str,
    TENSOR: _read_tensor,
    FLOAT: _read_float,
    INT: _read_int,
    DICT: _read_dict,
    TUPLE: _read_tuple,
    LIST: _read_items,
    NONE: _read_none,
    TRUE: _read_true,
    FALSE: _read_false,
    ord("I"): _read_big_int,
    ord("j"): _read_complex,
    ord("b"): _read_bytes,
    ord("Z"): _read_size,
    ord("D"): _read_dtype,
    ord("V"): _read_device,
}.items():
    _READERS[_tag] = _reader
