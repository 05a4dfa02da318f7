"""The channel's payload format (grader/sandboxed/codec.py writes and reads it): its tags, the
dtypes and device types it carries, its limits and the packed forms of its fields.

A payload is exactly one value; a value is a tag byte and its body (integers big-endian):

====  ===================================================================================
tag   body
====  ===================================================================================
N     None
T F   True, False
i     int in 64 bits (``>q``)
I     any other int: u32 length, then its two's-complement bytes
f     float (``>d``: nan, inf and -0.0 kept)
j     complex (``>dd``)
s     str: u32 length, then UTF-8 (strict: no lone surrogates, which ``torch.save`` refused too)
b     bytes: u32 length, then the bytes
l t   list, tuple: u32 count, then the items
d     dict: u32 count, then key, value, ... (keys: str, int or bool; order kept)
Z     torch.Size: u32 count, then ``>q`` each
D     torch.dtype: u8 length, then its name (``float32``), one of :data:`DTYPES`
V     torch.device: u8 length, its type (one of :data:`DEVICE_TYPES`), then its index (``>q``, -1: none)
X     tensor: dtype as in D, u8 flags (1: requires grad, 2: ``nn.Parameter``, 4: a NumPy array's
      data, its tensor then bearing :data:`FROM_NUMPY`), u8 dims, each
      dim ``>q``, u64 byte count, then the elements, contiguous, in this machine's byte order
====  ===================================================================================
"""

from __future__ import annotations

import struct

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


U32 = struct.Struct(">I")
I64 = struct.Struct(">q")
F64 = struct.Struct(">d")
C128 = struct.Struct(">dd")
# a tag byte and its fixed-size body in one pack: one call an item instead of three
TAG_U32 = struct.Struct(">BI")
TAG_I64 = struct.Struct(">Bq")
TAG_F64 = struct.Struct(">Bd")
TAG_C128 = struct.Struct(">Bdd")
I64_MIN, I64_MAX = -(1 << 63), (1 << 63) - 1
REQUIRES_GRAD, PARAMETER, NUMPY_DATA = 1, 2, 4
FROM_NUMPY = "from_numpy_array"  # the attribute, True, of a tensor made of a NumPy array's data
# tags as the ints that indexing bytes gives
NONE, TRUE, FALSE, INT, FLOAT, STR, LIST, TUPLE, DICT, TENSOR = b"NTFifsltdX"
KEY_TAGS = frozenset(b"TFiI")  # and s, read on its own path
DTYPE_NAMES = {name.encode("ascii"): (dtype, dtype.itemsize) for name, dtype in DTYPES.items()}
DTYPE_HEADS = {dtype: b"X" + bytes([len(name)]) + name.encode("ascii") for name, dtype in DTYPES.items()}
DEVICE_NAMES = {name.encode("ascii"): name for name in DEVICE_TYPES}
# a tensor's header after its dtype (flags, dims, each dim, byte count), one Struct per rank
TENSOR_SHAPES = [struct.Struct(f">BB{dims}qQ") for dims in range(MAX_DIMS + 1)]
DIMS = [struct.Struct(f">{dims}qQ") for dims in range(MAX_DIMS + 1)]


class CodecError(ValueError):
    """A value the format does not carry, or bytes that are not a well-formed payload."""
