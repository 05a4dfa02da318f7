"""The channel's payload codec (grader/sandboxed/codec.py): what ``torch.load(weights_only=True)``
gave back, it gives back; what it does not know, it refuses whole, with ChannelError; hostile
bytes cost no more memory than they hold and never crash the reader."""

from __future__ import annotations

import argparse
import io
import math
import os
import random
import struct
import threading
import tracemalloc
from collections import OrderedDict, namedtuple
from typing import Any

import pytest
import torch
from torch import nn

from grader.sandboxed import channel, codec_format
from grader.sandboxed.worker import Worker

pytestmark = pytest.mark.unit


def torch_round_trip(value: Any) -> Any:
    """What the channel gave back before the codec: torch.save, then the weights-only reader."""
    buffer = io.BytesIO()
    torch.save(value, buffer)
    return torch.load(io.BytesIO(buffer.getvalue()), weights_only=True, map_location="cpu")


def raw_bytes(tensor: torch.Tensor) -> list[int]:
    plain = tensor.detach().resolve_conj().resolve_neg()
    fresh = torch.empty(plain.shape, dtype=plain.dtype).copy_(plain)  # row-major, stride 1 last
    return fresh.reshape(-1).view(torch.uint8).tolist()


def assert_same(got: Any, want: Any, where: str = "value") -> None:
    """Same type, and for tensors dtype, shape, requires_grad and values (nan where nan);
    containers item by item, dict keys in order and of the same types."""
    assert type(got) is type(want), f"{where}: {type(got)} != {type(want)}"
    if isinstance(want, torch.Tensor):
        assert (got.dtype, got.shape, got.requires_grad) == (want.dtype, want.shape, want.requires_grad), (
            where
        )
        assert got.device.type == "cpu", where
        assert got._version == want._version, f"{where}: version counter"  # in autograd's messages
        assert raw_bytes(got) == raw_bytes(want), where
    elif isinstance(want, dict):
        assert [(type(k), k) for k in got] == [(type(k), k) for k in want], where
        for key in want:
            assert_same(got[key], want[key], f"{where}[{key!r}]")
    elif isinstance(want, (list, tuple)) and not isinstance(want, torch.Size):
        assert len(got) == len(want), where
        for i, (a, b) in enumerate(zip(got, want)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(want, float):
        assert (math.isnan(got) and math.isnan(want)) or (
            got == want and math.copysign(1, got) == math.copysign(1, want)
        ), where
    elif isinstance(want, complex):
        assert_same(got.real, want.real, where)
        assert_same(got.imag, want.imag, where)
    else:
        assert got == want, where


# -- what crosses the channel today (listed from encode on `grade solutions/` and corpus modules)
DTYPES = list(codec_format.DTYPES.values())


def random_tensor(rng: random.Random) -> torch.Tensor:
    dtype = rng.choice(DTYPES)
    shape = [rng.randint(0, 3) for _ in range(rng.randint(0, 4))]
    generator = torch.Generator().manual_seed(rng.randrange(1 << 30))
    raw = torch.randint(0, 256, (math.prod(shape) * dtype.itemsize,), dtype=torch.uint8, generator=generator)
    tensor = raw.view(dtype).reshape(shape) if dtype is not torch.bool else (raw % 2).bool().reshape(shape)
    if rng.random() < 0.3 and tensor.dim() >= 2:
        tensor = tensor.transpose(0, 1)  # non-contiguous
    if rng.random() < 0.3 and tensor.dim() >= 1 and tensor.shape[0] > 1:
        tensor = tensor[1:]  # a view at an offset into a larger storage
    if dtype.is_floating_point or dtype.is_complex:
        choice = rng.random()
        if choice < 0.2:
            tensor = nn.Parameter(tensor.clone(), requires_grad=rng.random() < 0.5)
        elif choice < 0.4:
            tensor = tensor.clone().requires_grad_(True)
        elif choice < 0.5:
            tensor = tensor.clone().requires_grad_(True) * 2  # not a leaf
    return tensor


SCALARS = [
    None,
    True,
    False,
    0,
    -1,
    (1 << 63) - 1,
    -(1 << 63),
    1 << 63,
    -(1 << 200) + 7,
    0.5,
    -0.0,
    float("nan"),
    float("inf"),
    -float("inf"),
    1e-310,
    2 + 3j,
    complex(float("nan"), -0.0),
    "",
    "probe_mse",
    "naïve ☃ \x00",
    b"\x00\xff" * 3,
    torch.Size([]),
    torch.Size([2, 0, 3]),
    torch.float32,
    torch.bfloat16,
    torch.bool,
    torch.device("cpu"),
    torch.device("cuda", 1),
    torch.device("meta"),
]


def random_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.random() if depth < 4 else 0.0
    if kind < 0.45:
        return rng.choice(SCALARS)
    if kind < 0.65:
        return random_tensor(rng)
    items = [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if kind < 0.75:
        return items
    if kind < 0.85:
        return tuple(items)
    keys = [rng.choice(["a", "value", "", 0, -5, 1 << 70, True]) for _ in items]
    return dict(zip(keys, items))


@pytest.mark.parametrize("seed", range(200))
def test_a_random_value_comes_back_as_the_weights_only_reader_gave_it(seed):
    value = random_value(random.Random(seed))
    assert_same(channel.decode(channel.encode(value)), torch_round_trip(value))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 0, 4), (2, 3)], ids=str)
def test_every_allowed_dtype_and_shape_comes_back_as_before(dtype, shape):
    tensor = torch.ones(shape, dtype=dtype)
    assert_same(channel.decode(channel.encode(tensor)), torch_round_trip(tensor))


VIEWS = {
    "transposed": lambda: torch.arange(6.0).reshape(2, 3).t(),
    "stepped slice": lambda: torch.arange(10)[1::3],
    "expanded": lambda: torch.arange(3.0).expand(4, 3),
    "conj bit": lambda: torch.tensor([1 + 2j, 3 - 1j]).conj(),
    "neg bit": lambda: torch.tensor([1 + 2j, 3 - 1j]).conj().imag,
    "bfloat16 transposed": lambda: torch.arange(6.0, dtype=torch.bfloat16).reshape(3, 2).t(),
    "0-dim of a larger storage": lambda: torch.arange(5.0)[3],
    "one element, strided": lambda: torch.arange(10.0)[::5][:1],  # a row of a column-major array
}


@pytest.mark.parametrize("make", VIEWS.values(), ids=VIEWS.keys())
def test_a_view_comes_back_as_its_own_elements(make):
    view = make()
    assert_same(channel.decode(channel.encode(view)), torch_round_trip(view))


def test_a_probe_request_and_answer_come_back_as_before():
    request = {
        "name": "probe_loss",
        "source": "def probe_loss(m, name, *args, **kwargs):\n    return getattr(m, name)(*args, **kwargs)\n",
        "args": ("mse", torch.randn(4, 3), torch.randn(4, 3)),
        "kwargs": {"reduction": "sum"},
        "seed": 3,
        "timeout": 10.0,
        "cpu": None,
        "blocked": ["Model.forward"],
    }
    answer = {
        "event": "result",
        "value": (torch.randn(2), {"loss": 1.5}),
        "output": {"text": "hi\n", "dropped": 0},
    }
    files = {"files": {"losses.py": b"import torch\n"}}
    for value in (request, answer, files):
        assert_same(channel.decode(channel.encode(value)), torch_round_trip(value))


def test_an_empty_file_crosses_in_the_files_frame():
    """torch.save pickled b"" as a call to the global ``bytes``, which the weights-only reader
    refused: a submission holding an empty .py file (an ``__init__.py``) failed every topic's
    worker start. The codec carries it."""
    with pytest.raises(Exception, match="bytes"):
        torch_round_trip(b"")
    assert channel.decode(channel.encode({"files": {"__init__.py": b"", "losses.py": b"x = 1\n"}})) == {
        "files": {"__init__.py": b"", "losses.py": b"x = 1\n"}
    }


def test_decoded_tensors_own_writable_memory_apart_from_the_payload():
    payload = channel.encode([torch.arange(4.0), torch.arange(4.0)])
    first, second = channel.decode(payload)
    first += 1  # no warning about a read-only buffer, no effect on the other tensor or a re-read
    assert second.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert channel.decode(payload)[0].tolist() == [0.0, 1.0, 2.0, 3.0]


# -- refused when encoding: nothing is sent ------------------------------------------------------
class Opaque:
    pass


def _cycle() -> list:
    loop: list = []
    loop.append(loop)
    return loop


def _nested(depth: int) -> list:
    """``depth`` lists, each in the one before."""
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


REFUSED = {
    "object": Opaque(),
    "function": lambda: 1,
    "module": nn.Linear(2, 2),
    "set": {1, 2},
    "OrderedDict": OrderedDict(a=1),
    "namedtuple": namedtuple("Point", "x y")(1, 2),
    "bytearray": bytearray(b"ab"),
    "slice": slice(1, 2),
    "lone surrogate": "\ud800",
    "tuple key": {(1, 2): 3},
    "float key": {1.5: 3},
    "None key": {None: 3},
    "cycle": _cycle(),
    "too deep": _nested(codec_format.MAX_DEPTH + 1),
    "sparse tensor": torch.zeros(2).to_sparse(),
    "meta tensor": torch.zeros(2, device="meta"),
    "float8 tensor": torch.zeros(2, dtype=torch.float8_e4m3fn),
    "float8 dtype": torch.float8_e4m3fn,
    "tensor subclass": torch.zeros(2).as_subclass(type("Sub", (torch.Tensor,), {})),
}


@pytest.mark.parametrize("value", REFUSED.values(), ids=REFUSED.keys())
def test_what_the_format_does_not_carry_is_refused_on_encode(value):
    with pytest.raises(channel.ChannelError):
        channel.encode({"event": "result", "value": value})


def test_nesting_up_to_the_limit_is_carried():
    assert channel.decode(channel.encode(_nested(codec_format.MAX_DEPTH))) == _nested(codec_format.MAX_DEPTH)


def test_the_worker_still_reports_an_answer_it_cannot_send():
    """Worker.prepare's fallback: an answer the codec refuses becomes a 'raised' event."""
    read_end, write_end = os.pipe()
    nonce = b"n" * 16
    sender = argparse.Namespace(
        channel=channel, args=argparse.Namespace(results_fd=write_end), nonce=nonce, sending=threading.Lock()
    )
    try:
        payload = Worker.prepare(
            sender, {"event": "result", "value": torch.zeros(2).to_sparse(), "output": {}}
        )  # type: ignore[arg-type]
        Worker.write(sender, payload)  # type: ignore[arg-type]
        event = channel.decode(channel.read_frame(read_end, nonce))
    finally:
        os.close(read_end)
        os.close(write_end)
    assert event["event"] == "raised"
    assert event["error"]["message"] == "the result could not be sent back as plain data"


# -- hostile payloads: refused whole, with ChannelError -----------------------------------------
def u32(n: int) -> bytes:
    return struct.pack(">I", n)


def q(n: int) -> bytes:
    return struct.pack(">q", n)


def tensor_payload(
    dtype: bytes = b"float32", flags: int = 0, shape=(2,), size: int | None = None, data: bytes | None = None
) -> bytes:
    data = bytes(8) if data is None else data
    size = len(data) if size is None else size
    return (
        b"X"
        + bytes([len(dtype)])
        + dtype
        + bytes([flags, len(shape)])
        + b"".join(q(d) for d in shape)
        + struct.pack(">Q", size)
        + data
    )


HOSTILE = {
    "empty": b"",
    "unknown tag": b"?",
    "a torch.save archive": b"PK\x03\x04" + bytes(30),
    "a pickle": b"\x80\x04\x95" + bytes(8),
    "a protocol-0 pickle": b"cbuiltins\neval\n(S'1+1'\ntR.",
    "trailing bytes": b"N" + b"N",
    "trailing bytes after a list": b"l" + u32(1) + b"N" + b"\x00",
    "truncated int": b"i" + bytes(7),
    "truncated float": b"f" + bytes(3),
    "truncated complex": b"j" + bytes(15),
    "truncated str": b"s" + u32(5) + b"abc",
    "truncated length": b"s" + b"\x00\x00",
    "huge str length": b"s" + u32(0xFFFFFFFF) + b"abc",
    "huge bytes length": b"b" + u32(0xFFFFFFFF),
    "huge list count": b"l" + u32(0xFFFFFFFF) + b"N",
    "huge dict count": b"d" + u32(0xFFFFFFFF) + b"sa",
    "huge Size count": b"Z" + u32(0xFFFFFFFF) + q(1),
    "empty big int": b"I" + u32(0),
    "str not UTF-8": b"s" + u32(2) + b"\xff\xfe",
    "str with an encoded lone surrogate": b"s" + u32(3) + b"\xed\xa0\x80",
    "overlong UTF-8": b"s" + u32(2) + b"\xc0\xaf",
    "dict key a tuple": b"d" + u32(1) + b"t" + u32(0) + b"N",
    "dict key None": b"d" + u32(1) + b"NN",
    "dict key a float": b"d" + u32(1) + b"f" + bytes(8) + b"N",
    "dict key a tensor": b"d" + u32(1) + tensor_payload() + b"N",
    "dict key a list": b"d" + u32(1) + b"l" + u32(0) + b"N",
    "dict key repeated": b"d" + u32(2) + b"s" + u32(1) + b"a" + b"N" + b"s" + u32(1) + b"a" + b"T",
    "dict key missing": b"d" + u32(1),
    "dtype not allowed": tensor_payload(dtype=b"float8_e4m3fn", shape=(8,)),
    "dtype a torch attribute": tensor_payload(dtype=b"Tensor"),
    "dtype a dunder": tensor_payload(dtype=b"__class__"),
    "dtype not ASCII": tensor_payload(dtype="flöat".encode()),
    "a dtype value not allowed": b"D" + bytes([6]) + b"qint32",
    "shape and bytes disagree": tensor_payload(shape=(3,)),
    "bytes fewer than announced": tensor_payload(size=8, data=bytes(4)),
    "bytes more than the shape": tensor_payload(shape=(1,)),
    "negative dim": tensor_payload(shape=(-2,)),
    "negative dims that multiply out": tensor_payload(shape=(-1, -2)),
    "enormous dims": tensor_payload(shape=(1 << 62, 1 << 62), size=0, data=b""),
    "enormous declared bytes": tensor_payload(dtype=b"uint8", shape=(1 << 40,), size=1 << 40, data=bytes(16)),
    "declared bytes a machine could allocate": tensor_payload(
        dtype=b"uint8", shape=(1 << 28,), size=1 << 28, data=bytes(16)
    ),
    "too many dims": tensor_payload(shape=(1,) * (codec_format.MAX_DIMS + 1), size=4, data=bytes(4)),
    "unknown tensor flags": tensor_payload(flags=8),  # 1, 2 and 4 are known
    "requires grad on an int tensor": tensor_payload(dtype=b"int32", flags=1),
    "bool tensor bytes not 0 or 1": tensor_payload(dtype=b"bool", shape=(2,), data=b"\x01\x02"),
    "device not allowed": b"V" + bytes([4]) + b"evil" + q(-1),
    "device index below -1": b"V" + bytes([3]) + b"cpu" + q(-7),
    "nesting past the limit": (b"l" + u32(1)) * (codec_format.MAX_DEPTH + 5) + b"N",
    "nesting far past the recursion limit": (b"t" + u32(1)) * 200_000 + b"N",
    "dicts nested past the limit": (b"d" + u32(1) + b"s" + u32(1) + b"k") * (codec_format.MAX_DEPTH + 5)
    + b"N",
}


@pytest.mark.parametrize("payload", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_payload_is_refused_without_growing_memory(payload):
    tracemalloc.start()
    try:
        with pytest.raises(channel.ChannelError):
            channel.decode(payload)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * len(payload) + (1 << 20), f"{peak} bytes allocated for a payload of {len(payload)}"


def test_every_truncation_of_a_payload_is_refused():
    value = {
        "event": "result",
        "value": [torch.arange(6.0).reshape(2, 3), (1 << 80, -0.5, 1j), torch.Size([2]), torch.int64],
        "output": {"text": "ok", "dropped": 0, 3: b"x", True: None},
        "device": torch.device("cpu"),
    }
    payload = channel.encode(value)
    for end in range(len(payload)):
        with pytest.raises(channel.ChannelError):
            channel.decode(payload[:end])
    assert_same(channel.decode(payload), torch_round_trip(value))
