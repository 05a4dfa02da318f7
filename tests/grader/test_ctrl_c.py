"""Ctrl-C during the engine's heavy imports is answered after them (runner.ctrl_c_deferred): a
KeyboardInterrupt inside torch's or numpy's import left a half-built module, and `grade watch`
stopped with a RecursionError instead of "stopped watching"."""

from __future__ import annotations

import os
import signal

import pytest

from grader.engine.runner import ctrl_c_deferred

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def ctrl_c_raises():
    """Python's own SIGINT handler for the test (a job started in the background ignores SIGINT)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_ctrl_c_inside_the_block_is_raised_after_it():
    done = []
    with pytest.raises(KeyboardInterrupt):
        with ctrl_c_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            done.append("the block ran to its end")
    assert done == ["the block ran to its end"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_no_ctrl_c_no_interrupt():
    with ctrl_c_deferred():
        pass
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
