"""The results channel accepts plain data only, from the right sender, within the size cap
(the payload format's own cases: test_channel_codec.py)."""

from __future__ import annotations

import io
import os
import pickle

import pytest
import torch

from grader.sandboxed import channel

pytestmark = pytest.mark.unit


class Payload:
    def __reduce__(self):
        return (os.system, ("touch /tmp/torchgrade-pwned",))


def test_plain_data_round_trips():
    value = {"t": torch.arange(3), "size": torch.Size([2, 3]), "s": "x", "n": [1, 2.5, None]}
    assert channel.decode(channel.encode(value))["size"] == torch.Size([2, 3])


@pytest.mark.parametrize(
    "make",
    [
        lambda: _saved({"x": Payload()}),
        lambda: pickle.dumps(Payload()),
        lambda: b"cbuiltins\neval\n(S'1+1'\ntR.",
    ],
)
def test_code_in_a_payload_is_refused(make):
    with pytest.raises(channel.ChannelError):  # no unpickler runs at all
        channel.decode(make())
    assert not os.path.exists("/tmp/torchgrade-pwned")


def _saved(obj) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "reader_nonce, max_bytes, problem",
    [
        (b"b" * 16, 1000, "malformed"),  # a frame tagged for another run
        (b"a" * 16, 10, "cap"),  # an announced length over the cap
    ],
)
def test_frames_need_the_nonce_and_respect_the_cap(reader_nonce, max_bytes, problem):
    read_end, write_end = os.pipe()
    try:
        channel.write_frame(write_end, b"a" * 16, b"x" * 100)
        with pytest.raises(channel.ChannelError, match=problem):
            channel.read_frame(read_end, reader_nonce, max_bytes=max_bytes)
    finally:
        os.close(read_end)
        os.close(write_end)


def test_a_silent_sender_times_out():
    import time

    read_end, write_end = os.pipe()
    try:
        with pytest.raises(channel.ChannelTimeout):
            channel.read_frame(read_end, b"a" * 16, deadline=time.monotonic() + 0.05)
    finally:
        os.close(read_end)
        os.close(write_end)
