"""The results channel between a worker and the trusted grader: frames of ``MAGIC | nonce (16
bytes) | length (8 bytes, big-endian) | payload``, the payload in :mod:`grader.sandboxed.codec`'s
tagged format, no pickle; the reader caps the length and checks the nonce (docs/engine.md, "The
probe protocol").
"""

from __future__ import annotations

import os
import select
import struct
import time
from typing import Any

from grader.sandboxed import codec

MAGIC = b"TGRD"
HEADER = struct.Struct(">4s16sQ")
MAX_MESSAGE_BYTES = 64 << 20


class ChannelError(Exception):
    """The other side sent something that is not a well-formed frame."""


class ChannelTimeout(Exception):
    """No complete frame arrived before the deadline."""


class ChannelClosed(Exception):
    """The other side closed the pipe (the worker exited or died)."""


def encode(obj: Any) -> bytes:
    """Plain data only: any other type raises :class:`ChannelError` (nothing is sent)."""
    try:
        return codec.encode(obj)
    except codec.CodecError as exc:
        raise ChannelError(f"cannot encode: {exc}") from None


def decode(data: bytes) -> Any:
    """The value in a payload; a malformed one raises :class:`ChannelError`, whole."""
    try:
        return codec.decode(data)
    except codec.CodecError as exc:
        raise ChannelError(f"malformed payload: {exc}") from None


def write_frame(fd: int, nonce: bytes, payload: bytes) -> None:
    data = HEADER.pack(MAGIC, nonce, len(payload)) + payload
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exactly(fd: int, count: int, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    remaining = count
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChannelTimeout
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                raise ChannelTimeout
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise ChannelClosed
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(
    fd: int, nonce: bytes, deadline: float | None = None, max_bytes: int = MAX_MESSAGE_BYTES
) -> bytes:
    """Read one frame's payload; ``deadline`` is a ``time.monotonic()`` value."""
    magic, got_nonce, length = HEADER.unpack(_read_exactly(fd, HEADER.size, deadline))
    if magic != MAGIC or got_nonce != nonce:
        raise ChannelError("malformed frame header")
    if length > max_bytes:
        raise ChannelError(f"frame of {length} bytes exceeds the {max_bytes}-byte cap")
    return _read_exactly(fd, length, deadline)
