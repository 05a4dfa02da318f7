"""The channel codec (grader/sandboxed/codec.py) against its frozen former self (codec_oracle.py):
the same bytes for every value and the same refusals; for every payload, a valid one or one
mangled at random, the same value or the same refusal (CodecError, never another exception);
and probe_kit.to_plain, which prepares the worker's answers, giving what it gave.
test_channel_codec.py holds the codec to torch.load's answers and to hostile payloads; this file
holds its fast paths to the format as it was."""

from __future__ import annotations

import enum
import math
import random
import struct
import warnings
from collections import OrderedDict, namedtuple
from collections.abc import Callable
from typing import Any

import codec_oracle as oracle
import numpy as np
import pytest
import torch
from torch import nn

from grader.sandboxed import codec, codec_format, probe_kit

pytestmark = pytest.mark.unit

DTYPES = list(codec_format.DTYPES.values())
FLOAT_SPECIALS = [0.0, -0.0, math.nan, math.inf, -math.inf, 1e-310, -1.5]
DEVICES = [torch.device("cpu"), torch.device("cpu", 0), torch.device("cuda", 1), torch.device("meta")]
DEVICES += [torch.device("mps"), torch.device("xpu", 3), torch.device("cuda")]
CHARS = "az09 _\n\x00é☃中\U0001f600"  # one to four UTF-8 bytes


# -- values -------------------------------------------------------------------------------------
def random_elements(rng: random.Random, dtype: torch.dtype, shape: list[int]) -> torch.Tensor:
    generator = torch.Generator().manual_seed(rng.randrange(1 << 30))
    count = math.prod(shape)
    if dtype is torch.bool:
        return torch.randint(0, 2, shape, generator=generator).bool()
    raw = torch.randint(0, 256, (count * dtype.itemsize,), dtype=torch.uint8, generator=generator)
    tensor = raw.view(dtype).reshape(shape)  # every bit pattern: nan payloads, subnormals
    if (dtype.is_floating_point or dtype.is_complex) and count and rng.random() < 0.5:
        flat = tensor.view(-1)
        for _ in range(rng.randint(1, 3)):
            flat[rng.randrange(count)] = rng.choice(FLOAT_SPECIALS)
    return tensor


def random_view(rng: random.Random, tensor: torch.Tensor) -> torch.Tensor:
    """A view whose elements are not its storage's, row-major from offset 0."""
    choice = rng.randrange(6)
    if choice == 0 and tensor.dim() >= 2:
        return tensor.transpose(0, -1)
    if choice == 1 and tensor.dim() >= 1 and tensor.shape[0] > 1:
        return tensor[1:] if rng.random() < 0.5 else tensor[::2]
    if choice == 2:
        return tensor.unsqueeze(0).expand(2, *tensor.shape)
    if choice == 3 and tensor.numel():
        return tensor.reshape(-1)[rng.randrange(tensor.numel())]  # 0-d, at an offset
    if choice == 4 and tensor.is_complex():
        return tensor.conj() if rng.random() < 0.5 else tensor.conj().imag  # conjugate, negative bit
    if choice == 5 and (tensor.is_floating_point() or tensor.is_complex()):
        return torch._neg_view(tensor)
    return tensor


def with_grad(rng: random.Random, tensor: torch.Tensor) -> torch.Tensor:
    choice = rng.randrange(5)
    if choice == 0:
        return nn.Parameter(tensor.clone(), requires_grad=rng.random() < 0.5)
    if choice == 1:
        return tensor.clone().requires_grad_(True)
    if choice == 2:
        return tensor.clone().requires_grad_(True) * 2  # not a leaf
    return tensor


def random_tensor(rng: random.Random) -> torch.Tensor:
    dtype = rng.choice(DTYPES)
    shape = [rng.choice((0, 1, 1, 2, 3, 5)) for _ in range(rng.choice((0, 0, 1, 1, 2, 3, 4)))]
    if rng.random() < 0.1:
        shape = [rng.randint(20, 300)]  # a curve's worth of elements
    tensor = random_elements(rng, dtype, shape)
    if rng.random() < 0.5:
        tensor = random_view(rng, tensor)
    if tensor.is_floating_point() or tensor.is_complex():
        tensor = with_grad(rng, tensor)
    return tensor


def random_str(rng: random.Random) -> str:
    size = rng.choice((0, 1, 5, 63, 64, 65, rng.randint(0, 40), rng.randint(100, 3000)))
    if rng.random() < 0.5:
        return rng.choice(("event", "value", "output", "name", "result", "off", "a"))
    return "".join(rng.choice(CHARS) for _ in range(size))


def random_scalar(rng: random.Random) -> Any:
    choice = rng.randrange(12)
    if choice == 0:
        return rng.choice((None, True, False))
    if choice == 1:
        return rng.choice(
            (0, -1, 1 << 63, (1 << 63) - 1, -(1 << 63), -(1 << 63) - 1, rng.randint(-(1 << 90), 1 << 90))
        )
    if choice == 2:
        return struct.unpack(">d", rng.randbytes(8))[0] if rng.random() < 0.5 else rng.choice(FLOAT_SPECIALS)
    if choice == 3:
        return complex(*struct.unpack(">dd", rng.randbytes(16)))
    if choice == 4:
        return rng.randbytes(rng.choice((0, 1, 7, 300)))
    if choice == 5:
        return torch.Size([rng.randint(0, 9) for _ in range(rng.randint(0, 4))])
    if choice == 6:
        return rng.choice(DTYPES)
    if choice == 7:
        return rng.choice(DEVICES)
    if choice == 8:
        return rng.randint(-1000, 1000)
    if choice == 9:
        return rng.random()
    return random_str(rng)


def random_key(rng: random.Random) -> Any:
    return rng.choice(
        (random_str, lambda r: r.randint(-5, 5), lambda r: r.random() < 0.5, lambda r: 1 << 70)
    )(rng)


def random_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.random() if depth < 5 else 0.0
    if kind < 0.4:
        return random_scalar(rng)
    if kind < 0.6:
        return random_tensor(rng)
    items = [random_value(rng, depth + 1) for _ in range(rng.choice((0, 1, 2, 3, 5, 8)))]
    if kind < 0.7:
        return items
    if kind < 0.8:
        return tuple(items)
    return {random_key(rng): item for item in items}


def _nested(depth: int, make: Callable[[Any], Any]) -> Any:
    value: Any = None
    for _ in range(depth):
        value = make(value)
    return value


def _refused() -> list[Any]:
    """Values the format does not carry (each refused by the oracle, as the test checks)."""
    cycle: list[Any] = []
    cycle.append(cycle)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # prototype, experimental, deprecated
        nested = torch.nested.nested_tensor([torch.ones(2), torch.ones(3)])
        complex32 = torch.zeros(2, dtype=torch.complex32)
        quantized = torch.quantize_per_tensor(torch.ones(2), 0.1, 0, torch.qint8)
    return [
        {1, 2},
        OrderedDict(a=1),
        namedtuple("Point", "x y")(1, 2),
        bytearray(b"ab"),
        object(),
        enum.IntEnum("E", "A").A,
        type("S", (str,), {})("s"),
        "\ud800",
        ["ok", "a\udfffb"],
        {(1, 2): 3},
        {1.5: 3},
        {None: 3},
        cycle,
        _nested(codec_format.MAX_DEPTH + 1, lambda v: [v]),
        _nested(codec_format.MAX_DEPTH + 1, lambda v: {"k": v}),
        torch.zeros(2).to_sparse(),
        torch.zeros(2, device="meta"),
        torch.zeros(2, dtype=torch.float8_e4m3fn),
        torch.float8_e4m3fn,
        complex32,
        quantized,
        torch.zeros((1,) * (codec_format.MAX_DIMS + 1)),
        torch.zeros(2).as_subclass(type("Sub", (torch.Tensor,), {})),
        nested,
    ]


REFUSED = _refused()


# -- comparing ----------------------------------------------------------------------------------
def elements(tensor: torch.Tensor) -> bytes:
    plain = tensor.detach().resolve_conj().resolve_neg().contiguous()
    return plain.reshape(-1).view(torch.uint8).numpy().tobytes()


def assert_same(got: Any, want: Any, where: str = "value") -> None:
    """Identical: types, float bits, dict keys in order, and for tensors everything a probe or a
    judge can read (dtype, shape, strides, storage, version counter, grad, Parameter, bytes)."""
    assert type(got) is type(want), f"{where}: {type(got)} != {type(want)}"
    if isinstance(want, torch.Tensor):
        facts = ("dtype", "shape", "requires_grad", "is_leaf", "_version", "device")
        assert [getattr(got, f) for f in facts] == [getattr(want, f) for f in facts], where
        assert (got.stride(), got.storage_offset(), got.is_contiguous()) == (
            want.stride(),
            want.storage_offset(),
            want.is_contiguous(),
        ), where
        assert got.untyped_storage().nbytes() == want.untyped_storage().nbytes(), where
        assert elements(got) == elements(want), where
    elif isinstance(want, dict):
        assert [(type(k), k) for k in got] == [(type(k), k) for k in want], where
        for key in want:
            assert_same(got[key], want[key], f"{where}[{key!r}]")
    elif isinstance(want, (list, tuple)) and not isinstance(want, torch.Size):
        assert len(got) == len(want), where
        for i, (a, b) in enumerate(zip(got, want)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(want, (float, complex)):
        assert struct.pack(">dd", complex(got).real, complex(got).imag) == struct.pack(
            ">dd", complex(want).real, complex(want).imag
        ), where
    else:
        assert got == want, where


def outcome(call: Callable[[Any], Any], arg: Any, refusal: type[Exception]) -> tuple[str, Any]:
    """("ok", result) or ("refused", message) for ``refusal``; any other exception propagates."""
    try:
        return "ok", call(arg)
    except refusal as exc:
        return "refused", str(exc)


def assert_decodes_alike(payload: bytes) -> None:
    want = outcome(oracle.decode, payload, oracle.CodecError)
    got = outcome(codec.decode, payload, codec.CodecError)  # another exception fails the test
    assert got[0] == want[0], f"{payload!r}: {got} where the oracle gave {want}"
    if want[0] == "ok":
        assert_same(got[1], want[1])


# -- values: the bytes and the decoded value as before --------------------------------------------
@pytest.mark.parametrize("chunk", range(4))
def test_every_value_encodes_to_its_former_bytes_and_decodes_as_before(chunk):
    for seed in range(chunk * 100, chunk * 100 + 100):
        value = random_value(random.Random(seed))
        want = oracle.encode(value)
        assert codec.encode(value) == want, f"seed {seed}"
        assert codec.encode(value) == want, f"seed {seed}, again (short str's kept form)"
        decoded = codec.decode(want)
        assert_same(decoded, oracle.decode(want), f"seed {seed}")
        assert codec.encode(decoded) == want, f"seed {seed}: decoded, encoded"


@pytest.mark.parametrize("value", REFUSED, ids=range(len(REFUSED)))
def test_what_the_oracle_refused_to_encode_is_refused(value):
    with pytest.raises(oracle.CodecError):
        oracle.encode({"value": value})
    with pytest.raises(codec.CodecError):
        codec.encode({"value": value})
    with pytest.raises(codec.CodecError):
        codec.encode([1.5, "s", value])  # through the containers' inline paths too


# -- payloads: valid, mangled, crafted at the limits -----------------------------------------------
TAGS = b"NTFiIfjsbltdZDVX?"


def mangled(rng: random.Random, payload: bytes) -> bytes:
    data = bytearray(payload)
    at = rng.randrange(len(data))
    choice = rng.randrange(9)
    if choice == 0:
        data[at] ^= 1 << rng.randrange(8)
    elif choice == 1:
        data[at] = rng.randrange(256)
    elif choice == 2:
        data[at] = data[rng.randrange(len(data))]  # another key's letter: repeated keys
    elif choice == 3:
        data[at] = rng.choice(TAGS)
    elif choice == 4:
        del data[at:]
    elif choice == 5:
        data += rng.randbytes(rng.randint(1, 3))
    elif choice == 6:
        del data[at]
    elif choice == 7:
        data.insert(at, rng.choice((0, 1, rng.randrange(256))))
    else:  # a length or count one off, or far off
        field = int.from_bytes(data[at : at + 4], "big")
        field = (field + rng.choice((-1, 1, 1 << 20, -(1 << 20)))) % (1 << 32)
        data[at : at + 4] = field.to_bytes(4, "big")[: len(data[at : at + 4])]
    return bytes(data)


@pytest.mark.parametrize("chunk", range(3))
def test_a_mangled_payload_decodes_or_is_refused_as_before(chunk):
    rng = random.Random(chunk)
    for seed in range(chunk * 40, chunk * 40 + 40):
        payload = codec.encode(random_value(random.Random(1000 + seed)))
        for _ in range(40):
            assert_decodes_alike(mangled(rng, payload))


def u32(n: int) -> bytes:
    return struct.pack(">I", n)


def q(n: int) -> bytes:
    return struct.pack(">q", n)


def tensor(dtype: bytes, flags: int, shape: tuple[int, ...], data: bytes, size: int | None = None) -> bytes:
    size = len(data) if size is None else size
    head = bytes([len(dtype)]) + dtype + bytes([flags, len(shape)]) + b"".join(map(q, shape))
    return b"X" + head + struct.pack(">Q", size) + data


def crafted() -> list[bytes]:
    """Payloads at each limit and on both sides of it."""
    found = []
    for depth in range(codec_format.MAX_DEPTH - 1, codec_format.MAX_DEPTH + 3):
        found += [(b"l" + u32(1)) * depth + b"N", (b"t" + u32(1)) * depth + b"l" + u32(0)]
        found += [(b"d" + u32(1) + b"s" + u32(1) + b"k") * depth + b"N"]
        found += [(b"l" + u32(2) + b"f" + bytes(8)) * depth + b"N" + b"s" + u32(0) * depth]
    for dims in (0, 1, codec_format.MAX_DIMS - 1, codec_format.MAX_DIMS, codec_format.MAX_DIMS + 1):
        found.append(tensor(b"float32", 0, (1,) * dims, bytes(4)))
    for name in [*codec_format.DTYPES, "float8_e4m3fn", "qint8", "Tensor", "flöat", "", "float32 "]:
        raw, size = name.encode(), codec_format.DTYPES.get(name, torch.uint8).itemsize
        found += [tensor(raw, 0, (2,), bytes(2 * size)), b"D" + bytes([len(raw)]) + raw]
        found += [tensor(raw, flags, (), bytes(size)) for flags in range(8)]
    for data in (b"\x00\x01", b"\x01\x02", b"\xff\x00"):
        found.append(tensor(b"bool", 0, (2,), data))
    for shape in [(2, 0, 3), (1 << 62, 0), (0, -1), (-1, -2), (1 << 62, 1 << 62), (1 << 40,)]:
        found += [tensor(b"float32", 0, shape, b""), tensor(b"int64", 1, shape, b"")]
    for name in (b"cpu", b"cuda", b"meta", b"mps", b"xpu", b"evil", b"cp\xfc", b""):
        found += [b"V" + bytes([len(name)]) + name + q(index) for index in (-2, -1, 0, 127, 128, 1 << 40)]
    found += [b"I" + u32(n) + bytes([0xFF] * n) for n in (0, 1, 8, 9, 40)] + [b"I" + u32(2) + b"\x00\x05"]
    key_a, key_1 = b"s" + u32(1) + b"a", b"i" + q(1)
    for keys in [(key_a, key_a), (key_1, b"T"), (key_1, b"I" + u32(1) + b"\x01"), (b"F", b"i" + q(0))]:
        found.append(b"d" + u32(2) + keys[0] + b"N" + keys[1] + b"N")
    found += [b"d" + u32(1) + key + b"N" for key in (b"f" + bytes(8), b"N", b"b" + u32(0), b"l" + u32(0))]
    found += [
        b"s" + u32(3) + b"\xed\xa0\x80",
        b"s" + u32(2) + b"\xc0\xaf",
        b"Z" + u32(2) + q(-1) + q(1 << 62),
    ]
    found += [b"j" + bytes(16), b"Z" + u32(1) + q(0)[:7], b"s" + u32(1 << 31), b"X", b"", b"NN"]
    return found


def test_a_payload_at_a_limit_decodes_or_is_refused_as_before():
    for payload in crafted():
        assert_decodes_alike(payload)


# -- what the worker sends: to_plain as before ---------------------------------------------------
class Odd:
    pass


Sub = type("Sub", (torch.Tensor,), {})


Point = namedtuple("Point", "x y")
ODD = [np.float64(2.5), np.float32(1.5), np.int64(3), np.bool_(True), np.arange(3), np.array(["a"])]
ODD += [enum.IntEnum("E", "A").A, type("S", (str,), {})("s"), Odd(), torch.zeros(2).as_subclass(Sub)]
ODD += [nn.Parameter(torch.ones(2)), torch.ones(2, requires_grad=True) * 2, OrderedDict(a=1), {1, 2}]
WRAPS: list[Callable[[Any], Any]] = [
    lambda v: [v, 1.5],
    lambda v: (v, "s"),
    lambda v: Point(v, None),
    lambda v: {"k": v},
    lambda v: {(1, 2): v, 3: None},
]


def odd_value(rng: random.Random, depth: int = 0) -> Any:
    """Results a probe may return: plain data, subclasses, numpy, objects, nesting past 20."""
    kind = rng.randrange(6) if depth < 3 else rng.randrange(2)
    if kind == 0:
        return rng.choice(ODD)
    if kind == 1:
        return random_value(rng, 4)
    if kind == 2:  # a chain of containers around the cut at 20
        value = odd_value(rng, 3)
        for _ in range(rng.randint(17, 23)):
            value = rng.choice(WRAPS)(value)
        return value
    items = [odd_value(rng, depth + 1) for _ in range(rng.choice((1, 2, 3)))]
    if kind == 3:
        return items
    if kind == 4:
        return tuple(items)
    keys = [rng.choice(("k", 1, True, 1 << 70, (1, 2), 1.5, None, np.int64(4))) for _ in items]
    return dict(zip(keys, items))


@pytest.mark.parametrize("seed", range(3))
def test_to_plain_gives_what_it_gave(seed):
    rng = random.Random(seed)
    for _ in range(100):
        value = odd_value(rng)
        want, got = oracle.to_plain(value), probe_kit.to_plain(value)
        assert_same(got, want)
        assert codec.encode(got) == oracle.encode(want)
