"""A zygote on a machine with a GPU warms up without autograd's engine (first_use.warm_up).

There, a first backward counts the GPUs, which loads CUDA's driver, and starts one autograd thread
per GPU: the zygote then refused to fork (it must be single-threaded), and a child forked after
the driver's start could never use CUDA. Here the machine's GPU is played by ``gpu_present``:
the zygote boots without a backward, and each child starts autograd's engine before the seal
(outside every probe's CPU clock: a first backward inside a probe cost a corpus module 7 points
of autograd on the GPU machine) and trains.
"""

from __future__ import annotations

import pytest

from grader.engine.worker import sandbox, workers

pytestmark = pytest.mark.engine

TRAINS = """
import torch


def train(x):
    w = torch.zeros(3, requires_grad=True)
    optimizer = torch.optim.Adam([w], lr=0.1)
    for _ in range(20):
        optimizer.zero_grad()
        ((w - torch.tensor([1.0, 2.0, 3.0])) ** 2).sum().backward()
        optimizer.step()
    return w.detach().tolist()
"""


def probe_call(mod, name, *args):
    return getattr(mod, name)(None, *args)


def probe_autograd_started(mod):
    """Whether autograd's engine had started before the submission's first line (worker.seal)."""
    import sys

    return sys.modules["grader.sandboxed.engines"].autograd_started


@pytest.fixture
def a_gpu_machine(monkeypatch):
    monkeypatch.setattr(sandbox, "gpu_present", lambda: True)
    monkeypatch.setattr(workers, "_servers", {})
    # an earlier run in this process may have asked for a zygote without sympy (prestart)
    monkeypatch.setattr(workers, "_without_sympy", {})
    yield
    for server in workers._servers.values():
        server.stop()


def test_the_zygote_warms_up_without_a_backward_and_its_children_train(a_gpu_machine, session_for):
    assert "--without-backward" in sandbox.plan_zygote(0, False).argv
    session = session_for(TRAINS, timeout=20.0)
    assert session.run(probe_autograd_started) is True, "the child's first backward would be a probe's"
    w = session.run(probe_call, "train")
    assert isinstance(session.worker, workers.ForkedWorker), workers._servers[False].problem
    assert w[0] > 0.5 and w[2] > 1.0


def test_the_gpu_kind_of_zygote_starts_in_its_sandbox(a_gpu_machine):
    """The GPU sandbox binds /sys and the device nodes: each bind must come before the zygote's
    read-only remount of its root, or bubblewrap cannot make the mount point and the zygote dies
    before a word (on the H100 and the H200: "the zygote did not start: no answer")."""
    server = workers.ForkServer(gpu=True)
    assert server.launch() and server.await_ready(), server.problem
    server.stop()


def probe_gradient_ready(mod):
    """Whether what a backward handed a gradient imports (torch's symbolic shapes, sympy) was
    imported before the submission's first line."""
    import sys

    return all(name in sys.modules for name in ("torch.fx.experimental.symbolic_shapes", "sympy"))


def test_a_child_hands_a_gradient_without_importing_in_a_probe(a_gpu_machine, session_for):
    """Without a backward, the zygote still imports what ``y.backward(g)`` imports: on the H200 a
    child importing it inside its first probe (a Function's backward) used 2.5 s of CPU against
    the probe's 1 s, and the reference Sigmoid timed out (550/557 on CUDA)."""
    session = session_for(TRAINS, timeout=20.0)
    assert session.run(probe_gradient_ready) is True
    assert isinstance(session.worker, workers.ForkedWorker), workers._servers[False].problem
