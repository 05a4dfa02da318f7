"""A forked child starts autograd's engine and, in a GPU's sandbox, CUDA before it says ``booted``.

The import's CPU clock starts at ``booted``: what the child starts before it is no submission's cost.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.unit


def test_a_forked_child_starts_its_engines_before_it_says_booted(monkeypatch):
    """A GPU child's CUDA start (~0.25 s of CPU on an H100) ran inside the import's CPU clock,
    which begins at ``booted``: the reference scored 228/557 on CUDA, every topic "did not answer
    within its CPU limit while importing". The engines start before ``booted`` now."""
    from grader.sandboxed import channel, engines, stand_ins, worker

    seen = []

    class Child:
        boot = worker.Worker.boot  # the real boot, on a child that sends nowhere

        def __init__(self, args):
            pass

        def send(self, event):
            seen.append((event["event"], engines._started))

    def no_order(fd, nonce):
        raise EOFError

    monkeypatch.setattr(worker, "Worker", Child)
    monkeypatch.setattr(stand_ins, "install", lambda: None)  # not in this process's modules
    monkeypatch.setattr(engines, "_started", False)
    monkeypatch.setattr(engines, "_start_autograd", lambda device: None)
    monkeypatch.setattr(channel, "read_frame", no_order)
    with pytest.raises(EOFError):
        worker.serve_forked(b"0" * 16, results_fd=3)
    assert seen == [("booted", True)]
